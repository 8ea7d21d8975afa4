import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "data/", "src/generated/", "coverage/", "public/build/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Page scripts run in the browser (tsconfig.client.json types them with the DOM, without Node);
  // the build script beside them runs in Node.
  {
    files: ["src/client/**/*.ts"],
    ignores: ["src/client/build.ts"],
    languageOptions: { globals: { ...globals.browser } },
  },
);
