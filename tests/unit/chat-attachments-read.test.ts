// Reading attachments into text: what is kept, what is refused and why, in real pdf.js (Node
// build) and over zips of a code tree made with fflate at test time.
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  maxFileBytes,
  maxSetBytes,
  maxSetFiles,
} from '../../src/lib/attachments/attachment-limits';
import type { AttachmentSource, SourceFile } from '../../src/lib/attachments/attachment-types';
import { fileKind, skipReason } from '../../src/lib/attachments/file-kinds';
import { groupSources } from '../../src/lib/attachments/group-sources';
import {
  AttachmentRefusedError,
  readAttachment,
  type ReadAttachmentOptions,
} from '../../src/lib/attachments/read-attachment';
import {
  SAMPLE,
  makeDamagedPdf,
  makeEncryptedPdf,
  makeImageOnlyPdf,
  makeSamplePdf,
} from '../fixtures/make-pdf';
import { nodeExtractPdf } from './pdf-node-runtime';

const options: ReadAttachmentOptions = { extractPdf: nodeExtractPdf };
const bytesOf = (content: string | Uint8Array): Uint8Array =>
  typeof content === 'string' ? strToU8(content) : content;

function source(path: string, content: string | Uint8Array): SourceFile {
  const bytes = bytesOf(content);
  return { path, sizeBytes: bytes.length, read: () => Promise.resolve(bytes) };
}

/** A file that declares a size and fails the test if it is ever read. */
function unread(path: string, sizeBytes: number): SourceFile {
  return { path, sizeBytes, read: () => Promise.reject(new Error(`${path} must not be read`)) };
}

const single = (path: string, content: string | Uint8Array): AttachmentSource => ({
  kind: 'file',
  name: path,
  file: source(path, content),
});

async function refusalOf(attachment: AttachmentSource): Promise<string> {
  const error = await readAttachment(attachment, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AttachmentRefusedError);
  return (error as Error).message;
}

const binary = Uint8Array.of(0x7b, 0x22, 0x61, 0x00, 0x01, 0x02, 0x03);
const latin1 = Uint8Array.of(0x63, 0x61, 0x66, 0xe9, 0x0a);

describe('fileKind and skipReason', () => {
  it.each([
    ['notes/plan.md', 'text'],
    ['src/main.ts', 'text'],
    ['data/prices.csv', 'text'],
    ['config.json', 'text'],
    ['LICENSE', 'text'],
    ['report.pdf', 'pdf'],
    ['repo.zip', 'zip'],
    ['photo.PNG', 'refused'],
    ['slides.pptx', 'refused'],
  ])('%s is %s', (path, kind) => {
    expect(fileKind(path).kind).toBe(kind);
  });

  it('skips dependency, build and hidden folders and lockfiles, not files merely named so', () => {
    expect(skipReason('node_modules/left-pad/index.js')).toBe('folder');
    expect(skipReason('.git/HEAD')).toBe('folder');
    expect(skipReason('packages/app/dist/bundle.js')).toBe('folder');
    expect(skipReason('package-lock.json')).toBe('lockfile');
    expect(skipReason('src/build.ts')).toBeNull();
    expect(skipReason('.gitignore')).toBeNull();
  });
});

describe('readAttachment on a single file', () => {
  it('keeps Markdown, code and CSV as text, byte for byte (a BOM dropped)', async () => {
    const md = await readAttachment(single('plan.md', '\ufeff# Plan\n\nShip it.\n'), options);
    expect(md.docs).toEqual([
      { path: 'plan.md', format: 'markdown', text: '# Plan\n\nShip it.\n', sizeBytes: 20 },
    ]);
    const csv = await readAttachment(single('prices.csv', 'item,price\ntea,3\n'), options);
    expect(csv.docs[0]).toMatchObject({ format: 'data', text: 'item,price\ntea,3\n' });
  });

  it('refuses a binary file and one that is not UTF-8, saying which', async () => {
    expect(await refusalOf(single('data.json', binary))).toMatch(
      /binary file \(contains NUL bytes\)/,
    );
    expect(await refusalOf(single('notes.txt', latin1))).toMatch(/not UTF-8 text/);
    expect(await refusalOf(single('photo.png', 'not really'))).toMatch(/this is an image/);
  });

  it('refuses a file over the per-file limit before reading it, stating the limit', async () => {
    const big: AttachmentSource = {
      kind: 'file',
      name: 'huge.log',
      file: unread('huge.log', maxFileBytes + 1),
    };
    expect(await refusalOf(big)).toMatch(/20\.0 MB; Hearth reads files of up to 20 MB/);
  });

  it('reads a PDF page by page, recording where each page starts', async () => {
    const read = await readAttachment(single('report.pdf', makeSamplePdf()), options);
    const [doc] = read.docs;
    expect(doc?.format).toBe('pdf');
    expect(doc?.pages?.map((p) => p.number)).toEqual([1, 2]);
    const page2 = doc!.pages![1]!;
    expect(doc!.text.slice(page2.start, page2.end).split('\n')).toEqual([
      SAMPLE.secondHeading,
      ...SAMPLE.nonLatin,
    ]);
    expect(doc!.text.startsWith(SAMPLE.heading)).toBe(true);
  });

  it.each([
    ['an encrypted PDF', makeEncryptedPdf(), /password-protected/],
    ['a damaged PDF', makeDamagedPdf('garbage'), /damaged or is not really a PDF/],
    ['an image-only PDF', makeImageOnlyPdf(), /OCR/],
  ])('refuses %s with pdf.js’s reason', async (_, bytes, reason) => {
    expect(await refusalOf(single('doc.pdf', bytes))).toMatch(reason);
  });

  it('keeps a hostile file name as plain text', async () => {
    const name = '<img src=x onerror=alert(1)>.md';
    const read = await readAttachment(single(name, 'hello'), options);
    expect(read.name).toBe(name);
    expect(read.docs[0]?.path).toBe(name);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      readAttachment(single('a.md', 'x'), { ...options, signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('readAttachment on folders and zips', () => {
  const tree: Record<string, string | Uint8Array> = {
    'repo/README.md': '# Demo\n\nA tiny repo.\n',
    'repo/src/main.ts': 'export const answer = 42;\n',
    'repo/src/util.py': 'def add(a, b):\n    return a + b\n',
    'repo/src/__init__.py': '',
    'repo/data/prices.csv': 'item,price\ntea,3\n',
    'repo/docs/guide.pdf': makeSamplePdf(),
    'repo/assets/logo.png': Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0, 0),
    'repo/bin/tool': binary,
    'repo/vendor.zip': Uint8Array.of(0x50, 0x4b, 0x03, 0x04),
    'repo/node_modules/left-pad/index.js': 'module.exports = 1;\n',
    'repo/.git/HEAD': 'ref: refs/heads/main\n',
    'repo/dist/bundle.js': 'console.log(1)\n',
    'repo/package-lock.json': '{}\n',
  };
  const kept = ['README.md', 'data/prices.csv', 'docs/guide.pdf', 'src/main.ts', 'src/util.py'];
  const refusedPaths = ['assets/logo.png', 'bin/tool', 'vendor.zip'];

  it('a zip of a code tree: keeps the code, skips dependencies and build output, refuses binaries', async () => {
    const zip = zipSync(Object.fromEntries(Object.entries(tree).map(([p, c]) => [p, bytesOf(c)])));
    const read = await readAttachment(
      { kind: 'zip', name: 'repo.zip', file: source('repo.zip', zip) },
      options,
    );
    expect(read.docs.map((d) => d.path)).toEqual(kept.map((p) => `repo/${p}`));
    expect(read.refused.map((r) => r.path)).toEqual(refusedPaths.map((p) => `repo/${p}`));
    expect(read.refused[0]?.reason).toMatch(/image/);
    expect(read.refused[1]?.reason).toMatch(/binary file/);
    expect(read.refused[2]?.reason).toMatch(/zip inside/);
    expect(read.refusedCount).toBe(3);
    // node_modules, .git, dist, the lockfile and the empty __init__.py.
    expect(read.skippedCount).toBe(5);
    expect(read.docs.find((d) => d.path.endsWith('.pdf'))?.pages).toHaveLength(2);
  });

  it('a folder gives the same files as its zip', async () => {
    const files = Object.entries(tree).map(([path, content]) => ({
      path,
      file: new Blob([bytesOf(content).slice()]),
    }));
    const [folder] = groupSources(files);
    expect(folder).toMatchObject({ kind: 'folder', name: 'repo' });
    const read = await readAttachment(folder!, options);
    expect(read.docs.map((d) => d.path)).toEqual(kept.map((p) => `repo/${p}`));
    expect(read.skippedCount).toBe(5);
  });

  it('a picked folder named like a build folder is still read', async () => {
    const [folder] = groupSources([{ path: 'build/notes.md', file: new Blob(['# Notes']) }]);
    expect((await readAttachment(folder!, options)).docs).toHaveLength(1);
  });

  it('a zip entry whose path leaves the zip is refused, the rest kept', async () => {
    const zip = zipSync({ '../evil.txt': strToU8('x'), 'ok.txt': strToU8('fine') });
    const read = await readAttachment(
      { kind: 'zip', name: 'z.zip', file: source('z.zip', zip) },
      options,
    );
    expect(read.docs.map((d) => d.path)).toEqual(['ok.txt']);
    expect(read.refused.map((r) => r.path)).toEqual(['../evil.txt']);
    expect(read.refused[0]?.reason).toMatch(/leaves the zip/);
  });

  it('a file that is not a zip is refused as a whole with the reason', async () => {
    const message = await refusalOf({
      kind: 'zip',
      name: 'bad.zip',
      file: source('bad.zip', 'nope'),
    });
    expect(message).toMatch(/not a zip archive/);
  });

  it('a zip over the set limit is refused before it is read', async () => {
    const message = await refusalOf({
      kind: 'zip',
      name: 'big.zip',
      file: unread('big.zip', maxSetBytes + 1),
    });
    expect(message).toMatch(/Hearth opens zips of up to 50 MB/);
  });

  it('a folder with nothing readable is refused, naming a file and its reason', async () => {
    const message = await refusalOf({
      kind: 'folder',
      name: 'pics',
      files: [source('pics/a.png', 'x')],
    });
    expect(message).toMatch(/none of its files could be read \(pics\/a\.png: .*image/);
  });
});

describe('limits', () => {
  it(`reads at most ${maxSetFiles} files of a folder and counts the rest as refused`, async () => {
    const files = Array.from({ length: maxSetFiles + 25 }, (_, i) =>
      source(`big/f${String(i).padStart(5, '0')}.txt`, `file ${i}`),
    );
    const read = await readAttachment({ kind: 'folder', name: 'big', files }, options);
    expect(read.docs).toHaveLength(maxSetFiles);
    expect(read.refusedCount).toBe(25);
    expect(read.refused).toHaveLength(1);
    expect(read.refused[0]?.path).toBe('25 more files (from big/f02000.txt)');
    expect(read.refused[0]?.reason).toMatch(/at most 2,000 files/);
  });

  it('one pick shares one byte budget: files past it are refused, the others kept', async () => {
    const budget = { usedBytes: maxSetBytes - 10 };
    const read = await readAttachment(
      {
        kind: 'folder',
        name: 'f',
        files: [source('f/a.txt', '12345'), source('f/b.txt', '1234567890')],
      },
      { ...options, budget },
    );
    expect(read.docs.map((d) => d.path)).toEqual(['f/a.txt']);
    expect(read.refused.map((r) => r.path)).toEqual(['f/b.txt']);
    expect(read.refused[0]?.reason).toMatch(/at most 50 MB in all/);
    expect(budget.usedBytes).toBe(maxSetBytes - 5);
  });

  it('a file whose bytes exceed what it declared is refused all the same', async () => {
    const liar: SourceFile = {
      path: 'l.txt',
      sizeBytes: 1,
      read: () => Promise.resolve(new Uint8Array(maxFileBytes + 1).fill(0x61)),
    };
    expect(await refusalOf({ kind: 'file', name: 'l.txt', file: liar })).toMatch(/up to 20 MB/);
  });
});

describe('groupSources', () => {
  it('makes each loose file and each .zip its own attachment, and each folder one', () => {
    const blob = new Blob(['x']);
    const groups = groupSources([
      { path: 'a.md', file: blob },
      { path: 'code.ZIP', file: blob },
      { path: 'proj/src/a.ts', file: blob },
      { path: 'proj/README.md', file: blob },
      { path: 'other/x.txt', file: blob },
    ]);
    expect(groups.map((g) => [g.kind, g.name])).toEqual([
      ['file', 'a.md'],
      ['zip', 'code.ZIP'],
      ['folder', 'proj'],
      ['folder', 'other'],
    ]);
    expect(groups[2]?.kind === 'folder' && groups[2].files.map((f) => f.path)).toEqual([
      'proj/src/a.ts',
      'proj/README.md',
    ]);
  });
});
