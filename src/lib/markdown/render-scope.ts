// The state of one synchronous render, for the extensions that need more than their token: which
// notes are open (to stop embed loops and cap depth), where relative paths start, and which
// targets were needed but not looked up yet (the preview resolves those and renders again).
import {
  maxEmbeddedChars,
  maxEmbedsPerRender,
  requestKey,
  type EmbedAnswers,
  type EmbedRequest,
  type EmbedTarget,
  type RenderContext,
} from './embed-types';

export interface Frame {
  /** The note's id ('' when the caller did not say). */
  id: string;
  /** `<note id>#<subpath>` (empty subpath for the whole note). */
  key: string;
  path: string;
  /** The Markdown of this note, for `![[#heading]]` embeds of its own sections. */
  content: string;
}

interface Scope {
  embeds: EmbedAnswers | undefined;
  frames: Frame[];
  pending: Map<string, EmbedRequest>;
  /** Note embeds expanded so far, and the Markdown characters they held. */
  expanded: number;
  expandedChars: number;
}

let scope: Scope | undefined;

export const frameKey = (id: string, subpath: string): string => `${id}#${subpath.toLowerCase()}`;

/** Runs `render` with `context` in scope; returns its result and the targets it still needs. */
export function withScope<T>(
  context: RenderContext,
  content: string,
  render: () => T,
): { result: T; pending: EmbedRequest[] } {
  const outer = scope;
  const root: Frame = {
    id: context.noteId ?? '',
    key: frameKey(context.noteId ?? '', ''),
    path: context.notePath ?? '',
    content,
  };
  context.embeds?.startRender?.();
  scope = {
    embeds: context.embeds,
    frames: [root],
    pending: new Map(),
    expanded: 0,
    expandedChars: 0,
  };
  try {
    const result = render();
    return { result, pending: [...scope.pending.values()] };
  } finally {
    scope = outer;
  }
}

function current(): Scope {
  if (!scope) throw new Error('Markdown rendered outside withScope.');
  return scope;
}

export function currentFrame(): Frame {
  const frames = current().frames;
  return frames[frames.length - 1] as Frame;
}

/** How many embeds deep the renderer is (0 in the note itself). */
export const embedDepth = (): number => current().frames.length - 1;

export const isOpen = (key: string): boolean => current().frames.some((f) => f.key === key);

/** Counts one more note embed of `chars` characters; false once the render's budget is spent. */
export function takeEmbedBudget(chars: number): boolean {
  const s = current();
  if (s.expanded >= maxEmbedsPerRender || s.expandedChars + chars > maxEmbeddedChars) return false;
  s.expanded++;
  s.expandedChars += chars;
  return true;
}

export function withFrame<T>(frame: Frame, render: () => T): T {
  const frames = current().frames;
  frames.push(frame);
  try {
    return render();
  } finally {
    frames.pop();
  }
}

/** The answer for `linkpath` as written in the current note; undefined (and noted) if unknown. */
export function lookUp(linkpath: string): EmbedTarget | undefined {
  const { embeds, pending } = current();
  const request = { fromPath: currentFrame().path, linkpath };
  const answer = embeds?.get(request);
  if (answer === undefined) pending.set(requestKey(request), request);
  return answer;
}

/** The path of the embedded note being rendered; undefined in the note itself. */
export function embeddedNotePath(): string | undefined {
  if (!scope || scope.frames.length < 2) return undefined;
  return currentFrame().path;
}

/** The note the render started from (its text as shown now, which may not be saved yet). */
export function rootFrame(): Frame {
  return current().frames[0] as Frame;
}
