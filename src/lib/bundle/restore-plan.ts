// What restoring a bundle will write, worked out before anything is written, so the user sees it
// (counts, and in a merge every conflict) and the write is one transaction.
//
// - Replace: everything of this kind here goes, the bundle's comes in. Settings that describe this
//   device rather than the user (the database's id, measured model devices) stay.
// - Merge: records are matched by id, and notes and attachments by path too. The same record
//   is left alone. A note whose text differs comes in beside the one here as a conflict copy, so
//   neither text is lost, and the preview lists it. Any other record whose id is taken keeps this
//   device's version, and the preview counts it; messages and files a chat here lacks come in.
//   The ledger is history: rows are added, never replaced.
import type {
  AttachmentRecord,
  ChatAttachmentChunkRecord,
  ChatAttachmentDocRecord,
  ChatAttachmentRecord,
  DraftRecord,
  MemoryRecord,
  RequestRecord,
} from '../db/db';
import type { ConversationRecord, MessageRecord } from '../db/chat-records';
import type { NoteWithContent } from '../types';
import { buildNote } from '../vault/note-record';
import { buildConflictCopy } from '../vault/conflict-copy';
import { sha256Hex } from '../vault/hash';
import type { BundleContents } from './bundle-read';
import { chunksOfDoc } from '../attachments/doc-chunks';
import type { RestoredIndex } from './index-format';
import { chosenModelSetting, planIndex, type EmbeddingHere } from './index-plan';
import type { CarriedModel } from './models-part';
import { modelRole, type InstalledModel } from '../llm/types';

export type RestoreMode = 'replace' | 'merge';

/** What is here now, as far as matching needs it. */
export interface ExistingState {
  notes: { id: string; path: string; hash: string }[];
  attachments: { id: string; path: string; hash: string }[];
  conversationIds: Set<string>;
  messageIds: Set<string>;
  chatAttachmentIds: Set<string>;
  chatDocumentIds: Set<string>;
  memoryIds: Set<string>;
  draftIds: Set<string>;
  settingKeys: Set<string>;
  /** `at|host|path` of each ledger row, so a row seen before is not added twice. */
  ledgerKeys: Set<string>;
  /** The embedding models here, to tell whether the backup's index fits (none: it does not). */
  embedding?: EmbeddingHere;
  /** The models installed here (a model the backup carries is not restored over one). */
  models?: InstalledModel[];
  /** Which embedding model Hearth picks among installed ones (embedding-catalog.ts). */
  preferEmbedding?: (models: InstalledModel[]) => string | null;
}

export interface RestoreConflict {
  kind: 'note' | 'attachment';
  /** The path in the vault. */
  what: string;
  resolution: string;
}

export interface RestorePlan {
  mode: RestoreMode;
  notes: NoteWithContent[];
  attachments: { record: AttachmentRecord; blob: Blob }[];
  conversations: ConversationRecord[];
  messages: MessageRecord[];
  chatAttachments: ChatAttachmentRecord[];
  chatDocuments: ChatAttachmentDocRecord[];
  /** The documents' pieces, cut again here (a bundle carries the text, not the pieces). */
  chatChunks: ChatAttachmentChunkRecord[];
  memories: MemoryRecord[];
  drafts: DraftRecord[];
  settings: { key: string; value: unknown }[];
  ledger: Omit<RequestRecord, 'seq'>[];
  /**
   * Records the bundle holds whose id (or a note's or attachment's path) is here already, with
   * the same content or kept as this device has it (merge).
   */
  alreadyHere: number;
  /** Notes and attachments here and in the bundle with different content. */
  conflicts: RestoreConflict[];
  /** The backup's semantic index rows for the notes restored as they were, when it fits here. */
  index: RestoredIndex | null;
  /** Why the backup's index is not used, when it has one. */
  indexNote: string | null;
  /**
   * Models whose files the backup carries and this device lacks: their files go into Cache
   * Storage (checked already) and their records in with the rest.
   */
  models: CarriedModel[];
}

/**
 * Settings that describe this browser's own database, never carried from another: its id, the
 * measured embedding device, which model's index serves searches (the index is rebuilt here), and
 * the scheduled backups' folder and state.
 */
export function isDeviceSetting(key: string): boolean {
  return (
    key === 'vault-id' ||
    key === 'memory.serving' ||
    key.startsWith('memory.device:') ||
    // Rules that delete are never switched on by a restore: the user sets them here.
    key === 'retention' ||
    // The backup folder's handle and this device's schedule (its key stays with the user).
    key.startsWith('backup.')
  );
}

export const ledgerKey = (row: Pick<RequestRecord, 'at' | 'host' | 'path'>): string =>
  `${row.at}|${row.host}|${row.path}`;

/** Keeps the rows whose id is free here; the others are counted as already here. */
function freeIds<T extends { id: string }>(
  rows: readonly T[],
  taken: Set<string>,
  plan: RestorePlan,
): T[] {
  if (plan.mode === 'replace') return [...rows];
  const free = rows.filter((row) => !taken.has(row.id));
  plan.alreadyHere += rows.length - free.length;
  return free;
}

export async function planRestore(
  contents: BundleContents,
  existing: ExistingState,
  mode: RestoreMode,
  now = Date.now(),
): Promise<RestorePlan> {
  const plan: RestorePlan = {
    mode,
    notes: [],
    attachments: [],
    conversations: [],
    messages: [],
    chatAttachments: [],
    chatDocuments: [],
    chatChunks: [],
    memories: [],
    drafts: [],
    settings: [],
    ledger: [],
    alreadyHere: 0,
    conflicts: [],
    index: null,
    indexNote: null,
    models: [],
  };
  /** Notes written with their own id and text: the index's rows may come with them. */
  const asIs = new Map<string, string>();
  const merge = mode === 'merge';
  const notesById = new Map(merge ? existing.notes.map((n) => [n.id, n]) : []);
  const notesByPath = new Map(merge ? existing.notes.map((n) => [n.path, n]) : []);
  const paths = new Set([
    ...(merge ? existing.notes.map((n) => n.path) : []),
    ...contents.notes.map((n) => n.path),
  ]);
  for (const row of contents.notes) {
    const { content, ...meta } = row;
    const hash = await sha256Hex(content);
    const here = notesById.get(row.id) ?? notesByPath.get(row.path);
    if (!here) {
      plan.notes.push(await buildNote(row.path, content, row.updatedAt, meta, { hash }));
      if (row.deletedAt === 0) asIs.set(row.id, hash);
      continue;
    }
    if (here.hash === hash) {
      plan.alreadyHere++;
      continue;
    }
    // The bundle's text comes in beside this device's, never over it.
    const theirs = await buildNote(row.path, content, row.updatedAt, undefined, { hash });
    const copy = await buildConflictCopy(theirs, now, (p) => paths.has(p));
    paths.add(copy.path);
    plan.notes.push({ ...copy, deletedAt: row.deletedAt });
    plan.conflicts.push({
      kind: 'note',
      what: row.path,
      resolution: `kept both: the backup's text is in “${copy.path}”`,
    });
  }

  const attachmentsById = new Map(merge ? existing.attachments.map((a) => [a.id, a]) : []);
  const attachmentsByPath = new Map(merge ? existing.attachments.map((a) => [a.path, a]) : []);
  for (const { blob, ...record } of contents.attachments) {
    const here = attachmentsById.get(record.id) ?? attachmentsByPath.get(record.path);
    if (!here) plan.attachments.push({ record, blob });
    else if (here.hash === record.hash) plan.alreadyHere++;
    else
      plan.conflicts.push({
        kind: 'attachment',
        what: record.path,
        resolution: 'kept the one on this device',
      });
  }

  plan.conversations = freeIds(contents.conversations, existing.conversationIds, plan).map((c) => ({
    ...c,
    arrivedAt: now,
  }));
  // Messages and files the device lacks come in, into chats here too (a chat continued on the
  // other device gets its later messages); those it has stay as they are.
  const fits = (id: string, taken: Set<string>) => !merge || !taken.has(id);
  plan.messages = contents.messages.filter((m) => fits(m.id, existing.messageIds));
  plan.chatAttachments = contents.chatAttachments
    .filter((a) => fits(a.id, existing.chatAttachmentIds))
    // Their passages are cut and embedded again on this device, with its own model.
    .map((a) => ({ ...a, indexedBy: null }));
  plan.chatDocuments = contents.chatDocuments.filter((d) => fits(d.id, existing.chatDocumentIds));
  plan.chatChunks = plan.chatDocuments.flatMap(chunksOfDoc);
  plan.memories = freeIds(contents.memories, existing.memoryIds, plan);
  plan.drafts = freeIds(contents.drafts, existing.draftIds, plan);

  for (const [key, value] of Object.entries(contents.settings)) {
    if (isDeviceSetting(key)) continue;
    if (merge && existing.settingKeys.has(key)) continue;
    plan.settings.push({ key, value });
  }
  for (const { seq: _seq, ...row } of contents.ledger)
    if (!existing.ledgerKeys.has(ledgerKey(row))) plan.ledger.push(row);

  // A model installed here stays as it is (the same key names the same files).
  const modelsHere = new Set(existing.models?.map((m) => m.key));
  for (const carried of contents.modelFiles) {
    if (modelsHere.has(carried.model.key)) plan.alreadyHere++;
    else plan.models.push(carried);
  }

  const chosen = plan.settings.find((s) => s.key === chosenModelSetting);
  const chosenAfter = chosen ? chosen.value : (existing.embedding?.chosen ?? null);
  const decision = planIndex(
    contents.index,
    embeddingAfter(existing, plan.models),
    typeof chosenAfter === 'string' ? chosenAfter : null,
    asIs,
  );
  plan.index = decision.index;
  plan.indexNote = decision.note;
  return plan;
}

/** The embedding models there will be once the restore's models are in. */
function embeddingAfter(
  existing: ExistingState,
  restored: readonly CarriedModel[],
): EmbeddingHere | undefined {
  const added = restored
    .map((c) => c.model)
    .filter((m) => m.complete && modelRole(m.spec) === 'embedding');
  if (added.length === 0) return existing.embedding;
  const models = new Map(existing.embedding?.models);
  for (const model of added)
    if (model.spec.engine === 'transformers' && model.spec.embedding)
      models.set(model.key, model.spec.embedding.dimensions);
  // Chosen as the memory worker will choose once the records are in.
  const preferred = existing.preferEmbedding
    ? existing.preferEmbedding([...(existing.models ?? []), ...added])
    : (existing.embedding?.preferred ?? added[0]!.key);
  return { models, chosen: existing.embedding?.chosen ?? null, preferred };
}
