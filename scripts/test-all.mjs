// `npm test`: type checks, lint, unit tests, a production build, then the e2e suite in real
// Chromium. Every step runs even if an earlier one fails, so one run shows everything; the last
// line is the total, `N passed, N failed`.
//
// Each failed test runs once more (`--retry=1`, `--retries=1`): on a busy 2-core machine a timing
// race in a test, or in the app, shows up once in hundreds of runs, and one such run should not
// hide the rest. A test that passed only the second time is listed by name as FLAKY in the
// summary, with its first error, so it is looked into like a failure; it does not fail the run.
// Running one file by hand (vitest / playwright directly) never retries.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { findBrowser } from './find-browser.mjs';

const reports = '.tmp/reports';
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const browser = findBrowser();
console.log(
  browser
    ? `Using browser: ${browser}`
    : "No system Chromium found: using Playwright's own browser.",
);

function run(label, command, args, env = {}) {
  console.log(`\n── ${label}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(
    `── ${label}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return result.status === 0;
}

/** First line of a failure message, short enough for the summary. */
const firstLine = (message) =>
  String(message ?? '')
    // eslint-disable-next-line no-control-regex -- terminal colours in Playwright's messages
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')[0]
    .slice(0, 300);

/** Every test in a Playwright JSON report, with its file and title path. */
function* e2eTests(suite, titles = []) {
  const path = suite.title && !suite.title.endsWith('.ts') ? [...titles, suite.title] : titles;
  for (const spec of suite.specs ?? [])
    for (const test of spec.tests ?? [])
      yield { file: spec.file, title: [...path, spec.title], test };
  for (const child of suite.suites ?? []) yield* e2eTests(child, path);
}

function readJson(path) {
  try {
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
  } catch {
    return null;
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const summary = [];

for (const [label, script] of [
  ['check', 'check'],
  ['lint', 'lint'],
]) {
  const ok = run(label, 'npm', ['run', '--silent', script]);
  totals[ok ? 'passed' : 'failed']++;
  summary.push(`${label}: ${ok ? 'passed' : 'FAILED'}`);
}

const unitOk = run('unit', 'npx', [
  'vitest',
  'run',
  '--retry=1',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${reports}/unit.json`,
]);
const unit = readJson(`${reports}/unit.json`);
if (unit) {
  totals.passed += unit.numPassedTests;
  totals.failed += unit.numFailedTests;
  totals.skipped += unit.numPendingTests + (unit.numTodoTests ?? 0);
  const line = summary.push('') - 1;
  let flakyCount = 0;
  // CI shows only the end of the log, where the unit runner's own failure report is long gone.
  for (const file of unit.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      // A test that passed on its retry keeps the first attempt's error.
      const flaky = test.status === 'passed' && (test.failureMessages?.length ?? 0) > 0;
      if (test.status !== 'failed' && !flaky) continue;
      if (flaky) flakyCount++;
      summary.push(
        `  ${flaky ? 'FLAKY' : '✗'} ${file.name.replace(process.cwd() + '/', '')} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`,
      );
    }
  }
  summary[line] =
    `unit: ${unit.numPassedTests} passed (${flakyCount} flaky), ${unit.numFailedTests} failed`;
}
if (!unitOk && (!unit || unit.numFailedTests === 0)) {
  totals.failed++;
  summary.push('unit: runner FAILED');
}

const buildOk = run('build', 'npx', ['vite', 'build']);
if (!buildOk) {
  totals.failed++;
  summary.push('build: FAILED (e2e not run)');
} else {
  const e2eOk = run('e2e', 'npx', ['playwright', 'test', '--retries=1', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: `${reports}/e2e.json`,
  });
  const e2e = readJson(`${reports}/e2e.json`);
  if (e2e?.stats) {
    const { expected, unexpected, flaky, skipped } = e2e.stats;
    totals.passed += expected + flaky;
    totals.failed += unexpected;
    totals.skipped += skipped;
    summary.push(
      `e2e: ${expected + flaky} passed (${flaky} flaky), ${unexpected} failed, ${skipped} skipped`,
    );
    for (const suite of e2e.suites ?? [])
      for (const { file, title, test } of e2eTests(suite)) {
        if (test.status !== 'flaky' && test.status !== 'unexpected') continue;
        const error = test.results?.find((r) => r.status !== 'passed')?.error?.message;
        summary.push(
          `  ${test.status === 'flaky' ? 'FLAKY' : '✗'} ${file} › ${title.join(' › ')}: ${firstLine(error)}`,
        );
      }
  }
  if (!e2eOk && (!e2e?.stats || e2e.stats.unexpected === 0)) {
    totals.failed++;
    summary.push('e2e: runner FAILED');
  }
}

console.log(`\n${summary.join('\n')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
