// The transformers.js model store through the Models view: folder import, offline load, delete,
// hub downloads (stubbed with the generated tiny Llama), cancel and resume, and the mirror.
import { cpSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, isLocalUrl } from './fixtures';
import { ModelFileStub, REVISION_API, STUB_COMMIT } from './hub-stub';
import { TINY_LLAMA_DIR } from './model-fixtures';
import { cacheEntries, ModelsPage, shownBytes, totalBytes } from './pages/models-page';
import { setAnswerTokens } from './pages/chat-page';
import { patient } from './patience';

const CACHE = 'transformers-cache';
const IMPORTED_KEY = 'transformers:imported/tiny-llama@fp32';
const REPO = 'hearth-test/tiny-llama';
const HUB_KEY = `transformers:${REPO}@fp32`;
const HUB_BASE = `https://huggingface.co/${REPO}/resolve/main/`;
/** Where a pinned download stores (and fetches) its files. */
const PINNED_BASE = `https://huggingface.co/${REPO}/resolve/${STUB_COMMIT}/`;
const ONNX = 'onnx/model.onnx';
/** transformers.js fetches config.json, the ONNX file, generation_config.json, then the tokenizer. */
const LAST_FILE = 'tokenizer_config.json';

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const full = path.join(dir, entry.name);
    return sum + (entry.isDirectory() ? folderBytes(full) : statSync(full).size);
  }, 0);
}

/** A copy of the tiny Llama folder (still named tiny-llama) that the test may damage. */
function copyFixture(parent: string): string {
  const dir = path.join(parent, 'tiny-llama');
  rmSync(parent, { recursive: true, force: true });
  cpSync(TINY_LLAMA_DIR, dir, { recursive: true });
  return dir;
}

test('Settings says what takes the space: the databases, the models, and Hearth’s own offline copy', async ({
  page,
}) => {
  const models = new ModelsPage(page);
  await models.openControlled();
  const settings = async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await expect(page.getByTestId('storage-parts')).toBeVisible();
  };
  await settings();
  await expect(page.getByTestId('storage-models')).toHaveText('models 0 B');
  // The precache holds the app, the ONNX runtime's wasm among it: megabytes before any model.
  await expect(page.getByTestId('storage-app')).toContainText(/\d MB$/);

  await page.getByRole('link', { name: 'Models', exact: true }).click();
  await models.importFolder(TINY_LLAMA_DIR);
  const row = models.row(IMPORTED_KEY);
  await expect(row).toBeVisible({ timeout: patient(30_000) });
  const modelBytes = totalBytes(
    (await cacheEntries(page, CACHE)).filter((e) => e.url.includes('/imported/tiny-llama/')),
  );
  await settings();
  await expect(page.getByTestId('storage-models')).toHaveText(`models ${shownBytes(modelBytes)}`);
});

test('an imported model loads and answers with the network off, and Delete frees exactly its bytes', async ({
  page,
  context,
}) => {
  const models = new ModelsPage(page);
  await setAnswerTokens(page, 24);
  await models.openControlled();
  const before = await cacheEntries(page, CACHE);

  await models.importFolder(TINY_LLAMA_DIR);
  const row = models.row(IMPORTED_KEY);
  await expect(row).toBeVisible({ timeout: patient(30_000) });
  await expect(row.getByRole('heading')).toHaveText('tiny-llama');
  const stored = (await cacheEntries(page, CACHE)).filter((e) =>
    e.url.startsWith('https://huggingface.co/imported/tiny-llama/'),
  );
  const modelBytes = totalBytes(stored);
  expect(modelBytes).toBeGreaterThan(500_000);
  expect(stored.map((e) => e.url.split('/resolve/main/')[1]).sort()).toEqual([
    'config.json',
    'generation_config.json',
    ONNX,
    'tokenizer.json',
    'tokenizer_config.json',
  ]);
  await expect(row.getByTestId('model-size')).toHaveText(`${shownBytes(modelBytes)} on disk`);

  const offLocalhost: string[] = [];
  context.on('request', (request) => {
    if (!isLocalUrl(request.url())) offLocalhost.push(request.url());
  });
  await context.setOffline(true);
  await row.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(row.getByTestId('model-loaded')).toHaveText('Loaded', { timeout: patient(60_000) });
  await expect(row.getByRole('button', { name: 'Unload' })).toBeVisible();
  expect(offLocalhost, 'requests that left localhost while loading').toEqual([]);

  // …and answers in chat, still offline: the Chat view's code comes from the precache.
  await page.getByRole('link', { name: 'Chat', exact: true }).click();
  await page.getByRole('textbox', { name: 'Message' }).fill('Are you there?');
  await page.getByRole('button', { name: 'Send' }).click();
  const answer = page.locator('[data-testid=chat-message][data-role=assistant]');
  await expect(answer).toHaveAttribute('data-status', 'done', { timeout: patient(90_000) });
  await expect(answer.getByTestId('message-text')).not.toBeEmpty();
  await expect(answer.getByTestId('message-model')).toContainText('tiny-llama');
  expect(offLocalhost, 'requests that left localhost while chatting').toEqual([]);
  await context.setOffline(false);
  await page.getByRole('link', { name: 'Models', exact: true }).click();

  const dialog = await models.askDelete(IMPORTED_KEY, 'tiny-llama');
  await expect(dialog).toContainText(`This frees ${shownBytes(modelBytes)} on this device`);
  await dialog.getByRole('button', { name: 'Delete model' }).click();
  await expect(row).toHaveCount(0);
  await expect(models.empty).toBeVisible();

  await expect
    .poll(async () => totalBytes(await cacheEntries(page, CACHE)))
    .toBe(totalBytes(before));
  const after = await cacheEntries(page, CACHE);
  expect(after.filter((e) => e.url.includes('/imported/tiny-llama/'))).toEqual([]);
});

test('a folder without tokenizer.json, or with a broken config.json, is refused and stores nothing', async ({
  page,
}, testInfo) => {
  const models = new ModelsPage(page);
  await models.open();

  const noTokenizer = copyFixture(testInfo.outputPath('no-tokenizer'));
  rmSync(path.join(noTokenizer, 'tokenizer.json'));
  await models.importFolder(noTokenizer);
  await expect(models.importError).toContainText('tokenizer.json');
  await expect(models.importError).toContainText('no “tokenizer.json”');
  await expect(models.empty).toBeVisible();

  const badConfig = copyFixture(testInfo.outputPath('bad-config'));
  writeFileSync(path.join(badConfig, 'config.json'), '{ "model_type": "llama", ');
  await models.importFolder(badConfig);
  await expect(models.importError).toContainText('“config.json” is not valid JSON');
  await expect(models.empty).toBeVisible();

  expect(await cacheEntries(page, CACHE)).toEqual([]);
});

test('a hub download names the host, shows bytes, completes, and every request is on the ledger', async ({
  page,
  context,
}) => {
  const hub = new ModelFileStub(TINY_LLAMA_DIR, HUB_BASE);
  await hub.install(context);
  const lastRequested = hub.hold(LAST_FILE);
  const models = new ModelsPage(page);
  await models.open();
  await models.addCustom(REPO, 'fp32');
  const entry = models.entry(HUB_KEY);
  await expect(entry).toBeVisible();
  await expect(entry.getByRole('heading')).toHaveText('tiny-llama (fp32, custom)');

  await models.startDownload(HUB_KEY, 'huggingface.co');
  await lastRequested;
  const progress = models.download(HUB_KEY);
  await expect(progress).toHaveAttribute('data-state', 'running');
  await expect(progress.getByRole('progressbar')).toBeVisible();
  const fixtureBytes = folderBytes(TINY_LLAMA_DIR);
  await expect(progress.getByTestId('download-bytes')).toHaveText(
    new RegExp(`^\\d+(\\.\\d)? (B|KB) of ${shownBytes(fixtureBytes).replace('.', '\\.')}$`),
  );
  hub.release(LAST_FILE);

  await expect(entry.getByText('On this device')).toBeVisible({ timeout: patient(30_000) });
  const row = models.row(HUB_KEY);
  await expect(row.getByTestId('model-size')).toHaveText(`${shownBytes(fixtureBytes)} on disk`);
  await expect(row.getByRole('button', { name: 'Load', exact: true })).toBeVisible();

  const files = hub.requests.filter((r) => r.file !== REVISION_API);
  expect(files.filter((r) => r.range === null && r.status === 200).length).toBe(5);
  expect(files.every((r) => r.revision === STUB_COMMIT)).toBe(true);
  await expect.poll(() => models.ledgerCount()).toBe(hub.requests.length);
  const rows = await models.ledgerRows();
  expect(rows).toHaveLength(hub.requests.length);
  for (const r of rows) {
    expect(r.host).toBe('huggingface.co');
    expect(r.modelKey).toBe(HUB_KEY);
    const pinnedFile = r.path.startsWith(`/${REPO}/resolve/${STUB_COMMIT}/`);
    expect(pinnedFile || r.path === `/api/models/${REPO}/revision/main`, r.path).toBe(true);
  }
});

test('Cancel stops a download mid-file; Retry fetches only the files not yet stored', async ({
  page,
  context,
}) => {
  const hub = new ModelFileStub(TINY_LLAMA_DIR, HUB_BASE);
  await hub.install(context);
  const lastRequested = hub.hold(LAST_FILE);
  const models = new ModelsPage(page);
  await models.open();
  await models.addCustom(REPO, 'fp32');
  await models.startDownload(HUB_KEY, 'huggingface.co');
  await lastRequested;

  const progress = models.download(HUB_KEY);
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(progress).toHaveAttribute('data-state', 'cancelled');
  const firstAttempt = hub.requests.length;
  const completed = hub.requests
    .filter(
      (r) =>
        r.range === null && r.status === 200 && r.file !== LAST_FILE && r.file !== REVISION_API,
    )
    .map((r) => r.file);
  expect(completed.sort()).toEqual([
    'config.json',
    'generation_config.json',
    ONNX,
    'tokenizer.json',
  ]);
  const cached = (await cacheEntries(page, CACHE)).map((e) => e.url.slice(PINNED_BASE.length));
  expect(cached.sort()).toEqual([...completed].sort());
  hub.release(LAST_FILE);

  await progress.getByRole('button', { name: 'Retry' }).click();
  await expect(models.entry(HUB_KEY).getByText('On this device')).toBeVisible({
    timeout: patient(30_000),
  });
  const retried = hub.requests.slice(firstAttempt);
  for (const file of completed)
    expect(
      retried.filter((r) => r.file === file),
      `requests for ${file} after Retry`,
    ).toEqual([]);
  expect(retried.map((r) => r.file)).toEqual([LAST_FILE, LAST_FILE]);
  await expect(models.row(HUB_KEY).getByTestId('model-size')).toHaveText(
    `${shownBytes(folderBytes(TINY_LLAMA_DIR))} on disk`,
  );
});

test('a mirror on the app’s own origin serves the download; the hub is never contacted', async ({
  page,
  context,
}) => {
  const models = new ModelsPage(page);
  await models.open();
  const origin = models.origin();
  const host = new URL(origin).host;
  const mirror = new ModelFileStub(TINY_LLAMA_DIR, `${origin}/mirror/${REPO}/resolve/main/`);
  await mirror.install(context);
  const hubRequests: string[] = [];
  await context.route('https://huggingface.co/**', (route) => {
    hubRequests.push(route.request().url());
    return route.abort('blockedbyclient');
  });

  await models.setMirror(`${origin}/mirror`);
  await expect(page.getByTestId('mirror-warning')).toHaveCount(0);
  await models.addCustom(REPO, 'fp32');
  await models.startDownload(HUB_KEY, `${host} (your mirror)`);
  await expect(models.entry(HUB_KEY).getByText('On this device')).toBeVisible({
    timeout: patient(30_000),
  });

  expect(mirror.requests.length).toBeGreaterThan(0);
  await expect.poll(() => models.ledgerCount()).toBe(mirror.requests.length);
  for (const r of await models.ledgerRows()) {
    expect(r.host).toBe(host);
    expect(
      r.path.startsWith(`/mirror/${REPO}/resolve/${STUB_COMMIT}/`) ||
        r.path === `/mirror/api/models/${REPO}/revision/main`,
      r.path,
    ).toBe(true);
  }
  expect(hubRequests).toEqual([]);
});

test('a mirror path answered by the app’s index.html fails as missing and caches no web page', async ({
  page,
}) => {
  const models = new ModelsPage(page);
  await models.open();
  const origin = models.origin();
  await models.setMirror(`${origin}/nope`);
  await models.addCustom(REPO, 'fp32');
  await models.startDownload(HUB_KEY, `${new URL(origin).host} (your mirror)`);

  const error = models.download(HUB_KEY).getByTestId('download-error');
  await expect(error).toBeVisible({ timeout: patient(10_000) });
  await expect(error).toContainText('is missing on');
  await expect(error).toContainText('web page');
  await expect(models.download(HUB_KEY)).toHaveAttribute('data-state', 'failed');
  const cached = await cacheEntries(page, CACHE);
  expect(cached.filter((e) => e.contentType.includes('text/html'))).toEqual([]);
  expect(cached).toEqual([]);
});
