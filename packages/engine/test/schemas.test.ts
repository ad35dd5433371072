// The load schemas are compiled without meta-schema validation (start-up time, schemas.ts); this
// test does that validation instead, so a malformed schema still fails the build.
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { validators } from "../src/load/schemas.js";

describe("load schemas", () => {
  it("are valid JSON Schemas (checked here, not at every start)", () => {
    const ajv = new Ajv({ strict: true });
    const compiled = Object.entries(validators());
    expect(compiled.map(([name]) => name).sort()).toEqual(["dsse", "layout", "link", "metablock"]);
    for (const [name, validate] of compiled) {
      expect(ajv.validateSchema(validate.schema as object), `${name}: ${ajv.errorsText()}`).toBe(true);
    }
  });

  it("reject what fails the meta-schema when checked", () => {
    expect(new Ajv().validateSchema({ type: "strin" })).toBe(false); // the check above can fail
  });
});
