// What an import of another assistant's history kept and left out, counted for the report.

export interface HistoryCounts {
  conversations: number;
  messages: number;
  /** Files attached in the source whose text it exported (Claude), kept as chat attachments. */
  attachments: number;
  /** Conversations here already (imported before): left as they are. */
  alreadyHere: number;
  /** Conversations the schema refused: skipped, the rest imported. */
  skippedConversations: number;
  /** Image and file parts left out (a marker stays in the message). */
  images: number;
  /** Tool calls, their results, code runs, browsing and reasoning traces. */
  toolMessages: number;
  /** System messages and messages the source hid (custom instructions). */
  systemMessages: number;
}

export const emptyCounts = (): HistoryCounts => ({
  conversations: 0,
  messages: 0,
  attachments: 0,
  alreadyHere: 0,
  skippedConversations: 0,
  images: 0,
  toolMessages: 0,
  systemMessages: 0,
});
