// Entry points: start the server on a given connection, on two streams, or on stdio.
import type { Connection } from "vscode-languageserver";
import { createConnection, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver/node";
import { guardMessages } from "./message-guard.js";
import { startServer as wire } from "./server.js";

/**
 * Starts the Totem language server on `connection`, or on stdin/stdout when none is given
 * (`totem lsp --stdio`, the bundled server of the VS Code extension). Returns the listening connection.
 * Input passes through the message guard (message-guard.ts): a malformed `Content-Length` drops one
 * message, logged to the client, instead of wedging the server.
 */
export function startServer(connection?: Connection): Connection {
  if (connection) return wire(connection);
  let started: Connection | undefined;
  // Passing a stream (not a reader) makes the library end the process when the client closes stdin:
  // the guard ends when stdin does.
  const input = guardMessages(process.stdin, (why) => started?.console.error(`totem: ${why}`));
  started = wire(createConnection(input, process.stdout));
  return started;
}

/** Starts a server that reads protocol messages from `input` and writes them to `output` (tests, embedding). */
export function createServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Connection {
  let started: Connection | undefined;
  const guarded = guardMessages(input, (why) => started?.console.error(`totem: ${why}`));
  started = wire(createConnection(new StreamMessageReader(guarded), new StreamMessageWriter(output)));
  return started;
}
