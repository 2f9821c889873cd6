// Object URLs for stored attachments, owned by the preview that shows them and revoked when it
// goes away. The sanitizer lets a `blob:` URL through only if it was issued here, so note text (or
// a model's answer) can never point an image or link at some other blob of this origin.
//
// Only images, audio and video keep their type. Every other file gets a neutral type, so a
// hostile `.html` or `.svg` "document" in an imported vault downloads instead of rendering as a
// page of Hearth's own origin. SVG is both an image and a document that runs scripts when opened
// as a page ("Open image in new tab" on a blob: URL is a page of this origin), so an SVG's blob
// URL is neutral too, and the image shows from a `data:` URL of the same bytes, whose page would
// have an opaque origin of its own.

const issued = new Set<string>();

export const isIssuedObjectUrl = (url: string): boolean => issued.has(url);

const shownAsIs = /^(image|audio|video)\//;
const svgMime = 'image/svg+xml';

/** SVGs larger than this are offered as files, not drawn from a `data:` URL in the page's HTML. */
export const maxInlineSvgBytes = 2 * 1024 * 1024;

export interface AttachmentUrls {
  /** An object URL of the bytes: what links and downloads use, and media that is not SVG. */
  url: string;
  /** For an SVG image: a `data:` URL of the same bytes, for `<img>` only. */
  imageSrc?: string;
}

/** A `data:` URL of the bytes as they are (FileReader: jsdom's Blob has no arrayBuffer()). */
function dataUrl(blob: Blob, mime: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(new Blob([blob], { type: mime }));
  });
}

export class ObjectUrlPool {
  #urls = new Map<string, AttachmentUrls>();

  /**
   * The URLs for attachment `id` with these bytes; the same call gives the same URLs. `hash`
   * tells new bytes of the same size apart (a re-import), so they never show the old URL.
   */
  async urlsFor(id: string, blob: Blob, mime: string, hash = ''): Promise<AttachmentUrls> {
    const key = `${id}|${hash}|${blob.size}|${mime}`;
    const known = this.#urls.get(key);
    if (known) return known;
    const svg = mime.toLowerCase() === svgMime;
    const imageSrc =
      svg && blob.size <= maxInlineSvgBytes ? await dataUrl(blob, svgMime) : undefined;
    // Another call for the same key may have finished while the bytes were read.
    const raced = this.#urls.get(key);
    if (raced) return raced;
    const typed =
      shownAsIs.test(mime) && !svg
        ? new Blob([blob], { type: mime })
        : new Blob([blob], { type: 'application/octet-stream' });
    const url = URL.createObjectURL(typed);
    issued.add(url);
    const urls = imageSrc === undefined ? { url } : { url, imageSrc };
    this.#urls.set(key, urls);
    return urls;
  }

  /** Revokes every URL not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const [key, { url }] of this.#urls) {
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
