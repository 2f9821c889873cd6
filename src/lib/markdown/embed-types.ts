// What the renderer needs to know about `![[embeds]]` and attachments, looked up ahead of time:
// rendering is synchronous, lookups are not, so the preview resolves targets first (embed-
// resolver.ts) and renders with the answers.

/** A note whose text an embed shows. */
export interface EmbeddedNote {
  id: string;
  path: string;
  title: string;
  content: string;
}

/** A stored vault file (image, PDF, audio…), with an object URL made from its bytes. */
export interface ShownAttachment {
  id: string;
  path: string;
  mime: string;
  sizeBytes: number;
  url: string;
  /** For SVG: the `data:` URL `<img>` shows (object-urls.ts); none when too large to inline. */
  imageSrc?: string;
}

export type EmbedTarget =
  | { kind: 'note'; note: EmbeddedNote }
  | { kind: 'attachment'; attachment: ShownAttachment }
  | { kind: 'missing' }
  | { kind: 'error'; message: string };

/** A target as written in a note, and the note (path) it was written in. */
export interface EmbedRequest {
  fromPath: string;
  /** The file part of the target: `Note`, `assets/photo.png` (no `#heading`, no `|size`). */
  linkpath: string;
}

export interface EmbedAnswers {
  /** The looked-up target, or undefined while it has not been looked up yet. */
  get(request: EmbedRequest): EmbedTarget | undefined;
  /** Called as a render of the note begins: the targets it asks for next are the ones shown. */
  startRender?(): void;
}

export interface RenderContext {
  /** Vault path of the note being rendered: relative attachment paths start from its folder. */
  notePath?: string;
  /** Its id, so a note embedding itself is caught at the first step. */
  noteId?: string;
  embeds?: EmbedAnswers;
}

/** Nesting of embeds shown: deeper ones are links. */
export const maxEmbedDepth = 3;

/**
 * What one render expands, nesting included: past either limit, note embeds are links. Depth
 * alone does not bound the work: 30 embeds of a section holding 30 embeds of a section holding 30
 * more are 27,000 copies within three levels.
 */
export const maxEmbedsPerRender = 50;
export const maxEmbeddedChars = 1_000_000;

export const requestKey = (request: EmbedRequest): string =>
  `${request.fromPath}\u0000${request.linkpath}`;
