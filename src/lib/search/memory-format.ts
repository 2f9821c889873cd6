// Words and numbers for the semantic-memory status, kept out of the view so they can be tested.
import type { EvictedModel, MemoryStatus } from './memory-types';
import { searchLevels } from './search-levels';

export function formatEta(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'estimating…';
  const s = Math.round(ms / 1000);
  if (s < 60) return `about ${Math.max(1, s)} s left`;
  const min = Math.round(s / 60);
  if (min < 90) return `about ${min} min left`;
  return `about ${(min / 60).toFixed(1)} h left`;
}

/** Bytes on this device per indexed chunk: its int8 vector (+ scale, ids) and the snapshot's share. */
export function bytesPerChunk(status: MemoryStatus, dimensions: number): number | null {
  if (status.vectors === 0) return null;
  const rowBytes = dimensions + 4;
  return Math.round(rowBytes + status.snapshotBytes / status.vectors);
}

export function progressText(status: MemoryStatus): string {
  const p = status.progress;
  if (!p) return '';
  const notes = `${p.notesDone.toLocaleString()} of ${p.notesTotal.toLocaleString()} notes`;
  const failed = p.notesFailed ? ` · ${p.notesFailed} failed` : '';
  if (p.state === 'indexing') {
    const rate = p.chunksPerS ? ` · ${p.chunksPerS.toFixed(1)} chunks/s` : '';
    return `Indexing: ${notes}${rate} · ${formatEta(p.etaMs)}${failed}`;
  }
  if (p.state === 'paused') return `Paused: ${notes}${failed}`;
  if (p.state === 'error') return `Stopped: ${p.error ?? 'unknown error'}`;
  return `Up to date: ${notes}${failed}`;
}

/** The index's measured recall, in words: what was measured, on how much, against what. */
export function recallText(status: MemoryStatus): string {
  const r = status.recall;
  if (!r) return status.vectors > 0 ? 'measuring…' : '—';
  const sample = `a sample of ${r.sampleSize} stored vectors`;
  return `${r.recall.toFixed(3)} recall@10 on ${sample} against an exact scan (goal ≥ ${r.goal})`;
}

/** What one search costs at the width the check chose. */
export function searchCostText(status: MemoryStatus): string {
  const r = status.recall;
  if (!r) return '—';
  const ms = `${r.searchMs < 10 ? r.searchMs.toFixed(1) : Math.round(r.searchMs)} ms per search`;
  const vectors = status.vectors.toLocaleString();
  if (r.exact) return `${ms} · exact: every one of ${vectors} vectors scored`;
  return `${ms} · ${r.rescored.toLocaleString()} of ${vectors} vectors rescored exactly (width ${r.level + 1} of ${searchLevels.length})`;
}

/** Why semantic search is off when the browser removed the model's files, and what brings it back. */
export function evictedText(model: EvictedModel): string {
  // An imported model has no source to download from: its folder is the way back.
  const back =
    model.source === 'import'
      ? 'import it again from its files'
      : 'download it again or import it from its files';
  return (
    `The browser removed the files of the embedding model “${model.name}” to free storage space. ` +
    `Semantic search is off until you ${back} on the Models page; Hearth will not download it on ` +
    'its own. Search by words still works.'
  );
}
