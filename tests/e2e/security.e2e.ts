import { test, expect } from './fixtures';

const payloads = [
  '<img src=x onerror="window.__xss = 1">',
  '<svg onload="window.__xss = 2"><circle r="1"/></svg>',
  '[click me](javascript:window.__xss=3)',
  '<a href="javascript:window.__xss=4">raw link</a>',
  '<script>window.__xss = 5</script>',
  '<iframe src="javascript:window.__xss=6"></iframe>',
  '<details open ontoggle="window.__xss = 7">x</details>',
  '<a href="data:text/html,<script>alert(1)</script>">data link</a>',
  '![remote](https://tracker.example.com/pixel.png)',
  '<form action="https://evil.example.com"><button>go</button></form>',
  '<div style="background:url(https://evil.example.com/x)">styled</div>',
].join('\n\n');

test.describe('security', () => {
  test('every response carries the CSP and cross-origin isolation headers, and the page is isolated', async ({
    page,
    request,
    notes,
  }) => {
    await notes.open();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const meta = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content');
    expect(meta).toContain("default-src 'self'");

    const scripts = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname)
        .filter((p) => p.endsWith('.js')),
    );
    for (const path of ['/', '/notes/deep/link', '/sw.js', '/manifest.webmanifest', ...scripts]) {
      const response = await request.get(path);
      expect(response.status(), path).toBe(200);
      const headers = response.headers();
      const csp = headers['content-security-policy'] ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("connect-src 'self'");
      expect(csp, path).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp, path).not.toMatch(/(^|[^-])'unsafe-(eval|inline)'/);
      expect(headers['cross-origin-opener-policy'], path).toBe('same-origin');
      expect(headers['cross-origin-embedder-policy'], path).toBe('require-corp');
    }
  });

  test('XSS payloads in note bodies and titles never execute or reach the network', async ({
    page,
    notes,
  }) => {
    await notes.open();
    await notes.create();
    await notes.text.fill(`# Hostile\n\n${payloads}\n\n[[<svg onload=window.__xss=8>]]\n`);
    await notes.saved();
    await notes.rename('<img src=x onerror="window.__xss = 99">');
    await page.reload();
    await expect(notes.preview.getByRole('heading', { name: 'Hostile' })).toBeVisible();

    for (const name of ['click me', 'raw link', 'data link']) {
      const link = notes.preview.getByText(name);
      await expect(link).toBeVisible();
      await link.click();
    }
    await expect(notes.preview.getByRole('button')).toHaveCount(0);

    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    ).toBeUndefined();
    const dangerous = await notes.preview.evaluate((root) => ({
      handlers: [...root.querySelectorAll('*')].filter((el) =>
        [...el.attributes].some((a) => a.name.startsWith('on')),
      ).length,
      scripts: root.querySelectorAll('script, iframe, form, style, object, embed').length,
      jsLinks: [...root.querySelectorAll('a')].filter((a) =>
        /^(javascript|data):/i.test(a.getAttribute('href') ?? ''),
      ).length,
      styled: root.querySelectorAll('[style]').length,
      remoteImages: [...root.querySelectorAll('img')].filter((img) => img.getAttribute('src'))
        .length,
    }));
    expect(dangerous).toEqual({ handlers: 0, scripts: 0, jsLinks: 0, styled: 0, remoteImages: 0 });
    // The title shows as text everywhere it appears.
    await expect(
      page
        .getByRole('navigation', { name: 'Notes' })
        .getByText('<img src=x onerror="window.__xss = 99">'),
    ).toBeVisible();
  });
});
