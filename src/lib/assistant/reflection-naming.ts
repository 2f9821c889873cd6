// Where a saved reflection or weekly review goes: beside the journal, named after the day or the
// ISO week, `journal/2026-03-18.reflection.md` and `journal/2026-W12.review.md`. The names never
// match a journal entry's own (`journal/YYYY-MM-DD.md`), so a saved reflection is a note of its own
// and never taken for the entry. A name already taken gets the vault's usual ` 2`, ` 3` suffix:
// nothing saved before is overwritten.
import { JOURNAL_DIR } from '../vault/derive';
import { uniquePath } from '../vault/paths';
import { dayOfKey, weekKey, type IsoWeek } from './reflection-dates';

export const reflectionDir = JOURNAL_DIR;

/** `2026-03-18.reflection`: the file name without its extension (what `createNote` slugifies). */
export function reflectionBaseName(dateKey: string): string {
  dayOfKey(dateKey); // throws for anything that is not a real date
  return `${dateKey}.reflection`;
}

/** `2026-W12.review` */
export function reviewBaseName(week: IsoWeek): string {
  return `${weekKey(week)}.review`;
}

/** The path a save would take now, given which paths are taken (case-insensitively). */
export function savePath(baseName: string, taken: (path: string) => boolean): string {
  return uniquePath(reflectionDir, baseName, taken);
}

/** The path with no suffix: what the user expects; a save that got another one says so. */
export const preferredPath = (baseName: string): string => `${reflectionDir}/${baseName}.md`;
