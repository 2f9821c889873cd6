// The Markdown file a saved reflection or weekly review becomes. Frontmatter says what it is
// (`kind: reflection` or `kind: review`), its day or week and the entry it reflects on; the body
// opens with a [[wikilink]] back to the entry, then the model's text as it was shown, then the
// numbered sources, so the `[n]` markers in the text still point somewhere once saved.
// Titles and paths come from the user's notes (an imported file may be named anything): YAML is
// written by the yaml library, and nothing of a title can close a link or start Markdown syntax.
import { setFrontmatterFields } from '../vault/frontmatter';

export interface NoteLink {
  path: string;
  title: string;
  date: string;
}

export interface ReflectionNoteInput {
  kind: 'reflection' | 'review';
  title: string;
  /** `YYYY-MM-DD` for a reflection, `YYYY-Www` for a review. */
  period: string;
  /** The entry reflected on (reflection) or the week's entries (review). */
  about: NoteLink[];
  /** What the model wrote, exactly as shown. */
  text: string;
  /** The sources in their `[n]` order. */
  sources: NoteLink[];
  modelName: string;
  createdAt: Date;
}

/** Characters that end or split a wikilink, or start a heading or block reference inside one. */
const LINK_BREAKING = /[[\]|#^\r\n]/;

/** A wikilink target for a vault path: the path without `.md`, resolved by path (notes-repo). */
export function linkTarget(path: string): string | null {
  const target = path.replace(/\.(md|markdown)$/i, '');
  return target && !LINK_BREAKING.test(target) ? target : null;
}

/** Text that reads literally inside a Markdown line: no links, emphasis, HTML or line breaks. */
export function literalInline(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]<>|#~!&]/g, (c) => `\\${c}`)
    .trim();
}

/** `[[journal/2026-03-18|Title]]`, or the title as plain text when the path cannot be linked. */
export function wikilinkTo(link: NoteLink): string {
  const label = link.title
    .replace(/[[\]|\r\n]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const target = linkTarget(link.path);
  if (!target) return literalInline(link.title || link.path);
  return label && label !== target ? `[[${target}|${label}]]` : `[[${target}]]`;
}

export function buildReflectionNote(input: ReflectionNoteInput): string {
  const isReview = input.kind === 'review';
  const fields: Record<string, unknown> = {
    title: input.title,
    kind: input.kind,
    ...(isReview ? { week: input.period } : { date: input.period }),
    entries: input.about.map((a) => a.path),
    model: input.modelName,
    created: input.createdAt.toISOString(),
    tags: [input.kind],
  };
  const about = input.about.map(wikilinkTo).join(', ');
  const intro = isReview
    ? `Weekly review of ${input.period}: ${about || 'no entries'}.`
    : `Reflection on ${about}.`;
  const sources = input.sources.map(
    (s, i) => `${i + 1}. ${wikilinkTo(s)}${s.date ? ` · ${s.date}` : ''}`,
  );
  const body = [
    intro,
    input.text.trim(),
    ...(sources.length ? [`## Sources\n\n${sources.join('\n')}`] : []),
  ].join('\n\n');
  // Frontmatter first, the body appended after: a body that itself starts with `---` stays body.
  return `${setFrontmatterFields('', fields)}${body}\n`;
}
