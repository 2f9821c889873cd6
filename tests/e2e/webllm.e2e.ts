// WebLLM through the Models view on SwiftShader WebGPU (no shader-f16): what the device panel and
// catalog offer, missing files failing fast without poisoning web-llm's caches, and folder imports.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { ModelsPage, shownBytes } from './pages/models-page';
import { fakeWebLlmFolder, webLlmCacheEntries } from './webllm-folder';
import { patient } from './patience';

const SMALL_F32 = 'SmolLM2-360M-Instruct-q4f32_1-MLC';
const SMALL_F32_KEY = `webllm:${SMALL_F32}`;

/** Model engine workers running in the page (web-llm's or transformers.js's chat engine). */
const modelWorkers = (page: Page) =>
  page.workers().filter((w) => /llm-(webllm|transformers)\.worker/.test(w.url()));

test('SwiftShader WebGPU: the device panel says no shader-f16 and the catalog offers q4f32 models', async ({
  page,
  notes,
}) => {
  // Idle on Notes, no model worker runs; the catalog, made at build time, starts none either.
  await notes.open();
  await notes.create();
  await notes.typeAtEnd('Idle now.\n');
  await notes.saved();
  expect(modelWorkers(page)).toEqual([]);
  const models = new ModelsPage(page);
  await models.open();
  await expect(models.entry('webllm:Llama-3.2-1B-Instruct-q4f32_1-MLC')).toBeVisible();
  await expect(models.entry('transformers:HuggingFaceTB/SmolLM2-135M-Instruct@q4')).toBeVisible();
  expect(modelWorkers(page)).toEqual([]);
  await expect(models.deviceFact('webgpu')).toHaveText('Yes');
  await expect(models.deviceFact('adapter')).toContainText(/swiftshader/i);
  await expect(models.deviceFact('f16')).toHaveText(/^No\b/);
  await expect(models.deviceFact('f16')).toContainText('q4f32');
  await expect(page.getByTestId('f32-note')).toHaveText(
    'q4f32 offered: this GPU lacks shader-f16.',
  );

  const f32 = models.entry('webllm:Llama-3.2-1B-Instruct-q4f32_1-MLC');
  await expect(f32).toBeVisible();
  await expect(f32.getByTestId('offered-because')).toHaveText(
    /Offered instead of Llama 3\.2 1B Instruct · q4f16: this GPU lacks shader-f16\./,
  );
  await expect(f32.getByTestId('verdict')).not.toHaveAttribute('data-verdict', 'wont-fit');

  // The f16 sibling is either hidden or marked as not fitting, pointing at the f32 model.
  const f16 = models.entry('webllm:Llama-3.2-1B-Instruct-q4f16_1-MLC');
  if ((await f16.count()) > 0) {
    await expect(f16.getByTestId('verdict')).toHaveAttribute('data-verdict', 'wont-fit');
    await expect(f16.getByTestId('verdict-reason')).toContainText(
      'Llama-3.2-1B-Instruct-q4f32_1-MLC',
    );
  }
  // No f16 model is offered as runnable on this GPU.
  const verdicts = await models.catalog
    .locator('[data-testid="catalog-entry"][data-key*="f16"]')
    .evaluateAll((items) =>
      items.map((li) => li.querySelector('[data-testid="verdict"]')?.getAttribute('data-verdict')),
    );
  expect(verdicts.every((v) => v === 'wont-fit')).toBe(true);

  await page.getByLabel('Filter models').fill('SmolLM2 360M');
  await expect(models.entry(SMALL_F32_KEY)).toBeVisible();
  await expect(models.entry('webllm:SmolLM2-360M-Instruct-q4f16_1-MLC')).toHaveCount(0);
});

test('missing WebLLM files on the hub fail within seconds and leave web-llm’s caches empty', async ({
  page,
  context,
}) => {
  const hubRequests: string[] = [];
  // The revision API names a commit; every file of it is missing.
  await context.route('https://huggingface.co/api/models/mlc-ai/**', (route) => {
    hubRequests.push(route.request().url());
    return route.fulfill({
      headers: { 'access-control-allow-origin': '*', 'content-type': 'application/json' },
      body: JSON.stringify({ sha: '4e1c0b5d9a7f3e2c1b0a9f8e7d6c5b4a3f2e1d0c', siblings: [] }),
    });
  });
  await context.route('https://huggingface.co/mlc-ai/**', (route) => {
    hubRequests.push(route.request().url());
    return route.fulfill({
      status: 404,
      headers: { 'access-control-allow-origin': '*' },
      body: 'Entry not found',
    });
  });
  const models = new ModelsPage(page);
  await models.open();
  await page.getByLabel('Filter models').fill('SmolLM2 360M');
  await models.startDownload(SMALL_F32_KEY, 'huggingface.co');

  const error = models.download(SMALL_F32_KEY).getByTestId('download-error');
  await expect(error).toBeVisible({ timeout: patient(10_000) });
  await expect(error).toContainText('mlc-chat-config.json');
  await expect(error).toContainText('is missing on huggingface.co');
  expect(hubRequests.length).toBeGreaterThan(0);
  expect(await webLlmCacheEntries(page)).toEqual([]);
  await expect.poll(() => models.ledgerCount()).toBe(hubRequests.length);
  // Newest first: the file 404s, then the revision lookup (200).
  expect((await models.ledgerRows()).map((r) => r.status)).toEqual(
    hubRequests.map((url) => (url.includes('/api/models/') ? '200' : '404')).reverse(),
  );
});

test('a WebLLM mirror answered by the app’s index.html fails as missing and stores nothing', async ({
  page,
}) => {
  const models = new ModelsPage(page);
  await models.open();
  const origin = models.origin();
  await models.setMirror(`${origin}/nope`);
  await page.getByLabel('Filter models').fill('SmolLM2 360M');
  await models.startDownload(SMALL_F32_KEY, `${new URL(origin).host} (your mirror)`);

  // The first request, the revision lookup, is answered by the page: nothing is pinned or fetched.
  const error = models.download(SMALL_F32_KEY).getByTestId('download-error');
  await expect(error).toBeVisible({ timeout: patient(10_000) });
  await expect(error).toContainText('cannot be pinned');
  await expect(error).toContainText('web page');
  expect(await webLlmCacheEntries(page)).toEqual([]);
  await expect.poll(() => models.ledgerCount()).toBe(1);

  // A second try asks the server again and fails the same way: no cached page answered it.
  await models.download(SMALL_F32_KEY).getByRole('button', { name: 'Retry' }).click();
  await expect.poll(() => models.ledgerCount(), { timeout: patient(10_000) }).toBe(2);
  await expect(models.download(SMALL_F32_KEY)).toHaveAttribute('data-state', 'failed');
  await expect(error).toContainText('web page');
  expect(await webLlmCacheEntries(page)).toEqual([]);
  for (const r of await models.ledgerRows()) {
    expect(r.host).toBe(new URL(origin).host);
    expect(r.path).toBe(`/nope/api/models/mlc-ai/${SMALL_F32}/revision/main`);
  }
});

test('an imported WebLLM folder is listed as installed; a folder missing a shard is refused', async ({
  page,
}, testInfo) => {
  const models = new ModelsPage(page);
  await models.open();

  const broken = fakeWebLlmFolder(testInfo.outputPath('broken'), {
    missingShard: 'params_shard_1.bin',
  });
  await models.importFolder(broken.dir);
  await expect(models.importError).toContainText('params_shard_1.bin');
  await expect(models.importError).toContainText('missing');
  await expect(models.empty).toBeVisible();
  expect(await webLlmCacheEntries(page)).toEqual([]);

  const good = fakeWebLlmFolder(testInfo.outputPath('good'));
  await models.importFolder(good.dir);
  const key = 'webllm:imported-fake-mlc';
  const row = models.row(key);
  await expect(row).toBeVisible({ timeout: patient(30_000) });
  await expect(row.getByRole('heading')).toHaveText('fake-mlc (imported)');
  await expect(row.getByTestId('model-size')).toHaveText(`${shownBytes(good.sizeBytes)} on disk`);
  const stored = await webLlmCacheEntries(page);
  const base = 'https://huggingface.co/imported/fake-mlc/resolve/main/';
  expect(stored.map((e) => e.url).sort()).toEqual(
    [
      'fake-q4f32_1-webgpu.wasm',
      'mlc-chat-config.json',
      'params_shard_0.bin',
      'tensor-cache.json',
      'tokenizer.json',
    ].map((f) => base + f),
  );

  // After a reload the store still finds every file: no "files missing" problem.
  await page.reload();
  await models.filesChecked();
  await expect(row.getByRole('button', { name: 'Load', exact: true })).toBeVisible();
  await expect(row.getByTestId('model-problem')).toHaveCount(0);

  // …and it does notice when a shard goes missing behind its back.
  await page.evaluate(
    async (url) => (await caches.open('webllm/model')).delete(url),
    `${base}params_shard_0.bin`,
  );
  await page.reload();
  await models.filesChecked();
  await expect(row.getByTestId('model-problem')).toHaveText(
    'Files missing — import the folder again.',
  );

  const dialog = await models.askDelete(key, 'fake-mlc (imported)');
  await dialog.getByRole('button', { name: 'Delete model' }).click();
  await expect(row).toHaveCount(0);
  await expect(models.empty).toBeVisible();
  await expect.poll(() => webLlmCacheEntries(page)).toEqual([]);
});

test('loading an installed WebLLM model whose config went missing fails within seconds and caches nothing', async ({
  page,
}, testInfo) => {
  const models = new ModelsPage(page);
  await models.open();
  const good = fakeWebLlmFolder(testInfo.outputPath('good'));
  await models.importFolder(good.dir);
  const key = 'webllm:imported-fake-mlc';
  const row = models.row(key);
  await expect(row).toBeVisible({ timeout: patient(30_000) });
  await models.filesChecked();

  // The browser evicts one file after the model was installed (no reload: the row still says
  // complete). An imported model never reaches for the network, so Load must fail as "missing".
  const configUrl = 'https://huggingface.co/imported/fake-mlc/resolve/main/mlc-chat-config.json';
  await page.evaluate(async (url) => (await caches.open('webllm/config')).delete(url), configUrl);
  const before = await webLlmCacheEntries(page);

  await row.getByRole('button', { name: 'Load', exact: true }).click();
  const failure = page.getByRole('alert').filter({ hasText: "Couldn't load fake-mlc" });
  await expect(failure).toContainText('mlc-chat-config.json', { timeout: patient(10_000) });
  await expect(failure).toContainText(/no file|missing/i);
  await expect(row.getByTestId('model-loaded')).toHaveCount(0);
  // Nothing new was cached in its place (no HTML page, no partial entry).
  expect(await webLlmCacheEntries(page)).toEqual(before);
});
