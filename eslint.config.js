// Lint rules that hold the architecture: only electron/main may import electron, and shared/ stays free of Node.
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'crypto', 'events', 'stream', 'url', 'util'];
const noNodeOrElectron = (message) => [
  'error',
  { paths: ['electron', ...nodeBuiltins.flatMap((m) => [m, `node:${m}`])].map((name) => ({ name, message })) },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'renderer/dist/**', 'release/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only electron/main may import electron.' }] }],
    },
  },
  {
    files: ['build/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // CommonJS on purpose: a script that must hook require() before ssh2 loads.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['electron/main/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': noNodeOrElectron('shared/ is environment-neutral: it runs in the renderer too.'),
    },
  },
  {
    // The renderer runs in a browser or a sandboxed Electron window: browser globals, React's hook rules, and no
    // Node or Electron module (it reaches the Hub only through its bridge).
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': noNodeOrElectron('The renderer reaches the Hub only through its bridge.'),
    },
  },
);
