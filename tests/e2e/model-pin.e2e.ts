// "Your model stays your model": a hub download is pinned to the commit main pointed at, each
// file's SHA-256 is recorded, a stored file changed behind Hearth's back refuses the load without
// any request, a stored record that is not valid refuses the load, and an upstream commit is only
// ever offered as an update.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { test, expect, isLocalUrl } from './fixtures';
import { ModelFileStub, REVISION_API, STUB_COMMIT } from './hub-stub';
import { putRecord, readAll } from './idb';
import { TINY_LLAMA_DIR } from './model-fixtures';
import { cacheEntries, ModelsPage } from './pages/models-page';
import { patient } from './patience';

const CACHE = 'transformers-cache';
const REPO = 'hearth-test/tiny-llama';
const KEY = `transformers:${REPO}@fp32`;
const NAME = 'tiny-llama (fp32, custom)';
const HUB_BASE = `https://huggingface.co/${REPO}/resolve/main/`;
const pinnedBase = (commit: string) => `https://huggingface.co/${REPO}/resolve/${commit}/`;
const ONNX = 'onnx/model.onnx';
const NEXT_COMMIT = '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b';

interface StoredModel {
  key: string;
  name: string;
  spec: { repo: string; revision?: string };
  pin?: { files: { path: string; sizeBytes: number; sha256: string }[]; how: string };
}

const sha256Of = (file: string) =>
  createHash('sha256')
    .update(readFileSync(path.join(TINY_LLAMA_DIR, file)))
    .digest('hex');

/**
 * Stands the hub in with the tiny Llama's files, downloads it as a custom model on Models and
 * waits for it: the start of every test here that has a hub.
 */
async function downloaded(page: Page, context: BrowserContext) {
  const hub = new ModelFileStub(TINY_LLAMA_DIR, HUB_BASE);
  await hub.install(context);
  const models = new ModelsPage(page);
  await models.open();
  await models.addCustom(REPO, 'fp32');
  await models.startDownload(KEY, 'huggingface.co');
  await expect(models.entry(KEY).getByText('On this device')).toBeVisible({
    timeout: patient(30_000),
  });
  return { hub, models, row: models.row(KEY) };
}

async function storedModel(models: ModelsPage): Promise<StoredModel> {
  const rows = await readAll<StoredModel>(models.page, 'models');
  const row = rows.find((r) => r.key === KEY);
  if (!row) throw new Error(`no stored record for ${KEY}`);
  return row;
}

test('a download is pinned to the commit main pointed at, shown, and each file hashed', async ({
  page,
  context,
}) => {
  const { hub, models } = await downloaded(page, context);

  // The commit was asked once, first; every file came from that commit.
  expect(hub.requests[0]).toMatchObject({ file: REVISION_API, revision: 'main' });
  expect(hub.requests.filter((r) => r.file === REVISION_API)).toHaveLength(1);
  expect(
    hub.requests.filter((r) => r.file !== REVISION_API).every((r) => r.revision === STUB_COMMIT),
  ).toBe(true);

  const row = models.row(KEY);
  const revision = row.getByTestId('model-revision');
  await expect(revision).toHaveText(`Pinned to revision ${STUB_COMMIT.slice(0, 7)}`);
  await expect(revision).toHaveAttribute('data-revision', STUB_COMMIT);
  await expect(row.getByTestId('model-hashes')).toHaveText(
    'SHA-256 of 5 files recorded, checked before every load',
  );

  const stored = await storedModel(models);
  expect(stored.spec.revision).toBe(STUB_COMMIT);
  expect(stored.pin?.how).toBe('download');
  const recorded = new Map((stored.pin?.files ?? []).map((f) => [f.path, f.sha256]));
  expect(Object.fromEntries(recorded)).toEqual(
    Object.fromEntries(
      [
        'config.json',
        'generation_config.json',
        ONNX,
        'tokenizer.json',
        'tokenizer_config.json',
      ].map((f) => [f, sha256Of(f)]),
    ),
  );
  const cached = (await cacheEntries(page, CACHE)).map((e) => e.url);
  expect(cached.every((url) => url.startsWith(pinnedBase(STUB_COMMIT)))).toBe(true);
});

test('a stored file changed in Cache Storage refuses the load, with no request made', async ({
  page,
  context,
}) => {
  const { hub, row } = await downloaded(page, context);

  // The untouched model passes the check and loads.
  await row.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(row.getByTestId('model-loaded')).toHaveText('Loaded', { timeout: patient(60_000) });
  await row.getByRole('button', { name: 'Unload' }).click();
  await expect(row.getByRole('button', { name: 'Load', exact: true })).toBeVisible();

  // One byte of the weights changes where transformers.js keeps them; same size, same headers.
  const url = pinnedBase(STUB_COMMIT) + ONNX;
  await page.evaluate(async (key) => {
    const cache = await caches.open('transformers-cache');
    const response = await cache.match(key);
    if (!response) throw new Error(`${key} is not cached`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
    await cache.put(key, new Response(bytes, { headers: response.headers }));
  }, url);

  const requestsBefore = hub.requests.length;
  const offLocalhost: string[] = [];
  context.on('request', (request) => {
    if (!isLocalUrl(request.url())) offLocalhost.push(request.url());
  });
  await row.getByRole('button', { name: 'Load', exact: true }).click();
  const refusal = page.getByRole('alert').filter({ hasText: `Couldn't load ${NAME}` });
  await expect(refusal).toContainText('Hearth refused to load this model', {
    timeout: patient(30_000),
  });
  await expect(refusal).toContainText(`changed since it was stored: “${ONNX}”`);
  await expect(refusal).toContainText('Nothing was downloaded to replace them');
  await expect(row.getByTestId('model-loaded')).toHaveCount(0);
  expect(hub.requests.slice(requestsBefore), 'hub requests during the refused load').toEqual([]);
  expect(offLocalhost, 'requests that left localhost during the refused load').toEqual([]);
  // The changed file is left as it is: nothing re-downloaded it.
  const after = await cacheEntries(page, CACHE);
  expect(after.filter((e) => e.url === url)).toHaveLength(1);
});

test('a custom model whose stored record is not valid is refused at load and in the catalog', async ({
  page,
  context,
}) => {
  const { hub, models } = await downloaded(page, context);

  // The record is edited behind Hearth's back (a damaged restore, another tool): its repo now
  // climbs out of the hub path; the custom-models setting gains a repo on another host.
  const stored = await storedModel(models);
  await putRecord(page, 'models', { ...stored, spec: { ...stored.spec, repo: `${REPO}/../../x` } });
  await putRecord(page, 'settings', {
    key: 'customModels',
    value: [
      { repo: REPO, dtype: 'fp32' },
      { repo: '//evil.example/x', dtype: 'q4' },
    ],
  });
  await page.reload();
  await expect(models.catalog).toBeVisible({ timeout: patient(30_000) });
  await models.filesChecked();
  // The files check names the record's problem and does not act on it (no "files missing").
  await expect(models.row(KEY).getByTestId('model-problem')).toContainText(
    'is not of the form owner/name',
  );
  await expect(
    page.getByRole('alert').filter({ hasText: 'The stored custom model “//evil.example/x”' }),
  ).toContainText('is not a repo id. It was left out of the catalog.');

  const requestsBefore = hub.requests.length;
  const row = models.row(KEY);
  await row.getByRole('button', { name: 'Load', exact: true }).click();
  const refusal = page.getByRole('alert').filter({ hasText: `Couldn't load ${NAME}` });
  await expect(refusal).toContainText(`The stored record of “${NAME}” is not valid`, {
    timeout: patient(10_000),
  });
  await expect(refusal).toContainText(
    `its repo id “${REPO}/../../x” is not of the form owner/name`,
  );
  await expect(row.getByTestId('model-loaded')).toHaveCount(0);
  expect(hub.requests.slice(requestsBefore)).toEqual([]);
});

test('a newer upstream commit is offered as an update, and applied only when asked', async ({
  page,
  context,
}) => {
  const { hub, models, row } = await downloaded(page, context);
  const check = row.getByRole('button', { name: 'Check for update' });

  await check.click();
  await expect(row.getByTestId('model-update-status')).toHaveText('Up to date');

  hub.commit = NEXT_COMMIT;
  const fileRequests = () => hub.requests.filter((r) => r.file !== REVISION_API).length;
  const filesBefore = fileRequests();
  await check.click();
  const update = row.getByTestId('model-update');
  await expect(update).toHaveText(`Update to ${NEXT_COMMIT.slice(0, 7)}`);
  await expect(row.getByTestId('model-update-status')).toContainText(
    'nothing changes until you update',
  );
  // Checking downloaded nothing, and the model is still the pinned one.
  expect(fileRequests()).toBe(filesBefore);
  expect((await storedModel(models)).spec.revision).toBe(STUB_COMMIT);

  await update.click();
  await expect(row.getByTestId('model-revision')).toHaveAttribute('data-revision', NEXT_COMMIT, {
    timeout: patient(30_000),
  });
  const stored = await storedModel(models);
  expect(stored.spec.revision).toBe(NEXT_COMMIT);
  expect(stored.pin?.files).toHaveLength(5);
  // The old commit's files are gone once the new ones are whole.
  await expect
    .poll(async () => {
      const urls = (await cacheEntries(page, CACHE)).map((e) => e.url);
      return {
        old: urls.filter((u) => u.startsWith(pinnedBase(STUB_COMMIT))).length,
        next: urls.filter((u) => u.startsWith(pinnedBase(NEXT_COMMIT))).length,
      };
    })
    .toEqual({ old: 0, next: 5 });
});

test('a model recorded before pinning is hashed on its first load, then checked against that', async ({
  page,
}) => {
  const models = new ModelsPage(page);
  await models.open();
  await models.importFolder(TINY_LLAMA_DIR);
  const key = 'transformers:imported/tiny-llama@fp32';
  const row = models.row(key);
  await expect(row).toBeVisible({ timeout: patient(30_000) });

  // As written by the version before pinning: no hashes.
  const [record] = await readAll<StoredModel & { pin?: unknown }>(page, 'models');
  const { pin: _dropped, ...unpinned } = record!;
  await putRecord(page, 'models', unpinned);
  await page.reload();
  await models.filesChecked();
  await expect(row.getByTestId('model-hashes')).toHaveText(
    'SHA-256 of its files is recorded on its next load',
  );
  // Without hashes a backup cannot carry it, and Settings says so rather than offering nothing.
  const leftOut = page.getByTestId('backup-models-left-out');
  await page.goto('/settings');
  await expect(leftOut).toContainText('1 model is left out of the backup');
  await expect(page.getByTestId('backup-include-models')).toHaveCount(0);
  await models.open();

  await row.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(row.getByTestId('model-loaded')).toHaveText('Loaded', { timeout: patient(60_000) });
  await expect(row.getByTestId('model-hashes')).toHaveText(
    'SHA-256 of 5 files recorded on first load, checked before every load',
  );
  const [pinned] = await readAll<StoredModel>(page, 'models');
  expect(pinned?.pin?.how).toBe('first-load');
  await page.goto('/settings');
  await expect(page.getByTestId('backup-include-models')).toBeVisible();
  await expect(leftOut).toHaveCount(0);
  expect(new Map(pinned?.pin?.files.map((f) => [f.path, f.sha256])).get(ONNX)).toBe(sha256Of(ONNX));
});
