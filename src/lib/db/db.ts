/*
 * Hearth's IndexedDB database, through Dexie. This folder is the only place that imports dexie.
 *
 * What is stored where (schema version 1):
 * - notes          every note and journal entry's metadata: path, kind, title, tags, date, hash,
 *                  derived from the file and indexed. Trashed notes stay here with deletedAt > 0.
 * - bodies         each note's exact file text, keyed by note id (kept apart so lists stay light).
 * - meta           small key/value records: the keyword-index snapshot, settings, storage status.
 * Ready for the next features (empty until they land):
 * - conversations  chat threads; messages: one row per chat message (their rows: chat-records.ts).
 * - memories       facts the assistant keeps across chats, which the user can see, edit and forget
 *                  (see version 5).
 * - chunks         pieces of notes for semantic search; vectors: one embedding per chunk and model.
 * - jobs           persistent background work (indexing), resumable after a reload.
 * - requests       the ledger of every network request Hearth made or refused: time, host, path,
 *                  bytes, status, which model, why, and (since the sealed network) who asked —
 *                  written by the service worker, which sees every off-origin request of the page
 *                  and its workers, and by the model workers for what they refuse themselves.
 *                  The network policy itself is not here: see network-policy-repo.ts.
 * Added in version 2:
 * - models         models installed on this device (metadata only: the files live in the model
 *                  libraries' own Cache Storage, see src/lib/llm/).
 * - settings       app settings that are not vault data (model mirror, task routing, persona), so
 *                  wiping the vault leaves them alone.
 * Changed in version 3 (semantic memory; all derivable from the notes, see src/lib/search/):
 * - chunks         one row per piece of a note per embedding model: heading path, character range
 *                  in the note's text, content hash, and a numeric `label` the vector index uses.
 * - vectors        one int8-quantized embedding per chunk (same key), written with its chunk row.
 * - jobs           the indexing queue: one row per (model, note) still to (re)embed.
 * - indexBlocks    the vector index's persisted snapshot, in parts of a few MB, per model; its
 *                  header (kind, labels covered, generation) is in `meta`.
 * Added in version 4 (nothing typed or imported is lost):
 * - drafts         the editor's unsaved text, one row per note and tab, written on every keystroke
 *                  (IndexedDB takes any size, unlike localStorage), with the version it was based on;
 *                  deleted in the transaction that saves the same text to the note.
 * - attachments    every non-note file of the vault (images, PDFs, audio, anything): path, type,
 *                  size, hash; attachmentBlobs: its bytes as a Blob, kept apart so lists stay light.
 * Changed in version 5 (long-term memory, see memories-repo.ts):
 * - memories       one short statement each, with its source (a chat and maybe one of its messages,
 *                  a note, or typed by the user) and created/edited times; indexed by the source's
 *                  conversation so one chat's memories are forgotten together. An edit overwrites:
 *                  no earlier text is kept anywhere.
 * - memoryVectors  one int8 embedding per memory, for the model that made it, written only while
 *                  the memory still has the text it was made from; deleted in the transaction that
 *                  edits or forgets the memory. Kept apart from the notes' chunks, vectors and index
 *                  snapshots, which never hold a memory.
 * Added in version 6 (chat attachments, see chat-attachments-repo.ts; nothing here is vault data):
 * - chatAttachments      one row per file, folder or zip attached to a conversation: its name,
 *                        size, counts, the files refused inside it and why, and which embedding
 *                        model indexed it. Indexed by conversation: deleted with it.
 * - chatAttachmentDocs   the text of each file kept (a PDF's text with its page ranges), one row
 *                        per file, apart from the list rows so the tray stays light.
 * - chatAttachmentChunks one row per piece of a file for per-question retrieval: character range,
 *                        PDF page, heading path, and (once indexed) an int8 embedding by the notes'
 *                        model. Kept apart from the notes' chunks, vectors and index snapshots.
 */
import Dexie, { type EntityTable } from 'dexie';
import { DB_NAME } from './db-name';
import { reopenAfterAbortedOpen } from './reopen-after-abort';
import type { Note, NoteBody } from '../types';
import type { InstalledModel } from '../llm/types';
import type { ConversationRecord, MessageRecord } from './chat-records';

export interface MetaRecord {
  key: string;
  value: unknown;
  updatedAt: number;
}

/** Where a memory came from: a chat (and the message, when there is one), a note, or typed. */
export type MemorySource =
  | { kind: 'message'; conversationId: string; messageId?: string }
  | { kind: 'note'; noteId: string }
  | { kind: 'manual' };

export interface MemoryRecord {
  id: string;
  text: string;
  createdAt: number;
  updatedAt: number;
  /** Always set since version 5 (older rows were migrated to `manual`). */
  source?: MemorySource;
}

/** A memory's embedding: value ≈ q[i] * scale, made from the memory's text as of `updatedAt`. */
export interface MemoryVectorRecord {
  memoryId: string;
  modelId: string;
  /** The memory's `updatedAt` when it was embedded. */
  updatedAt: number;
  q: Int8Array;
  scale: number;
}

export interface ChunkRecord {
  /** `<modelId>|<noteId>|<hash>`, with `~<n>` added for the n-th repeat of the same text. */
  id: string;
  /** The embedding model's key (`transformers:<repo>@<dtype>`): chunking depends on its tokenizer. */
  modelId: string;
  noteId: string;
  /** The vector index's id for this chunk, unique per model. */
  label: number;
  /** Hash of the text that was embedded (heading context included). */
  hash: string;
  /** Order in the note. */
  seq: number;
  /** Character range in the note's full text (frontmatter included), end exclusive. */
  start: number;
  end: number;
  headingPath: string[];
  tokenCount: number;
}

export interface VectorRecord {
  chunkId: string;
  modelId: string;
  label: number;
  /** The embedding quantized to int8: value ≈ q[i] * scale. Length = the model's dimensions. */
  q: Int8Array;
  scale: number;
}

export interface IndexBlockRecord {
  /** `<modelId>|<part>` */
  key: string;
  modelId: string;
  part: number;
  bytes: Uint8Array;
}

export interface JobRecord {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'paused' | 'done' | 'failed';
  createdAt: number;
  payload: unknown;
}

/**
 * Indexing state of one note for one embedding model: `kind` is `embed:<modelId>`, `id` is
 * `<modelId>|<noteId>`. Queued until the note's current text is chunked and embedded, then done
 * with the hash of the text it indexed, so a start can tell which notes changed meanwhile.
 */
export interface EmbedJobRecord extends JobRecord {
  status: 'queued' | 'done' | 'failed';
  payload: { modelId: string; noteId: string; noteHash?: string; error?: string };
}

/**
 * Unsaved editor text: what was typed, when, and the note version (hash) it was typed over. One
 * row per note and tab, so two tabs editing one note never overwrite each other's draft.
 */
export interface DraftRecord {
  /** `<noteId>|<tabId>` */
  id: string;
  noteId: string;
  /** The tab that typed it (see storage/tab-lock.ts): a live tab's drafts are its own business. */
  tabId: string;
  content: string;
  /** The note's `hash` when the editor loaded it or last saved: the version the draft is based on. */
  baseHash: string;
  at: number;
}

/** A file of the vault that is not a note. Its bytes are in `attachmentBlobs` under the same id. */
export interface AttachmentRecord {
  id: string;
  /** Vault-relative path, like a note's (`assets/photo.png`). */
  path: string;
  /** The file name, NFC and lowercased (`attachmentNameKey`): links by bare name look it up. */
  name: string;
  /** MIME type, from the extension (or the file's own type when the extension says nothing). */
  mime: string;
  sizeBytes: number;
  /** SHA-256 of the bytes, hex. */
  hash: string;
  createdAt: number;
  updatedAt: number;
  /** 0 while live; the time it was moved to the trash otherwise. */
  deletedAt: number;
}

export interface AttachmentBlobRecord {
  id: string;
  /** The exact bytes, typed with the record's `mime` (Chromium keeps large Blobs as files). */
  blob: Blob;
}

/** A file, folder or zip attached to one conversation (its text is in chatAttachmentDocs). */
export interface ChatAttachmentRecord {
  id: string;
  conversationId: string;
  /** The file, folder or zip name as the user's system gave it. */
  name: string;
  kind: 'file' | 'folder' | 'zip';
  /** Bytes of the files kept. */
  sizeBytes: number;
  fileCount: number;
  /** PDF pages read, over all its files. */
  pageCount: number;
  /** Characters of text kept, over all its files. */
  textChars: number;
  /** Files inside that were not read, and why (the first ones; refusedCount has them all). */
  refused: { path: string; reason: string }[];
  refusedCount: number;
  /** Files passed over unread: dependency, build and hidden folders, lockfiles, empty files. */
  skippedCount: number;
  createdAt: number;
  /** The embedding model that indexed every chunk, once it has; null until then or without one. */
  indexedBy: string | null;
}

export interface ChatAttachmentDocRecord {
  /** `<attachmentId>|<n>`, n the file's place in the attachment. */
  id: string;
  attachmentId: string;
  conversationId: string;
  /** Path inside the attachment (`repo/src/main.ts`), or the file name. */
  path: string;
  format: 'markdown' | 'text' | 'code' | 'data' | 'pdf';
  text: string;
  sizeBytes: number;
  /** PDF only: each page's character range in `text`, end exclusive. */
  pages?: { number: number; start: number; end: number }[];
  pageCount?: number;
}

export interface ChatAttachmentChunkRecord {
  /** `<docId>|<seq>` */
  id: string;
  attachmentId: string;
  conversationId: string;
  docId: string;
  seq: number;
  /** Character range in the doc's text, end exclusive. */
  start: number;
  end: number;
  page?: number;
  headingPath: string[];
  /** value ≈ q[i] * scale, by `modelId`; absent until indexed. */
  vector?: { modelId: string; q: Int8Array; scale: number };
}

export interface RequestRecord {
  seq?: number;
  at: number;
  host: string;
  path: string;
  bytes: number;
  /** HTTP status, or 0 when the request failed before any answer. */
  status: number;
  modelKey: string;
  reason: string;
  /** Who asked: "page" or which worker ("llm-webllm worker"); absent on rows from before it. */
  initiator?: string;
}

export interface SettingRecord {
  key: string;
  value: unknown;
}

export { DB_NAME };

export class HearthDb extends Dexie {
  notes!: EntityTable<Note, 'id'>;
  bodies!: EntityTable<NoteBody, 'id'>;
  meta!: EntityTable<MetaRecord, 'key'>;
  conversations!: EntityTable<ConversationRecord, 'id'>;
  messages!: EntityTable<MessageRecord, 'id'>;
  memories!: EntityTable<MemoryRecord, 'id'>;
  memoryVectors!: EntityTable<MemoryVectorRecord, 'memoryId'>;
  chunks!: EntityTable<ChunkRecord, 'id'>;
  vectors!: EntityTable<VectorRecord, 'chunkId'>;
  jobs!: EntityTable<JobRecord, 'id'>;
  requests!: EntityTable<RequestRecord, 'seq'>;
  models!: EntityTable<InstalledModel, 'key'>;
  settings!: EntityTable<SettingRecord, 'key'>;
  indexBlocks!: EntityTable<IndexBlockRecord, 'key'>;
  drafts!: EntityTable<DraftRecord, 'id'>;
  attachments!: EntityTable<AttachmentRecord, 'id'>;
  attachmentBlobs!: EntityTable<AttachmentBlobRecord, 'id'>;
  chatAttachments!: EntityTable<ChatAttachmentRecord, 'id'>;
  chatAttachmentDocs!: EntityTable<ChatAttachmentDocRecord, 'id'>;
  chatAttachmentChunks!: EntityTable<ChatAttachmentChunkRecord, 'id'>;

  constructor(name = DB_NAME) {
    super(name);
    this.version(1).stores({
      notes: 'id, &path, kind, title, *tags, date, updatedAt, deletedAt, [kind+date]',
      bodies: 'id',
      meta: 'key',
      conversations: 'id, updatedAt, title',
      messages: 'id, [conversationId+createdAt]',
      memories: 'id, updatedAt',
      chunks: 'id, noteId, hash',
      vectors: 'chunkId, modelId',
      jobs: 'id, kind, status, createdAt',
      requests: '++seq, at, host',
    });
    this.version(2).stores({
      models: 'key, installedAt',
      settings: 'key',
    });
    // Nothing wrote chunks, vectors or jobs before version 3, so their indexes change freely.
    this.version(3).stores({
      chunks: 'id, [modelId+noteId], [modelId+label]',
      vectors: 'chunkId, [modelId+label]',
      jobs: 'id, kind, status, createdAt, [kind+status]',
      indexBlocks: 'key, modelId',
    });
    this.version(4).stores({
      drafts: 'id, noteId',
      attachments: 'id, &path, name, updatedAt, deletedAt',
      attachmentBlobs: 'id',
    });
    this.version(5)
      .stores({
        memories: 'id, updatedAt, source.conversationId',
        memoryVectors: 'memoryId, modelId',
      })
      .upgrade((tx) =>
        tx
          .table<MemoryRecord, string>('memories')
          .toCollection()
          .modify((row) => {
            row.source ??= { kind: 'manual' };
          }),
      );
    this.version(6).stores({
      chatAttachments: 'id, conversationId',
      chatAttachmentDocs: 'id, attachmentId, conversationId',
      chatAttachmentChunks: 'id, attachmentId, conversationId',
    });
  }
}

let shared: HearthDb | undefined;

/** The app-wide database handle (one per window or worker). */
export function getDb(): HearthDb {
  if (!shared) {
    shared = new HearthDb();
    reopenAfterAbortedOpen(shared);
  }
  return shared;
}
