// Where the e2e suite finds its generated models (written by global-setup.ts before any test).
import { fileURLToPath } from 'node:url';

export const TINY_LLAMA_DIR = fileURLToPath(
  new URL('../fixtures/generated/e2e/tiny-llama', import.meta.url),
);

/** The tiny BERT embedding model (tests/fixtures/tiny-bert.ts, shape `tiny`). */
export const TINY_BERT_DIR = fileURLToPath(
  new URL('../fixtures/generated/e2e/tiny-bert', import.meta.url),
);
