// @totem/node-io: the Node I/O the CLI and the language server share — the bounded file reader, the
// one process runner, artifact listing and hashing, inspections, the links folder, and the worker
// threads `totem verify` runs the engine's chunks on, the gpg program and keyring references. Depends on the engine only.
export type { ArtifactError, ArtifactFile, ArtifactOptions } from "./artifacts.js";
export { listArtifacts, recordArtifacts } from "./artifacts.js";
export type { InspectionPolicy, InspectionRunnerOptions } from "./inspections.js";
export { INSPECTION_TIMEOUT_SECONDS, inspectionRunner } from "./inspections.js";
export type { FileKind, ReadFailure, ReadOptions } from "./read-file.js";
export { describeFsError, formatBytes, READ_LIMITS, readFileBounded, readTextBounded } from "./read-file.js";
export type { CapturedStream, ProcessResult, RunOptions, StreamMode } from "./run-process.js";
export { CAPTURE_LIMIT_BYTES, DRAIN_MS, KILL_GRACE_MS, runProcess } from "./run-process.js";
export { listLinkDir, readLinkFile } from "./link-folder.js";
export { ATTESTATIONS_TOTAL_LIMIT, type AttestationFolderProblem, readAttestationFolder } from "./attestation-folder.js";
export { type ChunkPort, chunkRunner, MAX_JOBS, serveChunks, threadsFor, warmWorkers } from "./verify-threads.js";
export { type Authority, dsseBundle, makeAuthority, makeSigner, type SignerSpec } from "./test-sigstore.js";
export { exportGpgKey, gpgHomeArgs, gpgKeyidProblem, runGpg } from "./gpg.js";
export { type KeyringKey, keyringAnswer, readKeyringKey } from "./gpg-keyring.js";
