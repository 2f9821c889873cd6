// A chat deleted with everything attached to it, and put back whole by its Undo: the chat list's
// Delete and the retention rules both go through here.
import {
  deleteConversation,
  restoreConversation,
  type DeletedConversation,
} from './conversations-repo';
import {
  deleteConversationAttachments,
  restoreConversationAttachments,
  type DeletedAttachments,
} from './chat-attachments-repo';

export interface DeletedChat {
  conversation: DeletedConversation;
  files: DeletedAttachments;
}

/** Deletes the chat, its messages and its attachments; undefined when it was gone already. */
export async function deleteChat(id: string): Promise<DeletedChat | undefined> {
  const conversation = await deleteConversation(id);
  if (!conversation) return undefined;
  // Its attachments go with it, and come back with its Undo.
  const files = await deleteConversationAttachments(id);
  return { conversation, files };
}

export async function restoreChat(deleted: DeletedChat): Promise<void> {
  await restoreConversation(deleted.conversation);
  await restoreConversationAttachments(deleted.files);
}
