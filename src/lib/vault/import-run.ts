// One import from start to finish, in the worker: check and read every candidate (notes as text,
// everything else as attachments), plan against the vault, then write everything in one
// transaction. Nothing is written until the last step, so stopping the worker before then leaves
// the vault untouched.
import type { ImportProgress, ImportReport, ImportSkip, NoteWithContent } from '../types';
import { applyImport, readExistingIndex } from '../db/import-repo';
import { readAttachmentIndex, type AttachmentWrite } from '../db/attachments-repo';
import { checkPathAndSize, decodeNoteText, type FileKind } from './import-classify';
import {
  firstByPath,
  planAttachments,
  planImport,
  type IncomingAttachment,
  type IncomingFile,
} from './import-plan';
import type { Candidate } from './import-sources';
import { readAttachment } from './attachment-read';
import { forEachBounded } from './bounded-reads';
import { buildNote } from './note-record';
import { sha256Hex } from './hash';
import { notifyVaultChange } from './changes';
import { ProgressThrottle } from './progress-throttle';
import { ImportControl } from './import-control';

/** Files read at once, and the bytes they may hold together before they are hashed. */
const readBounds = { concurrency: 8, budgetBytes: 64 * 1024 * 1024 };

type Checked = Candidate & { path: string; kind: FileKind };

/** A file that could not be read, or a zip entry that failed its checks, as a skip. */
function readFailure(path: string, error: unknown): ImportSkip {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'ZipEntryError')
    return { path, reason: 'corrupt', detail: `${detail[0]!.toUpperCase()}${detail.slice(1)}.` };
  return { path, reason: 'unreadable', detail };
}

/** Reads every checked file into notes and attachments; failures become skips. */
async function readAll(
  kept: readonly Checked[],
  skipped: ImportSkip[],
  onRead: () => void,
  control: ImportControl,
): Promise<{ notes: IncomingFile[]; attachments: IncomingAttachment[] }> {
  const notes: (IncomingFile | null)[] = new Array<IncomingFile | null>(kept.length).fill(null);
  const attachments: (IncomingAttachment | null)[] = new Array<IncomingAttachment | null>(
    kept.length,
  ).fill(null);
  await forEachBounded(
    kept,
    async (candidate, index) => {
      control.checkpoint();
      try {
        if (candidate.kind === 'attachment') attachments[index] = await readAttachment(candidate);
        else {
          const text = decodeNoteText(candidate.path, await candidate.read());
          if (!text.ok) skipped.push(text.skip);
          else {
            const { path } = candidate;
            notes[index] = { path, content: text.content, hash: await sha256Hex(text.content) };
          }
        }
      } catch (error) {
        skipped.push(readFailure(candidate.path, error));
      }
      onRead();
    },
    readBounds,
  );
  return {
    notes: notes.filter((f): f is IncomingFile => f !== null),
    attachments: attachments.filter((f): f is IncomingAttachment => f !== null),
  };
}

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

  const passing: Checked[] = [];
  for (const candidate of candidates) {
    const check = checkPathAndSize(candidate.path, candidate.sizeBytes);
    if (check.ok) passing.push({ ...candidate, path: check.path, kind: check.kind });
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
  const read = await readAll(
    kept,
    skipped,
    () => progress.update({ phase: 'reading', done: ++done, total }),
    control,
  );

  const existing = await readExistingIndex();
  const existingAttachments = await readAttachmentIndex();
  const plan = planImport(read.notes, existing);
  const attachmentPlan = planAttachments(read.attachments, existingAttachments);
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
  const attachmentWrites = attachmentWritesOf(attachmentPlan, existingAttachments, now);

  control.beginSaving();
  const saving = records.length + attachmentWrites.length;
  progress.update({ phase: 'saving', done: 0, total: saving }, true);
  await applyImport(records, {
    plannedAgainst: existing,
    attachments: { writes: attachmentWrites, plannedAgainst: existingAttachments },
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
    attachments: {
      added: attachmentPlan.adds.length,
      updated: attachmentPlan.updates.length,
      unchanged: attachmentPlan.unchanged.length,
      bytes: attachmentWrites.reduce((sum, w) => sum + w.record.sizeBytes, 0),
    },
    skipped: skipped.sort((a, b) => a.path.localeCompare(b.path)),
    total,
    durationMs: Math.round(performance.now() - startedAt),
  };
}

/** The rows to write for new and changed attachments; a changed one keeps its id and creation time. */
function attachmentWritesOf(
  plan: ReturnType<typeof planAttachments>,
  existing: Awaited<ReturnType<typeof readAttachmentIndex>>,
  now: number,
): AttachmentWrite[] {
  const changed = [
    ...plan.adds.map((file) => ({ file, previous: undefined })),
    ...plan.updates.map(({ file }) => ({ file, previous: existing.get(file.path) })),
  ];
  return changed.map(({ file, previous }) => ({
    blob: file.blob,
    record: {
      id: previous?.id ?? crypto.randomUUID(),
      path: file.path,
      mime: file.mime,
      sizeBytes: file.sizeBytes,
      hash: file.hash,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      deletedAt: previous?.deletedAt ?? 0,
    },
  }));
}
