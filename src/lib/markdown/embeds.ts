// `![[Note]]`, `![[Note#Heading]]`, `![[Note#^block]]`, `![[#Heading]]` and `![[file.png|300]]`
// embeds, as marked extensions. An embed on a line of its own is a block: a note's text (or one
// section) rendered in place. Inside running text a note embed stays a link; files show inline.
//
// Targets are looked up before rendering (render-scope.ts gives the answers). Embeds nest up to
// maxEmbedDepth, and a note already open in the chain of embeds is never rendered again: a note
// embedding itself, or A → B → A, shows an "embed loop" notice instead, so rendering always ends.
// One render expands at most maxEmbedsPerRender note embeds (and maxEmbeddedChars of their text),
// nesting included: the rest are links with a notice, so the work stays bounded too.
import type { TokenizerAndRendererExtension, Tokens } from 'marked';
import { maxEmbedDepth, maxEmbedsPerRender, type EmbeddedNote } from './embed-types';
import { attachmentHtml, embedNotice } from './attachment-html';
import {
  blockIdOf,
  headingOf,
  imageSize,
  linkText,
  parseLinkTarget,
  type LinkTarget,
} from './link-target';
import { blockText, sectionText } from './sections';
import {
  currentFrame,
  embedDepth,
  frameKey,
  isOpen,
  lookUp,
  rootFrame,
  takeEmbedBudget,
  withFrame,
} from './render-scope';
import { wikilinkAnchor, wikilinkHtml } from './wikilinks';
import { escapeHtml } from './escape';
import { paragraphStart } from './paragraph-start';
import { basename } from '../vault/paths';
import { splitFrontmatter } from '../vault/frontmatter';

interface EmbedToken extends Tokens.Generic {
  type: 'embed' | 'inlineEmbed';
  target: string;
}

const EMBED = /^!\[\[([^[\]\n]{1,300})\]\]/;
const EMBED_LINE = /^ {0,3}!\[\[([^[\]\n]{1,300})\]\][ \t]*(?:\n|$)/;

/** Renders Markdown of an embedded note (no sanitizing: the outer render sanitizes once). */
export type BodyRenderer = (markdown: string) => string;

/** A file embed (or a Markdown image) as written in the current note. */
export function fileEmbedHtml(
  linkpath: string,
  shown: string,
  options: { alt?: string | undefined; size?: { width: number; height?: number } | null },
  block: boolean,
): string {
  const answer = lookUp(linkpath);
  if (answer === undefined) return embedNotice('pending', `Loading “${shown}”…`, block);
  if (answer.kind === 'error')
    return embedNotice('error', `“${shown}” could not be read: ${answer.message}`, block);
  if (answer.kind === 'missing')
    return embedNotice('missing', `“${shown}” is not in the vault`, block);
  if (answer.kind === 'note') return wikilinkHtml(linkpath, shown);
  const html = attachmentHtml(answer.attachment, options);
  return block ? `<p class="embed-file">${html}</p>` : html;
}

/** `[text](file.pdf)`: a link to the stored file around the link's own (rendered) text. */
export function fileLinkHtml(linkpath: string, innerHtml: string): string {
  const answer = lookUp(linkpath);
  if (answer?.kind === 'note') return wikilinkAnchor(linkpath, innerHtml);
  if (answer?.kind !== 'attachment') {
    const why =
      answer === undefined
        ? 'loading'
        : answer.kind === 'missing'
          ? 'not in the vault'
          : 'unreadable';
    return `<span class="file-link" data-embed-state="${answer?.kind ?? 'pending'}" title="${escapeHtml(`${linkpath}: ${why}`)}">${innerHtml}</span>`;
  }
  const { url, path } = answer.attachment;
  return `<a href="${escapeHtml(url)}" download="${escapeHtml(basename(path))}" class="attachment-link">${innerHtml}</a>`;
}

function noteEmbedHtml(
  note: EmbeddedNote,
  target: LinkTarget,
  raw: string,
  render: BodyRenderer,
): string {
  const shown = linkText({ ...target, linkpath: note.title || target.linkpath, alias: undefined });
  const link = ' ' + wikilinkHtml(raw, `Open ${shown}`);
  const key = frameKey(note.id, target.subpath);
  if (isOpen(key)) {
    return embedNotice(
      'loop',
      `Embed loop: “${shown}” is already shown above, so it is not embedded again.`,
      true,
      link,
    );
  }
  if (embedDepth() >= maxEmbedDepth) {
    return embedNotice(
      'deep',
      `“${shown}” is embedded more than ${maxEmbedDepth} levels deep.`,
      true,
      link,
    );
  }
  const body = splitFrontmatter(note.content).body;
  const heading = headingOf(target.subpath);
  const blockId = blockIdOf(target.subpath);
  const part =
    heading !== undefined
      ? sectionText(body, heading)
      : blockId !== undefined
        ? blockText(body, blockId)
        : body;
  if (part === undefined) {
    return embedNotice('missing', `“${shown}” was not found in the note`, true, link);
  }
  if (!takeEmbedBudget(part.length)) {
    return embedNotice(
      'limit',
      `“${shown}” is not embedded: this note already shows ${maxEmbedsPerRender} embeds or as much embedded text as one view holds.`,
      true,
      link,
    );
  }
  const inner = withFrame({ id: note.id, key, path: note.path, content: body }, () => render(part));
  return `<div class="embed" data-embed-state="ok"><p class="embed-title">${wikilinkHtml(raw, shown)}</p><div class="embed-content">${inner}</div></div>\n`;
}

function embedHtml(token: EmbedToken, render: BodyRenderer): string {
  const block = token.type === 'embed';
  const target = parseLinkTarget(token.target);
  const raw = target.subpath ? `${target.linkpath}#${target.subpath}` : target.linkpath;
  if (target.linkpath === '') {
    // `![[#Heading]]`: a section of the note this embed is written in.
    const frame = currentFrame();
    const self = { id: frame.id, path: frame.path, title: '', content: frame.content };
    return block ? noteEmbedHtml(self, target, raw, render) : wikilinkHtml(raw, linkText(target));
  }
  const answer = lookUp(target.linkpath);
  if (answer?.kind === 'note') {
    // The note shown embeds itself (a section of it): use its text as typed, not as last saved.
    const root = rootFrame();
    const note =
      root.id !== '' && answer.note.id === root.id
        ? { ...answer.note, content: root.content }
        : answer.note;
    return block
      ? noteEmbedHtml(note, target, raw, render)
      : wikilinkHtml(raw, linkText(target), 'wikilink embed-link');
  }
  const size = imageSize(target.alias);
  return fileEmbedHtml(
    target.linkpath,
    target.linkpath,
    { alt: size ? undefined : target.alias, size },
    block,
  );
}

export function embedExtensions(render: BodyRenderer): TokenizerAndRendererExtension[] {
  return [
    {
      name: 'embed',
      level: 'block',
      // Only after a line break: an embed line also ends the paragraph before it.
      start: paragraphStart(/\n {0,3}!\[\[[^[\]\n]{1,300}\]\][ \t]*(?:\n|$)/),
      tokenizer(src: string): EmbedToken | undefined {
        const match = EMBED_LINE.exec(src);
        if (!match?.[1]?.trim()) return undefined;
        return { type: 'embed', raw: match[0], target: match[1] };
      },
      renderer: (token) => embedHtml(token as EmbedToken, render),
    },
    {
      name: 'inlineEmbed',
      level: 'inline',
      start: (src: string) => src.indexOf('![['),
      tokenizer(src: string): EmbedToken | undefined {
        const match = EMBED.exec(src);
        if (!match?.[1]?.trim()) return undefined;
        return { type: 'inlineEmbed', raw: match[0], target: match[1] };
      },
      renderer: (token) => embedHtml(token as EmbedToken, render),
    },
  ];
}
