// What the vault takes up, by kind: the Settings view shows notes and attachments apart, next
// to the browser's own (rounded, padded) usage estimate for the whole origin.
import { getDb } from './db';
import { attachmentTotals } from './attachments-repo';

export interface VaultFigures {
  notes: { count: number; bytes: number };
  attachments: { count: number; bytes: number };
}

/** Counts and sizes, trashed items included (they take space until the trash is emptied). */
export async function vaultFigures(): Promise<VaultFigures> {
  let count = 0;
  let bytes = 0;
  await getDb().notes.each((note) => {
    count++;
    bytes += note.sizeBytes;
  });
  return { notes: { count, bytes }, attachments: await attachmentTotals() };
}
