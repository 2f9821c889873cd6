// How the service worker tells a model fetch what it did with a request: a response header the
// model worker reads (the service worker builds these responses, so the header is always visible).
// - `blocked`: refused by the network policy; the body says why. Nothing was sent.
// - `failed`: allowed, but the network gave no answer; the body says what went wrong.
// - `ledgered`: allowed and answered; the service worker has already put it in the ledger.
// A response without the header did not pass a service worker (first visit, dev server): the
// model fetch ledgers it itself.
export const VERDICT_HEADER = 'x-hearth-network';

export type Verdict = 'blocked' | 'failed' | 'ledgered';

export function verdictOf(response: Response): Verdict | null {
  const value = response.headers.get(VERDICT_HEADER);
  return value === 'blocked' || value === 'failed' || value === 'ledgered' ? value : null;
}
