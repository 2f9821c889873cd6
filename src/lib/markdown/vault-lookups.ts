// The embed resolver's lookups against the stored vault: notes as `[[wikilinks]]` find them, and
// attachments as Obsidian resolves file links (db/attachments-repo.ts).
import type { EmbedLookups } from './embed-resolver';
import { findByLinkTarget, getNote } from '../db/notes-repo';
import { findAttachment } from '../db/attachments-repo';

export const vaultLookups: EmbedLookups = {
  async findNote(linkpath) {
    const found = await findByLinkTarget(linkpath);
    const note = found && (await getNote(found.id));
    if (!note || note.deletedAt > 0) return undefined;
    return { id: note.id, path: note.path, title: note.title, content: note.content };
  },
  findAttachment,
};
