// One import from start to finish, in the worker: check and read every candidate, plan against
// the vault, then write everything in one transaction. Nothing is written until the last step,
// so stopping the worker before then leaves the vault untouched.
import type { ImportProgress, ImportReport, ImportSkip, NoteWithContent } from '../types';
import { applyImport, readExistingIndex } from '../db/import-repo';
import { checkPathAndSize, decodeNoteText } from './import-classify';
import { firstByPath, planImport, type IncomingFile } from './import-plan';
import type { Candidate } from './import-sources';
import { buildNote } from './note-record';
import { sha256Hex } from './hash';
import { notifyVaultChange } from './changes';
import { ProgressThrottle } from './progress-throttle';
import { ImportControl } from './import-control';

/** Files read at once: enough to overlap file I/O with decoding and hashing. */
const readConcurrency = 8;

export async function runImport(
  candidates: readonly Candidate[],
  earlySkips: readonly ImportSkip[],
  onProgress: (progress: ImportProgress) => void,
  control: ImportControl = new ImportControl(),
): Promise<ImportReport> {
  const startedAt = performance.now();
  const progress = new ProgressThrottle(onProgress);
  const skipped: ImportSkip[] = [...earlySkips];
  const total = candidates.length + earlySkips.length;

  const passing: (Candidate & { path: string })[] = [];
  for (const candidate of candidates) {
    const check = checkPathAndSize(candidate.path, candidate.sizeBytes);
    if (check.ok) passing.push({ ...candidate, path: check.path });
    else skipped.push(check.skip);
  }
  const { kept, repeats } = firstByPath(passing);
  for (const repeat of repeats) {
    skipped.push({
      path: repeat.path,
      reason: 'duplicate-path',
      detail: 'Only the first was imported.',
    });
  }

  let done = total - kept.length;
  progress.update({ phase: 'reading', done, total }, true);
  const incoming: (IncomingFile | null)[] = new Array<IncomingFile | null>(kept.length).fill(null);
  let next = 0;
  const readOne = async (index: number): Promise<void> => {
    control.checkpoint();
    const candidate = kept[index]!;
    let bytes: Uint8Array;
    try {
      bytes = await candidate.read();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      skipped.push({ path: candidate.path, reason: 'unreadable', detail });
      return;
    }
    const text = decodeNoteText(candidate.path, bytes);
    if (!text.ok) skipped.push(text.skip);
    else
      incoming[index] = {
        path: candidate.path,
        content: text.content,
        hash: await sha256Hex(text.content),
      };
  };
  const worker = async (): Promise<void> => {
    while (next < kept.length) {
      await readOne(next++);
      progress.update({ phase: 'reading', done: ++done, total });
    }
  };
  await Promise.all(Array.from({ length: readConcurrency }, worker));

  const files = incoming.filter((f): f is IncomingFile => f !== null);
  const existing = await readExistingIndex();
  const plan = planImport(files, existing);
  const now = Date.now();
  const records: NoteWithContent[] = [];
  const imported = (file: IncomingFile) => ({ hash: file.hash, imported: true });
  for (const file of plan.adds) {
    records.push(await buildNote(file.path, file.content, now, undefined, imported(file)));
  }
  for (const { file, existing: note } of plan.updates) {
    records.push(await buildNote(file.path, file.content, now, note, imported(file)));
  }
  for (const file of plan.conflicts) {
    skipped.push({
      path: file.path,
      reason: 'conflict',
      detail: 'Edit the note in Hearth or rename the file to bring both versions together.',
    });
  }

  control.beginSaving();
  progress.update({ phase: 'saving', done: 0, total: records.length }, true);
  await applyImport(records, {
    plannedAgainst: existing,
    onProgress: (written, count) =>
      progress.update({ phase: 'saving', done: written, total: count }),
  });
  if (records.length > 0)
    notifyVaultChange({ type: 'notes-changed', ids: records.map((r) => r.id) });
  progress.update({ phase: 'done', done: total, total }, true);

  return {
    added: plan.adds.length,
    updated: plan.updates.length,
    unchanged: plan.unchanged.length,
    skipped: skipped.sort((a, b) => a.path.localeCompare(b.path)),
    total,
    durationMs: Math.round(performance.now() - startedAt),
  };
}
