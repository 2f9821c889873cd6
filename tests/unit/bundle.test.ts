// The Hearth bundle (format 2): written, encrypted, read back whole; and every hostile bundle the
// issue names refused with a message that says what is wrong, before anything is returned to write.
import { describe, expect, it } from 'vitest';
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
import { sha256Bytes } from '../../src/lib/vault/hash';
import {
  encoder,
  entriesOf,
  hostileBundles,
  manifestOf,
  replaceEntry,
  sampleBundle,
  sampleSource,
  withManifest,
  zipOf,
} from '../fixtures/bundle-forge';
import { readFileSync } from 'node:fs';
import {
  vectorCreatedAt,
  vectorFile,
  vectorPassphrase,
  vectorSource,
} from '../fixtures/bundle-vector';

/** Low scrypt work in tests: the format and the code path are the same, only slower by default. */
const fastWork = 10;

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
    const given = sampleSource();
    const read = await readBundle(await sampleBundle());
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
    const entries = await entriesOf(await sampleBundle());
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
    const plain = await sampleBundle();
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
    const plain = await sampleBundle();
    expect(await readAgeHeader(plain)).toBe('none');
    expect(await readAgeHeader(await encryptBlob(plain, 'p', fastWork))).toBe('passphrase');
    const key = await generateBackupKey();
    expect(await readAgeHeader(await encryptBlobTo(plain, key.recipient))).toBe('key');
    expect(await readAgeHeader(new Blob(['-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n']))).toBe(
      'armored',
    );
  });

  it('refuses every hostile bundle the issue names, each saying why', async () => {
    expect(2 * 1024 ** 3).toBeGreaterThan(maxEntryBytes);
    const hostile = await hostileBundles();
    expect(hostile).toHaveLength(9);
    for (const { what, blob, refusal: says } of hostile)
      expect(await refusal(blob), what).toMatch(says);
  });

  it('sends format 1 to Import', async () => {
    const old = zipOf([{ name: 'hearth-export.json', data: encoder.encode('{"format":1}') }]);
    await expect(readBundle(old)).rejects.toBeInstanceOf(FormatOneBundleError);
  });

  it('refuses an attachment sharing a note’s id', async () => {
    const entries = await entriesOf(await sampleBundle());
    const text = new TextDecoder().decode(entries.get('attachments.jsonl')).replace('"a1"', '"n1"');
    expect(
      await refusal(zipOf(await replaceEntry(entries, 'attachments.jsonl', encoder.encode(text)))),
    ).toMatch(/share the id or path “n1”/);
  });

  it('refuses a missing entry and an entry no record owns', async () => {
    let entries = await entriesOf(await sampleBundle());
    entries.delete('drafts.jsonl');
    expect(await refusal(zipOf(entries))).toMatch(/drafts\.jsonl.*not in the zip/);

    entries = await entriesOf(await sampleBundle());
    entries = await replaceEntry(entries, 'notes/stray.md', encoder.encode('x'));
    expect(await refusal(zipOf(entries))).toMatch(/stray\.md.*belongs to no record/);
  });

  it('refuses records that fail their schema, naming the line and the field', async () => {
    const entries = await entriesOf(await sampleBundle());
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
      await entriesOf(await sampleBundle()),
      'chats/messages.jsonl',
      encoder.encode(messages),
    );
    expect(await refusal(zipOf(broken))).toMatch(/messages\.jsonl line 2.*context\.sources\.0/);
    // A setting the app parses without a check of its own (the mirror's URL) is checked here.
    for (const hostile of ['{"mirror": 1}', '{"customModels": [{}]}']) {
      const settings = await replaceEntry(
        await entriesOf(await sampleBundle()),
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
