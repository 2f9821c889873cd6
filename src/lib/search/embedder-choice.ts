// Which embedding model semantic memory uses, decided from one read of the installed-model records
// and of which models still have their files. "Installed" and "evicted" come from the same records:
// a browser under storage pressure can clear Cache Storage and leave IndexedDB, so a record of a
// finished install whose files are gone is evicted, not absent. Nothing here fetches: an evicted
// model waits for the user to download or import it again.
import { modelRole, wasInstalled, type InstalledModel } from '../llm/types';
import type { EvictedModel } from './memory-types';

/** Embedding models whose install finished, their files here or not (see wasInstalled). */
export function installedEmbedders(records: InstalledModel[]): InstalledModel[] {
  return records.filter((m) => modelRole(m.spec) === 'embedding' && wasInstalled(m));
}

export interface EmbedderInputs {
  /** From installedEmbedders(). */
  installed: InstalledModel[];
  /** Keys of those whose recorded files are all in the model cache. */
  present: ReadonlySet<string>;
  /** The user's choice (setting), if any. */
  chosen: string | null;
  /** The last model whose index was complete (setting), if any. */
  saved: string | null;
  /** The catalog's default among complete models. */
  preferred(models: InstalledModel[]): string | null;
}

export type EmbedderChoice =
  | { phase: 'no-model' }
  | { phase: 'evicted'; target: string; evicted: EvictedModel }
  | { phase: 'load'; target: string; serving: string };

export function chooseEmbedder(inputs: EmbedderInputs): EmbedderChoice {
  const { installed, present, chosen, saved } = inputs;
  const keys = new Set(installed.map((m) => m.key));
  // The default is picked as if every installed model were there: an evicted favourite is named,
  // not silently replaced by another model (which would start a new index and drop its vectors).
  const target =
    chosen && keys.has(chosen)
      ? chosen
      : inputs.preferred(installed.map((m) => ({ ...m, complete: true })));
  const model = installed.find((m) => m.key === target);
  if (!target || !model) return { phase: 'no-model' };
  if (!present.has(target))
    return {
      phase: 'evicted',
      target,
      evicted: { key: model.key, name: model.name, source: model.source },
    };
  // A complete older index keeps serving while the target's is built, if its model is still here.
  const serving = saved && keys.has(saved) && present.has(saved) ? saved : target;
  return { phase: 'load', target, serving };
}

/**
 * What of the records decides the choice: a change here (a model added, removed, completed, or
 * installed again under the same key) calls for a new choice; a size update does not.
 */
export function embedderSignature(records: InstalledModel[]): string {
  return installedEmbedders(records)
    .map((m) => `${m.key}:${m.complete}:${m.installedAt}:${m.pin?.pinnedAt ?? ''}`)
    .sort()
    .join(',');
}
