import { describe, expect, it } from 'vitest';
import {
  checkPathAndSize,
  decodeNoteText,
  maxAttachmentBytes,
  maxFileBytes,
} from '../../src/lib/vault/import-classify';
import { importLimitsText, skipReasonLabel } from '../../src/lib/vault/import-reasons';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('checkPathAndSize', () => {
  it('accepts a note at a relative path and normalizes backslashes', () => {
    expect(checkPathAndSize('tldr/pages/common/tar.md', 100)).toEqual({
      ok: true,
      path: 'tldr/pages/common/tar.md',
      kind: 'note',
    });
    expect(checkPathAndSize('a\\b.txt', 1)).toEqual({ ok: true, path: 'a/b.txt', kind: 'note' });
    expect(checkPathAndSize('Notes/Plan.MARKDOWN', 1).ok).toBe(true);
  });

  it('skips paths that would escape the folder', () => {
    for (const raw of ['../../evil.md', '/etc/passwd.md', 'a/../b.md', 'C:/x.md', 'a//b.md']) {
      const check = checkPathAndSize(raw, 1);
      expect(check.ok ? null : check.skip.reason, raw).toBe('unsafe-path');
    }
  });

  it('keeps every other file as an attachment, up to 100 MB', () => {
    expect(maxAttachmentBytes).toBe(100 * 1024 * 1024);
    for (const path of ['a/photo.png', 'doc.PDF', 'voice memo.m4a', 'Makefile', 'data.bin'])
      expect(checkPathAndSize(path, maxAttachmentBytes)).toEqual({
        ok: true,
        path,
        kind: 'attachment',
      });
    const check = checkPathAndSize('film.mp4', maxAttachmentBytes + 1);
    expect(check.ok ? null : check.skip).toEqual({
      path: 'film.mp4',
      reason: 'too-large',
      detail: '100.0 MB; the limit for an attachment is 100 MB.',
    });
  });

  it('skips hidden folders for notes and attachments alike, and hidden non-note files', () => {
    const hidden = ['.DS_Store', 'v/.obsidian/app.json', 'v/.git/HEAD', 'v/.trash/old.md'];
    for (const path of [...hidden, 'v/.obsidian/templates/day.md', 'v/.trash/photo.png']) {
      const check = checkPathAndSize(path, 10);
      expect(check.ok ? null : check.skip.reason, path).toBe('hidden');
    }
    expect(checkPathAndSize('v\\.trash\\old.md', 1)).toMatchObject({
      ok: false,
      skip: { path: 'v/.trash/old.md', reason: 'hidden' },
    });
    expect(checkPathAndSize('v/a.b/c.png', 1).ok).toBe(true);
    expect(checkPathAndSize('v/a.b/c.md', 1).ok).toBe(true);
  });

  it('keeps a note whose own name starts with a dot (a real page name), not a hidden folder', () => {
    for (const path of ['pages/common/..md', 'v/.plan.md', '.notes.txt'])
      expect(checkPathAndSize(path, 10).ok, path).toBe(true);
    expect(checkPathAndSize('v/.hidden/..md', 10).ok).toBe(false);
  });

  it('skips notes over 5 MB without reading them', () => {
    expect(maxFileBytes).toBe(5 * 1024 * 1024);
    expect(checkPathAndSize('big.md', maxFileBytes).ok).toBe(true);
    const check = checkPathAndSize('big.md', 20 * 1024 * 1024);
    expect(check.ok ? null : check.skip.detail).toBe('20.0 MB; the limit for a note is 5 MB.');
  });
});

describe('decodeNoteText', () => {
  it('decodes UTF-8 exactly, keeping CRLF and a byte order mark', () => {
    const text = '\uFEFF---\r\ntitle: 日本語\r\n---\r\nbody';
    expect(decodeNoteText('a.md', utf8(text))).toEqual({ ok: true, content: text });
  });

  it('skips PNG, PDF and zip files by their magic numbers', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const result = decodeNoteText('image.md', png);
    expect(result.ok ? null : result.skip).toMatchObject({ reason: 'binary', detail: 'PNG image' });
    const pdf = decodeNoteText('doc.md', utf8('%PDF-1.7 rest'));
    expect(pdf.ok ? null : pdf.skip.reason).toBe('binary');
    const zip = decodeNoteText('a.md', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14]));
    expect(zip.ok ? null : zip.skip.reason).toBe('binary');
  });

  it('skips files with NUL bytes (including UTF-16 text)', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00]);
    const result = decodeNoteText('a.txt', utf16);
    expect(result.ok ? null : result.skip.reason).toBe('binary');
  });

  it('skips invalid UTF-8', () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]);
    const result = decodeNoteText('cafe.md', latin1);
    expect(result.ok ? null : result.skip.reason).toBe('invalid-utf8');
  });

  it('accepts an empty file', () => {
    expect(decodeNoteText('empty.md', new Uint8Array())).toEqual({ ok: true, content: '' });
  });
});

describe('skipReasonLabel', () => {
  it('names each reason in plain words', () => {
    expect(skipReasonLabel('binary')).toBe('binary file');
    expect(skipReasonLabel('invalid-utf8')).toBe('not valid UTF-8 text');
    expect(skipReasonLabel('too-large')).toBe('too large');
    expect(skipReasonLabel('unsafe-path')).toBe('unsafe path (would escape the folder)');
    expect(skipReasonLabel('hidden')).toBe('hidden file or folder');
    expect(skipReasonLabel('corrupt')).toBe('damaged inside the zip; nothing of it was stored');
  });
});

describe('importLimitsText', () => {
  it('states every limit the importer enforces', () => {
    expect(importLimitsText()).toBe(
      'Notes (.md, .markdown, .txt) up to 5 MB each; every other file (images, PDFs, audio, ' +
        'anything) is kept as an attachment, up to 100 MB each. Zips up to 512 MB, unpacking to ' +
        'at most 1 GB in at most 100,000 files. Hidden files and folders (.obsidian, .git) are left out.',
    );
  });
});
