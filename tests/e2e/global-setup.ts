// Generates the deterministic test models once per run: they are too big to commit and cheap to
// write (the tiny Llama and the tiny BERT each take well under a second).
import { generateTinyBert } from '../fixtures/tiny-bert';
import { generateTinyLlama } from '../fixtures/tiny-llama';
import { TINY_BERT_DIR, TINY_LLAMA_DIR } from './model-fixtures';

export default async function globalSetup(): Promise<void> {
  await Promise.all([generateTinyLlama(TINY_LLAMA_DIR), generateTinyBert(TINY_BERT_DIR)]);
}
