// Hover documents in-toto-golang's X.509 fields and the `private ""` key field, and says that Totem
// does not verify X.509 functionaries.
import { expect, it } from "vitest";
import { hoverIn } from "./lsp-client.js";

const URI = "file:///work/golang.totem";
const TEXT = `layout "golang" {
  target "in-toto-golang"
  expires "2030-01-01T00:00:00Z"
  functionary bob key {
    type "rsa"
    scheme "rsassa-pss-sha256"
    public "-----BEGIN PUBLIC KEY-----\\nMIIB\\n-----END PUBLIC KEY-----"
    private ""
  }
  root-cas {}
  step build {
    by bob
    cert-constraints {
      constraint {
        common-name "*"
        uris ["spiffe://example.com/build"]
      }
    }
  }
}
`;

const hover = hoverIn(URI, TEXT);

it("documents the X.509 fields and that Totem does not verify X.509 functionaries", async () => {
  expect(await hover("root-cas", 2)).toContain("does not verify X.509 functionaries");
  expect(await hover("cert-constraints", 3)).toContain("`cert_constraints`");
  expect(await hover("constraint {", 2)).toContain("`common-name`");
  expect(await hover("uris", 1)).toContain("SPIFFE");
});

it("documents `private` as the empty private part that changes no keyid", async () => {
  expect(await hover('private ""', 2)).toContain("changes neither the keyid nor which key verifies");
});
