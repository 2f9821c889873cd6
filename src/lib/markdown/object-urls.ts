// Object URLs for stored attachments, owned by the preview that shows them and revoked when it
// goes away. The sanitizer lets a `blob:` URL through only if it was issued here, so note text (or
// a model's answer) can never point an image or link at some other blob of this origin.
//
// Only images, audio and video keep their type. Every other file gets a neutral type, so a
// hostile `.html` or `.svg` "document" in an imported vault downloads instead of rendering as a
// page of Hearth's own origin.

const issued = new Set<string>();

export const isIssuedObjectUrl = (url: string): boolean => issued.has(url);

const shownAsIs = /^(image|audio|video)\//;

export class ObjectUrlPool {
  #urls = new Map<string, string>();

  /** The URL for attachment `id` with these bytes; the same call gives the same URL. */
  urlFor(id: string, blob: Blob, mime: string): string {
    const key = `${id}|${blob.size}|${mime}`;
    const known = this.#urls.get(key);
    if (known) return known;
    const typed = shownAsIs.test(mime)
      ? new Blob([blob], { type: mime })
      : new Blob([blob], { type: 'application/octet-stream' });
    const url = URL.createObjectURL(typed);
    issued.add(url);
    this.#urls.set(key, url);
    return url;
  }

  /** Revokes every URL not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const [key, url] of this.#urls) {
      if (keep.has(url)) continue;
      URL.revokeObjectURL(url);
      issued.delete(url);
      this.#urls.delete(key);
    }
  }

  dispose(): void {
    this.retain(new Set());
  }

  get size(): number {
    return this.#urls.size;
  }
}
