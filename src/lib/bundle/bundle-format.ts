// The Hearth bundle, export format 2 (docs/export-format.md): every entry's name, the manifest,
// and the schema each record must pass before anything of a bundle is written. A bundle is
// untrusted input (it may come from another machine, another version, or an attacker), so every
// record is checked here field by field, with bounds, and unknown top-level fields are dropped.
import * as v from 'valibot';

/**
 * The format this Hearth writes. 3 is format 2 plus the optional part `index/`; a format-2 backup
 * (no optional parts) is still read. A backup that carries model files (`models/`, models-part.ts)
 * is format 4, so a Hearth that cannot restore them names it as newer; one without is still 3.
 */
export const bundleFormat = 3;
/** The newest format this Hearth reads. */
export const newestBundleFormat = 4;
export const oldestBundleFormat = 2;
export const manifestPath = 'manifest.json';

/** Entry names; notes and vault attachments live under `notes/` at their own paths. */
export const bundlePaths = {
  notes: 'notes.jsonl',
  noteFiles: 'notes/',
  attachments: 'attachments.jsonl',
  conversations: 'chats/conversations.jsonl',
  messages: 'chats/messages.jsonl',
  chatAttachments: 'chats/attachments.jsonl',
  chatDocuments: 'chats/documents.jsonl',
  chatDocumentFiles: 'chats/documents/',
  memories: 'memory/memories.jsonl',
  drafts: 'drafts.jsonl',
  settings: 'settings.json',
  models: 'models.json',
  ledger: 'ledger.jsonl',
} as const;

/** The kinds of record a bundle counts in its manifest. */
export const countKinds = [
  'notes',
  'attachments',
  'conversations',
  'messages',
  'chatAttachments',
  'chatDocuments',
  'memories',
  'drafts',
  'settings',
  'models',
  'ledger',
] as const;
export type CountKind = (typeof countKinds)[number];

/**
 * Limits on what a manifest may declare, checked before any entry is read: a single entry's size
 * (a note is at most 5 MB and an attachment 100 MB; the JSONL tables of a large vault stay far
 * under this) and the whole bundle's. Model files (`models/`) have limits of their own
 * (models-part.ts): they are stored, never inflated, and restored straight from the file.
 */
export const maxEntryBytes = 512 * 1024 * 1024;
export const maxBundleBytes = 1024 * 1024 * 1024;
export const maxEntries = 400_000;

// Bounds far above anything Hearth writes (ids from other assistants' exports, renamed titles),
// there to refuse absurd input, never a record Hearth made: every bundle is read back before it
// is offered (bundle-handlers.ts), so a bound that refused one would be found at once.
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(1000));
const time = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8.64e15));
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
const sha256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));

export const manifestSchema = v.object({
  format: v.pipe(v.number(), v.integer()),
  app: v.literal('Hearth'),
  appVersion: text(40),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
  counts: v.object(
    Object.fromEntries(countKinds.map((k) => [k, count])) as Record<CountKind, typeof count>,
  ),
  entries: v.pipe(
    v.array(
      v.object({
        path: text(1024),
        bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
        sha256,
      }),
    ),
    v.maxLength(maxEntries),
  ),
});
export type BundleManifest = v.InferOutput<typeof manifestSchema>;

/** Checks only the format number, so a newer bundle is named as such rather than as malformed. */
export const formatProbe = v.looseObject({ format: v.number(), app: v.optional(v.string()) });

export const noteRowSchema = v.object({
  id,
  path: text(1024),
  createdAt: time,
  updatedAt: time,
  deletedAt: time,
  importedHash: v.optional(sha256),
});
export type NoteRow = v.InferOutput<typeof noteRowSchema>;

export const attachmentRowSchema = v.object({
  id,
  path: text(1024),
  name: text(1024),
  mime: text(200),
  sizeBytes: count,
  hash: sha256,
  createdAt: time,
  updatedAt: time,
  deletedAt: time,
});

const groundingScope = v.variant('kind', [
  v.object({ kind: v.literal('all') }),
  v.object({ kind: v.literal('journal') }),
  v.object({ kind: v.literal('folder'), folder: text(1024) }),
  v.object({ kind: v.literal('tag'), tag: text(200) }),
  v.object({ kind: v.literal('dates'), from: text(10), to: text(10) }),
  v.object({ kind: v.literal('pinned'), noteIds: v.pipe(v.array(id), v.maxLength(1000)) }),
]);

export const conversationSchema = v.object({
  id,
  title: text(100_000),
  createdAt: time,
  updatedAt: time,
  systemPrompt: v.optional(text(200_000)),
  grounding: v.optional(v.object({ enabled: v.boolean(), scope: groundingScope })),
  pinned: v.optional(v.boolean()),
  arrivedAt: v.optional(time),
});

const task = v.picklist(['chat', 'code', 'writing', 'reasoning']);
const looseRecord = v.record(v.string(), v.unknown());
const number = v.pipe(v.number(), v.finite());
const list = <S extends v.GenericSchema>(item: S, max = 10_000) =>
  v.pipe(v.array(item), v.maxLength(max));

const stats = v.object({
  promptTokens: number,
  completionTokens: number,
  firstTokenMs: number,
  prefillTokensPerS: number,
  decodeTokensPerS: number,
  totalMs: number,
  finishReason: v.picklist(['stop', 'length', 'abort']),
});

const chatMessage = v.object({
  role: v.picklist(['system', 'user', 'assistant']),
  content: text(10_000_000),
});

/**
 * What an answer was given (Sources, "What the model saw"), shown again as stored: checked field
 * by field so a restored chat renders, and rendered as text, never as markup.
 */
const answerSource = v.variant('kind', [
  v.object({
    kind: v.literal('note'),
    n: count,
    chunkId: text(2000),
    noteId: id,
    title: text(100_000),
    headingPath: list(text(2000), 100),
    date: text(40),
    start: count,
    end: count,
    snippet: list(v.object({ text: text(100_000), hit: v.boolean() }), 1000),
    cited: v.boolean(),
  }),
  v.object({
    kind: v.literal('attachment'),
    n: count,
    attachmentId: id,
    name: text(1024),
    path: text(1024),
    pages: v.nullable(v.object({ from: count, to: count })),
    start: count,
    end: count,
    whole: v.boolean(),
    snippet: text(100_000),
    cited: v.boolean(),
  }),
  v.object({
    kind: v.literal('memory'),
    n: count,
    id,
    text: text(10_000),
    source: text(2000),
  }),
]);

const answerContext = v.object({
  request: list(chatMessage),
  grounded: v.boolean(),
  sources: list(answerSource),
  notices: list(v.picklist(['no-match', 'keyword-only']), 10),
  dateLabel: v.nullable(text(200)),
  parts: list(v.object({ part: text(100), tokens: number }), 100),
  budget: number,
  used: number,
  exactCount: v.boolean(),
  omitted: list(v.object({ part: text(100), what: text(10_000), reason: text(2000) })),
});

const messageFields = {
  content: text(10_000_000),
  taskOverride: v.optional(v.nullable(task)),
  modelOverride: v.optional(v.nullable(text(500))),
  modelKey: v.optional(text(500)),
  modelName: v.optional(text(500)),
  task: v.optional(task),
  routeReason: v.optional(text(2000)),
  stats: v.optional(stats),
  status: v.optional(v.picklist(['streaming', 'done', 'stopped', 'error'])),
  error: v.optional(text(10_000)),
  context: v.optional(answerContext),
};

const messageBase = {
  id,
  conversationId: id,
  role: v.picklist(['system', 'user', 'assistant']),
  createdAt: time,
  ...messageFields,
  versionIndex: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
};

// A version keeps the messages that followed it (`tail`), which may hold versions of their own.
type MessageInput = v.InferInput<v.ObjectSchema<typeof messageBase, undefined>> & {
  versions?: { at: number; tail: MessageInput[] }[];
};
export const messageSchema: v.GenericSchema<MessageInput> = v.object({
  ...messageBase,
  versions: v.optional(
    v.pipe(
      v.array(
        v.object({
          ...messageFields,
          at: time,
          tail: v.array(v.lazy(() => messageSchema)),
        }),
      ),
      v.maxLength(1000),
    ),
  ),
});

export const chatAttachmentSchema = v.object({
  id,
  conversationId: id,
  name: text(1024),
  kind: v.picklist(['file', 'folder', 'zip']),
  sizeBytes: count,
  fileCount: count,
  pageCount: count,
  textChars: count,
  refused: v.pipe(
    v.array(v.object({ path: text(1024), reason: text(2000) })),
    v.maxLength(100_000),
  ),
  refusedCount: count,
  skippedCount: count,
  createdAt: time,
  indexedBy: v.nullable(text(500)),
});

/** A document's row; its text is the entry `chats/documents/<id>.txt`. */
export const chatDocumentRowSchema = v.object({
  id,
  attachmentId: id,
  conversationId: id,
  path: text(1024),
  format: v.picklist(['markdown', 'text', 'code', 'data', 'pdf']),
  sizeBytes: count,
  pages: v.optional(
    v.pipe(v.array(v.object({ number: count, start: count, end: count })), v.maxLength(10_000)),
  ),
  pageCount: v.optional(count),
});

const memorySource = v.variant('kind', [
  v.object({ kind: v.literal('message'), conversationId: id, messageId: v.optional(id) }),
  v.object({ kind: v.literal('note'), noteId: id }),
  v.object({ kind: v.literal('manual') }),
]);

export const memorySchema = v.object({
  id,
  text: text(10_000),
  createdAt: time,
  updatedAt: time,
  source: v.optional(memorySource),
});

export const draftSchema = v.object({
  id,
  noteId: id,
  tabId: text(200),
  content: text(10_000_000),
  baseHash: text(64),
  at: time,
});

/** Settings are the app's own keys and values; a value is any JSON, checked where it is read. */
export const settingsSchema = v.pipe(v.record(text(200), v.unknown()));

/**
 * Settings whose values the app uses without a check of its own (a URL it parses, names it
 * splits): a bundle whose value for one of them is not of this shape is refused.
 */
export const checkedSettings: Record<string, v.GenericSchema> = {
  mirror: v.nullable(v.pipe(v.string(), v.maxLength(2000), v.url())),
  customModels: v.pipe(
    v.array(
      v.object({
        repo: v.pipe(v.string(), v.regex(/^[\w.-]{1,96}\/[\w.-]{1,96}$/)),
        dtype: v.pipe(v.string(), v.maxLength(40)),
      }),
    ),
    v.maxLength(1000),
  ),
  persona: v.pipe(v.string(), v.maxLength(200_000)),
  maxAnswerTokens: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
};

/** Each model file's SHA-256 as recorded at download or import (see src/lib/llm/load-check.ts). */
const modelPin = v.object({
  files: list(v.object({ path: text(2000), sizeBytes: count, sha256 })),
  pinnedAt: time,
  how: v.picklist(['download', 'import', 'first-load']),
});

export const modelSchema = v.object({
  key: text(500),
  name: text(500),
  spec: looseRecord,
  // A string (llm/types.ts ModelSource): a record here refused every backup with a model in it.
  source: v.picklist(['hub', 'mirror', 'import']),
  sizeBytes: count,
  installedAt: time,
  complete: v.boolean(),
  pin: v.optional(modelPin),
});

export const ledgerRowSchema = v.object({
  seq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  at: time,
  host: text(300),
  path: text(100_000),
  bytes: v.pipe(v.number(), v.minValue(0)),
  status: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(999)),
  modelKey: text(500),
  reason: text(2000),
  initiator: v.optional(text(300)),
});
