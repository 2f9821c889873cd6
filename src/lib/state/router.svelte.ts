// Path-based routing over the History API. Deep links work online (the server's SPA fallback)
// and offline (the service worker's navigate fallback).

/** A character range in a note's text, end exclusive (a search hit's chunk). */
export interface TextRange {
  start: number;
  end: number;
}

function parseRange(search: string): TextRange | null {
  const match = /^(\d+)-(\d+)$/.exec(new URLSearchParams(search).get('at') ?? '');
  if (!match) return null;
  const start = Number(match[1]);
  const end = Number(match[2]);
  return end >= start ? { start, end } : null;
}

export type Route =
  | { view: 'notes'; noteId: string | null; at: TextRange | null; heading: string | null }
  | { view: 'journal'; date: string | null }
  | { view: 'search'; query: string }
  | { view: 'chat'; conversationId: string | null }
  | { view: 'models' }
  | { view: 'memory' }
  | { view: 'trash' }
  | { view: 'settings' }
  | { view: 'go'; target: string }
  | { view: 'not-found'; path: string };

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(safeDecode);
  const [head, arg] = parts;
  switch (head) {
    case undefined:
      return { view: 'notes', noteId: null, at: null, heading: null };
    case 'notes':
      return {
        view: 'notes',
        noteId: arg ?? null,
        at: arg ? parseRange(search) : null,
        // A one-off read of the query string, not reactive state.
        // eslint-disable-next-line svelte/prefer-svelte-reactivity
        heading: (arg && new URLSearchParams(search).get('heading')) || null,
      };
    case 'journal':
      return { view: 'journal', date: arg ?? null };
    case 'search':
      // A one-off read of the query string, not reactive state.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      return { view: 'search', query: new URLSearchParams(search).get('q') ?? '' };
    case 'chat':
      return { view: 'chat', conversationId: arg ?? null };
    case 'models':
      return { view: 'models' };
    case 'memory':
      return { view: 'memory' };
    case 'trash':
      return { view: 'trash' };
    case 'settings':
      return { view: 'settings' };
    case 'go':
      return { view: 'go', target: arg ?? '' };
    default:
      return { view: 'not-found', path: pathname };
  }
}

/**
 * Asked before the route changes. Returns true to let it go ahead, or false to hold it and call
 * `proceed` later (or never, to stay): the editor flushes unsaved text, or asks, first.
 */
export type LeaveGuard = (proceed: () => void) => boolean;

class Router {
  route = $state<Route>(parseRoute(location.pathname, location.search));
  #here = location.pathname + location.search;
  #guard: LeaveGuard | null = null;

  constructor() {
    addEventListener('popstate', () => {
      const target = location.pathname + location.search;
      // Back/forward already moved the address: put it back while the guard decides.
      const proceed = () => {
        history.pushState(null, '', target);
        this.#sync();
      };
      if (this.#guard && !this.#guard(proceed)) history.pushState(null, '', this.#here);
      else this.#sync();
    });
  }

  /** Installs the one guard (the editor sessions); returns its removal. */
  guardLeaving(guard: LeaveGuard): () => void {
    this.#guard = guard;
    return () => {
      if (this.#guard === guard) this.#guard = null;
    };
  }

  #sync(): void {
    this.#here = location.pathname + location.search;
    this.route = parseRoute(location.pathname, location.search);
  }

  navigate(href: string, options: { replace?: boolean } = {}): void {
    const url = new URL(href, location.href);
    if (url.pathname + url.search === location.pathname + location.search) return;
    const go = () => {
      if (options.replace) history.replaceState(null, '', url);
      else history.pushState(null, '', url);
      this.#sync();
    };
    if (!this.#guard || this.#guard(go)) go();
  }
}

export const router = new Router();

export const noteHref = (id: string, at?: TextRange): string =>
  `/notes/${encodeURIComponent(id)}${at ? `?at=${at.start}-${at.end}` : ''}`;
/** A note opened at a heading (a followed `[[Note#Heading]]` link). */
export const noteHeadingHref = (id: string, heading: string): string =>
  `/notes/${encodeURIComponent(id)}?heading=${encodeURIComponent(heading)}`;
export const journalHref = (date: string): string => `/journal/${date}`;
export const chatHref = (id: string): string => `/chat/${encodeURIComponent(id)}`;
