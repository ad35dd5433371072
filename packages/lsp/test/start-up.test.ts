// The server's start-up path: its timings in the initialize result, the warm-up that runs after it
// (invisible to the client), and diagnostics of an opened document published without the debounce.
import { afterEach, describe, expect, it } from "vitest";
import type { ServerStartup } from "../src/protocol.js";
import { startClient, type TestClient } from "./lsp-client.js";

const URI = "file:///start-up/policy.totem";
const POLICY = 'layout "p" {\n  expires in 30d\n  step a {\n    by nobody\n  }\n}\n';

let client: TestClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

describe("server start-up", () => {
  it("reports when its process started and when it handled initialize", async () => {
    const before = Date.now();
    client = await startClient();
    const startup = (client.init as { totemStartup?: ServerStartup }).totemStartup;
    expect(startup).toBeDefined();
    expect(startup?.processStartedAt).toBeLessThanOrEqual(startup?.initializeAt ?? 0);
    expect(startup?.initializeAt).toBeGreaterThanOrEqual(before);
    expect(startup?.initializeAt).toBeLessThanOrEqual(Date.now());
  });

  it("warms up without a trace: no error, nothing published, no symbols of its own", async () => {
    client = await startClient();
    // The warm-up runs two event-loop turns after the answer; a request answered later follows it.
    await new Promise((r) => setTimeout(r, 50));
    const symbols = await client.request<{ name: string }[]>("workspace/symbol", { query: "" });
    expect(client.logs.filter((l) => l.includes("warm-up"))).toEqual([]);
    expect(client.published).toEqual([]);
    expect(symbols.map((s) => s.name)).toEqual([]);
  });

  it("publishes an opened document's diagnostics at once, and a change's after the debounce", async () => {
    client = await startClient({ initializationOptions: { diagnosticsDelayMs: 5000 } });
    const opened = Date.now();
    await client.open(URI, POLICY);
    const first = await client.diagnostics(URI, 1);
    expect(Date.now() - opened).toBeLessThan(4000);
    expect(first.map((d) => d.code)).toContain("unknown-functionary");
    await client.change(URI, 2, [{ text: POLICY.replace("by nobody", "by nobody2") }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(client.published.map((p) => p.version)).toEqual([1]);
  });
});
