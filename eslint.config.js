import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

// Heavy libraries stay behind their adapter folders so the app's start path stays small and the
// architecture stays visible.
const boundaries = [
  { name: 'dexie', message: 'Import storage through src/lib/db/ only.' },
  { name: '@mlc-ai/web-llm', message: 'Import WebLLM through src/lib/llm/ only.' },
  {
    name: '@huggingface/transformers',
    message: 'Import transformers.js through src/lib/llm/ or src/lib/search/ adapters only.',
  },
  {
    name: 'voy-search',
    message: 'Import voy through src/lib/search/voy/ only.',
  },
  {
    name: 'voy-search/voy_search_bg.js',
    message: 'Import voy through src/lib/search/voy/ only.',
  },
  {
    name: 'age-encryption',
    message: 'Import age through src/lib/bundle/age-file.ts only.',
  },
  {
    name: 'chrono-node',
    message: 'Import chrono through src/lib/assistant/date-*.ts only (it carries every language).',
  },
];
// pdf.js is imported by subpath (its build and worker files), so it is fenced by pattern.
const boundaryPatterns = [
  { group: ['pdfjs-dist', 'pdfjs-dist/**'], message: 'Import pdf.js through src/lib/pdf/ only.' },
];

/** The boundary rule for files allowed to import the libraries `allowed` picks. */
const fence = (allowed = () => false, allowPatterns = false) => [
  'error',
  {
    paths: boundaries.filter((b) => !allowed(b.name)),
    patterns: allowPatterns ? [] : boundaryPatterns,
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-*',
      'node_modules',
      'test-results*',
      'playwright-report',
      'bench/out',
      '.tmp',
      'tests/fixtures/generated',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.node.json'],
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-imports': fence(),
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, svelteConfig },
    },
  },
  {
    files: ['src/lib/db/**'],
    rules: {
      'no-restricted-imports': fence((name) => name === 'dexie'),
    },
  },
  {
    files: ['src/lib/llm/webllm/**'],
    rules: {
      'no-restricted-imports': fence((name) => name === '@mlc-ai/web-llm'),
    },
  },
  {
    files: ['src/lib/llm/transformers/**'],
    rules: {
      'no-restricted-imports': fence((name) => name === '@huggingface/transformers'),
    },
  },
  {
    files: ['src/lib/search/voy/**'],
    rules: {
      'no-restricted-imports': fence((name) => name.startsWith('voy-search')),
    },
  },
  {
    files: ['src/lib/assistant/date-*.ts'],
    rules: {
      'no-restricted-imports': fence((name) => name === 'chrono-node'),
    },
  },
  {
    files: ['src/lib/bundle/age-file.ts'],
    rules: {
      'no-restricted-imports': fence((name) => name === 'age-encryption'),
    },
  },
  {
    files: ['src/lib/pdf/**'],
    rules: {
      'no-restricted-imports': fence(undefined, true),
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', 'scripts/**', 'bench/**'],
    ...tseslint.configs.disableTypeChecked,
  },
);
