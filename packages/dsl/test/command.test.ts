import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitCommand } from "../src/index.js";

const python = spawnSync("python3", ["-c", "import shlex"], { encoding: "utf8" });
const hasPython = python.status === 0;

describe("splitCommand", () => {
  const cases: [string, string[]][] = [
    ["git clone https://example.org/demo-project.git", ["git", "clone", "https://example.org/demo-project.git"]],
    ["  tar   xzf\tdemo.tar.gz\n", ["tar", "xzf", "demo.tar.gz"]],
    ["sh -c 'echo $HOME; ls *'", ["sh", "-c", "echo $HOME; ls *"]],
    ['echo "a \\"b\\" \\\\ \\n"', ["echo", 'a "b" \\ \\n']],
    ["a\\ b c\\'d", ["a b", "c'd"]],
    ['a"b c"d', ["ab cd"]],
    ["x '' \"\"", ["x", "", ""]],
    ["'a\\b'", ["a\\b"]],
    ["# not a comment", ["#", "not", "a", "comment"]],
    ["", []],
  ];
  for (const [text, words] of cases) {
    it(`splits ${JSON.stringify(text)} into ${JSON.stringify(words)}`, () => {
      expect(splitCommand(text)).toEqual({ ok: true, value: words });
    });
  }

  it("fails on an unclosed single quote, at the quote", () => {
    expect(splitCommand("echo 'abc")).toEqual({ ok: false, error: { message: expect.stringContaining("single quote"), offset: 5 } });
  });

  it("fails on an unclosed double quote, at the quote", () => {
    expect(splitCommand('a "b\\"')).toEqual({ ok: false, error: { message: expect.stringContaining("double quote"), offset: 2 } });
  });

  it("fails on a final lone backslash", () => {
    expect(splitCommand("echo \\")).toEqual({ ok: false, error: { message: expect.stringContaining("backslash"), offset: 5 } });
  });

  it.skipIf(!hasPython)("agrees with Python shlex.split(posix=True) on random commands", () => {
    const alphabet = fc.constantFrom("a", "b", " ", "\t", "\n", "'", '"', "\\", "$", "*", "#", "é", "x y");
    const inputs = fc.sample(fc.array(alphabet, { maxLength: 14 }).map((a) => a.join("")), { numRuns: 600, seed: 42 });
    const script = [
      "import json, shlex, sys",
      "out = []",
      "for s in json.load(sys.stdin):",
      "    try: out.append(shlex.split(s, posix=True))",
      "    except ValueError: out.append(None)",
      "print(json.dumps(out))",
    ].join("\n");
    const run = spawnSync("python3", ["-c", script], { input: JSON.stringify(inputs), encoding: "utf8" });
    const expected = JSON.parse(run.stdout) as (string[] | null)[];
    inputs.forEach((input, i) => {
      const ours = splitCommand(input);
      expect({ input, words: ours.ok ? ours.value : null }).toEqual({ input, words: expected[i] });
    });
  });
});
