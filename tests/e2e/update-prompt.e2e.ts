// The "new version available" prompt. The test runs its own `vite preview` of the same build
// whose service worker script can be switched to a byte-different "next version" (Playwright's
// routing does not see the browser's service-worker update check, so the server has to change).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { preview, type PreviewServer } from 'vite';
import { test, expect } from './fixtures';

let server: PreviewServer;
let nextVersion = false;

test.beforeAll(async () => {
  const outDir = process.env.HEARTH_OUT_DIR ?? 'dist';
  server = await preview({
    logLevel: 'silent',
    preview: { port: 0, strictPort: false },
    plugins: [
      {
        name: 'test-next-version',
        configurePreviewServer(s) {
          s.middlewares.use((req, res, next) => {
            if (!nextVersion || req.url?.split('?')[0] !== '/sw.js') return next();
            for (const [name, value] of Object.entries(s.config.preview.headers ?? {})) {
              if (value !== undefined) res.setHeader(name, value);
            }
            res.setHeader('Content-Type', 'text/javascript');
            res.end(`${readFileSync(path.join(outDir, 'sw.js'), 'utf8')}\n// next version\n`);
          });
        },
      },
    ],
  });
});

test.afterAll(async () => {
  await server.close();
});

test('a new version waiting shows the reload prompt, and Reload switches to it', async ({
  page,
}) => {
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('preview server has no local URL');
  await page.goto(url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  const prompt = page
    .getByRole('alert')
    .filter({ hasText: 'A new version of Hearth is available.' });
  await expect(prompt).toHaveCount(0);

  nextVersion = true;
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  await expect(prompt).toBeVisible();
  const reloaded = page.waitForEvent('load');
  await prompt.getByRole('button', { name: 'Reload' }).click();
  await reloaded;
  await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
  await expect(prompt).toHaveCount(0);
  expect(
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return { waiting: !!registration?.waiting, controlled: !!navigator.serviceWorker.controller };
    }),
  ).toEqual({ waiting: false, controlled: true });
});
