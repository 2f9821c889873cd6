// @vitest-environment jsdom
// `![[embeds]]` and attachments in note previews: note and section embeds, loops and depth,
// missing targets, images, audio and file links from stored blobs, and the resolver's refresh.
import { describe, expect, it, vi } from 'vitest';
import { objectUrls, renderWithVault, testLookups, type TestVault } from './markdown-vault';
import { EmbedResolver } from '../../src/lib/markdown/embed-resolver';
import { ObjectUrlPool, isIssuedObjectUrl } from '../../src/lib/markdown/object-urls';
import { renderNote } from '../../src/lib/markdown/render';
import { maxEmbedDepth } from '../../src/lib/markdown/embed-types';

const text = (el: Element | null | undefined): string => el?.textContent?.trim() ?? '';

const vault: TestVault = {
  notes: {
    'Recipes.md':
      '---\ntitle: Recipes\ntags: [food]\n---\n\nIntro line.\n\n## Soup\n\nBoil water.\n\n### Stock\n\nBones.\n\n## Bread\n\nKnead. ^knead-step\n\nRest.',
    'Loop A.md': 'A says hi.\n\n![[Loop B]]',
    'Loop B.md': 'B says hi.\n\n![[Loop A]]',
    'Self.md': 'Me.\n\n![[Self]]',
    'Chain 1.md': 'one ![[img.png]]\n\n![[Chain 2]]',
    'Chain 2.md': 'two\n\n![[Chain 3]]',
    'Chain 3.md': 'three\n\n![[Chain 4]]',
    'Chain 4.md': 'four\n\n![[Chain 5]]',
    'Chain 5.md': 'five',
    'notes/Deep.md': '![[photo.png]]',
  },
  files: {
    'img.png': 'image/png',
    'notes/photo.png': 'image/png',
    'assets/My photo.png': 'image/png',
    'docs/report.pdf': 'application/pdf',
    'audio/memo.m4a': 'audio/mp4',
    'evil.html': 'text/html',
  },
};

describe('note embeds', () => {
  it('shows the embedded note without its frontmatter, with a link to it', async () => {
    const { doc } = await renderWithVault('Before\n![[Recipes]]\nAfter', vault);
    const embed = doc.querySelector('.embed');
    expect(text(embed?.querySelector('.embed-title a'))).toBe('Recipes');
    expect(embed?.querySelector('.embed-title a')?.getAttribute('data-wikilink')).toBe('Recipes');
    const content = text(embed?.querySelector('.embed-content'));
    expect(content).toContain('Intro line.');
    expect(content).toContain('Rest.');
    expect(content).not.toContain('tags:');
    // The embed line ends the paragraph before it and stands on its own.
    expect([...doc.body.children].map((c) => c.tagName)).toEqual(['P', 'DIV', 'P']);
  });

  it('shows only the named section, down to the next heading of its level', async () => {
    const { doc } = await renderWithVault('![[Recipes#soup]]', vault);
    const content = doc.querySelector('.embed-content');
    expect(text(content?.querySelector('h2'))).toBe('Soup');
    expect(text(content)).toContain('Bones.');
    expect(text(content)).not.toContain('Knead');
    expect(text(doc.querySelector('.embed-title'))).toBe('Recipes › soup');
  });

  it('shows a block by its ^id, and sections of the note itself', async () => {
    const block = await renderWithVault('![[Recipes#^knead-step]]', vault);
    expect(text(block.doc.querySelector('.embed-content'))).toBe('Knead.');
    const self = await renderWithVault(
      '# Top\n\n## Part\n\nPart text.\n\n## Other\n\n![[#Part]]',
      vault,
      {
        noteId: 'me',
      },
    );
    expect(text(self.doc.querySelector('.embed-content'))).toBe('Part\nPart text.');
  });

  it('stops at a note embedding itself, and at A → B → A, with a clear notice', async () => {
    const self = await renderWithVault(vault.notes['Self.md']!, vault, {
      notePath: 'Self.md',
      noteId: 'note-3',
    });
    const notice = self.doc.querySelector('[data-embed-state="loop"]');
    expect(text(notice)).toMatch(/^Embed loop: “Self” is already shown above/);
    expect(notice?.querySelector('a')?.getAttribute('data-wikilink')).toBe('Self');

    const cycle = await renderWithVault(vault.notes['Loop A.md']!, vault, {
      notePath: 'Loop A.md',
      noteId: 'note-1',
    });
    expect(text(cycle.doc.querySelector('.embed-content'))).toContain('B says hi.');
    expect(cycle.doc.querySelectorAll('.embed')).toHaveLength(1);
    expect(text(cycle.doc.querySelector('[data-embed-state="loop"]'))).toContain('“Loop A”');
  });

  it(`nests embeds ${maxEmbedDepth} deep, then shows a link instead`, async () => {
    const { doc } = await renderWithVault(vault.notes['Chain 1.md']!, vault, {
      notePath: 'Chain 1.md',
    });
    expect(doc.querySelectorAll('.embed')).toHaveLength(maxEmbedDepth);
    const deep = doc.querySelector('[data-embed-state="deep"]');
    expect(text(deep)).toContain('“Chain 5” is embedded more than 3 levels deep');
    expect(deep?.querySelector('a')?.getAttribute('href')).toBe('/go/Chain%205');
  });

  it('says so when the note or the heading does not exist', async () => {
    const { doc } = await renderWithVault('![[Nowhere]]\n\n![[Recipes#No such part]]', vault);
    const notices = [...doc.querySelectorAll('.embed-notice')];
    expect(notices.map((n) => n.getAttribute('data-embed-state'))).toEqual(['missing', 'missing']);
    expect(text(notices[0])).toBe('“Nowhere” is not in the vault');
    expect(text(notices[1])).toMatch(/^“Recipes › No such part” was not found in the note/);
  });

  it('embeds sections of the note shown from its text as typed, not as last saved', async () => {
    const saved: TestVault = { notes: { 'Live.md': '## Part\n\nSaved text.' } };
    const { doc } = await renderWithVault('![[Live#Part]]\n\n## Part\n\nTyped text.', saved, {
      notePath: 'Live.md',
      noteId: 'note-0',
    });
    expect(text(doc.querySelector('.embed-content'))).toBe('Part\nTyped text.');
  });

  it('keeps a note embed inside running text as a link', async () => {
    const { doc } = await renderWithVault('See ![[Recipes]] for more.', vault);
    expect(doc.querySelector('.embed')).toBeNull();
    const link = doc.querySelector('p a.embed-link');
    expect(link?.getAttribute('data-wikilink')).toBe('Recipes');
  });

  it('renders what a note can show before the lookups come back', () => {
    const { html, pending } = renderNote('Text\n\n![[Recipes]]\n\n![](img.png)');
    expect(html).toContain('Loading “Recipes”…');
    expect(pending.map((p) => p.linkpath)).toEqual(['Recipes', 'img.png']);
  });
});

describe('attachments', () => {
  it('shows stored images from object URLs, sized and with alt text', async () => {
    const { doc } = await renderWithVault(
      '![[img.png]] ![[img.png|300]] ![[img.png|300x200]] ![[img.png|A cat]]\n\n![A photo](assets/My%20photo.png) ![sized|120](<assets/My photo.png>)',
      vault,
    );
    const images = [...doc.querySelectorAll('img')];
    expect(images).toHaveLength(6);
    for (const img of images) {
      expect(img.getAttribute('src')).toMatch(/^blob:/);
      expect(isIssuedObjectUrl(img.getAttribute('src')!)).toBe(true);
    }
    expect(
      images.map((i) => [i.getAttribute('alt'), i.getAttribute('width'), i.getAttribute('height')]),
    ).toEqual([
      ['img.png', null, null],
      ['img.png', '300', null],
      ['img.png', '300', '200'],
      ['A cat', null, null],
      ['A photo', null, null],
      ['sized', '120', null],
    ]);
    // One object URL per stored file, however often it is shown.
    expect(new Set(images.slice(0, 4).map((i) => i.getAttribute('src'))).size).toBe(1);
  });

  it('finds files relative to the note that embeds them, also inside an embedded note', async () => {
    const { doc } = await renderWithVault('![[Deep]]', vault, { notePath: 'Top.md' });
    const img = doc.querySelector('.embed-content img');
    expect(img?.getAttribute('alt')).toBe('photo.png');
    expect(img?.getAttribute('src')).toMatch(/^blob:/);
  });

  it('offers other files as downloads, audio with a player', async () => {
    const { doc } = await renderWithVault(
      '![[docs/report.pdf]]\n\nSee [the report](docs/report.pdf).\n\n![[memo.m4a]]\n\n![[evil.html]]',
      vault,
    );
    const links = [...doc.querySelectorAll('a.attachment-link')];
    expect(links.map((a) => [a.textContent, a.getAttribute('download')])).toEqual([
      ['report.pdf', 'report.pdf'],
      ['the report', 'report.pdf'],
      ['evil.html', 'evil.html'],
    ]);
    expect(text(doc.querySelector('.attachment-meta'))).toMatch(/^\(PDF, \d+ B\)$/);
    const audio = doc.querySelector('audio');
    expect(audio?.hasAttribute('controls')).toBe(true);
    expect(audio?.getAttribute('src')).toMatch(/^blob:/);
  });

  it('never looks up or loads URLs, and says which files are missing', async () => {
    const lookups = testLookups(vault);
    const resolver = new EmbedResolver(lookups, new ObjectUrlPool());
    const markdown =
      '![x](javascript:alert(1)) ![y](https://tracker.example/p.png) ![z](//cdn.example/z.png) ![d](data:image/png;base64,iVBORw0KGgo=) ![gone](nope.png) ![[nope.pdf]]';
    const first = renderNote(markdown, { embeds: resolver });
    expect(first.pending.map((p) => p.linkpath)).toEqual(['nope.png', 'nope.pdf']);
    await resolver.resolve(first.pending);
    const doc = new DOMParser().parseFromString(
      renderNote(markdown, { embeds: resolver }).html,
      'text/html',
    );
    const srcs = [...doc.querySelectorAll('img')].map((i) => i.getAttribute('src'));
    expect(srcs).toEqual([null, null, null, 'data:image/png;base64,iVBORw0KGgo=']);
    expect([...doc.querySelectorAll('[data-embed-state="missing"]')].map(text)).toEqual([
      '“nope.png” is not in the vault',
      '“nope.pdf” is not in the vault',
    ]);
    expect(
      lookups.calls.every((c) => !/[:/]{2}|javascript|data:/.test(c.split(':').slice(1).join(':'))),
    ).toBe(true);
  });

  it('drops blob: URLs written in the note itself', async () => {
    const { doc } = await renderWithVault(
      '![x](blob:http://localhost/0b1c) [y](blob:http://localhost/0b1c)',
      vault,
    );
    expect(doc.querySelector('img')?.hasAttribute('src')).toBe(false);
    expect(doc.querySelector('a')?.hasAttribute('href')).toBe(false);
  });
});

describe('the resolver', () => {
  it('refreshes after the vault changes, and revokes URLs no longer shown', async () => {
    const live: TestVault = {
      notes: { 'Inner.md': 'old text' },
      files: { 'a.png': 'image/png', 'b.png': 'image/png' },
    };
    const resolver = new EmbedResolver(testLookups(live), new ObjectUrlPool());
    const render = () => renderNote('![[Inner]]\n\n![[a.png]] ![[b.png]]', { embeds: resolver });
    await resolver.resolve(render().pending);
    const before = render().html;
    expect(before).toContain('old text');
    const urlA = /src="(blob:[^"]+)"/.exec(before)?.[1];
    expect(urlA && isIssuedObjectUrl(urlA)).toBe(true);

    live.notes['Inner.md'] = 'new text';
    delete live.files!['a.png'];
    expect(await resolver.refresh()).toBe(true);
    const after = render().html;
    expect(after).toContain('new text');
    expect(after).toContain('“a.png” is not in the vault');
    expect(objectUrls.revoked.has(urlA!)).toBe(true);
    expect(isIssuedObjectUrl(urlA!)).toBe(false);
    expect(await resolver.refresh()).toBe(false);

    const revoke = vi.spyOn(URL, 'revokeObjectURL');
    resolver.dispose();
    expect(revoke).toHaveBeenCalledTimes(1);
    revoke.mockRestore();
  });

  it('turns a failing lookup into an error notice instead of retrying forever', async () => {
    const resolver = new EmbedResolver({
      findNote: () => Promise.reject(new Error('disk on fire')),
      findAttachment: () => Promise.resolve(undefined),
    });
    const first = renderNote('![[Anything]]', { embeds: resolver });
    await resolver.resolve(first.pending);
    const second = renderNote('![[Anything]]', { embeds: resolver });
    expect(second.pending).toEqual([]);
    expect(second.html).toContain('“Anything” could not be read: disk on fire');
  });
});
