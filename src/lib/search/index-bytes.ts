// One byte layout for every index snapshot: a JSON header naming the adapter and its typed-array
// sections, then the sections back to back (8-byte aligned so they can be viewed in place), cut
// into parts of at most `maxPartBytes`. Parts are copies, never views: IndexedDB would store a
// view's whole underlying buffer.
import { maxPartBytes } from './vector-index';

export class IndexSnapshotError extends Error {
  override name = 'IndexSnapshotError';
  constructor(detail: string) {
    super(`The saved vector index can't be read (${detail}); it will be rebuilt from the notes.`);
  }
}

type Section = Float32Array | Float64Array | Int8Array | Uint8Array | Uint32Array | Int32Array;
const sectionTypes = { Float32Array, Float64Array, Int8Array, Uint8Array, Uint32Array, Int32Array };
type SectionType = keyof typeof sectionTypes;

interface Header {
  kind: string;
  meta: Record<string, unknown>;
  sections: { name: string; type: SectionType; length: number }[];
}

const magic = 0x31495648; // "HVI1"
const align8 = (n: number) => Math.ceil(n / 8) * 8;

export function packSections(
  kind: string,
  meta: Record<string, unknown>,
  sections: Record<string, Section>,
  partBytes = maxPartBytes,
): Uint8Array[] {
  const header: Header = {
    kind,
    meta,
    sections: Object.entries(sections).map(([name, a]) => ({
      name,
      type: a.constructor.name as SectionType,
      length: a.length,
    })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  let total = align8(8 + json.length);
  for (const a of Object.values(sections)) total += align8(a.byteLength);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic, true);
  view.setUint32(4, json.length, true);
  bytes.set(json, 8);
  let at = align8(8 + json.length);
  for (const a of Object.values(sections)) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += align8(a.byteLength);
  }
  const parts: Uint8Array[] = [];
  for (let i = 0; i < total; i += partBytes) parts.push(bytes.slice(i, i + partBytes));
  return parts;
}

export function unpackSections(
  parts: Uint8Array[],
  kind: string,
): { meta: Record<string, unknown>; sections: Record<string, Section> } {
  const total = parts.reduce((sum, p) => sum + p.byteLength, 0);
  const bytes =
    parts.length === 1 && parts[0]!.byteOffset === 0 ? parts[0]! : new Uint8Array(total);
  if (bytes !== parts[0]) {
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.byteLength;
    }
  }
  if (total < 8) throw new IndexSnapshotError('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== magic) throw new IndexSnapshotError('unknown format');
  const jsonLength = view.getUint32(4, true);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + jsonLength))) as Header;
  } catch {
    throw new IndexSnapshotError('damaged header');
  }
  if (header.kind !== kind) throw new IndexSnapshotError(`made by ${header.kind}, not ${kind}`);
  const sections: Record<string, Section> = {};
  let at = align8(8 + jsonLength);
  for (const { name, type, length } of header.sections) {
    const Type = sectionTypes[type];
    if (!Type || at + length * Type.BYTES_PER_ELEMENT > total)
      throw new IndexSnapshotError(`section ${name} is cut short`);
    sections[name] = new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset + at, length);
    at += align8(length * Type.BYTES_PER_ELEMENT);
  }
  return { meta: header.meta, sections };
}

/** Runs a synchronous restore as a promise, so a bad snapshot rejects instead of throwing. */
export const settle = <T>(build: () => T): Promise<T> => new Promise((resolve) => resolve(build()));
