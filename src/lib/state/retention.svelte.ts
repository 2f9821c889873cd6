// The user's retention rules: kept in settings, previewed before they are saved, and applied at
// start and once a day while Hearth is open. Conversations removed by a rule can be put back with
// the Undo their notice offers, as when one is deleted by hand.
import { readSetting, writeSetting } from '../db/models-repo';
import {
  applyRetention,
  previewRetention,
  undoRetention,
  type RetentionPreview,
  type RetentionRun,
} from '../db/retention-repo';
import { errorMessage } from '../errors';
import { noRetention, readRules, type RetentionRules } from '../retention/retention-rules';
import { toasts } from './toasts.svelte';

const key = 'retention';
const dayMs = 86_400_000;
/** After start, so the first view paints and settles first. */
const startDelayMs = 3_000;

function describe(run: RetentionRun): string {
  const parts: string[] = [];
  const n = run.conversations.length;
  if (n > 0) parts.push(`${n.toLocaleString()} ${n === 1 ? 'conversation' : 'conversations'}`);
  if (run.ledgerRows > 0) parts.push(`${run.ledgerRows.toLocaleString()} ledger rows`);
  return parts.join(' and ');
}

class Retention {
  rules = $state.raw<RetentionRules>(noRetention);
  loaded = $state(false);
  #timer: ReturnType<typeof setInterval> | undefined;
  #applied = false;

  async load(): Promise<RetentionRules> {
    this.rules = readRules(await readSetting<unknown>(key, null));
    this.loaded = true;
    return this.rules;
  }

  /** What `rules` would remove now. */
  preview(rules: RetentionRules): Promise<RetentionPreview> {
    return previewRetention(rules, Date.now());
  }

  async save(rules: RetentionRules): Promise<void> {
    await writeSetting(key, rules);
    this.rules = rules;
    await this.apply();
  }

  /** Applies the rules now; says what went, with Undo for conversations. */
  async apply(): Promise<RetentionRun | null> {
    this.#applied = true;
    try {
      const rules = this.loaded ? this.rules : await this.load();
      const run = await applyRetention(rules, Date.now());
      const what = describe(run);
      if (what !== '')
        toasts.show(`Your retention rules deleted ${what}.`, {
          ...(run.conversations.length > 0
            ? {
                action: {
                  label: 'Undo',
                  run: () =>
                    undoRetention(run).catch((error: unknown) =>
                      toasts.error(`Couldn't put them back: ${errorMessage(error)}`),
                    ),
                },
              }
            : {}),
        });
      return run;
    } catch (error) {
      toasts.error(`Your retention rules could not be applied: ${errorMessage(error)}`);
      return null;
    }
  }

  /** At start (after a short delay) and then daily while the app stays open. */
  start(): void {
    if (this.#timer !== undefined) return;
    // Skipped if the rules were saved (and so applied) meanwhile: a second run would undo the
    // Undo the user may just have clicked on the first run's notice (CI saw exactly that).
    setTimeout(() => void (this.#applied || this.apply()), startDelayMs);
    this.#timer = setInterval(() => void this.apply(), dayMs);
  }
}

export const retention = new Retention();
