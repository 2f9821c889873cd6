// Its own module so that the low-level readers (varint.ts) can throw it without importing the
// term base that uses them.

/** A stored keyword snapshot that does not fit together: it is rebuilt from the notes. */
export class SnapshotFormatError extends Error {
  override name = 'SnapshotFormatError';
}
