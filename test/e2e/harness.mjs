// A minimal sequential test harness for the e2e runner: named tests, timings, a screenshot when a
// browser test fails, and the closing `N passed, M failed` line.

/** Collects results; `test` runs one test and never throws. */
export class Harness {
  constructor({ onFailure } = {}) {
    this.results = [];
    this.onFailure = onFailure;
  }

  /** Runs `fn`; a thrown error (or a timeout) fails the test. */
  async test(name, fn, timeoutMs = 45_000) {
    const started = Date.now();
    let timer;
    try {
      await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      this.record({ name, ok: true, ms: Date.now() - started });
    } catch (e) {
      this.record({ name, ok: false, ms: Date.now() - started, error: e instanceof Error ? e.message : String(e) });
      await this.onFailure?.(name).catch(() => {});
    } finally {
      clearTimeout(timer);
    }
  }

  /** Adds a result produced elsewhere (the extension-host tests report through a file). */
  record(result) {
    this.results.push(result);
    const mark = result.ok ? "✓" : "✗";
    console.log(`  ${mark} ${result.name} (${result.ms} ms)${result.ok ? "" : `\n      ${result.error}`}`);
  }

  /** Prints the summary line and returns the process exit code. */
  summary() {
    const passed = this.results.filter((r) => r.ok).length;
    const failed = this.results.length - passed;
    console.log(`${passed} passed, ${failed} failed`);
    return failed === 0 && passed > 0 ? 0 : 1;
  }
}

/** Throws with `message` unless `cond`. */
export function check(cond, message) {
  if (!cond) throw new Error(message);
}

/** Polls `probe` until it returns a truthy value; returns it, or throws `what` after `ms`. */
export async function eventually(what, probe, ms = 15_000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what} (last value: ${JSON.stringify(last)?.slice(0, 300)})`);
}
