// A small in-memory vault for rendering tests: notes found as wikilinks find them, files found by
// the app's own Obsidian-style rules (attachment-links.ts), and the preview's render → resolve →
// render loop run to the end. Object URLs come from a counting stand-in (jsdom's Blob is not one
// Node's URL.createObjectURL accepts); the pool and the sanitizer's checks of them are the real code.
import { EmbedResolver, type EmbedLookups } from '../../src/lib/markdown/embed-resolver';
import { ObjectUrlPool } from '../../src/lib/markdown/object-urls';
import { renderNote } from '../../src/lib/markdown/render';
import type { RenderContext } from '../../src/lib/markdown/embed-types';
import { pickAttachment } from '../../src/lib/attachment-links';
import { deriveMeta } from '../../src/lib/vault/derive';

export const objectUrls = { made: 0, revoked: new Set<string>() };
URL.createObjectURL = () => `blob:http://localhost/test-${++objectUrls.made}`;
URL.revokeObjectURL = (url: string) => void objectUrls.revoked.add(url);

export interface TestVault {
  /** path → Markdown */
  notes: Record<string, string>;
  /** path → MIME type (the bytes are the path's text) */
  files?: Record<string, string>;
}

export function testLookups(vault: TestVault): EmbedLookups & { calls: string[] } {
  const calls: string[] = [];
  const ids = new Map(Object.keys(vault.notes).map((path, i) => [path, `note-${i}`]));
  return {
    calls,
    findNote(linkpath) {
      calls.push(`note:${linkpath}`);
      const wanted = linkpath.toLowerCase().replace(/\.md$/, '');
      for (const [path, content] of Object.entries(vault.notes)) {
        const { title } = deriveMeta(path, content, '2026-01-01');
        const bare = path.toLowerCase().replace(/\.md$/, '');
        if ([title.toLowerCase(), bare, bare.split('/').at(-1)].includes(wanted)) {
          return Promise.resolve({ id: ids.get(path) ?? path, path, title, content });
        }
      }
      return Promise.resolve(undefined);
    },
    findAttachment(target, fromNotePath) {
      calls.push(`file:${target}`);
      const files = Object.entries(vault.files ?? {}).map(([path, mime]) => ({
        id: `file:${path}`,
        path,
        mime,
      }));
      const hit = pickAttachment(target, fromNotePath, files);
      if (!hit) return Promise.resolve(undefined);
      const blob = new Blob([hit.path], { type: hit.mime });
      return Promise.resolve({ ...hit, sizeBytes: blob.size, blob });
    },
  };
}

/** Renders `markdown` the way the preview does: until no target is left to look up. */
export async function renderWithVault(
  markdown: string,
  vault: TestVault,
  context: RenderContext = {},
): Promise<{ html: string; doc: Document; resolver: EmbedResolver; rounds: number }> {
  const lookups = testLookups(vault);
  const resolver = new EmbedResolver(lookups, new ObjectUrlPool());
  for (let rounds = 1; rounds <= 10; rounds++) {
    const { html, pending } = renderNote(markdown, { ...context, embeds: resolver });
    if (pending.length === 0) {
      const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
      return { html, doc, resolver, rounds };
    }
    await resolver.resolve(pending);
  }
  throw new Error('Rendering still needed lookups after 10 rounds.');
}
