import { describe, expect, it } from 'vitest';
import { SearchManager, type SearchDeps } from '../../src/lib/state/search-manager.svelte';
import type { SearchArgs, SearchResponse } from '../../src/lib/search/search-handlers';
import type { SearchHit } from '../../src/lib/types';

/** A call the test answers when it chooses, in any order. */
interface Pending<A, R> {
  args: A;
  resolve: (value: R) => void;
}

function hit(id: string): SearchHit {
  return {
    id,
    title: id,
    path: `${id}.md`,
    kind: 'note',
    date: '2024-01-01',
    tags: [],
    score: 1,
    snippet: [],
  };
}

function answer(ids: string[], over: Partial<SearchResponse> = {}): SearchResponse {
  return {
    hits: ids.map(hit),
    total: ids.length,
    tookMs: 1,
    indexedCount: 10,
    noteCount: 10,
    restoring: false,
    checking: false,
    superseded: false,
    phases: { rankMs: 0, readMs: 0, snippetMs: 0 },
    ...over,
  };
}

interface SemanticCall {
  method: string;
  args: { query: string };
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** The two workers, answered by hand: the manager's rules are what is tested, not the workers. */
function harness() {
  const searches: Pending<SearchArgs, SearchResponse>[] = [];
  const semantic: SemanticCall[] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const keywordClient = {
    call: (method: string, args: unknown) => {
      if (method === 'search') {
        return new Promise((resolve) => searches.push({ args: args as SearchArgs, resolve }));
      }
      return new Promise(() => undefined);
    },
    on: (name: string, listener: (payload: unknown) => void) => {
      listeners.set(name, listener);
      return () => listeners.delete(name);
    },
  };
  const deps = {
    keyword: () => keywordClient,
    semantic: {
      connect: () => undefined,
      client: () => ({
        call: (method: string, args: { query: string }) =>
          new Promise((resolve, reject) => semantic.push({ method, args, resolve, reject })),
      }),
    },
    sleep: () => Promise.resolve(),
  } as unknown as SearchDeps;
  const manager = new SearchManager(deps);
  const type = (query: string) => {
    manager.query = query;
    return manager.run();
  };
  /** Answers the search for `query` (the latest call for it unless `first`). */
  const respond = async (query: string, response: SearchResponse, first = false) => {
    const matching = searches.filter((s) => s.args.query === query);
    const call = first ? matching[0] : matching.at(-1);
    if (!call) throw new Error(`no search for ${query}`);
    searches.splice(searches.indexOf(call), 1);
    call.resolve(response);
    await flush();
  };
  const respondSemantic = async (query: string, ids: string[]) => {
    for (const call of semantic.filter((c) => c.args.query === query)) {
      semantic.splice(semantic.indexOf(call), 1);
      call.resolve(
        call.method === 'search'
          ? {
              hits: ids.map((id) => ({
                ...hit(id),
                noteId: id,
                chunkId: `${id}#0`,
                start: 0,
                end: 1,
                headingPath: [],
                text: id,
              })),
              unavailable: null,
            }
          : [],
      );
    }
    await flush();
  };
  const failSemantic = async (query: string, message: string) => {
    for (const call of semantic.filter((c) => c.args.query === query)) {
      semantic.splice(semantic.indexOf(call), 1);
      call.reject(new Error(message));
    }
    await flush();
  };
  return {
    manager,
    searches,
    semantic,
    type,
    respond,
    respondSemantic,
    failSemantic,
    listeners,
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const shown = (manager: SearchManager) => manager.results.map((r) => r.id);

describe('SearchManager', () => {
  it('never paints a slower answer to an earlier query over the newer one', async () => {
    const { manager, type, respond } = harness();
    manager.mode = 'keyword';
    void type('graph view');
    void type('canvas');
    await respond('canvas', answer(['c1', 'c2']));
    expect(shown(manager)).toEqual(['c1', 'c2']);
    expect(manager).toMatchObject({ answered: 'canvas', total: 2, pending: false });

    await respond('graph view', answer(['g1', 'g2', 'g3']));
    expect(shown(manager)).toEqual(['c1', 'c2']);
    expect(manager).toMatchObject({ answered: 'canvas', total: 2, pending: false });
  });

  it('marks older results as pending until the query in the box is answered', async () => {
    const { manager, type, respond } = harness();
    manager.mode = 'keyword';
    void type('graph view');
    await respond('graph view', answer(['g1']));
    expect(manager.pending).toBe(false);

    void type('canvas');
    // The list still holds the old query's results, but the manager says they are not this one's.
    expect(manager.pending).toBe(true);
    expect(manager.answered).toBe('graph view');
    await respond('canvas', answer([]));
    expect(manager).toMatchObject({ pending: false, answered: 'canvas', total: 0 });
    expect(shown(manager)).toEqual([]);
  });

  it('paints each run of the same query in order, even while a newer run is in flight', async () => {
    const { manager, type, respond } = harness();
    manager.mode = 'keyword';
    void type('canvas');
    // The index grew while the first run was answered: the view runs the query again.
    void manager.run();
    await respond('canvas', answer(['a'], { indexedCount: 4 }), true);
    // An older run of the query in the box is still its answer: it ends the wait.
    expect(manager).toMatchObject({
      pending: false,
      coverage: { indexedCount: 4, noteCount: 10, restoring: false, checking: false },
    });
    await respond('canvas', answer(['a', 'b'], { indexedCount: 10 }));
    expect(shown(manager)).toEqual(['a', 'b']);
    expect(manager.coverage).toEqual({
      indexedCount: 10,
      noteCount: 10,
      restoring: false,
      checking: false,
    });

    // The other way round: the newer run answers first, the older one is dropped.
    void manager.run();
    void manager.run();
    await respond('canvas', answer(['x', 'y', 'z']));
    await respond('canvas', answer(['old']));
    expect(shown(manager)).toEqual(['x', 'y', 'z']);
  });

  it('drops answers the worker marks as superseded', async () => {
    const { manager, type, respond } = harness();
    manager.mode = 'keyword';
    void type('canvas');
    await respond('canvas', answer([], { superseded: true }));
    expect(manager.pending).toBe(true);
    expect(manager.total).toBe(0);
  });

  it('treats a filter change as a new question', async () => {
    const { manager, type, respond, searches } = harness();
    manager.mode = 'keyword';
    void type('canvas');
    await respond('canvas', answer(['a', 'b']));
    manager.filters.kind = 'journal';
    void manager.run();
    expect(manager.pending).toBe(true);
    expect(searches.at(-1)?.args.filters?.kind).toBe('journal');
    await respond('canvas', answer(['b']));
    expect(shown(manager)).toEqual(['b']);
  });

  it('fuses the semantic answer of the query in the box only', async () => {
    const { manager, type, respond, respondSemantic } = harness();
    void type('graph view');
    await respond('graph view', answer(['g1']));
    void type('canvas');
    await respond('canvas', answer(['c1']));
    // The embedding of the earlier query arrives late: it is not fused into canvas's results.
    await respondSemantic('graph view', ['g-meaning']);
    expect(shown(manager)).toEqual(['c1']);
    await respondSemantic('canvas', ['c-meaning']);
    expect(shown(manager).sort()).toEqual(['c-meaning', 'c1']);
    expect(manager.results.find((r) => r.id === 'c-meaning')?.sources).toEqual(['semantic']);
  });

  it('keeps the semantic answer when the index changes and the query runs again', async () => {
    const { manager, type, respond, respondSemantic, semantic } = harness();
    void type('canvas');
    await respond('canvas', answer(['c1']));
    await respondSemantic('canvas', ['c-meaning']);
    void manager.run({ keepSemantic: true });
    await respond('canvas', answer(['c1', 'c2']));
    expect(shown(manager).sort()).toEqual(['c-meaning', 'c1', 'c2']);
    expect(semantic).toEqual([]);
  });

  it("keeps the query's semantic error when an earlier query's semantic answer arrives", async () => {
    const { manager, type, respond, respondSemantic, failSemantic } = harness();
    void type('graph view');
    await respond('graph view', answer(['g1']));
    void type('canvas');
    await respond('canvas', answer(['c1']));
    await failSemantic('canvas', 'model crashed');
    expect(manager.semanticError).toBe('model crashed');
    await respondSemantic('graph view', ['g-meaning']);
    expect(manager.semanticError).toBe('model crashed');
    expect(shown(manager)).toEqual(['c1']);
  });

  it('searches by meaning only without waiting for the keyword worker', async () => {
    const { manager, type, searches, semantic, respondSemantic } = harness();
    manager.mode = 'semantic';
    void type('canvas');
    await flush();
    // No keyword call (it may be failing, or busy with an import), no jump lookup either.
    expect(searches).toEqual([]);
    expect(semantic.map((c) => c.method)).toEqual(['search']);
    await respondSemantic('canvas', ['c-meaning']);
    expect(shown(manager)).toEqual(['c-meaning']);
    expect(manager.pending).toBe(false);
  });
});
