// Generates src/api/schema.ts from the service's OpenAPI snapshot, or checks that it is current.
// Usage: node scripts/api-types.mjs write|check
import { readFile, writeFile } from "node:fs/promises";
import openapiTS, { astToString } from "openapi-typescript";

const specUrl = new URL("../src/api/openapi.json", import.meta.url);
const schemaUrl = new URL("../src/api/schema.ts", import.meta.url);
const header =
  "// Generated from src/api/openapi.json by `npm run gen:api` (openapi-typescript). Do not edit.\n\n";

async function generate() {
  const spec = JSON.parse(await readFile(specUrl, "utf8"));
  // Fields with a default are optional in requests (pydantic validation schemas), so defaults must
  // not make them required.
  return header + astToString(await openapiTS(spec, { defaultNonNullable: false }));
}

async function main(mode) {
  const expected = await generate();
  if (mode === "write") {
    await writeFile(schemaUrl, expected);
    console.log("wrote src/api/schema.ts");
    return 0;
  }
  if (mode === "check") {
    const current = await readFile(schemaUrl, "utf8").catch(() => "");
    if (current !== expected) {
      console.error("src/api/schema.ts is stale: run `npm run gen:api` and commit the result.");
      return 1;
    }
    console.log("src/api/schema.ts matches src/api/openapi.json");
    return 0;
  }
  console.error("usage: node scripts/api-types.mjs write|check");
  return 2;
}

process.exitCode = await main(process.argv[2]);
