// What grounding costs where the user feels it: from the Send click to the request leaving for
// the engine worker (the page's `hearth:request-sent` mark), with "Use my notes" on (keyword +
// vector search over the whole vault, passages packed into the budget) and off, asked in turns
// in the same page, over generated vaults indexed through the real UI to ~10k and ~100k chunks.
// Also every main-thread long task that overlaps that window. The tiny Llama answers (its model
// compute is nearly free); each answer is stopped once the request has left. Reports, never asserts.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { guard, launch, machine, median, percentile, startPreview } from './harness.mjs';
import { generateTinyLlama, timeLoad } from './llm-page.mjs';
import { generateModel, importNotes, round, watchIndexing } from './ingest/steps.mjs';
import { installLongTaskProbe } from './ingest/page-probes.mjs';

export const groundingBenchConfig = {
  /** Chunks wanted; the vault's note count is scaled from the first size's measured chunks/note. */
  chunkTargets: [10_000, 100_000],
  /**
   * First guess of chunks per generated note (≈ 7.8 KB notes cut to the tiny BERT's short
   * window: 46 measured), corrected after the first size.
   */
  chunksPerNote: 46,
  asks: 15,
  warmups: 2,
  importTimeoutMs: 1_800_000,
  indexTimeoutMs: 3_600_000,
};

const goals = { addedP50Ms: 50, longestTaskMs: 50 };

async function fixtures() {
  const file = fileURLToPath(new URL('../tests/fixtures/vault-generator.ts', import.meta.url));
  const { module } = await runnerImport(file, { configFile: false, logLevel: 'warn' });
  return module;
}

/** Runs in the page before Send: the click time, the request mark, long tasks from then on. */
function installSendProbe() {
  const probe = { clickAt: 0, sentAt: 0 };
  window.__send = probe;
  const onClick = (event) => {
    if (event.target.closest('button')?.textContent?.trim() === 'Send') {
      probe.clickAt = performance.now();
      document.removeEventListener('click', onClick, true);
    }
  };
  document.addEventListener('click', onClick, true);
  const observer = new PerformanceObserver((list) => {
    const mark = list.getEntries().find((e) => e.name === 'hearth:request-sent');
    if (mark && probe.clickAt && !probe.sentAt) {
      probe.sentAt = mark.startTime;
      observer.disconnect();
    }
  });
  observer.observe({ type: 'mark' });
}

/** Long tasks (from the init-script probe) overlapping [from, to] in page time. */
function tasksOverlapping([from, to]) {
  return window.__longTasks
    .filter((t) => t.at < to && t.at + t.ms > from)
    .map((t) => Math.round(t.ms));
}

/** The app's `hearth:*` stage measures (perf/stage.ts) that started in [from, to], summed by name. */
function stagesIn([from, to]) {
  const out = {};
  for (const m of performance.getEntriesByType('measure')) {
    if (!m.name.startsWith('hearth:') || m.startTime < from || m.startTime > to) continue;
    const name = m.name.slice('hearth:'.length);
    out[name] = (out[name] ?? 0) + m.duration;
  }
  return out;
}

/** One question in a new chat with "Use my notes" set to `grounded`; stopped once it has left. */
async function ask(page, question, grounded) {
  await page.getByTestId('new-chat').click();
  await page.waitForURL(/\/chat$/);
  const grounding = page.getByTestId('chat-grounding');
  if (!(await grounding.evaluate((el) => el.open))) await grounding.locator('summary').click();
  const toggle = grounding.getByRole('checkbox', { name: 'Use my notes' });
  if ((await toggle.isChecked()) !== grounded) await toggle.setChecked(grounded);
  await page.getByRole('textbox', { name: 'Message' }).fill(question);
  await page.evaluate(installSendProbe);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForFunction(() => window.__send.sentAt > 0, null, { timeout: 120_000 });
  const { clickAt, sentAt } = await page.evaluate(() => window.__send);
  const stop = page.getByRole('button', { name: 'Stop' });
  if (await stop.isVisible()) await stop.click().catch(() => undefined);
  const answer = page.locator('[data-testid=chat-message][data-role=assistant]').last();
  await answer.and(page.locator('[data-status=stopped], [data-status=done]')).waitFor();
  const given =
    (await answer
      .getByTestId('message-given')
      .textContent()
      .catch(() => '')) ?? '';
  const passages = Number(/(\d+) note passage/.exec(given)?.[1] ?? 0);
  const tasks = await page.evaluate(tasksOverlapping, [clickAt, sentAt]);
  const stages = await page.evaluate(stagesIn, [clickAt, sentAt]);
  return {
    ms: sentAt - clickAt,
    passages,
    longestTaskMs: tasks.length ? Math.max(...tasks) : 0,
    stages,
  };
}

/** p50 of each stage over the asks that ran it. */
function stageStats(runs) {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.stages)))].sort();
  return Object.fromEntries(
    names.map((name) => {
      const values = runs.map((r) => r.stages[name]).filter((v) => v !== undefined);
      return [name, { p50: round(median(values)), p95: round(percentile(values, 95)) }];
    }),
  );
}

const stat = (values) => ({
  p50: round(median(values)),
  p95: round(percentile(values, 95)),
  max: round(Math.max(...values)),
});

/** One vault size in a fresh context: import, index with the tiny BERT, then ask in turns. */
async function sizePart(browser, url, dirs, vaultModule, notes, config) {
  const vaultDir = mkdtempSync(join(tmpdir(), 'hearth-grounding-vault-'));
  const spec = { notes, seed: 11 };
  const written = vaultModule.writeVault(vaultDir, spec);
  const questions = vaultModule
    .vaultQueries(spec, config.asks + config.warmups)
    .map((q) => `What do my notes say about ${q.q}?`);
  const context = await browser.newContext();
  const blocked = await guard(context);
  await context.addInitScript(installLongTaskProbe);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  try {
    const imported = await importNotes(page, url, vaultDir, config.importTimeoutMs);
    await page.goto(`${url}models`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.getByLabel('Model folder').setInputFiles(dirs.llama);
    await page.getByTestId('installed-model').waitFor({ timeout: 60_000 });
    const loadMs = await timeLoad(page);
    const indexing = await watchIndexing(page, cdp, {
      notes: imported.added,
      start: async () => {
        await page.getByLabel('Model folder').setInputFiles(dirs.bert);
        await page.getByTestId('installed-model').nth(1).waitFor({ timeout: 60_000 });
        await page.getByRole('link', { name: 'Settings', exact: true }).click();
      },
      timeoutMs: config.indexTimeoutMs,
    });
    await page.getByRole('link', { name: 'Chat', exact: true }).click();
    for (let i = 0; i < config.warmups; i++) {
      await ask(page, questions[i], true);
      await ask(page, questions[i], false);
    }
    const on = [];
    const off = [];
    // In turns, so machine noise falls on both alike.
    for (const question of questions.slice(config.warmups)) {
      off.push(await ask(page, question, false));
      on.push(await ask(page, question, true));
    }
    return {
      blocked,
      result: {
        notes: imported.added,
        vaultBytes: written.bytes,
        chunks: indexing.chunks,
        importMs: imported.importMs,
        indexMs: indexing.startToUpToDateMs,
        modelLoadMs: round(loadMs),
        sendToRequestMs: {
          groundingOff: stat(off.map((r) => r.ms)),
          groundingOn: stat(on.map((r) => r.ms)),
          addedP50: round(median(on.map((r) => r.ms)) - median(off.map((r) => r.ms))),
        },
        stagesMs: { groundingOff: stageStats(off), groundingOn: stageStats(on) },
        passagesGiven: stat(on.map((r) => r.passages)),
        passagesGivenOff: Math.max(...off.map((r) => r.passages)),
        longestTaskInWindowMs: {
          groundingOff: Math.max(...off.map((r) => r.longestTaskMs)),
          groundingOn: Math.max(...on.map((r) => r.longestTaskMs)),
        },
        asks: on.length,
      },
    };
  } finally {
    await context.close();
    rmSync(vaultDir, { recursive: true, force: true });
  }
}

export async function benchGrounding(port = 4197, config = groundingBenchConfig) {
  const started = Date.now();
  const models = mkdtempSync(join(tmpdir(), 'hearth-grounding-models-'));
  const dirs = {
    llama: join(models, 'tiny-llama'),
    bert: generateModel(join(models, 'tiny-bert')),
  };
  await generateTinyLlama(dirs.llama);
  const vaultModule = await fixtures();
  const server = await startPreview(port);
  const browser = await launch();
  try {
    const sizes = [];
    const load1m = [loadavg()[0]];
    let chunksPerNote = config.chunksPerNote;
    for (const target of config.chunkTargets) {
      const notes = Math.ceil(target / chunksPerNote);
      const part = await sizePart(browser, server.url, dirs, vaultModule, notes, config);
      if (part.blocked.length) throw new Error(`requests left localhost: ${part.blocked}`);
      chunksPerNote = part.result.chunks / part.result.notes;
      sizes.push({ chunkTarget: target, ...part.result });
      load1m.push(loadavg()[0]);
    }
    return {
      loadAverage1m: load1m.map((l) => round(l, 2)),
      sizes,
      goals,
      totalMs: Date.now() - started,
    };
  } finally {
    await browser.close();
    server.stop();
    rmSync(models, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const port = Number(process.env.HEARTH_BENCH_PORT ?? process.env.HEARTH_PORT ?? 4197);
  // GROUNDING_BENCH_CHUNKS=10000 measures one size only; GROUNDING_BENCH_QUICK asks 3 times.
  const targets = process.env.GROUNDING_BENCH_CHUNKS?.split(',').map(Number);
  const config = {
    ...groundingBenchConfig,
    ...(targets ? { chunkTargets: targets } : {}),
    ...(process.env.GROUNDING_BENCH_QUICK ? { asks: 3 } : {}),
  };
  const result = { machine: await machine(), grounding: await benchGrounding(port, config) };
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/grounding.json', JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result, null, 2));
}
