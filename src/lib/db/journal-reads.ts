// One-off reads of journal entries with their text, for a reflection's context: the entries of a
// set of days (the same day in earlier years, the last week, an ISO week) and the oldest entry's
// day. Live lists for the journal view are in notes-repo.ts.
import type { NoteWithContent } from '../types';
import { getDb } from './db';

/** The live journal entries of the given `YYYY-MM-DD` days, with their text, in the days' order. */
export async function journalEntriesOn(days: readonly string[]): Promise<NoteWithContent[]> {
  if (days.length === 0) return [];
  const db = getDb();
  const notes = await db.notes
    .where('[kind+date]')
    .anyOf(days.map((day) => ['journal', day]))
    .filter((n) => n.deletedAt === 0)
    .toArray();
  const bodies = await db.bodies.bulkGet(notes.map((n) => n.id));
  const order = new Map(days.map((day, i) => [day, i]));
  return notes
    .map((n, i) => ({ ...n, content: bodies[i]?.content ?? '' }))
    .sort(
      (a, b) => (order.get(a.date) ?? 0) - (order.get(b.date) ?? 0) || a.path.localeCompare(b.path),
    );
}

/** The day of the oldest live journal entry, or null when there is none. */
export async function oldestJournalDay(): Promise<string | null> {
  const first = await getDb()
    .notes.where('[kind+date]')
    .between(['journal', ''], ['journal', '\uffff'])
    .filter((n) => n.deletedAt === 0)
    .first();
  return first?.date ?? null;
}
