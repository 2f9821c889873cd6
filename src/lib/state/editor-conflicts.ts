// Settling a conflict the editor shows: keep the note's text, take the copy's, or keep both.
// Taking the copy's text swaps the two texts between the note and the copy, a few saves in a row
// that can each fail; this holds the order that keeps both texts on disk at every step (the note
// first, the copy rewritten only once the note saved, trashed last) apart from the editor's
// autosave, which it drives only through `edit` and `flush`.
import { saveContent, trashNote, type ConflictCopy } from '../vault/notes';
import { retitledCopy } from '../vault/conflict-copy';
import { readFrontmatter } from '../vault/frontmatter';
import { getNote } from '../db/notes-repo';
import { errorMessage } from '../errors';
import { toasts } from './toasts.svelte';

/** How the user settles a conflict: which text stays (both: the note and its copy). */
export type Keep = 'mine' | 'theirs' | 'both';
/**
 * A conflict as this editor shows it. Usually this tab's save put its text (`mine`) in the note and
 * the other text in the copy; with `mineInCopy`, another tab saved over the text this tab had saved,
 * which is now the copy, and the editor follows the note (`theirs`).
 */
export type Conflict = ConflictCopy & { mineInCopy?: boolean };

/** What settling needs from the editor that shows the conflict. */
export interface ConflictHost {
  /** The editor's text as it is now. */
  readonly content: string;
  /** The editor's save status (`error` once the last save failed). */
  readonly status: string;
  edit(text: string): void;
  flush(): Promise<unknown>;
}

/**
 * Settles a conflict. Keeping the note's text trashes the copy; keeping the copy's text puts it
 * in the note and the editor's text (as it is now, with anything typed since) in the copy, which
 * goes to the trash only once both are saved; `both` keeps both notes. `forget` takes the conflict
 * off the editor's list.
 */
export async function settleConflict(
  host: ConflictHost,
  conflict: Conflict,
  keep: Keep,
  forget: (conflict: Conflict) => void,
): Promise<void> {
  if (keep === 'both') {
    forget(conflict);
    return;
  }
  if (keep === (conflict.mineInCopy ? 'mine' : 'theirs')) {
    await takeCopy(host, conflict, forget);
    return;
  }
  forget(conflict);
  await trashCopy(conflict);
}

async function takeCopy(
  host: ConflictHost,
  conflict: Conflict,
  forget: (conflict: Conflict) => void,
): Promise<void> {
  const copy = await getNote(conflict.id);
  if (!copy) {
    forget(conflict);
    toasts.error(`“${conflict.title}” no longer exists, so the note was left as it is.`);
    return;
  }
  if (copy.updatedAt !== copy.createdAt) {
    toasts.error(
      `“${copy.title}” was changed after the conflict, so nothing was swapped: copy what you ` +
        'need from one into the other.',
    );
    return;
  }
  const current = host.content;
  const incoming = conflict.mineInCopy ? conflict.mine : conflict.theirs;
  host.edit(incoming);
  await host.flush();
  // Not saved: the editor shows why, and the copy stays as it is.
  if (host.status === 'error') return;
  try {
    if (current !== incoming)
      await saveContent(
        copy.id,
        retitledCopy(current, copy.title, () => readFrontmatter(current)['kind']),
        copy.hash,
      );
  } catch (error) {
    // The text it replaced must not live only in memory: back into the note (and its draft).
    host.edit(current);
    toasts.error(
      `Couldn't keep your text in “${copy.title}”, so nothing was swapped: ${errorMessage(error)}`,
    );
    return;
  }
  forget(conflict);
  const swapped = conflict.mineInCopy
    ? 'Put your text back in the note'
    : 'Put the other version in the note';
  await trashCopy(conflict);
  toasts.show(`${swapped}; the text it replaced is in the trash as “${copy.title}”.`, {
    action: { label: 'Undo', run: () => host.edit(current) },
  });
}

async function trashCopy(conflict: Conflict): Promise<void> {
  try {
    await trashNote(conflict.id);
  } catch (error) {
    toasts.error(`Couldn't move “${conflict.title}” to the trash: ${errorMessage(error)}`);
  }
}
