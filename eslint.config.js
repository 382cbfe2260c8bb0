// Flat config: typescript-eslint's recommended rules for every TS file, plus the rules that keep
// money exact and the core free of Electron. Layer rules between folders live in
// .dependency-cruiser.cjs (run by `npm run layers`); the Electron rule is repeated here so an
// editor flags it while typing.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'bench/data/', 'test/fixtures/', 'test-results/', 'playwright-report/', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
      // parseFloat/toFixed have no place on a money path; money.ts converts exactly.
      'no-restricted-globals': ['error', { name: 'parseFloat', message: 'Use electron/checkout/money.ts for money; parse integers with Number.parseInt.' }],
    },
  },
  {
    files: ['electron/**/*.ts', 'db/**/*.ts', 'cloud/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts', 'electron/shell/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only electron/main.ts, preload.ts and shell/ may import electron.' }] }],
    },
  },
);
