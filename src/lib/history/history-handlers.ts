// The vault worker's handler for bringing ChatGPT or Claude history home: the export is read,
// checked and converted here, then written in one transaction.
import { writeHistory } from '../db/history-repo';
import { readHistory } from './history-import';
import type { HistoryCounts } from './history-types';

export function createHistoryHandlers() {
  return {
    importHistory: async (args: {
      file: Blob;
    }): Promise<{ source: 'chatgpt' | 'claude'; counts: HistoryCounts }> => {
      const history = await readHistory(args.file);
      return { source: history.source, counts: await writeHistory(history) };
    },
  };
}

export type HistoryHandlers = ReturnType<typeof createHistoryHandlers>;
