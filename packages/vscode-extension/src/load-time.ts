// When this bundle began to load: imported first by extension.ts, so esbuild places it before the
// language client's code (the start-up phases in client.ts report the load time).
export const loadStartedAt = Date.now();
