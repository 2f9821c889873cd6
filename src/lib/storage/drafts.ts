// Unsaved editor text, written synchronously on every keystroke. IndexedDB writes are async and a
// tab can close between a keystroke and the next save; localStorage survives that, so the editor
// recovers the draft on the next open.

const PREFIX = 'hearth:draft:';
/** Bigger drafts are left to the debounced IndexedDB save (localStorage holds ~5 MB per origin). */
const maxDraftChars = 1_000_000;

export interface Draft {
  content: string;
  /** When the draft was typed (ms since epoch). */
  at: number;
}

export function writeDraft(id: string, content: string): void {
  if (content.length > maxDraftChars) return;
  try {
    localStorage.setItem(PREFIX + id, JSON.stringify({ content, at: Date.now() } satisfies Draft));
  } catch {
    // A full localStorage must not stop typing; the IndexedDB save still runs and reports its own error.
  }
}

export function readDraft(id: string): Draft | null {
  try {
    const raw = localStorage.getItem(PREFIX + id);
    if (!raw) return null;
    const draft = JSON.parse(raw) as Partial<Draft>;
    return typeof draft.content === 'string' && typeof draft.at === 'number'
      ? (draft as Draft)
      : null;
  } catch {
    return null;
  }
}

export function clearDraft(id: string): void {
  try {
    localStorage.removeItem(PREFIX + id);
  } catch {
    // Nothing to clear when storage is unavailable.
  }
}

export function clearAllDrafts(): void {
  try {
    for (const key of Object.keys(localStorage))
      if (key.startsWith(PREFIX)) localStorage.removeItem(key);
  } catch {
    // As above.
  }
}
