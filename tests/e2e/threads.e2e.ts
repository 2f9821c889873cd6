// "All cores" (issue 13): served with COOP/COEP, the page stays cross-origin isolated after an
// offline reload (the service worker's responses keep the headers), and the processor models run
// ONNX Runtime's WASM backend on min(cores, cap) threads: the Models view shows the count each
// engine reports it configured once its model loaded (the runtime writes back 1 where threads
// fail). The expected count is computed in the page from its own hardwareConcurrency.
import { test, expect } from './fixtures';
import { ModelsPage } from './pages/models-page';
import { MemoryPage } from './pages/memory-page';
import { TINY_LLAMA_DIR } from './model-fixtures';
import { THREAD_CAP } from '../../src/lib/llm/threads';
import { patient } from './patience';

const TINY_LLAMA_KEY = 'transformers:imported/tiny-llama@fp32';

test('offline, isolation holds and the embedder and the chat model run on every core up to the cap', async ({
  page,
  context,
}) => {
  const models = new ModelsPage(page);
  await models.openControlled();

  await context.setOffline(true);
  await page.reload();
  await expect(models.deviceFact('isolated')).toHaveText('Yes', { timeout: patient(30_000) });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const expected = String(Math.max(1, Math.min(cores, THREAD_CAP)));
  test.info().annotations.push({ type: 'threads', description: `${expected} of ${cores} cores` });
  await expect(models.deviceFact('threads')).toHaveText(`${expected} when one loads`);

  // The embedder, in the memory worker: loaded as soon as an embedding model is installed.
  await new MemoryPage(page).importTinyBert();
  const embedding = models.deviceFact('threads-embedding');
  await expect(embedding).toHaveAttribute('data-threads', expected, { timeout: patient(60_000) });
  await expect(embedding).toHaveText(`Embedding model: ${expected}`);

  // The CPU chat engine, in its own worker.
  await models.importFolder(TINY_LLAMA_DIR);
  const row = models.row(TINY_LLAMA_KEY);
  await expect(row).toBeVisible({ timeout: patient(30_000) });
  await row.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(row.getByTestId('model-loaded')).toHaveText('Loaded', { timeout: patient(60_000) });
  await expect(models.deviceFact('threads-chat')).toHaveAttribute('data-threads', expected);
  await expect(models.deviceFact('threads-embedding')).toHaveAttribute('data-threads', expected);

  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await context.setOffline(false);
});
