// Entry of `totem verify`'s worker threads, bundled on its own (scripts/build.mjs): the checking code
// without the command line, so a worker does not load commander and the dispatcher before its first
// chunk. node-io's verify-threads.ts starts it.
import { parentPort } from "node:worker_threads";
import { serveChunks } from "@totem/node-io";

if (parentPort) serveChunks(parentPort);
