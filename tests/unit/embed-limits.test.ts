// @vitest-environment jsdom
// What one preview may cost and leak: a render's total of note embeds, the maxTargets count per
// render, object URLs after dispose, URLs of re-imported bytes, and how SVG, HEIC and TIFF show.
import { describe, expect, it } from 'vitest';
import { objectUrls, renderWithVault, testLookups, type TestVault } from './markdown-vault';
import { EmbedResolver, maxTargets } from '../../src/lib/markdown/embed-resolver';
import { ObjectUrlPool, isIssuedObjectUrl } from '../../src/lib/markdown/object-urls';
import { renderNote } from '../../src/lib/markdown/render';
import { maxEmbedsPerRender } from '../../src/lib/markdown/embed-types';

describe('a render expands a bounded number of note embeds', () => {
  it('stops a note whose sections embed each other from multiplying its output', async () => {
    const b = 8;
    const lines = (h: string) => Array.from({ length: b }, () => `![[#${h}]]`).join('\n\n');
    const note = `${lines('A')}\n\n# A\n\n${lines('B')}\n\n# B\n\n${lines('C')}\n\n# C\n\nleaf text\n`;
    const { html, doc } = await renderWithVault(
      note,
      { notes: { 'Bomb.md': note } },
      { notePath: 'Bomb.md', noteId: 'note-0' },
    );
    // Without a budget: b + b² + b³ = 584 embeds, 512 copies of the leaf.
    expect(doc.querySelectorAll('.embed').length).toBe(maxEmbedsPerRender);
    expect(html.split('leaf text').length - 1).toBeLessThanOrEqual(maxEmbedsPerRender);
    const limited = doc.querySelectorAll('[data-embed-state="limit"]');
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.textContent).toContain(`already shows ${maxEmbedsPerRender} embeds`);
    expect(limited[0]?.querySelector('a.wikilink')).not.toBeNull();
  });

  it('still shows a note with a few embeds in full', async () => {
    const vault: TestVault = { notes: { 'Inner.md': 'inner text' } };
    const { doc } = await renderWithVault('![[Inner]]\n\n![[Inner]]\n\n![[Inner]]', vault);
    expect(doc.querySelectorAll('.embed').length).toBe(3);
    expect(doc.querySelector('[data-embed-state="limit"]')).toBeNull();
  });
});

describe('the resolver', () => {
  it('counts only the targets of the current render against maxTargets', async () => {
    const lookups = testLookups({ notes: {} });
    const resolver = new EmbedResolver(lookups, new ObjectUrlPool());
    const note = (from: number) =>
      Array.from({ length: 300 }, (_, i) => `![[Note ${from + i}]]`).join('\n\n');
    // The note is edited: two renders of 300 different targets each, 600 seen in all.
    for (const from of [0, 300]) {
      const { pending } = renderNote(note(from), { embeds: resolver });
      await resolver.resolve(pending);
    }
    const { html, pending } = renderNote(note(300), { embeds: resolver });
    expect(pending).toEqual([]);
    expect(html).not.toContain(`more than ${maxTargets} embeds`);
    expect(html.split('is not in the vault').length - 1).toBe(300);
  });

  it('still refuses targets past maxTargets within one render', async () => {
    const resolver = new EmbedResolver(testLookups({ notes: {} }), new ObjectUrlPool());
    const note = Array.from({ length: maxTargets + 3 }, (_, i) => `![[N${i}]]`).join('\n\n');
    const { pending } = renderNote(note, { embeds: resolver });
    expect(pending.length).toBe(maxTargets);
    await resolver.resolve(pending);
    const { html } = renderNote(note, { embeds: resolver });
    expect(html.split(`more than ${maxTargets} embeds`).length - 1).toBe(3);
  });

  it('makes no object URL for a lookup that ends after dispose', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const pool = new ObjectUrlPool();
    const made = objectUrls.made;
    const resolver = new EmbedResolver(
      {
        findNote: () => Promise.resolve(undefined),
        async findAttachment() {
          await gate;
          return {
            id: 'a',
            path: 'a.png',
            mime: 'image/png',
            sizeBytes: 3,
            blob: new Blob(['abc']),
          };
        },
      },
      pool,
    );
    const pending = resolver.resolve([{ fromPath: 'N.md', linkpath: 'a.png' }]);
    resolver.dispose();
    release();
    expect(await pending).toBe(false);
    expect(pool.size).toBe(0);
    for (let n = made + 1; n <= objectUrls.made; n++) {
      const url = `blob:http://localhost/test-${n}`;
      expect(isIssuedObjectUrl(url) && !objectUrls.revoked.has(url)).toBe(false);
    }
  });
});

describe('object URLs', () => {
  it('gives new bytes of the same size (a re-import) a new URL', async () => {
    const pool = new ObjectUrlPool();
    const first = await pool.urlsFor('a', new Blob(['abc']), 'image/png', 'hash-1');
    const again = await pool.urlsFor('a', new Blob(['abc']), 'image/png', 'hash-1');
    const reimported = await pool.urlsFor('a', new Blob(['xyz']), 'image/png', 'hash-2');
    expect(again.url).toBe(first.url);
    expect(reimported.url).not.toBe(first.url);
  });

  it('shows SVG from a data: URL of its unchanged bytes; its object URL only downloads', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const vault: TestVault = { notes: {}, files: { 'd.svg': 'image/svg+xml' } };
    const lookups = testLookups(vault);
    const resolver = new EmbedResolver(
      {
        findNote: (linkpath) => lookups.findNote(linkpath),
        async findAttachment(target, from) {
          const hit = await lookups.findAttachment(target, from);
          return hit && { ...hit, blob: new Blob([svg], { type: 'image/svg+xml' }) };
        },
      },
      new ObjectUrlPool(),
    );
    const markdown = '![[d.svg]] [file](d.svg)';
    await resolver.resolve(renderNote(markdown, { embeds: resolver }).pending);
    const doc = new DOMParser().parseFromString(
      renderNote(markdown, { embeds: resolver }).html,
      'text/html',
    );
    const src = doc.querySelector('img')?.getAttribute('src') ?? '';
    expect(src.startsWith('data:image/svg+xml;base64,')).toBe(true);
    const bytes = Uint8Array.from(atob(src.slice(src.indexOf(',') + 1)), (c) => c.charCodeAt(0));
    expect(new TextDecoder().decode(bytes)).toBe(svg);
    const href = doc.querySelector('a.attachment-link')?.getAttribute('href') ?? '';
    expect(isIssuedObjectUrl(href)).toBe(true);
  });

  it('offers HEIC and TIFF as files instead of a broken image', async () => {
    const vault: TestVault = {
      notes: {},
      files: { 'p.heic': 'image/heic', 's.tiff': 'image/tiff', 'ok.png': 'image/png' },
    };
    const { doc } = await renderWithVault('![[p.heic]] ![[s.tiff]] ![[ok.png]]', vault);
    expect(doc.querySelectorAll('img').length).toBe(1);
    expect([...doc.querySelectorAll('a.attachment-link')].map((a) => a.textContent)).toEqual([
      'p.heic',
      's.tiff',
    ]);
  });
});
