// ESLint for vmpulse's JavaScript, run from the repository root by
// tests/suites/07-lint-js.sh: `eslint --config tests/lint-js/eslint.config.js FOLDER`.
// The recommended rule sets; each block below only says where its files run.
import js from '@eslint/js';
import react from 'eslint-plugin-react';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// The dashboard's code and its Vitest unit tests (dashboard/tests/), which import it.
const dashboard = 'dashboard/{src,tests}/**/*.{js,jsx}';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**'] },
  js.configs.recommended,
  {
    rules: {
      // A name starting with _ is unused on purpose: a callback's fixed signature, or
      // the key a rest pattern leaves out ({ [k]: _, ...rest }).
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // The dashboard: React 19 in the browser.
  {
    files: [dashboard],
    ...react.configs.flat.recommended,
    languageOptions: { ...react.configs.flat.recommended.languageOptions, globals: globals.browser },
    settings: { react: { version: '19.0' } },
  },
  { files: [dashboard], ...react.configs.flat['jsx-runtime'] },
  {
    files: [dashboard],
    rules: {
      // Props are plain objects from the hub's messages, checked where they are parsed
      // (lib/reducer.js); the project has no prop-types or TypeScript.
      'react/prop-types': 'off',
    },
  },
  { files: [dashboard], ...reactHooks.configs.flat.recommended },
  { files: ['dashboard/public/**/*.js'], languageOptions: { sourceType: 'script', globals: globals.browser } },
  // Build scripts, tests and benchmarks run in Node.
  {
    files: ['dashboard/scripts/**', 'dashboard/vite.config.js', 'tests/**', 'bench/**'],
    languageOptions: { globals: globals.node },
  },
  // These drive Chromium: the functions they hand to page.evaluate() run in the page.
  {
    files: ['tests/dashboard/**', 'tests/e2e/**', 'bench/dashboard/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  // CommonJS where the folder's package.json says so (or says nothing).
  {
    files: ['node-api/**/*.js', 'tests/contract/**/*.js', 'bench/peers/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
];
