// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const workerOnly = 'runs only in the worker (src/worker/**): elsewhere use `import type`, so the main-thread bundle stays tiny.';
const runtimeOnlyInWorker = ['@huggingface/transformers', 'onnxruntime-web', 'onnxruntime-web/webgpu'].map((name) => ({
  name,
  message: `${name} ${workerOnly}`,
  allowTypeImports: true,
}));
const comlinkInOneFile = { name: 'comlink', message: 'comlink is imported only in src/rpc/comlink.ts.', allowTypeImports: true };

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.cache/',
      'dist/',
      'demo/dist/',
      'test-results/',
      'bench/page/dist/',
      'tests/fixtures/models/',
      'bench/models/',
      'bench/results/',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [...runtimeOnlyInWorker, comlinkInOneFile] }] },
  },
  {
    files: ['src/worker.ts', 'src/worker/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [comlinkInOneFile] }] },
  },
  {
    files: ['src/rpc/comlink.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: runtimeOnlyInWorker }] },
  },
  {
    // Config files and global setups are loaded by tools that expect a default export.
    files: ['*.config.ts', '*.config.js', 'tests/setup/global-*.ts', 'demo/**/vite.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
