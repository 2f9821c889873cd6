// App-wide actions shared by buttons, shortcuts and empty states.
import {
  createNote,
  deleteForGood,
  openOrCreateJournal,
  restoreNote,
  trashNote,
} from '../vault/notes';
import { localDateKey } from '../vault/dates';
import { StorageFullError, errorMessage } from '../errors';
import { journalHref, noteHref, router } from './router.svelte';
import { toasts } from './toasts.svelte';

async function attempt<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    toasts.error(errorMessage(error));
    return undefined;
  }
}

export async function newNote(title = 'Untitled'): Promise<void> {
  const note = await attempt(() => createNote(title));
  if (note) router.navigate(noteHref(note.id));
}

export async function openTodaysJournal(): Promise<void> {
  const today = localDateKey();
  const entry = await attempt(() => openOrCreateJournal(today));
  if (entry) router.navigate(journalHref(today));
}

export async function moveToTrash(id: string, title: string): Promise<void> {
  try {
    await trashNote(id);
  } catch (error) {
    if (!(error instanceof StorageFullError)) {
      toasts.error(errorMessage(error));
      return;
    }
    // With no room to mark it trashed, deleting it for good is the way to free space.
    toasts.show(`${error.message} Deleting “${title}” for good instead frees space.`, {
      tone: 'error',
      action: { label: `Delete “${title}” for good`, run: () => attempt(() => deleteForGood(id)) },
    });
    return;
  }
  toasts.show(`Moved “${title}” to the trash.`, {
    action: { label: 'Undo', run: () => attempt(() => restoreNote(id)) },
  });
}

export function goToSearch(): void {
  router.navigate('/search');
}
