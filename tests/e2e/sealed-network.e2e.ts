// The sealed network, enforced by the service worker for the page and every worker: sealed, even
// a model host is refused to a worker and the attempt is ledgered with that worker as initiator;
// a download the user starts opens its own hosts only, and only while it runs. The fixture fails
// the test if anything reaches the network unasked (a request the service worker let through
// would reach Playwright's routing, which sees the service worker's own requests).
import { test, expect } from './fixtures';
import { ModelFileStub } from './hub-stub';
import { TINY_LLAMA_DIR } from './model-fixtures';
import { ModelsPage } from './pages/models-page';
import { NetworkPage } from './pages/network-page';
import { appWorker } from './pages/worker-rpc';
import { patient } from './patience';

const REPO = 'hearth-test/tiny-llama';
const HUB_KEY = `transformers:${REPO}@fp32`;
const HUB_BASE = `https://huggingface.co/${REPO}/resolve/main/`;
const LAST_FILE = 'tokenizer_config.json';
const MLC_CONFIG =
  'https://huggingface.co/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC/resolve/main/mlc-chat-config.json';

test('sealed: a worker’s fetch to an allowed model host is refused by the service worker and ledgered with that worker', async ({
  page,
  context,
}) => {
  const models = new ModelsPage(page);
  const network = new NetworkPage(page);
  await models.openControlled();
  await network.expectState('open');

  // Installing a model seals the network on its own.
  await models.importFolder(TINY_LLAMA_DIR);
  await expect(models.row('transformers:imported/tiny-llama@fp32')).toBeVisible({
    timeout: patient(30_000),
  });
  await network.expectState('sealed');

  const worker = await appWorker(page, /llm-transformers/);
  const attempt = await NetworkPage.fetchFrom(worker, MLC_CONFIG);
  expect(attempt).toMatchObject({ status: 403, verdict: 'blocked' });
  expect(attempt.text).toContain('the network is sealed');

  await expect.poll(() => models.ledgerCount()).toBe(1);
  expect(await models.ledgerRows()).toEqual([
    {
      host: 'huggingface.co',
      path: new URL(MLC_CONFIG).pathname,
      status: 'failed',
      modelKey: '',
      reason: 'blocked: the network is sealed',
      initiator: 'llm-transformers worker',
    },
  ]);

  // The policy is stored, not held in the service worker's memory: stopped and restarted, it
  // still refuses.
  const cdp = await context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  expect(await NetworkPage.fetchFrom(worker, `${HUB_BASE}config.json`)).toMatchObject({
    status: 403,
    verdict: 'blocked',
  });
  // The page is held to the same policy, and named as the initiator.
  expect(await NetworkPage.fetchFrom(page, MLC_CONFIG)).toMatchObject({ verdict: 'blocked' });
  await expect.poll(() => models.ledgerCount()).toBe(3);
  const initiators = (await models.ledgerRows()).map((r) => r.initiator);
  expect(initiators).toEqual(['page', 'llm-transformers worker', 'llm-transformers worker']);
});

test('a download the user starts opens only its own hosts, only while it runs', async ({
  page,
  context,
}) => {
  const hub = new ModelFileStub(TINY_LLAMA_DIR, HUB_BASE);
  await hub.install(context);
  const lastRequested = hub.hold(LAST_FILE);
  const models = new ModelsPage(page);
  const network = new NetworkPage(page);
  await models.openControlled();
  await network.choose('sealed');
  await models.open();
  await network.expectState('sealed');

  await models.addCustom(REPO, 'fp32');
  await models.startDownload(HUB_KEY, 'huggingface.co');
  await lastRequested;
  await network.expectState('download');

  const worker = await appWorker(page, /llm-transformers/);
  // Another model host (web-llm's library host) is not this download's.
  const other = await NetworkPage.fetchFrom(
    worker,
    'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/x.wasm',
  );
  expect(other).toMatchObject({ status: 403, verdict: 'blocked' });
  expect(other.text).toContain('not a host of the download you started');

  hub.release(LAST_FILE);
  await expect(models.entry(HUB_KEY).getByText('On this device')).toBeVisible({
    timeout: patient(30_000),
  });
  await network.expectState('sealed');
  // Over: the hub is refused again, even for the same model's files.
  expect(await NetworkPage.fetchFrom(worker, `${HUB_BASE}config.json`)).toMatchObject({
    status: 403,
    verdict: 'blocked',
  });

  // Each of the download's requests is on the ledger once, with the worker that made it and why.
  await expect.poll(() => models.ledgerCount()).toBe(hub.requests.length + 2);
  const rows = await models.ledgerRows();
  const downloadRows = rows.filter((r) => r.modelKey === HUB_KEY);
  expect(downloadRows).toHaveLength(hub.requests.length);
  for (const r of downloadRows) {
    expect(r.host).toBe('huggingface.co');
    expect(r.initiator).toBe('llm-transformers worker');
    expect(r.reason).toBe('download tiny-llama (fp32, custom)');
  }
  expect(rows.filter((r) => r.reason.startsWith('blocked')).map((r) => r.host)).toEqual([
    'huggingface.co',
    'raw.githubusercontent.com',
  ]);
});
