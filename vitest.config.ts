import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['tests/unit/setup.ts'],
    // Some suites build indexes or load ONNX models in hooks; on a busy 2-core machine the 10 s
    // default is too tight, and at load average 15 a 20k-vector recall test can pass 30 s. Tests
    // never assert durations.
    hookTimeout: 120_000,
    testTimeout: 120_000,
    // voy-search's glue is ESM in a package without "type": "module": Node can't load it as is.
    server: { deps: { inline: ['voy-search'] } },
  },
});
