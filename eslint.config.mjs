import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'libs/contracts/src/gen/**', 'coverage/**', 'var/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Scripts that MuPDF's `mutool run` executes: ES5, with MuPDF's globals instead of Node's.
    files: ['services/*/mutool/**/*.js'],
    languageOptions: { ecmaVersion: 5, sourceType: 'script', globals: { PDFDocument: 'readonly', readline: 'readonly', print: 'readonly', quit: 'readonly', gc: 'readonly' } },
    // ES5 has no catch without a binding.
    rules: { '@typescript-eslint/no-unused-vars': ['error', { caughtErrors: 'none' }] },
  },
  {
    // Pages' own scripts and the web app run in the browser, not in Node.
    files: ['services/*/assets/**/*.js', 'web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
