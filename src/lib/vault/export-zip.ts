// The whole vault as one zip: every live note at its path with its exact text, every live
// attachment at its path with its exact bytes, and the manifest at the root. Attachments are read
// from storage one at a time, so the export never holds them all in memory.
import { readLiveNotes } from '../db/import-repo';
import { readAttachmentBlob, readLiveAttachments } from '../db/attachments-repo';
import { buildManifest, manifestName } from './export-manifest';
import { ZipBlobWriter } from './zip-writer';
import { isCompressible } from './mime';

export async function exportVaultZip(): Promise<Blob> {
  const notes = await readLiveNotes();
  const attachments = await readLiveAttachments();
  const encoder = new TextEncoder();
  const zip = new ZipBlobWriter();
  const manifest = `${JSON.stringify(buildManifest(notes.length, attachments.length), null, 2)}\n`;
  await zip.add(manifestName, encoder.encode(manifest), { compress: true });
  for (const note of notes) {
    await zip.add(note.path, encoder.encode(note.content), {
      modifiedAt: note.updatedAt,
      compress: true,
    });
  }
  for (const attachment of attachments) {
    const blob = await readAttachmentBlob(attachment.id);
    // A record without bytes cannot be exported faithfully: say so rather than write an empty file.
    if (!blob) throw new Error(`The bytes of “${attachment.path}” are missing from storage.`);
    await zip.add(attachment.path, new Uint8Array(await blob.arrayBuffer()), {
      modifiedAt: attachment.updatedAt,
      compress: isCompressible(attachment.mime),
    });
  }
  return zip.finish();
}
