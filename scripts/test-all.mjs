// `npm test`: type checks, lint, unit tests, a production build, then the e2e suite in real
// Chromium. Every step runs even if an earlier one fails, so one run shows everything; the last
// line is the total, `N passed, N failed`.
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
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${reports}/unit.json`,
]);
const unit = readJson(`${reports}/unit.json`);
if (unit) {
  totals.passed += unit.numPassedTests;
  totals.failed += unit.numFailedTests;
  totals.skipped += unit.numPendingTests + (unit.numTodoTests ?? 0);
  summary.push(`unit: ${unit.numPassedTests} passed, ${unit.numFailedTests} failed`);
  // CI shows only the end of the log, where the unit runner's own failure report is long gone.
  for (const file of unit.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (test.status !== 'failed') continue;
      const reason = String(test.failureMessages?.[0] ?? '')
        .split('\n')[0]
        .slice(0, 300);
      summary.push(
        `  ✗ ${file.name.replace(process.cwd() + '/', '')} › ${test.fullName}: ${reason}`,
      );
    }
  }
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
  const e2eOk = run('e2e', 'npx', ['playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: `${reports}/e2e.json`,
  });
  const e2e = readJson(`${reports}/e2e.json`);
  if (e2e?.stats) {
    const { expected, unexpected, flaky, skipped } = e2e.stats;
    totals.passed += expected + flaky;
    totals.failed += unexpected;
    totals.skipped += skipped;
    summary.push(`e2e: ${expected + flaky} passed, ${unexpected} failed, ${skipped} skipped`);
  }
  if (!e2eOk && (!e2e?.stats || e2e.stats.unexpected === 0)) {
    totals.failed++;
    summary.push('e2e: runner FAILED');
  }
}

console.log(`\n${summary.join('\n')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
