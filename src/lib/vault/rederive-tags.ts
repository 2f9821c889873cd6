// Stored notes carry tags derived when they were last written. When the rules change (version 1:
// inline #tags count too), every stored note is derived again once, in pages of a few hundred so
// the app stays responsive, and the notes whose tags changed are announced so search re-indexes
// them. Text and `updatedAt` are untouched. A run cut short (tab closed) starts over next time;
// notes already done are unchanged then and cost only a read (and are not announced again). As
// `updatedAt` does not move, the keyword index cannot find these notes by time at its next start:
// it keeps the rules version with its snapshot and compares tags when it differs (index-keeper.ts).
import { deriveMeta } from './derive';
import { notifyVaultChange } from './changes';
import {
  derivedTagsVersion,
  readTagSources,
  setDerivedTagsVersion,
  writeDerivedTags,
} from '../db/derived-tags-repo';

/** Bump when deriveMeta's tag rules change. */
export const tagRulesVersion = 1;
const pageSize = 200;

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const sameTags = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((tag, i) => tag === b[i]);

/** Derives every stored note's tags again if they follow older rules; returns how many changed. */
export async function rederiveTags(): Promise<number> {
  if ((await derivedTagsVersion()) >= tagRulesVersion) return 0;
  let changed = 0;
  let after = '';
  for (;;) {
    const page = await readTagSources(after, pageSize);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const updates = page.flatMap((note) => {
      // The tags do not depend on the fallback date.
      const { tags } = deriveMeta(note.path, note.content, '1970-01-01');
      return sameTags(tags, note.tags) ? [] : [{ id: note.id, hash: note.hash, tags }];
    });
    const written = await writeDerivedTags(updates);
    if (written.length > 0) notifyVaultChange({ type: 'notes-changed', ids: written });
    changed += written.length;
    await yieldToEvents();
  }
  await setDerivedTagsVersion(tagRulesVersion);
  return changed;
}
