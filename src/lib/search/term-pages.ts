// Where each stored term starts, and where its postings start (in pairs and in bytes), decoded a
// page of terms at a time as lookups reach them rather than all at a restore. Finding them again
// for every term (a scan of the terms for their newlines, and two runs of variable-length steps)
// was most of opening a 10k-note snapshot: 373k terms, 50-130 ms in the search worker at start,
// before any search could run. A lookup touches a page or two; the background read of the
// postings (term-base.ts) decodes the rest, checking each page as it goes.
//
// The snapshot stores, per page, where the page starts in each of the three (its anchors), so a
// page is decoded without the pages before it.
import { SnapshotFormatError } from './snapshot-error';
import { VarintReader } from './varint';

/** Terms per page. */
export const pageTerms = 4_096;
/** Per anchor: the page's first term's start in `terms`, its first posting (pairs), its first
 * posting byte, and where its steps start in `pairSteps` and in `byteSteps`. */
const anchorWidth = 5;

/** One page's starts, as absolute values, with one more at the end (the next page's first). */
interface Page {
  termAt: Uint32Array;
  offsets: Uint32Array;
  byteAt: Uint32Array;
}

/** What the snapshot stores for the pages: see `TermPages`. */
export interface StoredTermPages {
  terms: string;
  /** Each term's postings counted in pairs, as steps (`packSteps`). */
  pairSteps: Uint8Array;
  /** Each term's postings counted in bytes, as steps. */
  byteSteps: Uint8Array;
  /** `anchorWidth` numbers per page, and a last row for the end of everything. */
  anchors: Uint32Array;
}

const varintLength = (value: number) => {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    length++;
  }
  return length;
};

/**
 * The anchors of arrays whose steps `packSteps` stores: `termAt`, `offsets` and `byteAt` have
 * one value per term and one for the end.
 */
export function pageAnchors(
  termAt: ArrayLike<number>,
  offsets: ArrayLike<number>,
  byteAt: ArrayLike<number>,
): Uint32Array {
  const count = termAt.length - 1;
  const pages = Math.ceil(count / pageTerms);
  const anchors = new Uint32Array((pages + 1) * anchorWidth);
  let pairPos = 0;
  let bytePos = 0;
  for (let i = 0; i <= count; i++) {
    if (i % pageTerms === 0 || i === count) {
      const row = Math.ceil(i / pageTerms) * anchorWidth;
      anchors.set([termAt[i]!, offsets[i]!, byteAt[i]!, pairPos, bytePos], row);
    }
    if (i < count) {
      pairPos += varintLength(offsets[i + 1]! - offsets[i]!);
      bytePos += varintLength(byteAt[i + 1]! - byteAt[i]!);
    }
  }
  return anchors;
}

export class TermPages {
  readonly count: number;
  readonly #s: StoredTermPages;
  readonly #pages: (Page | undefined)[];

  /** Checks the anchors against the stored lengths; each page is checked when decoded. */
  constructor(stored: StoredTermPages, count: number) {
    const { anchors, terms, pairSteps, byteSteps } = stored;
    const pages = Math.ceil(count / pageTerms);
    const fits =
      Number.isInteger(count) &&
      count >= 0 &&
      anchors.length === (pages + 1) * anchorWidth &&
      anchors.subarray(0, anchorWidth).every((v) => v === 0) &&
      anchors[pages * anchorWidth] === terms.length &&
      anchors[pages * anchorWidth + 3] === pairSteps.length &&
      anchors[pages * anchorWidth + 4] === byteSteps.length &&
      anchors.every((v, i) => i < anchorWidth || v >= anchors[i - anchorWidth]!);
    if (!fits) throw new SnapshotFormatError('The keyword index snapshot is inconsistent.');
    this.count = count;
    this.#s = stored;
    this.#pages = new Array<Page | undefined>(pages).fill(undefined);
  }

  static empty(): TermPages {
    const stored = {
      terms: '',
      pairSteps: new Uint8Array(0),
      byteSteps: new Uint8Array(0),
      anchors: new Uint32Array(anchorWidth),
    };
    return new TermPages(stored, 0);
  }

  get stored(): StoredTermPages {
    return this.#s;
  }

  get pageCount(): number {
    return this.#pages.length;
  }

  /** Postings in all, in pairs and in bytes. */
  get totalPairs(): number {
    return this.#s.anchors[this.#pages.length * anchorWidth + 1]!;
  }

  /** Where page `k`'s first term starts in `terms`. */
  firstTermAt(k: number): number {
    return this.#s.anchors[k * anchorWidth]!;
  }

  /** The page holding term `i` (the last page for `i === count`), and `i` within it. */
  page(i: number): { page: Page; at: number } {
    const k = i === this.count ? this.#pages.length - 1 : Math.floor(i / pageTerms);
    if (k < 0) return { page: emptyPage, at: 0 };
    const page = this.#pages[k] ?? this.#decode(k);
    return { page, at: i - k * pageTerms };
  }

  #decode(k: number): Page {
    const { terms, anchors, pairSteps, byteSteps } = this.#s;
    const row = k * anchorWidth;
    const n = Math.min(pageTerms, this.count - k * pageTerms);
    const page: Page = {
      termAt: new Uint32Array(n + 1),
      offsets: new Uint32Array(n + 1),
      byteAt: new Uint32Array(n + 1),
    };
    const inconsistent = () =>
      new SnapshotFormatError('The keyword index snapshot is inconsistent.');
    let at = anchors[row]!;
    for (let t = 0; t < n; t++) {
      page.termAt[t] = at;
      const end = terms.indexOf('\n', at);
      if (end < 0) throw inconsistent();
      at = end + 1;
    }
    page.termAt[n] = at;
    const pairs = new VarintReader(pairSteps, anchors[row + 3]);
    const bytes = new VarintReader(byteSteps, anchors[row + 4]);
    page.offsets[0] = anchors[row + 1]!;
    page.byteAt[0] = anchors[row + 2]!;
    for (let t = 0; t < n; t++) {
      page.offsets[t + 1] = page.offsets[t]! + pairs.next();
      page.byteAt[t + 1] = page.byteAt[t]! + bytes.next();
    }
    const next = row + anchorWidth;
    const fits =
      page.termAt[n] === anchors[next] &&
      page.offsets[n] === anchors[next + 1] &&
      page.byteAt[n] === anchors[next + 2] &&
      pairs.position === anchors[next + 3] &&
      bytes.position === anchors[next + 4];
    if (!fits) throw inconsistent();
    this.#pages[k] = page;
    return page;
  }
}

const emptyPage: Page = {
  termAt: new Uint32Array(1),
  offsets: new Uint32Array(1),
  byteAt: new Uint32Array(1),
};
