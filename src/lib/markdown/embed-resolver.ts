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
}

export interface EmbedLookups {
  findNote(linkpath: string): Promise<EmbeddedNote | undefined>;
  findAttachment(target: string, fromNotePath: string): Promise<FoundFile | undefined>;
}

/** A note with thousands of embeds shows the first ones and says so for the rest. */
export const maxTargets = 500;

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
    return a.attachment.url === b.attachment.url;
  if (a.kind === 'error' && b.kind === 'error') return a.message === b.message;
  return true;
}

export class EmbedResolver implements EmbedAnswers {
  #answers = new Map<string, EmbedTarget>();
  #requests = new Map<string, EmbedRequest>();
  /** Keys being looked up now: a render while typing does not ask for them twice. */
  #inFlight = new Set<string>();
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
    return this.#answers.get(requestKey(request));
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
    const room = Math.max(0, maxTargets - this.#requests.size);
    const answers = await Promise.all(
      fresh.map((r, i): Promise<EmbedTarget> =>
        i < room
          ? this.#lookUp(r)
          : Promise.resolve({ kind: 'error', message: `more than ${maxTargets} embeds` }),
      ),
    );
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
      const url = this.#urls.urlFor(found.id, found.blob, found.mime);
      const { id, path, mime, sizeBytes } = found;
      return { kind: 'attachment', attachment: { id, path, mime, sizeBytes, url } };
    } catch (error) {
      return { kind: 'error', message: errorMessage(error) };
    }
  }
}
