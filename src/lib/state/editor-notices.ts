// What the editor tells the user about their text: recovered drafts, kept conflicts, persistence.
import type { ConflictCopy } from '../vault/notes';
import { noteHref, router } from './router.svelte';
import { storageStatus } from './storage.svelte';
import { toasts } from './toasts.svelte';

/** Long enough to read and reach the button; the editor's banner stays after it goes. */
const conflictToastMs = 15_000;

export function conflictMessage(title: string, conflict: ConflictCopy): string {
  return (
    `“${title}” was also changed elsewhere (another tab or an import). Your text is in the ` +
    `note; the other version is kept as “${conflict.title}”.`
  );
}

export function reportConflict(title: string, conflict: ConflictCopy): void {
  toasts.show(conflictMessage(title, conflict), {
    action: { label: 'Open the copy', run: () => router.navigate(noteHref(conflict.id)) },
    timeoutMs: conflictToastMs,
  });
}

export function reportRecovery(
  title: string,
  conflicts: readonly ConflictCopy[],
  show: (conflict: ConflictCopy) => void,
): void {
  toasts.show(`Recovered text you typed in “${title}” before the page closed.`);
  // The note changed after the draft was typed: both are kept, and the editor shows how.
  for (const conflict of conflicts) show(conflict);
}

export function reportPersistence(): void {
  const granted = storageStatus.persist === 'granted';
  toasts.show(
    granted
      ? 'Your browser will keep Hearth’s notes even when space runs low.'
      : 'Your browser may clear Hearth’s data if space runs low. Export backups from Settings.',
  );
}
