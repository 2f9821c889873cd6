// The Hearth bundle (format 2): written, encrypted, read back whole; and every hostile bundle the
// issue names refused with a message that says what is wrong, before anything is returned to write.
import { describe, expect, it } from 'vitest';
import { writeBundle, type BundleSource } from '../../src/lib/bundle/bundle-write';
import { BundleError, FormatOneBundleError, readBundle } from '../../src/lib/bundle/bundle-read';
import { readAgeHeader } from '../../src/lib/bundle/age-header';
import {
  DamagedBackupError,
  decryptBlob,
  encryptBlob,
  encryptBlobTo,
  generateBackupKey,
  isAgeFile,
  WrongPassphraseError,
} from '../../src/lib/bundle/age-file';
import { bundleFormat, manifestPath, maxEntryBytes } from '../../src/lib/bundle/bundle-format';
import { readZipBlob } from '../../src/lib/vault/zip-slices';
import { sha256Bytes } from '../../src/lib/vault/hash';
import { forgeZip, type ForgeEntry } from './zip-forge';
import type { MessageRecord } from '../../src/lib/db/db';
import { readFileSync } from 'node:fs';
import {
  vectorCreatedAt,
  vectorFile,
  vectorPassphrase,
  vectorSource,
} from '../fixtures/bundle-vector';

const encoder = new TextEncoder();
/** Low scrypt work in tests: the format and the code path are the same, only slower by default. */
const fastWork = 10;

function source(): BundleSource {
  const png = new Uint8Array(3000).map((_, i) => (i * 7) % 256);
  const reply: MessageRecord = {
    id: 'm2',
    conversationId: 'c1',
    role: 'assistant',
    content: 'Hello [1]',
    createdAt: 2,
    status: 'done',
    context: {
      request: [{ role: 'user', content: 'Hi' }],
      grounded: true,
      sources: [
        {
          kind: 'note',
          n: 1,
          chunkId: 'k|n1|h',
          noteId: 'n1',
          title: '<b>x</b>',
          headingPath: ['Trip'],
          date: '2026-12-01',
          start: 0,
          end: 6,
          snippet: [{ text: '# Trip', hit: true }],
          cited: true,
        },
      ],
      notices: [],
      dateLabel: null,
      parts: [{ part: 'question', tokens: 2 }],
      budget: 100,
      used: 10,
      exactCount: false,
      omitted: [],
    },
    versions: [{ content: 'Older', at: 1, tail: [] }],
    versionIndex: 1,
  };
  return {
    notes: [
      {
        id: 'n1',
        path: 'Trip.md',
        createdAt: 1,
        updatedAt: 5,
        deletedAt: 0,
        content: '# Trip\r\n\uFEFFé',
      },
      {
        id: 'n2',
        path: 'journal/2026-12-01.md',
        createdAt: 1,
        updatedAt: 2,
        deletedAt: 9,
        content: 'gone to trash',
      },
    ],
    attachments: [
      {
        id: 'a1',
        path: 'assets/p.png',
        name: 'p.png',
        mime: 'image/png',
        sizeBytes: png.length,
        hash: 'a'.repeat(64),
        createdAt: 1,
        updatedAt: 1,
        deletedAt: 0,
        bytes: () => Promise.resolve(png),
      },
    ],
    conversations: [{ id: 'c1', title: 'Chat', createdAt: 1, updatedAt: 2 }],
    messages: [
      { id: 'm1', conversationId: 'c1', role: 'user', content: 'Hi', createdAt: 1 },
      reply,
    ],
    chatAttachments: [
      {
        id: 'ca1',
        conversationId: 'c1',
        name: 'bloodwork.pdf',
        kind: 'file',
        sizeBytes: 10,
        fileCount: 1,
        pageCount: 2,
        textChars: 11,
        refused: [],
        refusedCount: 0,
        skippedCount: 0,
        createdAt: 1,
        indexedBy: null,
      },
    ],
    chatDocuments: [
      {
        id: 'd1',
        attachmentId: 'ca1',
        conversationId: 'c1',
        path: 'bloodwork.pdf',
        format: 'pdf',
        text: 'Hb 14 g/dL\n',
        sizeBytes: 10,
        pages: [{ number: 1, start: 0, end: 11 }],
        pageCount: 2,
      },
    ],
    memories: [{ id: 'me1', text: 'The user is vegetarian.', createdAt: 1, updatedAt: 1 }],
    drafts: [{ id: 'n1:t', noteId: 'n1', tabId: 't', content: 'typed', baseHash: 'b', at: 3 }],
    settings: { persona: 'Kind', 'vault-id': 'v1' },
    models: [],
    ledger: [
      {
        seq: 1,
        at: 1,
        host: 'huggingface.co',
        path: '/x',
        bytes: 5,
        status: 200,
        modelKey: 'k',
        reason: 'download',
      },
    ],
  };
}

async function bundle(): Promise<Blob> {
  return (await writeBundle(source(), { appVersion: '0.1.0', now: new Date(0) })).blob;
}

/** The bundle's entries as a map, to change and write back as a new zip. */
async function entriesOf(blob: Blob): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const entry of await readZipBlob(blob)) out.set(entry.path, await entry.read());
  return out;
}

function zipOf(entries: Map<string, Uint8Array> | ForgeEntry[]): Blob {
  const list = Array.isArray(entries)
    ? entries
    : [...entries].map(([name, data]) => ({ name, data }));
  return new Blob([forgeZip(list)]);
}

type Manifest = { format: number; entries: { path: string; bytes: number; sha256: string }[] };

const manifestOf = (entries: Map<string, Uint8Array>): Manifest =>
  JSON.parse(new TextDecoder().decode(entries.get(manifestPath))) as Manifest;

function withManifest(entries: Map<string, Uint8Array>, manifest: Manifest) {
  entries.set(manifestPath, encoder.encode(JSON.stringify(manifest)));
  return entries;
}

/** Sets an entry's bytes and its manifest hash and size to match (a consistent forgery). */
async function replaceEntry(entries: Map<string, Uint8Array>, path: string, bytes: Uint8Array) {
  const manifest = manifestOf(entries);
  entries.set(path, bytes);
  const listed = manifest.entries.find((e) => e.path === path);
  if (listed) Object.assign(listed, { bytes: bytes.length, sha256: await sha256Bytes(bytes) });
  else manifest.entries.push({ path, bytes: bytes.length, sha256: await sha256Bytes(bytes) });
  return withManifest(entries, manifest);
}

async function refusal(blob: Blob): Promise<string> {
  const error = await readBundle(blob).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BundleError);
  return (error as Error).message;
}

describe('the Hearth bundle', () => {
  it('reads back every record and every byte it was given', async () => {
    const given = source();
    const read = await readBundle(await bundle());
    expect(read.notes.map(({ content, ...row }) => ({ ...row, content }))).toEqual(given.notes);
    const png = await (given.attachments as { bytes(): Promise<Uint8Array> }[])[0]!.bytes();
    expect(new Uint8Array(await read.attachments[0]!.blob.arrayBuffer())).toEqual(png);
    expect(read.conversations).toEqual(given.conversations);
    expect(read.messages).toEqual(given.messages);
    expect(read.chatAttachments).toEqual(given.chatAttachments);
    expect(read.chatDocuments).toEqual(given.chatDocuments);
    expect(read.memories).toEqual(given.memories);
    expect(read.drafts).toEqual(given.drafts);
    expect(read.settings).toEqual(given.settings);
    expect(read.ledger).toEqual(given.ledger);
    expect(read.manifest.counts).toMatchObject({
      notes: 2,
      attachments: 1,
      messages: 2,
      settings: 2,
    });
    expect(read.manifest).toMatchObject({
      format: bundleFormat,
      app: 'Hearth',
      createdAt: '1970-01-01T00:00:00.000Z',
    });
  });

  it('keeps notes at their paths with their exact bytes, for any unzip tool', async () => {
    const entries = await entriesOf(await bundle());
    expect(new TextDecoder().decode(entries.get('notes/Trip.md'))).toBe('# Trip\r\n\uFEFFé');
    expect(entries.get('notes/assets/p.png')?.length).toBe(3000);
    const manifest = manifestOf(entries);
    for (const { path, sha256 } of manifest.entries)
      expect(await sha256Bytes(entries.get(path)!), path).toBe(sha256);
    expect(manifest.entries.map((e) => e.path).sort()).toEqual(
      [...entries.keys()].filter((p) => p !== manifestPath).sort(),
    );
  });

  it('encrypts with a passphrase and decrypts whole; a wrong one, a flipped byte and a cut are refused', async () => {
    const plain = await bundle();
    const sealed = await encryptBlob(plain, 'correct horse', fastWork);
    expect(await isAgeFile(sealed)).toBe(true);
    expect(await isAgeFile(plain)).toBe(false);
    const opened = await decryptBlob(sealed, 'correct horse');
    expect(new Uint8Array(await opened.arrayBuffer())).toEqual(
      new Uint8Array(await plain.arrayBuffer()),
    );
    await expect(decryptBlob(sealed, 'wrong horse')).rejects.toBeInstanceOf(WrongPassphraseError);
    const bytes = new Uint8Array(await sealed.arrayBuffer());
    const flipped = bytes.slice();
    flipped[flipped.length - 100]! ^= 1;
    await expect(decryptBlob(new Blob([flipped]), 'correct horse')).rejects.toBeInstanceOf(
      DamagedBackupError,
    );
    for (const cut of [1, 17, 200]) {
      const truncated = new Blob([bytes.slice(0, bytes.length - cut)]);
      await expect(decryptBlob(truncated, 'correct horse')).rejects.toBeInstanceOf(
        DamagedBackupError,
      );
    }
  });

  it('tells from the header alone how a file was encrypted', async () => {
    const plain = await bundle();
    expect(await readAgeHeader(plain)).toBe('none');
    expect(await readAgeHeader(await encryptBlob(plain, 'p', fastWork))).toBe('passphrase');
    const key = await generateBackupKey();
    expect(await readAgeHeader(await encryptBlobTo(plain, key.recipient))).toBe('key');
    expect(await readAgeHeader(new Blob(['-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n']))).toBe(
      'armored',
    );
  });

  it('refuses a flipped byte inside an entry (its SHA-256 or CRC no longer matches)', async () => {
    const entries = await entriesOf(await bundle());
    const note = entries.get('notes/Trip.md')!.slice();
    note[0]! ^= 1;
    entries.set('notes/Trip.md', note);
    expect(await refusal(zipOf(entries))).toMatch(/notes\/Trip\.md.*SHA-256/);
  });

  it('refuses a truncated zip', async () => {
    const bytes = new Uint8Array(await (await bundle()).arrayBuffer());
    expect(await refusal(new Blob([bytes.slice(0, bytes.length - 30)]))).toMatch(
      /not a readable zip/,
    );
  });

  it('refuses a future format, naming it, and sends format 1 to Import', async () => {
    const entries = await entriesOf(await bundle());
    expect(
      await refusal(zipOf(withManifest(entries, { ...manifestOf(entries), format: 5 }))),
    ).toMatch(/newer Hearth \(format 5/);
    const old = zipOf([{ name: 'hearth-export.json', data: encoder.encode('{"format":1}') }]);
    await expect(readBundle(old)).rejects.toBeInstanceOf(FormatOneBundleError);
  });

  it('refuses a zip bomb entry: the size the zip declares disagrees with the manifest', async () => {
    const entries = await entriesOf(await bundle());
    const list: ForgeEntry[] = [...entries].map(([name, data]) => ({ name, data }));
    const bomb = list.find((e) => e.name === 'memory/memories.jsonl')!;
    bomb.size = 900 * 1024 * 1024;
    expect(await refusal(zipOf(list))).toMatch(/memories\.jsonl.*declares/);
  });

  it('refuses an entry of 2 GB declared in the manifest before reading anything', async () => {
    const entries = await entriesOf(await bundle());
    const manifest = manifestOf(entries);
    manifest.entries[0]!.bytes = 2 * 1024 ** 3;
    expect(2 * 1024 ** 3).toBeGreaterThan(maxEntryBytes);
    expect(await refusal(zipOf(withManifest(entries, manifest)))).toMatch(/at most/);
  });

  it('refuses duplicate ids, in one table and across notes and attachments', async () => {
    let entries = await entriesOf(await bundle());
    const memory = entries.get('memory/memories.jsonl')!;
    entries = await replaceEntry(
      entries,
      'memory/memories.jsonl',
      new Uint8Array([...memory, ...memory]),
    );
    const manifest = manifestOf(entries);
    (manifest as unknown as { counts: { memories: number } }).counts.memories = 2;
    expect(await refusal(zipOf(withManifest(entries, manifest)))).toMatch(
      /two memories share.*me1/,
    );

    entries = await entriesOf(await bundle());
    const text = new TextDecoder().decode(entries.get('attachments.jsonl')).replace('"a1"', '"n1"');
    expect(
      await refusal(zipOf(await replaceEntry(entries, 'attachments.jsonl', encoder.encode(text)))),
    ).toMatch(/share the id or path “n1”/);
  });

  it('refuses ../ paths in the manifest, in a row, and in the zip', async () => {
    let entries = await entriesOf(await bundle());
    const rows = new TextDecoder()
      .decode(entries.get('notes.jsonl'))
      .replace('"Trip.md"', '"../Trip.md"');
    entries = await replaceEntry(entries, 'notes.jsonl', encoder.encode(rows));
    const evil = entries.get('notes/Trip.md')!;
    entries.delete('notes/Trip.md');
    const manifest = manifestOf(entries);
    manifest.entries = manifest.entries.filter((e) => e.path !== 'notes/Trip.md');
    manifest.entries.push({
      path: 'notes/../Trip.md',
      bytes: evil.length,
      sha256: await sha256Bytes(evil),
    });
    entries.set('notes/../Trip.md', evil);
    expect(await refusal(zipOf(withManifest(entries, manifest)))).toMatch(/unsafe path/);
  });

  it('refuses a manifest hash mismatch, a missing entry and an entry no record owns', async () => {
    let entries = await entriesOf(await bundle());
    const manifest = manifestOf(entries);
    manifest.entries.find((e) => e.path === 'ledger.jsonl')!.sha256 = '0'.repeat(64);
    expect(await refusal(zipOf(withManifest(entries, manifest)))).toMatch(/ledger\.jsonl.*SHA-256/);

    entries = await entriesOf(await bundle());
    entries.delete('drafts.jsonl');
    expect(await refusal(zipOf(entries))).toMatch(/drafts\.jsonl.*not in the zip/);

    entries = await entriesOf(await bundle());
    entries = await replaceEntry(entries, 'notes/stray.md', encoder.encode('x'));
    expect(await refusal(zipOf(entries))).toMatch(/stray\.md.*belongs to no record/);
  });

  it('refuses records that fail their schema, naming the line and the field', async () => {
    const entries = await entriesOf(await bundle());
    const hostile = '{"id":"c9","title":"x","createdAt":-5,"updatedAt":1}\n';
    const forged = await replaceEntry(
      entries,
      'chats/conversations.jsonl',
      encoder.encode(hostile),
    );
    expect(await refusal(zipOf(forged))).toMatch(/conversations\.jsonl line 1.*createdAt/);
    // An answer's stored sources are shown again: a source missing its fields would break the chat.
    const messages = new TextDecoder()
      .decode(entries.get('chats/messages.jsonl'))
      .replace('"chunkId":"k|n1|h",', '');
    const broken = await replaceEntry(
      await entriesOf(await bundle()),
      'chats/messages.jsonl',
      encoder.encode(messages),
    );
    expect(await refusal(zipOf(broken))).toMatch(/messages\.jsonl line 2.*context\.sources\.0/);
    // A setting the app parses without a check of its own (the mirror's URL) is checked here.
    for (const hostile of ['{"mirror": 1}', '{"customModels": [{}]}']) {
      const settings = await replaceEntry(
        await entriesOf(await bundle()),
        'settings.json',
        encoder.encode(hostile),
      );
      const manifest = manifestOf(settings);
      (manifest as unknown as { counts: { settings: number } }).counts.settings = 1;
      expect(await refusal(zipOf(withManifest(settings, manifest)))).toMatch(/settings\.json “/);
    }
  });

  it('opens the committed test vector with its documented passphrase, exactly as documented', async () => {
    const sealed = new Blob([readFileSync(vectorFile)]);
    expect(sealed.size).toBeLessThan(100 * 1024);
    const read = await readBundle(await decryptBlob(sealed, vectorPassphrase));
    const given = vectorSource();
    expect(read.manifest).toMatchObject({ format: 2, createdAt: vectorCreatedAt.toISOString() });
    expect(read.notes).toEqual(given.notes);
    expect(read.messages).toEqual(given.messages);
    expect(read.memories).toEqual(given.memories);
    expect(read.settings).toEqual(given.settings);
    await expect(decryptBlob(sealed, `${vectorPassphrase}!`)).rejects.toBeInstanceOf(
      WrongPassphraseError,
    );
  });
});
