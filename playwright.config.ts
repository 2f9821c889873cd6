import { defineConfig } from '@playwright/test';
import { findBrowser, chromiumArgs } from './scripts/find-browser.mjs';
import { patient } from './tests/e2e/patience';

const port = Number(process.env.HEARTH_PORT ?? 4173);
const outDir = process.env.HEARTH_OUT_DIR ?? 'dist';
const executablePath = findBrowser();

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.e2e.ts',
  globalSetup: './tests/e2e/global-setup.ts',
  timeout: 90_000,
  // Stretched when the machine is busy as the run starts (tests/e2e/patience.ts).
  expect: { timeout: patient(15_000) },
  fullyParallel: false,
  workers: Number(process.env.HEARTH_E2E_WORKERS ?? 2),
  retries: 0,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/e2e.json' }]] : 'list',
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: 'chromium',
    launchOptions: { executablePath, args: chromiumArgs },
    trace: 'retain-on-failure',
    serviceWorkers: 'allow',
    locale: 'en-GB',
    timezoneId: 'UTC',
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort --outDir ${outDir}`,
    url: `http://localhost:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
