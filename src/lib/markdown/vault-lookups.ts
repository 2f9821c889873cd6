// The embed resolver's lookups against the stored vault: notes as `[[wikilinks]]` find them, and
// attachments as Obsidian resolves file links (db/attachments-repo.ts).
import type { EmbedLookups } from './embed-resolver';
import { findByLinkTarget, getNote } from '../db/notes-repo';
import { findAttachment } from '../db/attachments-repo';
import { getDb } from '../db/db';

export const vaultLookups: EmbedLookups = {
  async findNote(linkpath) {
    const found = await findByLinkTarget(linkpath);
    const note = found && (await getNote(found.id));
    if (!note || note.deletedAt > 0) return undefined;
    return { id: note.id, path: note.path, title: note.title, content: note.content };
  },
  // With the hash of the bytes, read in the same transaction: a re-import of new bytes of the
  // same size must get a new object URL (object-urls.ts keys on it).
  findAttachment(target, fromNotePath) {
    const db = getDb();
    return db.transaction('r', db.attachments, db.attachmentBlobs, async () => {
      const found = await findAttachment(target, fromNotePath);
      if (!found) return undefined;
      const hash = (await db.attachments.get(found.id))?.hash;
      return hash === undefined ? found : { ...found, hash };
    });
  },
};
