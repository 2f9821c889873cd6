// The sealed network from a test's side: the top bar's state, the deliberate switch in Settings,
// and requests made from inside one of the app's own workers (as a library in it would make them).
import { expect, type Locator, type Page, type Worker } from '@playwright/test';
import { patient } from '../patience';

export interface AttemptResult {
  /** HTTP status, or 0 when the request failed outright. */
  status: number;
  /** What the service worker did: 'blocked', 'ledgered', 'failed', or null if it never saw it. */
  verdict: string | null;
  text: string;
}

export class NetworkPage {
  readonly indicator: Locator;

  constructor(readonly page: Page) {
    this.indicator = page.getByTestId('network-state');
  }

  /**
   * After a reload: the app has started (the top bar, with this state, is mounted only once
   * main.ts has run, which may be after the load event `reload()` waits for). Waited for as long
   * as the machine's load right now says a start may take: the default expect timeout is fixed
   * when a test worker starts, often while the machine is still quiet.
   */
  async expectStarted(): Promise<void> {
    await expect(this.indicator, 'the app started after the reload').toBeAttached({
      timeout: patient(15_000),
    });
  }

  async expectState(state: 'sealed' | 'open' | 'download'): Promise<void> {
    await expect(this.indicator).toHaveAttribute('data-state', state);
  }

  /** Seals (or opens) the network from Settings, as a user does. */
  async choose(base: 'sealed' | 'open'): Promise<void> {
    await this.indicator.click();
    const section = this.page.getByTestId('network-policy');
    if (base === 'sealed') await section.getByRole('button', { name: 'Seal the network' }).click();
    else {
      await section.getByRole('button', { name: 'Open to model hosts…' }).click();
      await this.page
        .getByRole('dialog', { name: 'Open the network to the model hosts?' })
        .getByRole('button', { name: 'Open to model hosts' })
        .click();
    }
    await this.expectState(base);
  }

  /** A plain `fetch` made inside `worker` (or the page), outside any of Hearth's own guards. */
  static fetchFrom(where: Worker | Page, url: string): Promise<AttemptResult> {
    const attempt = async (target: string): Promise<AttemptResult> => {
      try {
        const response = await fetch(target, { credentials: 'omit' });
        return {
          status: response.status,
          verdict: response.headers.get('x-hearth-network'),
          text: (await response.text()).slice(0, 300),
        };
      } catch (error) {
        return { status: 0, verdict: null, text: String(error) };
      }
    };
    // Page and Worker have the same evaluate, typed apart.
    return 'workers' in where ? where.evaluate(attempt, url) : where.evaluate(attempt, url);
  }
}
