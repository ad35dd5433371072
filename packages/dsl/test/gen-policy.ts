// A generator of large, valid policies for performance tests and the benchmark runner.

/**
 * A policy with `steps` steps (about 9 lines each) and one inspection: every step is signed by
 * one of three functionaries, has a command, and matches its materials against the previous
 * step's products, so checks have real references to resolve.
 */
export function generatePolicy(steps: number): string {
  const out: string[] = [
    "# Generated policy for performance tests.",
    'const SRC = "src/*"',
    "",
    "rules hygiene {",
    '  allow "README.md"',
    '  disallow "*"',
    "}",
    "",
    'layout "generated" {',
    '  target "in-toto-1.3"',
    '  expires "2030-01-01T00:00:00Z"',
    '  readme "A generated supply chain."',
    '  functionary alice key "keys/alice.pub"',
    '  functionary bob key "keys/bob.pub"',
    '  functionary carl key "keys/carl.pub"',
  ];
  const people = ["alice", "bob", "carl"];
  for (let i = 0; i < steps; i++) {
    out.push("", `  step s${i} {`, `    by ${people[i % 3]}`, `    expect command "make part-${i}"`);
    if (i === 0) out.push("    materials { match SRC with products from s0  disallow \"*\" }");
    else out.push(`    materials { match "build/${i - 1}/*" with products from s${i - 1}  disallow "*" }`);
    out.push("    products {", `      create "build/${i}/out.o"  # the object file`, "      use hygiene", "    }", "  }");
  }
  out.push("", "  inspection final {", '    run ["test", "-d", "build"]', '    materials { allow "*" }', "  }", "}", "");
  return out.join("\n");
}
