// Chromium closes every connection to a database it discards (it deletes one it judges corrupt,
// as after a full disk) while it deletes it. An open Dexie starts in that moment, for any read, is
// closed as well, and a failed open leaves Dexie failed for good: every later read and write
// rejects with DatabaseClosedError ("The connection was closed") until open() is called again.
// The tab could then neither see that its vault is gone nor save anything (seen in the quota e2e:
// the one look after a refused save failed so, and nothing else worked after it). Reopening once
// the close has settled gives it a connection again, to the new empty database, as a reload would.
import type { Dexie } from 'dexie';

/** Reopens tried in a row before leaving the failure to the next read (which reports it). */
const maxReopens = 3;
const reopenDelayMs = 500;

export function reopenAfterAbortedOpen(db: Dexie): void {
  let reopens = 0;
  db.on('ready', () => void (reopens = 0), true);
  db.on('close', () => {
    setTimeout(
      () => {
        // Closed while open (another tab's delete or upgrade): the next read reopens by itself.
        if (db.isOpen() || !db.hasFailed() || reopens >= maxReopens) return;
        reopens += 1;
        // A failure closes again and comes back here; the last one is what reads then report.
        db.open().catch(() => undefined);
      },
      reopenDelayMs * (reopens + 1),
    );
  });
}
