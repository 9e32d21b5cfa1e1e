// Type-aware typescript-eslint over all TypeScript — lib/, the adapters, the tests and the benchmarks — for the
// promises nobody awaits (the store becomes asynchronous in the queue-mode issue), and n8n's community-node lint on
// what n8n loads: the nodes, the credentials and package.json. Two community rule sets: n8n's official one,
// @n8n/eslint-plugin-community-nodes (the rules n8n's package scanner applies), and the older
// eslint-plugin-n8n-nodes-base (parameter naming, descriptions, option order). The official one in its
// `recommendedWithoutN8nCloudSupport` config, not `recommended`: leadflow is not a Cloud/verified package and cannot be
// one — it needs runtime dependencies (SQLite, SMTP, files), which a verified package may not have (see
// ../shared/N8N-NOTES.md). The other faces (mcp/, status/, bin/) and the workflow JSON are not n8n node code, so the
// node rules do not apply to them.
import tsParser from '@typescript-eslint/parser';
import tseslint from 'typescript-eslint';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import n8nCommunityNodes from '@n8n/eslint-plugin-community-nodes';

const plugins = { 'n8n-nodes-base': n8nNodesBase };
// Its own `ignores` (eslint.config.*) is left out: the `files` below already say what it lints.
const { plugins: officialPlugins, rules: officialRules } = n8nCommunityNodes.configs.recommendedWithoutN8nCloudSupport;

export default [
  { ignores: ['dist/**', 'node_modules/**', 'workflows/**', 'scripts/**', 'status/public/**', '*.js', '*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tsParser, parserOptions: { project: './tsconfig.lint.json', tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // node:test's test() returns a promise the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-require-imports': 'error',
    },
  },
  {
    files: ['package.json'],
    languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
    plugins,
    rules: {
      ...n8nNodesBase.configs.community.rules,
      // package.json has no author yet: the lead owns that field (re-enable once it has one).
      'n8n-nodes-base/community-package-json-author-missing': 'off',
    },
  },
  {
    files: ['package.json'],
    languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
    plugins: officialPlugins,
    rules: {
      ...officialRules,
      // No author or homepage yet: the lead owns those fields (re-enable once it has them).
      '@n8n/community-nodes/valid-author': 'off',
      '@n8n/community-nodes/require-homepage': 'off',
      // The rules of a verified package, which leadflow is not: it runs on SQLite, SMTP and files (README, "n8n").
      '@n8n/community-nodes/no-runtime-dependencies': 'off',
      // Our one override is for development only — it lets this very lint plugin, which pins eslint 9.29.0 and
      // n8n-workflow 2 as peers, share our eslint and the n8n-workflow 1.x the engine tests pin, so `npm ci` resolves.
      // npm ignores `overrides` in an installed package's package.json: it changes nothing for n8n or its users.
      '@n8n/community-nodes/no-overrides-field': 'off',
    },
  },
  {
    // n8n's official rules, in full, on everything n8n loads.
    files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
    languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
    plugins: officialPlugins,
    rules: officialRules,
  },
  {
    files: ['credentials/**/*.ts'],
    languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
    plugins,
    rules: {
      ...n8nNodesBase.configs.credentials.rules,
      // "Only applicable to nodes in the main repository" (the rule's own doc): community credentials link a full URL,
      // as n8n-nodes-starter's lint config also allows.
      'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
    },
  },
  {
    files: ['nodes/**/*.ts'],
    languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
    plugins,
    rules: {
      ...n8nNodesBase.configs.nodes.rules,
      // These two predate NodeConnectionTypes and accept only the string 'main'; n8n's own nodes and the starter
      // declare inputs and outputs as NodeConnectionTypes.Main, as ours do.
      'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
      'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
    },
  },
];
