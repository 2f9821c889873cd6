// Local model in the real UI, with the deterministic tiny Llama (random weights, 2 layers): engine
// load cold and warm, main-thread cost per streamed token while an answer renders, and the time to
// first token Hearth adds on top of the engine's own. Baselines in the same run: the page idle for
// as long as an answer takes, and the same answer streamed while another view is shown (nothing
// rendered). Reports, never asserts. Answers are 2,000 tokens: the bench sets Settings → "Longest
// answer (tokens)" like a user would, and the random-weight model never stops early.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { guard, launchPersistent, machine, median, percentile, startPreview } from './harness.mjs';
import {
  delta,
  generateTinyLlama,
  importModel,
  installProbes,
  latestAnswer,
  mainThreadMs,
  timeLoad,
  unload,
} from './llm-page.mjs';

const goals = { mainThreadMsPerToken: 2, addedFirstTokenMs: 20, longestTaskMs: 50 };
const answerTokens = 2000;
const prompt = 'Tell me a long story about a lighthouse keeper and the sea.';
const round = (x, digits = 1) => +x.toFixed(digits);
const stat = (values, digits = 1) => ({
  median: round(median(values), digits),
  p95: round(percentile(values, 95), digits),
  runs: values.map((v) => round(v, digits)),
});

/** Opens an empty chat through the app's own links: a page load would drop the loaded model. */
async function newChat(page) {
  if (!new URL(page.url()).pathname.startsWith('/chat'))
    await page.getByRole('link', { name: 'Chat', exact: true }).click();
  await page.getByTestId('new-chat').click();
  await page.waitForURL(/\/chat$/);
  await page.locator('[data-testid=chat-message]').first().waitFor({ state: 'detached' });
  await page.getByRole('textbox', { name: 'Message' }).fill(prompt);
}

/** Sets the longest answer in Settings, through the UI, and waits until it is stored. */
async function setAnswerTokens(page, tokens) {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  const input = page.getByRole('spinbutton', { name: 'Longest answer (tokens)' });
  await input.fill(String(tokens));
  await input.press('Tab');
  await page.waitForFunction(
    (want) =>
      new Promise((resolve) => {
        const open = indexedDB.open('hearth');
        open.onsuccess = () => {
          const get = open.result
            .transaction('settings')
            .objectStore('settings')
            .get('maxAnswerTokens');
          get.onsuccess = () => resolve(get.result?.value === want);
          get.onerror = () => resolve(false);
        };
        open.onerror = () => resolve(false);
      }),
    tokens,
  );
}

const conversationIdOf = async (page) => {
  await page.waitForURL(/\/chat\/[^/]+$/);
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
};

/** One answer rendered on the chat page: main-thread cost, long tasks, UI and engine TTFT. */
async function renderedAnswer(page, cdp) {
  await newChat(page);
  await page.evaluate(installProbes);
  const before = await mainThreadMs(cdp);
  await page.getByRole('button', { name: 'Send' }).click();
  await page
    .locator('[data-testid=chat-message][data-role=assistant][data-status=done]')
    .waitFor({ timeout: 300_000 });
  const cost = delta(await mainThreadMs(cdp), before);
  const probe = await page.evaluate(() => window.__probe);
  // 0 when no "loading" phase was ever painted: a warm answer's request leaves in the click's task.
  const loadingPhaseMs = probe.loadingSeen ? probe.loadingEndAt - probe.clickAt : 0;
  // A real load takes seconds (a page load drops the model with its worker): not a warm answer.
  if (loadingPhaseMs > 1000)
    throw new Error(`the model loaded during the answer (${loadingPhaseMs} ms)`);
  const stored = await page.evaluate(latestAnswer, await conversationIdOf(page));
  const tokens = stored.stats.completionTokens;
  const uiFirstTextMs = probe.firstTextAt - probe.clickAt;
  return {
    tokens,
    chars: stored.chars,
    finishReason: stored.stats.finishReason,
    totalMs: stored.stats.totalMs,
    msPerToken: Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, v / tokens])),
    longTasks: probe.longTasks,
    longFrames: probe.longFrames,
    uiFirstTextMs,
    uiFirstFrameMs: probe.firstFrameAt - probe.clickAt,
    loadingPhaseMs,
    engineFirstTokenMs: stored.stats.firstTokenMs,
    addedMs: uiFirstTextMs - stored.stats.firstTokenMs,
  };
}

/** The same answer streamed while the Notes view is shown: everything but the rendering. */
async function unrenderedAnswer(page, cdp) {
  await newChat(page);
  await page.getByRole('button', { name: 'Send' }).click();
  const id = await conversationIdOf(page);
  await page.getByRole('link', { name: 'Notes' }).click();
  await page.getByRole('button', { name: 'New note' }).waitFor();
  const before = await mainThreadMs(cdp);
  let stored = await page.evaluate(latestAnswer, id);
  while (stored?.status !== 'done') {
    if (stored && stored.status !== 'streaming') throw new Error(`answer ${stored.status}`);
    await sleep(500);
    stored = await page.evaluate(latestAnswer, id);
  }
  const cost = delta(await mainThreadMs(cdp), before);
  return {
    tokens: stored.stats.completionTokens,
    msPerToken: cost.task / stored.stats.completionTokens,
  };
}

async function coldLoadMs(url, modelDir) {
  const profile = mkdtempSync(join(tmpdir(), 'hearth-bench-llm-'));
  const context = await launchPersistent(profile);
  try {
    const blocked = await guard(context);
    const page = context.pages()[0] ?? (await context.newPage());
    await importModel(page, url, modelDir);
    const ms = await timeLoad(page);
    if (blocked.length) throw new Error(`requests left localhost: ${blocked.join(', ')}`);
    return { context, page, profile, ms, blocked };
  } catch (error) {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

export async function benchLlm(port = 4194, { answers = 5, loads = 3 } = {}) {
  // Other work on the machine slows both threads; the load average says how busy it was.
  const loadAverageBefore = +loadavg()[0].toFixed(1);
  const modelDir = mkdtempSync(join(tmpdir(), 'hearth-bench-model-'));
  const server = await startPreview(port);
  const profiles = [modelDir];
  try {
    const { sizeBytes } = await generateTinyLlama(modelDir);
    // Extra cold loads, each in a fresh profile (new browser process, no code cache).
    const cold = [];
    for (let i = 1; i < loads; i++) {
      const run = await coldLoadMs(server.url, modelDir);
      profiles.push(run.profile);
      cold.push(run.ms);
      await run.context.close();
    }
    const first = await coldLoadMs(server.url, modelDir);
    profiles.push(first.profile);
    cold.unshift(first.ms);
    const { context, page, blocked } = first;
    try {
      const warmSamePage = [];
      for (let i = 0; i < loads; i++) {
        await unload(page);
        warmSamePage.push(await timeLoad(page));
      }
      const warmAfterReload = [];
      for (let i = 0; i < loads; i++) {
        await page.reload();
        await page.getByTestId('installed-model').waitFor();
        warmAfterReload.push(await timeLoad(page));
      }

      await setAnswerTokens(page, answerTokens);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      // Warm-up: the first answer after a load pays one-off allocations; cut it short.
      await newChat(page);
      await page.getByRole('button', { name: 'Send' }).click();
      await page.waitForFunction(() =>
        document.querySelector('[data-role=assistant] .markdown')?.textContent?.trim(),
      );
      await page.getByRole('button', { name: 'Stop' }).click();
      await page.locator('[data-role=assistant][data-status=stopped]').waitFor();

      const rendered = [];
      for (let i = 0; i < answers; i++) rendered.push(await renderedAnswer(page, cdp));
      const unrendered = [];
      for (let i = 0; i < 2; i++) unrendered.push(await unrenderedAnswer(page, cdp));

      // Idle baseline: the chat page showing the last answer, for as long as an answer took.
      await page.goBack();
      await page.locator('[data-testid=chat-message][data-status=done]').last().waitFor();
      const idleForMs = median(rendered.map((r) => r.totalMs));
      const idleBefore = await mainThreadMs(cdp);
      await sleep(idleForMs);
      const idle = delta(await mainThreadMs(cdp), idleBefore);
      if (blocked.length) throw new Error(`requests left localhost: ${blocked.join(', ')}`);

      const tokens = median(rendered.map((r) => r.tokens));
      const perToken = (key) =>
        stat(
          rendered.map((r) => r.msPerToken[key]),
          3,
        );
      const longTasks = rendered.flatMap((r) => r.longTasks);
      const longFrames = rendered.flatMap((r) => r.longFrames);
      const msPerToken = perToken('task').median;
      const longestTaskMs = longTasks.length ? Math.max(...longTasks) : 0;
      const added = stat(rendered.map((r) => r.addedMs));
      const result = {
        model: {
          name: 'tiny-llama (fixture)',
          onnxBytes: sizeBytes,
          engine: 'transformers (WASM)',
        },
        goals,
        loadAverage1m: { before: loadAverageBefore, after: +loadavg()[0].toFixed(1) },
        answer: {
          tokens: rendered.map((r) => r.tokens),
          chars: rendered.map((r) => r.chars),
          finishReason: rendered.map((r) => r.finishReason),
          msEach: stat(
            rendered.map((r) => r.totalMs),
            0,
          ),
          tokensAsked: answerTokens,
        },
        mainThread: {
          msPerToken: perToken('task'),
          scriptMsPerToken: perToken('script'),
          layoutMsPerToken: perToken('layout'),
          styleMsPerToken: perToken('style'),
          baselineNotRenderedMsPerToken: stat(
            unrendered.map((r) => r.msPerToken),
            3,
          ),
          baselineIdle: {
            forMs: round(idleForMs, 0),
            taskMs: round(idle.task),
            msPerTokenEquivalent: round(idle.task / tokens, 3),
          },
          longestTaskMs,
          longTasksOver50Ms: longTasks.length,
          longAnimationFrames: longFrames.length
            ? { count: longFrames.length, longestMs: Math.max(...longFrames) }
            : 'none ≥ 50 ms',
        },
        firstToken: {
          addedByHearthMs: added,
          uiFirstTextMs: stat(rendered.map((r) => r.uiFirstTextMs)),
          uiFirstFrameMs: stat(rendered.map((r) => r.uiFirstFrameMs)),
          engineFirstTokenMs: stat(rendered.map((r) => r.engineFirstTokenMs)),
          clickToWritingPhaseMs: stat(rendered.map((r) => r.loadingPhaseMs)), // 0 = never painted
        },
        loadMs: {
          coldFreshProfile: stat(cold, 0),
          warmSamePage: stat(warmSamePage, 0),
          warmAfterReload: stat(warmAfterReload, 0),
        },
      };
      result.meets = {
        mainThreadMsPerToken: msPerToken <= goals.mainThreadMsPerToken,
        addedFirstTokenMs: added.median <= goals.addedFirstTokenMs,
        noLongTask: longestTaskMs < goals.longestTaskMs,
      };
      return result;
    } finally {
      await context.close();
    }
  } finally {
    server.stop();
    for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.HEARTH_BENCH_PORT ?? process.env.HEARTH_PORT ?? 4194);
  console.log(JSON.stringify({ machine: await machine(), ...(await benchLlm(port)) }, null, 2));
}
