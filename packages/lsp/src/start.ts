// Entry points: start the server on a given connection, on two streams, or on stdio.
import type { Connection } from "vscode-languageserver";
import { createConnection, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver/node";
import { startServer as wire } from "./server.js";

/**
 * Starts the Totem language server on `connection`, or on stdin/stdout when none is given
 * (`totem lsp --stdio`, the bundled server of the VS Code extension). Returns the listening connection.
 */
export function startServer(connection?: Connection): Connection {
  // Passing the streams themselves (not readers) makes the library end the process when the client
  // closes stdin, and route console output away from stdout when started with --stdio.
  return wire(connection ?? createConnection(process.stdin, process.stdout));
}

/** Starts a server that reads protocol messages from `input` and writes them to `output` (tests, embedding). */
export function createServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Connection {
  return wire(createConnection(new StreamMessageReader(input), new StreamMessageWriter(output)));
}
