// The Totem language server: wires protocol requests to the feature modules. Every handler runs
// behind `guard`, so a bug in a feature answers one request with an error instead of ending the server.
import {
  CodeActionKind,
  type Connection,
  DidChangeWatchedFilesNotification,
  type InitializeResult,
  ResponseError,
  TextDocumentSyncKind,
} from "vscode-languageserver";
import { AnalysisCache } from "./analysis.js";
import { type CelSyntaxCheck, celParser } from "@totem/engine";
import { codeActions } from "./code-actions.js";
import { codeLenses } from "./code-lens.js";
import { inlayHints } from "./inlay-hints.js";
import { listKeyDir } from "./key-dir.js";
import { policyTestFile } from "./policy-tests.js";
import { stepGraph } from "./step-graph.js";
import type { ServerStartup, StepGraphParams, StepGraphResult } from "./protocol.js";
import { completionsAt } from "./completion.js";
import { registerCustomRequests } from "./custom-requests.js";
import { registerEditorRequests } from "./editor-requests.js";
import { DiagnosticsPublisher } from "./diagnostics-publisher.js";
import { DocumentStore } from "./documents.js";
import { foldingRanges } from "./folding.js";
import { formatDocument } from "./formatting.js";
import { hoverAt } from "./hover.js";
import { KeyFileCache } from "./key-files.js";
import { KeyringCache } from "./keyring-keys.js";
import { keyInfo } from "./policy-keys.js";
import { codeDocsLink, docsUrl } from "./docs-links.js";
import { CompileCache } from "./compile.js";
import { definitionAt, prepareRenameAt, referencesAt, renameAt } from "./navigation.js";
import { documentSymbols } from "./outline.js";
import { toLspDiagnostic } from "./to-protocol.js";
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from "./semantic-tokens.js";
import { DEFAULT_SETTINGS, readSettings, type TotemSettings } from "./settings.js";
import { uriToPath } from "./uris.js";
import type { ServerState } from "./server-state.js";
import { warmUpAfterAnswer } from "./warm-up.js";
import { WorkspaceIndex } from "./workspace-symbols.js";


/** Wires every feature of the Totem language server onto `connection` and starts listening. */
export function startServer(connection: Connection): Connection {
  // The CEL parser is loaded on the first document with a `check` rule (most policies have none, and
  // loading it must not delay anyone's first diagnostics); then every open document is re-checked.
  let celSyntax: CelSyntaxCheck | undefined;
  let celRequested = false;
  const loadCel = () => {
    if (celRequested) return;
    celRequested = true;
    celParser().then(
      (parser) => {
        celSyntax = parser;
        applySettings(state.settings);
        for (const doc of state.docs.all()) publisher.schedule(doc.uri);
      },
      (e) => logError("loading the CEL parser", e),
    );
  };
  const state: ServerState = {
    docs: new DocumentStore(),
    analyses: new AnalysisCache({ expiryWarningDays: DEFAULT_SETTINGS.expiryWarningDays, now: () => new Date() }, loadCel),
    keys: new KeyFileCache(),
    // A keyring read in the background has ended: lower and publish open documents again (as after loadCel).
    keyrings: new KeyringCache(() => {
      state.compiled.invalidate();
      for (const doc of state.docs.all()) publisher.schedule(doc.uri);
    }),
    compiled: new CompileCache(),
    settings: DEFAULT_SETTINGS,
  };
  const workspace = new WorkspaceIndex(state);
  const applySettings = (s: TotemSettings) => {
    state.settings = s;
    state.compiled.invalidate();
    const fixed = s.now;
    state.analyses.update({ expiryWarningDays: s.expiryWarningDays, now: fixed ? () => fixed : () => new Date(), ...(celSyntax ? { celSyntax } : {}) });
  };

  const logError = (what: string, e: unknown) => {
    connection.console.error(`totem: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  };
  /** Runs a handler; an unexpected exception is logged and answered with `fallback` (never a crash). A ResponseError (e.g. a refused rename) is the answer itself. */
  function guard<P, R>(what: string, fallback: R, handler: (params: P) => R): (params: P) => R | ResponseError {
    return (params: P) => {
      try {
        return handler(params);
      } catch (e) {
        if (e instanceof ResponseError) return e;
        logError(what, e);
        return fallback;
      }
    };
  }

  const publisher = new DiagnosticsPublisher(
    (uri) => {
      const doc = state.docs.get(uri);
      if (!doc) return undefined;
      const diagnostics = state.compiled.diagnosticsOf(state, doc).map((d) => {
        const out = toLspDiagnostic(d, doc.lines, uri);
        const href = docsUrl(d.code);
        return href === undefined ? out : { ...out, codeDescription: { href } };
      });
      return { version: doc.version, diagnostics };
    },
    (params) => void connection.sendDiagnostics(params),
    () => state.settings.diagnosticsDelayMs,
    (uri, e) => logError(`diagnostics of ${uri}`, e),
  );
  let watchRegistration = false;
  let folderEvents = false;

  connection.onInitialize((params): InitializeResult => {
    const totemStartup: ServerStartup = { processStartedAt: Date.now() - process.uptime() * 1000, initializeAt: Date.now() };
    warmUpAfterAnswer(state, (e) => logError("warm-up", e));
    applySettings(readSettings(params.initializationOptions));
    // Clients without workspace folders send only rootUri (older clients, some editors' single-root mode).
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspace.setFolders(folders);
    watchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    folderEvents = params.capabilities.workspace?.workspaceFolders === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: [" ", '"', "/", ","] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
        inlayHintProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: "totem", version: "0.1.0" },
      totemStartup,
    };
  });

  connection.onInitialized(() => {
    if (folderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders((e) =>
        workspace.changeFolders(
          e.added.map((f) => f.uri),
          e.removed.map((f) => f.uri),
        ),
      );
    }
    if (watchRegistration) {
      // Key files, keyrings and policies: re-read keys (and re-check open documents), refresh workspace symbols.
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*.{totem,pub,pem,key,json,asc,gpg,kbx}" }] })
        .catch(() => undefined);
    }
  });

  connection.onDidChangeConfiguration((params) => {
    applySettings(readSettings(params.settings, state.settings));
    for (const d of state.docs.all()) publisher.schedule(d.uri);
  });

  connection.onDidOpenTextDocument((p) => {
    state.docs.open(p.textDocument.uri, p.textDocument.version, p.textDocument.text);
    // At once, not debounced: an opened document has no burst of keystrokes to wait for.
    publisher.publishNow(p.textDocument.uri);
  });
  connection.onDidChangeTextDocument((p) => {
    try {
      if (state.docs.change(p.textDocument.uri, p.textDocument.version, p.contentChanges)) publisher.schedule(p.textDocument.uri);
    } catch (e) {
      logError("didChange", e);
    }
  });
  connection.onDidCloseTextDocument((p) => {
    state.docs.close(p.textDocument.uri);
    state.analyses.forget(p.textDocument.uri);
    publisher.clear(p.textDocument.uri);
    void connection.sendDiagnostics({ uri: p.textDocument.uri, diagnostics: [] });
  });
  connection.onDidChangeWatchedFiles((p) => {
    for (const change of p.changes) {
      const path = uriToPath(change.uri);
      if (path) {
        state.keys.invalidate(path);
        state.keyrings.invalidate(path);
        workspace.invalidate(path);
      }
    }
    state.compiled.invalidate();
    for (const d of state.docs.all()) publisher.schedule(d.uri);
  });

  const withDoc = <R>(uri: string, fallback: R, f: (doc: NonNullable<ReturnType<DocumentStore["get"]>>) => R): R => {
    const doc = state.docs.get(uri);
    return doc ? f(doc) : fallback;
  };

  connection.onCompletion(
    guard("completion", [], (p) =>
      withDoc(p.textDocument.uri, [], (doc) => completionsAt(doc, doc.lines.offsetAt(p.position), state.analyses.latestOf(doc))),
    ),
  );
  connection.onHover(
    guard("hover", null, (p) =>
      withDoc(p.textDocument.uri, null, (doc) =>
        hoverAt(
          doc,
          state.analyses.of(doc),
          state.compiled.diagnosticsOf(state, doc),
          doc.lines.offsetAt(p.position),
          (d, name) => keyInfo(state, d, name),
          codeDocsLink,
        ),
      ),
    ),
  );
  connection.onDefinition(
    guard("definition", null, (p) => withDoc(p.textDocument.uri, null, (doc) => definitionAt(doc, state.analyses.of(doc), doc.lines.offsetAt(p.position)))),
  );
  connection.onReferences(
    guard("references", [], (p) =>
      withDoc(p.textDocument.uri, [], (doc) => referencesAt(doc, state.analyses.of(doc), doc.lines.offsetAt(p.position), p.context.includeDeclaration)),
    ),
  );
  connection.onPrepareRename(
    guard("prepareRename", null, (p) => withDoc(p.textDocument.uri, null, (doc) => prepareRenameAt(doc, state.analyses.of(doc), doc.lines.offsetAt(p.position)))),
  );
  connection.onRenameRequest(
    guard("rename", null, (p) => withDoc(p.textDocument.uri, null, (doc) => renameAt(doc, state.analyses.of(doc), doc.lines.offsetAt(p.position), p.newName))),
  );
  connection.onDocumentSymbol(
    guard("documentSymbol", [], (p) => withDoc(p.textDocument.uri, [], (doc) => documentSymbols(state.analyses.of(doc).file, doc.lines))),
  );
  connection.onWorkspaceSymbol(guard("workspaceSymbol", [], (p) => workspace.symbols(p.query)));
  connection.languages.semanticTokens.on(
    guard("semanticTokens", { data: [] }, (p) => withDoc(p.textDocument.uri, { data: [] }, (doc) => semanticTokens(state.analyses.of(doc), doc.lines))),
  );
  connection.onFoldingRanges(guard("foldingRange", [], (p) => withDoc(p.textDocument.uri, [], (doc) => foldingRanges(state.analyses.of(doc).file, doc.lines))));
  connection.onDocumentFormatting(guard("formatting", null, (p) => withDoc(p.textDocument.uri, null, (doc) => formatDocument(doc))));
  connection.onCodeAction(
    guard("codeAction", [], (p) =>
      withDoc(p.textDocument.uri, [], (doc) =>
        codeActions(doc, state.compiled.diagnosticsOf(state, doc), doc.lines.spanOf(p.range), { file: state.analyses.of(doc).file, listKeyDir }),
      ),
    ),
  );
  connection.onCodeLens(
    guard("codeLens", [], (p) => withDoc(p.textDocument.uri, [], (doc) => codeLenses(doc, state.analyses.of(doc).file, policyTestFile(doc)))),
  );
  connection.languages.inlayHint.on(
    guard("inlayHint", [], (p) =>
      withDoc(p.textDocument.uri, [], (doc) => {
        const compiled = state.compiled.of(state, doc);
        const target = compiled.lowered?.target ?? state.settings.defaultTarget;
        const expires = compiled.lowered?.layout?.expires;
        return inlayHints(doc, compiled.analysis.file, p.range, {
          target,
          ...(expires !== undefined ? { expires } : {}),
          keys: (name) => keyInfo(state, doc, name),
        });
      }),
    ),
  );
  const emptyGraph: StepGraphResult = { nodes: [], edges: [], functionaries: [] };
  connection.onRequest(
    "totem/stepGraph",
    guard("totem/stepGraph", emptyGraph, (p: StepGraphParams): StepGraphResult => withDoc(p?.uri, emptyGraph, (doc) => stepGraph(doc, state.analyses.of(doc)))),
  );
  registerCustomRequests(connection, state, guard);
  registerEditorRequests(connection, state, guard);

  connection.onShutdown(() => {
    state.keyrings.dispose();
    publisher.dispose();
  });
  connection.listen();
  return connection;
}
