// The browser's "Save as" dialog for a backup (File System Access API, Chromium): the file it
// answers with is written by the vault worker as the backup is made (bundle/save-file.ts).
// Browsers without it download the backup instead.

interface SaveFilePickerOptions {
  suggestedName?: string;
  id?: string;
  startIn?: 'downloads' | 'documents' | 'desktop';
  types?: { description: string; accept: Record<string, string[]> }[];
}

type SaveFilePicker = (options?: SaveFilePickerOptions) => Promise<FileSystemFileHandle>;

/** The save dialog where the browser has one; undefined elsewhere. */
export function saveFilePicker(): SaveFilePicker | undefined {
  const picker = (globalThis as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;
  return typeof picker === 'function' ? picker.bind(globalThis) : undefined;
}

/**
 * Asks where to save a backup named `name`; null when the user closed the dialog. Must run
 * first in a click's handler: the browser opens the dialog only on a user's gesture.
 */
export async function pickBackupFile(
  picker: SaveFilePicker,
  name: string,
  encrypted: boolean,
): Promise<FileSystemFileHandle | null> {
  try {
    return await picker({
      suggestedName: name,
      id: 'hearth-backup-file',
      startIn: 'downloads',
      types: [
        encrypted
          ? {
              description: 'Encrypted Hearth backup (age)',
              accept: { 'application/octet-stream': ['.age'] },
            }
          : { description: 'Hearth backup (zip)', accept: { 'application/zip': ['.zip'] } },
      ],
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') return null;
    throw error;
  }
}
