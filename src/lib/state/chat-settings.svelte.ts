// Chat settings that are not vault data: the persona (a system prompt sent with every chat) and
// the routing map from task to model. Stored in the `settings` table so wiping notes keeps them.
import { readSetting, writeSetting } from '../db/models-repo';
import { TASKS } from '../llm/router';
import type { Task } from '../llm/types';

export type Routing = Record<Task, string | null>;

const emptyRouting = (): Routing => ({ chat: null, code: null, writing: null, reasoning: null });

/** Keeps only known tasks with string values, whatever an older version stored. */
function cleanRouting(stored: unknown): Routing {
  const routing = emptyRouting();
  if (stored && typeof stored === 'object') {
    for (const task of TASKS) {
      const value = (stored as Record<string, unknown>)[task];
      if (typeof value === 'string' && value) routing[task] = value;
    }
  }
  return routing;
}

/** Bounds for the longest answer, in tokens: a short reply up to a long document. */
export const ANSWER_TOKENS = { min: 16, max: 8192, default: 1024 } as const;

function cleanAnswerTokens(stored: unknown): number {
  const n = typeof stored === 'number' && Number.isFinite(stored) ? Math.round(stored) : NaN;
  if (Number.isNaN(n)) return ANSWER_TOKENS.default;
  return Math.min(ANSWER_TOKENS.max, Math.max(ANSWER_TOKENS.min, n));
}

class ChatSettings {
  persona = $state('');
  /** The most tokens one answer may have (the engine also stops at the model's context window). */
  maxAnswerTokens = $state<number>(ANSWER_TOKENS.default);
  routing = $state.raw<Routing>(emptyRouting());
  loaded = $state(false);
  #loading: Promise<void> | null = null;

  /** Reads the stored settings once; later calls wait for the same read. */
  load(): Promise<void> {
    this.#loading ??= Promise.all([
      readSetting<unknown>('persona', ''),
      readSetting<unknown>('routing', null),
      readSetting<unknown>('maxAnswerTokens', null),
    ]).then(
      ([persona, routing, maxAnswerTokens]) => {
        this.maxAnswerTokens = cleanAnswerTokens(maxAnswerTokens);
        this.persona = typeof persona === 'string' ? persona : '';
        this.routing = cleanRouting(routing);
        this.loaded = true;
      },
      (error: unknown) => {
        this.#loading = null; // let the next call try again
        throw error;
      },
    );
    return this.#loading;
  }

  async setPersona(text: string): Promise<void> {
    await this.load();
    await writeSetting('persona', text);
    this.persona = text;
  }

  async setMaxAnswerTokens(tokens: number): Promise<void> {
    await this.load();
    const clean = cleanAnswerTokens(tokens);
    await writeSetting('maxAnswerTokens', clean);
    this.maxAnswerTokens = clean;
  }

  async setRoute(task: Task, key: string | null): Promise<void> {
    await this.load();
    const routing = { ...this.routing, [task]: key };
    await writeSetting('routing', routing);
    this.routing = routing;
  }
}

export const chatSettings = new ChatSettings();
