// Generates from the service's OpenAPI snapshot, or checks that they are current:
//   src/api/schema.ts       the request and response types (openapi-typescript);
//   src/api/constraints.ts  the limits on the fields people type, which the forms show as rules.
// Usage: node scripts/api-types.mjs write|check
import { readFile, writeFile } from "node:fs/promises";
import openapiTS, { astToString } from "openapi-typescript";

const specUrl = new URL("../src/api/openapi.json", import.meta.url);
const header = (tool) => `// Generated from src/api/openapi.json by \`npm run gen:api\`${tool}. Do not edit.\n\n`;

async function types(spec) {
  // Fields with a default are optional in requests (pydantic validation schemas), so defaults must
  // not make them required.
  return header(" (openapi-typescript)") + astToString(await openapiTS(spec, { defaultNonNullable: false }));
}

// Each constraint is read from every request field that carries it; they must agree, because one
// rule on the site stands for all of them.
const FIELDS = {
  USERNAME: [
    "RegisterRequest.username",
    "UserCreateRequest.username",
    "UserUpdateRequest.username",
    "ProfileUpdateRequest.username",
  ],
  EMAIL: ["RegisterRequest.email", "UserCreateRequest.email", "UserUpdateRequest.email", "ProfileUpdateRequest.email"],
  NEW_PASSWORD: [
    "RegisterRequest.password",
    "UserCreateRequest.password",
    "UserUpdateRequest.password",
    "PasswordChangeRequest.new_password",
  ],
  // The token a mailed link carries; a link cut short is caught before it is sent.
  LINK_TOKEN: ["PasswordResetConfirmRequest.token", "VerifyEmailRequest.token"],
};
const KEYWORDS = { minLength: "minLength", maxLength: "maxLength", pattern: "pattern", minScore: "x-zxcvbn-min-score" };

function constraintsOf(spec, field) {
  const [schema, property] = field.split(".");
  const definition = spec.components.schemas[schema]?.properties?.[property];
  if (!definition) throw new Error(`openapi.json has no ${field}`);
  return Object.fromEntries(
    Object.entries(KEYWORDS)
      .filter(([, keyword]) => keyword in definition)
      .map(([name, keyword]) => [name, definition[keyword]]),
  );
}

async function constraints(spec) {
  const lines = [];
  for (const [name, fields] of Object.entries(FIELDS)) {
    const [first, ...rest] = fields.map((field) => JSON.stringify(constraintsOf(spec, field)));
    const other = rest.findIndex((found) => found !== first);
    if (other !== -1) throw new Error(`${fields[0]} ${first} and ${fields[other + 1]} ${rest[other]} disagree`);
    lines.push(`export const ${name} = ${first} as const;`);
  }
  return `${header("")}// What the API enforces on the fields people type (src/validation/rules.ts phrases it) and on the
// token in a mailed link (src/hooks/useLinkToken.ts).\n\n${lines.join("\n")}\n`;
}

const OUTPUTS = [
  { path: "src/api/schema.ts", generate: types },
  { path: "src/api/constraints.ts", generate: constraints },
];

async function main(mode) {
  if (mode !== "write" && mode !== "check") {
    console.error("usage: node scripts/api-types.mjs write|check");
    return 2;
  }
  const spec = JSON.parse(await readFile(specUrl, "utf8"));
  let stale = 0;
  for (const { path, generate } of OUTPUTS) {
    const url = new URL(`../${path}`, import.meta.url);
    const expected = await generate(spec);
    if (mode === "write") {
      await writeFile(url, expected);
      console.log(`wrote ${path}`);
    } else if ((await readFile(url, "utf8").catch(() => "")) !== expected) {
      console.error(`${path} is stale: run \`npm run gen:api\` and commit the result.`);
      stale += 1;
    } else {
      console.log(`${path} matches src/api/openapi.json`);
    }
  }
  return stale ? 1 : 0;
}

process.exitCode = await main(process.argv[2]);
