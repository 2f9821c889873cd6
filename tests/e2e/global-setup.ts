// Generates the deterministic test models once per run: they are too big to commit and cheap to
// write (the tiny Llama takes well under a second).
import { generateTinyLlama } from '../fixtures/tiny-llama';
import { TINY_LLAMA_DIR } from './model-fixtures';

export default async function globalSetup(): Promise<void> {
  await generateTinyLlama(TINY_LLAMA_DIR);
}
