import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/db/db';
import {
  attachmentRows,
  attachmentTotals,
  clearAttachments,
  findAttachment,
  readLiveAttachments,
} from '../../src/lib/db/attachments-repo';
import { attachmentNameKey, pickAttachment, targetNameKeys } from '../../src/lib/attachment-links';
import { mimeForPath } from '../../src/lib/vault/mime';

const at = (...paths: string[]) => paths.map((path) => ({ path }));
const pick = (target: string, from: string, paths: string[]) =>
  pickAttachment(target, from, at(...paths))?.path;

describe('pickAttachment (Obsidian-style link resolution)', () => {
  const vault = [
    'img.png',
    'notes/img.png',
    'notes/sub/img.png',
    'assets/deep/photo.png',
    'assets/photo.png',
    'other/My photo.png',
  ];

  it('prefers the note’s own folder, then the vault root', () => {
    expect(pick('img.png', 'notes/a.md', vault)).toBe('notes/img.png');
    expect(pick('img.png', 'journal/2024-01-01.md', vault)).toBe('img.png');
    expect(pick('sub/img.png', 'notes/a.md', vault)).toBe('notes/sub/img.png');
    expect(pick('notes/img.png', 'x/y.md', vault)).toBe('notes/img.png');
  });

  it('resolves ./ and ../ against the note’s folder, and a leading / from the root', () => {
    expect(pick('./img.png', 'notes/sub/n.md', vault)).toBe('notes/sub/img.png');
    expect(pick('../img.png', 'notes/sub/n.md', vault)).toBe('notes/img.png');
    expect(pick('/img.png', 'notes/n.md', vault)).toBe('img.png');
    expect(pick('../../../img.png', 'notes/n.md', ['img.png'])).toBe('img.png');
  });

  it('finds a bare name anywhere, shortest path first, and a trailing path', () => {
    expect(pick('photo.png', 'n.md', vault)).toBe('assets/photo.png');
    expect(pick('deep/photo.png', 'n.md', vault)).toBe('assets/deep/photo.png');
    // A folder import keeps the folder's name: a vault-root link still finds its file.
    expect(pick('assets/img.png', 'Vault/notes/a.md', ['Vault/assets/img.png'])).toBe(
      'Vault/assets/img.png',
    );
  });

  it('URL-decodes, and still finds a name that really contains %', () => {
    expect(pick('My%20photo.png', 'n.md', vault)).toBe('other/My photo.png');
    expect(pick('100%.png', 'n.md', ['a/100%.png'])).toBe('a/100%.png');
    expect(pick('a%2Fb%20c.png', 'n.md', ['a/b c.png'])).toBe('a/b c.png');
  });

  it('falls back to any case only when no exact-case match exists', () => {
    expect(pick('IMG.PNG', 'notes/a.md', vault)).toBe('notes/img.png');
    expect(pick('Img.png', 'n.md', ['a/img.png', 'b/long/Img.png'])).toBe('b/long/Img.png');
  });

  it('matches NFC against NFD names, drops #fragments and |sizes, and trims <…>', () => {
    const nfd = 'café.png'.normalize('NFD');
    expect(pick('café.png', 'n.md', [nfd])).toBe(nfd);
    expect(pick('doc.pdf#page=3', 'n.md', ['d/doc.pdf'])).toBe('d/doc.pdf');
    expect(pick('img.png|200', 'n.md', ['img.png'])).toBe('img.png');
    expect(pick('<My photo.png>', 'n.md', vault)).toBe('other/My photo.png');
  });

  it('finds nothing for a missing file or an empty target', () => {
    expect(pick('missing.png', 'n.md', vault)).toBeUndefined();
    expect(pick('', 'n.md', vault)).toBeUndefined();
    expect(pick('g.png', 'n.md', ['notg.png'])).toBeUndefined();
  });

  it('keys by NFC lower-case file name, one key per way the target may be meant', () => {
    expect(attachmentNameKey('A/Photo.PNG')).toBe('photo.png');
    expect(targetNameKeys('x/My%20Photo.png')).toEqual(['my photo.png', 'my%20photo.png']);
  });
});

const db = getDb();

async function store(path: string, bytes: string, deletedAt = 0): Promise<string> {
  const id = crypto.randomUUID();
  const mime = mimeForPath(path);
  const rows = attachmentRows({
    record: {
      id,
      path,
      mime,
      sizeBytes: bytes.length,
      hash: 'h',
      createdAt: 1,
      updatedAt: 1,
      deletedAt,
    },
    blob: new Blob([bytes], { type: mime }),
  });
  await db.attachments.put(rows.record);
  await db.attachmentBlobs.put(rows.blob);
  return id;
}

describe('findAttachment', () => {
  beforeEach(() => clearAttachments());

  it('returns the attachment the rules pick, with its bytes typed by extension', async () => {
    await store('assets/photo.png', 'root one');
    const near = await store('notes/photo.png', 'near one');
    const found = await findAttachment('photo.png', 'notes/today.md');
    expect(found).toMatchObject({ id: near, path: 'notes/photo.png', mime: 'image/png' });
    expect(await found!.blob.text()).toBe('near one');
    expect(found!.blob.type).toBe('image/png');
    expect(found!.sizeBytes).toBe(8);
  });

  it('finds a case-insensitive, URL-encoded name, and never a trashed attachment', async () => {
    await store('Files/Scan 1.PDF', 'pdf');
    await store('gone.png', 'x', 5);
    expect((await findAttachment('scan%201.pdf', 'a/b.md'))?.mime).toBe('application/pdf');
    expect(await findAttachment('gone.png', 'a.md')).toBeUndefined();
    expect(await findAttachment('nothing.png', 'a.md')).toBeUndefined();
  });

  it('counts, lists and clears attachments', async () => {
    await store('b.png', '12345');
    await store('a.mp3', '123');
    await store('t.png', '1', 9);
    expect(await attachmentTotals()).toEqual({ count: 3, bytes: 9 });
    expect((await readLiveAttachments()).map((a) => a.path)).toEqual(['a.mp3', 'b.png']);
    await clearAttachments();
    expect(await attachmentTotals()).toEqual({ count: 0, bytes: 0 });
    expect(await db.attachmentBlobs.count()).toBe(0);
  });
});

describe('mimeForPath', () => {
  it('types by extension, else the browser’s type, else octet-stream', () => {
    expect(mimeForPath('a/B.JPG')).toBe('image/jpeg');
    expect(mimeForPath('x.pdf')).toBe('application/pdf');
    expect(mimeForPath('x.mp3')).toBe('audio/mpeg');
    expect(mimeForPath('x.unknown', 'text/x-custom')).toBe('text/x-custom');
    expect(mimeForPath('Makefile')).toBe('application/octet-stream');
  });
});
