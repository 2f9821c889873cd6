// What a restore finds in this browser, for tests that plan restores: nothing at all, unless a
// test overrides a part (a note already here, an embedding model installed…).
import type { ExistingState } from '../../src/lib/bundle/restore-plan';

export function existingState(over: Partial<ExistingState> = {}): ExistingState {
  return {
    notes: [],
    attachments: [],
    conversationIds: new Set(),
    messageIds: new Set(),
    chatAttachmentIds: new Set(),
    chatDocumentIds: new Set(),
    memoryIds: new Set(),
    draftIds: new Set(),
    settingKeys: new Set(),
    ledgerKeys: new Set(),
    ...over,
  };
}
