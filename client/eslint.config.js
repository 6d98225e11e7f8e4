// ESLint flat config: TypeScript, React, the rules of hooks and accessibility. Formatting is
// Prettier's job (`npm run lint` runs both), so eslint-config-prettier turns off the rules that
// would fight it.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import jsxA11y from "eslint-plugin-jsx-a11y";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  // Generated files are checked against openapi.json by `npm run check:api` instead.
  { ignores: ["dist", "coverage", "src/api/schema.ts", "src/api/constraints.ts"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  react.configs.flat.recommended,
  react.configs.flat["jsx-runtime"],
  reactHooks.configs.flat.recommended,
  jsxA11y.flatConfigs.recommended,
  {
    languageOptions: { globals: { ...globals.browser } },
    settings: { react: { version: "detect" } },
  },
  {
    files: ["scripts/**", "*.config.{js,ts}"],
    languageOptions: { globals: { ...globals.node } },
  },
  prettier,
);
