// Looks up the targets a render asked for (render.ts reports them as `pending`) and keeps the
// answers for the next render: notes by title, file name or path; attachments the way Obsidian
// finds them from the note they are written in. The preview renders, resolves what is pending,
// renders again, and so on: each round can only add targets of notes one embed deeper, and the
// renderer stops at maxEmbedDepth, so the rounds end. Images get object URLs from the pool,
// which revokes those no longer shown.
import {
  requestKey,
  type EmbedAnswers,
  type EmbedRequest,
  type EmbedTarget,
  type EmbeddedNote,
} from './embed-types';
import { ObjectUrlPool } from './object-urls';
import { looksLikeNote } from './link-target';
import { errorMessage } from '../errors';

export interface FoundFile {
  id: string;
  path: string;
  mime: string;
  sizeBytes: number;
  blob: Blob;
  /** A hash of the bytes, when known: new bytes of the same size get a new URL. */
  hash?: string;
}

export interface EmbedLookups {
  findNote(linkpath: string): Promise<EmbeddedNote | undefined>;
  findAttachment(target: string, fromNotePath: string): Promise<FoundFile | undefined>;
}

/** A note with thousands of embeds shows the first ones and says so for the rest. */
export const maxTargets = 500;

const overLimit = `more than ${maxTargets} embeds`;

function sameAnswer(a: EmbedTarget | undefined, b: EmbedTarget): boolean {
  if (!a || a.kind !== b.kind) return false;
  if (a.kind === 'note' && b.kind === 'note') {
    return (
      a.note.id === b.note.id &&
      a.note.content === b.note.content &&
      a.note.title === b.note.title &&
      a.note.path === b.note.path
    );
  }
  if (a.kind === 'attachment' && b.kind === 'attachment')
    return a.attachment.url === b.attachment.url && a.attachment.imageSrc === b.attachment.imageSrc;
  if (a.kind === 'error' && b.kind === 'error') return a.message === b.message;
  return true;
}

export class EmbedResolver implements EmbedAnswers {
  #answers = new Map<string, EmbedTarget>();
  #requests = new Map<string, EmbedRequest>();
  /** Keys being looked up now: a render while typing does not ask for them twice. */
  #inFlight = new Set<string>();
  /** Keys the current render asked for, in order: only the first maxTargets are looked up. */
  #shown = new Map<string, number>();
  #lookups: EmbedLookups;
  #urls: ObjectUrlPool;
  /** Bumped by refresh: answers looked up before it are not kept. */
  #generation = 0;
  #disposed = false;

  constructor(lookups: EmbedLookups, urls = new ObjectUrlPool()) {
    this.#lookups = lookups;
    this.#urls = urls;
  }

  get(request: EmbedRequest): EmbedTarget | undefined {
    const key = requestKey(request);
    if (!this.#shown.has(key)) this.#shown.set(key, this.#shown.size);
    if ((this.#shown.get(key) as number) >= maxTargets)
      return { kind: 'error', message: overLimit };
    return this.#answers.get(key);
  }

  /** A render begins: the targets it asks for are the ones counted against maxTargets. */
  startRender(): void {
    this.#shown = new Map();
  }

  /** True when some target was not found: any new or renamed note might be it. */
  get hasMissing(): boolean {
    for (const answer of this.#answers.values()) if (answer.kind === 'missing') return true;
    return false;
  }

  /** Looks up the requests not answered yet; true when answers were added. */
  async resolve(requests: readonly EmbedRequest[]): Promise<boolean> {
    const generation = this.#generation;
    const fresh = [...new Map(requests.map((r) => [requestKey(r), r])).values()].filter(
      (r) => !this.#answers.has(requestKey(r)) && !this.#inFlight.has(requestKey(r)),
    );
    if (fresh.length === 0) return false;
    for (const r of fresh) this.#inFlight.add(requestKey(r));
    const answers = await Promise.all(fresh.map((r) => this.#lookUp(r)));
    for (const r of fresh) this.#inFlight.delete(requestKey(r));
    if (this.#disposed) return false;
    // A refresh started meanwhile: these answers may predate the change, so ask again.
    if (generation !== this.#generation) return this.resolve(requests);
    fresh.forEach((r, i) => {
      this.#requests.set(requestKey(r), r);
      this.#answers.set(requestKey(r), answers[i] as EmbedTarget);
    });
    return true;
  }

  /** Looks every known target up again (the vault changed); true when any answer changed. */
  async refresh(): Promise<boolean> {
    const generation = ++this.#generation;
    const requests = [...this.#requests.entries()];
    if (this.#disposed) return false;
    const answers = await Promise.all(requests.map(([, r]) => this.#lookUp(r)));
    if (generation !== this.#generation) return false;
    const next = new Map(requests.map(([key], i) => [key, answers[i] as EmbedTarget]));
    const changed = requests.some(([key]) => !sameAnswer(this.#answers.get(key), next.get(key)!));
    // Targets first looked up while this refresh ran are current already.
    for (const [key, answer] of this.#answers) if (!next.has(key)) next.set(key, answer);
    this.#answers = next;
    this.#urls.retain(
      new Set(
        [...next.values()].flatMap((a) => (a.kind === 'attachment' ? [a.attachment.url] : [])),
      ),
    );
    return changed;
  }

  /** Forgets everything and revokes every object URL it made. */
  dispose(): void {
    this.#disposed = true;
    this.#generation++;
    this.#answers.clear();
    this.#requests.clear();
    this.#urls.dispose();
  }

  async #lookUp({ fromPath, linkpath }: EmbedRequest): Promise<EmbedTarget> {
    try {
      const note = () => this.#lookups.findNote(linkpath);
      const file = () => this.#lookups.findAttachment(linkpath, fromPath);
      // A name without a file extension is a note first; `x.png` is a file first.
      const [first, second] = looksLikeNote(linkpath) ? [note, file] : [file, note];
      const found = (await first()) ?? (await second());
      if (!found) return { kind: 'missing' };
      if ('content' in found) return { kind: 'note', note: found };
      // Disposed meanwhile: the answer is dropped, so make no URL nothing would revoke.
      if (this.#disposed) return { kind: 'missing' };
      const { id, path, mime, sizeBytes, hash } = found;
      const urls = await this.#urls.urlsFor(id, found.blob, mime, hash);
      if (this.#disposed) {
        this.#urls.dispose();
        return { kind: 'missing' };
      }
      return { kind: 'attachment', attachment: { id, path, mime, sizeBytes, ...urls } };
    } catch (error) {
      return { kind: 'error', message: errorMessage(error) };
    }
  }
}
