// The shared e2e fixture: every test fails if the page or any of its workers requests anything
// off localhost that the test did not allow, if a Content-Security-Policy violation is reported,
// or if the page throws an uncaught error.
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { NotesPage } from './pages/notes-page';
import { patient } from './patience';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface Guard {
  /** Off-localhost URLs the page tried to reach (blocked). */
  blocked: string[];
  /** CSP violations and uncaught page errors. */
  problems: string[];
  /** Hosts this test explicitly allows (none by default). */
  allowHosts: Set<string>;
  /** Problems matching these patterns are expected by the test. */
  expectProblems: RegExp[];
}

export function isLocalUrl(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return LOCAL_HOSTS.has(hostname);
}

export async function guardContext(context: BrowserContext, guard: Guard): Promise<void> {
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isLocalUrl(url) || guard.allowHosts.has(new URL(url).hostname)) return route.fallback();
    guard.blocked.push(url);
    return route.abort('blockedbyclient');
  });
}

export function watchPage(page: Page, guard: Guard): void {
  page.on('console', (message) => {
    const text = message.text();
    if (
      /Content[- ]Security[- ]Policy|Refused to (load|execute|apply|connect|create)/i.test(text)
    ) {
      guard.problems.push(`CSP: ${text}`);
    }
  });
  page.on('pageerror', (error) => guard.problems.push(`page error: ${error.message}`));
}

export function assertGuard(guard: Guard): void {
  expect(guard.blocked, 'requests that tried to leave localhost').toEqual([]);
  const unexpected = guard.problems.filter((p) => !guard.expectProblems.some((re) => re.test(p)));
  expect(unexpected, 'CSP violations or uncaught errors').toEqual([]);
}

/** No test may run longer than this, however busy the machine. */
const maxTestMs = 15 * 60_000;

export const test = base.extend<{ guard: Guard; notes: NotesPage; patience: void }>({
  // A busy machine stretches every test's time limit (a test's own setTimeout stretches too). A
  // ceiling keeps one hung test from eating the CI run's whole time budget.
  patience: [
    // Playwright reads a fixture's dependencies from an object pattern, even an empty one.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use, testInfo) => {
      testInfo.setTimeout(Math.min(patient(testInfo.timeout), maxTestMs));
      await use();
    },
    { auto: true },
  ],
  guard: [
    async ({ context, page }, use) => {
      const guard: Guard = { blocked: [], problems: [], allowHosts: new Set(), expectProblems: [] };
      await guardContext(context, guard);
      watchPage(page, guard);
      context.on('page', (p) => watchPage(p, guard));
      await use(guard);
      assertGuard(guard);
    },
    { auto: true },
  ],
  notes: async ({ page }, use) => {
    await use(new NotesPage(page));
  },
});

export { expect };
