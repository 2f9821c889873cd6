// Tells every window and worker of this origin which notes changed, so indexes stay in sync.

/** A save over a newer version moved the stored text (version `hash`) of a note into a copy. */
export interface ConflictMove {
  noteId: string;
  copyId: string;
  hash: string;
}

/** Notes that arrived with their semantic index rows for `modelId` (a restore): none to embed. */
export interface IndexedNotes {
  modelId: string;
  ids: string[];
}

export type VaultChange =
  | { type: 'notes-changed'; ids: string[]; moved?: ConflictMove; indexed?: IndexedNotes }
  /** Everything changed; `indexedBy`: the new notes' semantic index for that model came with them. */
  | { type: 'vault-reset'; indexedBy?: string };

const CHANNEL = 'hearth-vault';

export function announceChange(change: VaultChange): void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage(change);
  channel.close();
}

/** BroadcastChannel does not deliver to its own sender: `local` listeners get same-context changes. */
const local = new Set<(change: VaultChange) => void>();

export function onVaultChange(listener: (change: VaultChange) => void): () => void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<VaultChange>) => listener(event.data);
  local.add(listener);
  return () => {
    local.delete(listener);
    channel.close();
  };
}

export function notifyVaultChange(change: VaultChange): void {
  announceChange(change);
  for (const listener of local) listener(change);
}
