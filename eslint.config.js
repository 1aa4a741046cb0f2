import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'models/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Libraries never import apps (docs/ARCHITECTURE.md): apps talk through queues, S3 and HTTP.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@holterflow/coordinator', '@holterflow/worker', '@holterflow/cli'],
              message: 'a library never imports an app',
            },
          ],
        },
      ],
    },
  },
  {
    // The web console runs in the browser (bundled by vite).
    files: ['apps/console/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // report.html's drawing script runs in the browser (inlined, no build step).
    files: ['libs/report/src/html/client.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, uPlot: 'readonly' } },
  },
);
