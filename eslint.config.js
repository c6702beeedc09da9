// Lint rules that hold the architecture: only electron/main may import electron, and shared/ stays free of Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'crypto', 'events', 'stream', 'url', 'util'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'renderer/dist/**'] },
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
    files: ['electron/main/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', ...nodeBuiltins.flatMap((m) => [m, `node:${m}`])].map((name) => ({
            name,
            message: 'shared/ is environment-neutral: it runs in the renderer too.',
          })),
        },
      ],
    },
  },
);
