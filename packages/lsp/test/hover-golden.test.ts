// Whole hover texts on the demo policy, reviewed as goldens.
import { expect, it } from "vitest";
import { DEMO, DEMO_URI } from "./fixtures.js";
import { hoverIn } from "./lsp-client.js";

const hover = hoverIn(DEMO_URI, DEMO);

it("describes a functionary, a step, an inspection, a constant, a rule set and a rule", async () => {
  expect(await hover("by carl", 4)).toMatchInlineSnapshot(`
    "**functionary** \`carl\`
    - key file: "keys/carl.pub"
    - key type: ed25519 (scheme ed25519)
    - keyid (in-toto-1.3, in-toto-golang): \`803ecfa9086515c79fef33ebe8579e23b66a38cb5c521b921d8cb47f1d426a72\`
    - keyid (in-toto): \`8a8d00dfc75ba0686b3f03d77e7833ad3259ee76d44fdf30b21312b023ef10ed\`
    - signs: \`package\`"
  `);
  expect(await hover("from clone", 6)).toMatchInlineSnapshot(`
    "**step** \`clone\`
    - signed by: \`bob\`
    - threshold: 1 of 1
    - expected command: \`git clone https://example.org/demo-project.git\`
    - materials rules: 0, products rules: 2
    - matched by: \`package\` materials ← products; \`untar\` products ← products"
  `);
  expect(await hover("inspection untar", 12)).toMatchInlineSnapshot(`
    "**inspection** \`untar\`
    - runs: \`tar xzf demo-project.tar.gz\`
    - materials rules: 3, products rules: 3
    - no \`match … from\` refers to it"
  `);
  expect(await hover("match PROJECT", 7)).toMatchInlineSnapshot(`"**constant** \`PROJECT\` = "demo-project/*""`);
  expect(await hover("use hygiene", 5)).toMatchInlineSnapshot(`
    "**rule set** \`hygiene\`
    \`\`\`totem
    allow "README.md"
    disallow "*"
    \`\`\`"
  `);
  expect(await hover('allow "root.layout"', 1)).toMatchInlineSnapshot(`
    "\`allow "root.layout"\`

    ALLOW: artifacts matching the pattern are consumed without further checks."
  `);
});
