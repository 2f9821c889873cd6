// Reading a bundle (format 2, 3 or 4) back, all the way, before anything is written, from the file by
// slices (never the whole archive in memory; vault/zip-slices.ts): the zip's table of
// contents against the manifest (the same entries, the same sizes, within the limits), every
// entry's SHA-256 against the manifest, every record against its schema, ids unique, and every
// row matched with its file. Any failure throws a BundleError saying what is wrong and where; the
// caller has then written nothing.
import * as v from 'valibot';
import { BundleError, check, decode, parseJson, rowsOf, unique } from './bundle-parse';
import { safeRelativePath } from '../vault/paths';
import { ZipEntryError } from '../vault/zip';
import {
  listZipSlices,
  readEntriesInOrder,
  type ReadEntry,
  type SlicedEntry,
  type SlicedZip,
} from '../vault/zip-slices';
import { manifestName as formatOneManifest } from '../vault/export-manifest';
import { readIndexPart } from './index-read';
import type { BundleIndex } from './index-format';
import {
  maxModelEntryBytes,
  maxModelsBytes,
  modelsDir,
  readModelsPart,
  type CarriedModel,
} from './models-part';
import type { ChatAttachmentDocRecord, RequestRecord } from '../db/db';
import type { MessageRecord } from '../db/chat-records';
import {
  attachmentRowSchema,
  bundlePaths,
  newestBundleFormat,
  chatAttachmentSchema,
  chatDocumentRowSchema,
  checkedSettings,
  conversationSchema,
  countKinds,
  draftSchema,
  formatProbe,
  ledgerRowSchema,
  manifestPath,
  manifestSchema,
  oldestBundleFormat,
  maxBundleBytes,
  maxEntries,
  maxEntryBytes,
  memorySchema,
  messageSchema,
  modelSchema,
  noteRowSchema,
  settingsSchema,
  type BundleManifest,
  type CountKind,
  type NoteRow,
} from './bundle-format';

export { BundleError };

/** A format-1 export (notes and attachments only): imported as a vault folder instead. */
export class FormatOneBundleError extends BundleError {
  override name = 'FormatOneBundleError';
  constructor() {
    super('it is a notes export (format 1); import it with Import instead.');
  }
}

export interface BundleContents {
  manifest: BundleManifest;
  notes: (NoteRow & { content: string })[];
  /** Each attachment's bytes as a Blob: a large stored one is a slice of the backup itself. */
  attachments: (v.InferOutput<typeof attachmentRowSchema> & { blob: Blob })[];
  conversations: v.InferOutput<typeof conversationSchema>[];
  messages: MessageRecord[];
  chatAttachments: v.InferOutput<typeof chatAttachmentSchema>[];
  chatDocuments: ChatAttachmentDocRecord[];
  memories: v.InferOutput<typeof memorySchema>[];
  drafts: v.InferOutput<typeof draftSchema>[];
  settings: Record<string, unknown>;
  /** The installed-model list, for the user to see; the files are not in a bundle without models/. */
  models: v.InferOutput<typeof modelSchema>[];
  /** The models whose files the bundle carries (`models/`), each whole and checked. */
  modelFiles: CarriedModel[];
  ledger: RequestRecord[];
  /** The optional semantic index (`index/`), checked against its model; null when absent. */
  index: BundleIndex | null;
}

const maxManifestBytes = 64 * 1024 * 1024;
async function listEntries(blob: Blob): Promise<SlicedZip> {
  // The zip's own headers add a little to what its entries may hold in all.
  if (blob.size > maxBundleBytes + maxBundleBytes / 8 + maxModelsBytes)
    throw new BundleError(
      `it is ${blob.size.toLocaleString('en')} bytes; a backup may hold at most ` +
        `${(maxBundleBytes + maxModelsBytes).toLocaleString('en')}.`,
    );
  try {
    // From the tail: the table of contents alone, never the whole archive.
    return await listZipSlices(blob, maxEntries + 1);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new BundleError(`it is not a readable zip (${detail}).`);
  }
}

/** Reads `entries` in archive order, each proven whole, refusing a damaged one by name. */
async function readEntries(
  blob: Blob,
  listing: SlicedZip,
  entries: SlicedEntry[],
  onEntry: (read: ReadEntry) => void | Promise<void>,
): Promise<void> {
  try {
    await readEntriesInOrder(blob, { ...listing, entries }, onEntry);
  } catch (error) {
    if (!(error instanceof ZipEntryError)) throw error;
    throw new BundleError(`an entry is damaged (${error.message}).`);
  }
}

const bytesOf = async (bytes: Uint8Array | Blob): Promise<Uint8Array> =>
  bytes instanceof Blob ? new Uint8Array(await bytes.arrayBuffer()) : bytes;

async function readManifest(blob: Blob, listing: SlicedZip): Promise<BundleManifest> {
  const entry = listing.entries.find((e) => e.path === manifestPath);
  if (!entry) {
    if (listing.entries.some((e) => e.path === formatOneManifest)) throw new FormatOneBundleError();
    throw new BundleError('it has no manifest.json, so it is not a Hearth backup.');
  }
  if (entry.sizeBytes > maxManifestBytes) throw new BundleError('its manifest is too large.');
  let bytes: Uint8Array = new Uint8Array();
  await readEntries(blob, listing, [entry], async (read) => {
    bytes = await bytesOf(read.bytes);
  });
  const raw = parseJson(decode(bytes, manifestPath), manifestPath);
  const probe = v.safeParse(formatProbe, raw);
  if (!probe.success || probe.output.app !== 'Hearth')
    throw new BundleError('its manifest is not a Hearth manifest.');
  if (probe.output.format > newestBundleFormat)
    throw new BundleError(
      `it was made by a newer Hearth (format ${probe.output.format}; this one reads up to ` +
        `${newestBundleFormat}). Update Hearth, then restore it.`,
    );
  if (probe.output.format === 1) throw new FormatOneBundleError();
  if (probe.output.format < oldestBundleFormat)
    throw new BundleError(`its format (${probe.output.format}) is not one Hearth knows.`);
  return check(manifestSchema, raw, manifestPath);
}

/** The zip's entries against the manifest's, before anything is unpacked. */
function matchEntries(manifest: BundleManifest, entries: readonly SlicedEntry[]): void {
  const listed = new Map<string, number>();
  let total = 0;
  let modelTotal = 0;
  for (const { path, bytes } of manifest.entries) {
    if (safeRelativePath(path) !== path || path === manifestPath)
      throw new BundleError(`the manifest names an unsafe path “${path.slice(0, 200)}”.`);
    if (listed.has(path)) throw new BundleError(`the manifest lists “${path}” twice.`);
    const model = path.startsWith(modelsDir);
    const most = model ? maxModelEntryBytes : maxEntryBytes;
    if (bytes > most)
      throw new BundleError(
        `the manifest declares “${path}” as ${bytes.toLocaleString('en')} bytes; ` +
          `${model ? 'a model file' : 'an entry'} may hold at most ${most.toLocaleString('en')}.`,
      );
    if (model) modelTotal += bytes;
    else total += bytes;
    listed.set(path, bytes);
  }
  if (total > maxBundleBytes)
    throw new BundleError(
      `the manifest declares ${total.toLocaleString('en')} bytes in all; a backup may hold at ` +
        `most ${maxBundleBytes.toLocaleString('en')} (model files aside).`,
    );
  if (modelTotal > maxModelsBytes)
    throw new BundleError(
      `the manifest declares ${modelTotal.toLocaleString('en')} bytes of model files; a backup ` +
        `may hold at most ${maxModelsBytes.toLocaleString('en')}.`,
    );
  const seen = new Set<string>();
  for (const entry of entries) {
    if (entry.path === manifestPath) continue;
    if (entry.duplicate || seen.has(entry.path))
      throw new BundleError(`the zip holds “${entry.path.slice(0, 200)}” twice.`);
    seen.add(entry.path);
    const bytes = listed.get(entry.path);
    if (bytes === undefined)
      throw new BundleError(`“${entry.path.slice(0, 200)}” is in the zip but not in the manifest.`);
    // A model file is stored as it is: one that would inflate is not one Hearth wrote.
    if (entry.path.startsWith(modelsDir) && entry.directory.method !== 0)
      throw new BundleError(`“${entry.path.slice(0, 200)}” is compressed; model files are stored.`);
    if (bytes !== entry.sizeBytes)
      throw new BundleError(
        `“${entry.path}” declares ${entry.sizeBytes.toLocaleString('en')} bytes in the zip and ` +
          `${bytes.toLocaleString('en')} in the manifest.`,
      );
  }
  for (const path of listed.keys())
    if (!seen.has(path)) throw new BundleError(`“${path}” is in the manifest but not in the zip.`);
}

/** Reads and checks a bundle's zip (decrypted already); throws BundleError on any problem. */
export async function readBundle(blob: Blob): Promise<BundleContents> {
  const listing = await listEntries(blob);
  if (listing.entries.length > maxEntries + 1)
    throw new BundleError(`it holds more than ${maxEntries.toLocaleString('en')} entries.`);
  const manifest = await readManifest(blob, listing);
  matchEntries(manifest, listing.entries);

  const hashes = new Map(manifest.entries.map((e) => [e.path, e.sha256]));
  // Small entries as bytes; large ones as Blobs (a stored one is a slice of the file itself).
  const files = new Map<string, Uint8Array | Blob>();
  const others = listing.entries.filter((e) => e.path !== manifestPath);
  await readEntries(blob, listing, others, ({ entry, bytes, sha256 }) => {
    if (sha256 !== hashes.get(entry.path))
      throw new BundleError(`“${entry.path}” does not match its SHA-256 in the manifest.`);
    files.set(entry.path, bytes);
  });
  const takeBlob = (path: string): Uint8Array | Blob => {
    const bytes = files.get(path);
    if (!bytes) throw new BundleError(`it has no ${path}.`);
    files.delete(path);
    return bytes;
  };
  const take = (path: string): Promise<Uint8Array> => bytesOf(takeBlob(path));
  const table = async <S extends v.GenericSchema>(schema: S, path: string) =>
    rowsOf(schema, decode(await take(path), path), path);

  const noteRows = await table(noteRowSchema, bundlePaths.notes);
  const attachmentRows = await table(attachmentRowSchema, bundlePaths.attachments);
  unique([...noteRows, ...attachmentRows], (r) => r.id, 'notes or attachments');
  unique([...noteRows, ...attachmentRows], (r) => r.path, 'notes or attachments');
  const fileOf = (path: string, what: string) => {
    if (safeRelativePath(path) !== path)
      throw new BundleError(`${what} has an unsafe path “${path.slice(0, 200)}”.`);
    return takeBlob(`${bundlePaths.noteFiles}${path}`);
  };
  const notes: BundleContents['notes'] = [];
  for (const row of noteRows)
    notes.push({ ...row, content: decode(await bytesOf(fileOf(row.path, 'a note')), row.path) });
  const attachments = attachmentRows.map((row) => {
    const bytes = fileOf(row.path, 'an attachment');
    const blob = bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>]);
    if (blob.size !== row.sizeBytes)
      throw new BundleError(`the attachment “${row.path}” is not the size its row says.`);
    return { ...row, blob };
  });

  const conversations = await table(conversationSchema, bundlePaths.conversations);
  unique(conversations, (r) => r.id, 'conversations');
  const messages = (await table(messageSchema, bundlePaths.messages)) as MessageRecord[];
  unique(messages, (r) => r.id, 'messages');
  const chatAttachments = await table(chatAttachmentSchema, bundlePaths.chatAttachments);
  unique(chatAttachments, (r) => r.id, 'chat attachments');
  const documentRows = await table(chatDocumentRowSchema, bundlePaths.chatDocuments);
  unique(documentRows, (r) => r.id, 'chat documents');
  const chatDocuments: ChatAttachmentDocRecord[] = [];
  for (const row of documentRows) {
    if (safeRelativePath(row.id) !== row.id || row.id.includes('/'))
      throw new BundleError(`a chat document has an unsafe id “${row.id.slice(0, 200)}”.`);
    const path = `${bundlePaths.chatDocumentFiles}${row.id}.txt`;
    chatDocuments.push({ ...row, text: decode(await take(path), path) });
  }
  const memories = await table(memorySchema, bundlePaths.memories);
  unique(memories, (r) => r.id, 'memories');
  const drafts = await table(draftSchema, bundlePaths.drafts);
  unique(drafts, (r) => r.id, 'drafts');
  const settings = check(
    settingsSchema,
    parseJson(decode(await take(bundlePaths.settings), bundlePaths.settings), bundlePaths.settings),
    bundlePaths.settings,
  );
  for (const [key, schema] of Object.entries(checkedSettings))
    if (key in settings) check(schema, settings[key], `${bundlePaths.settings} “${key}”`);
  const models = check(
    v.array(modelSchema),
    parseJson(decode(await take(bundlePaths.models), bundlePaths.models), bundlePaths.models),
    bundlePaths.models,
  );
  unique(models, (r) => r.key, 'models');
  const ledger = (await table(ledgerRowSchema, bundlePaths.ledger)) as RequestRecord[];
  const modelFiles = readModelsPart(
    models,
    new Map(manifest.entries.map((e) => [e.path, e])),
    (path) => {
      if (!files.has(path)) return null;
      const bytes = takeBlob(path);
      return bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>]);
    },
    manifest.format,
  );
  const index = await readIndexPart(
    async (path) => (files.has(path) ? take(path) : undefined),
    models,
    new Set(noteRows.map((n) => n.id)),
  );

  const leftover = [...files.keys()];
  if (leftover.length > 0)
    throw new BundleError(`“${leftover[0]!.slice(0, 200)}” belongs to no record.`);

  const contents: BundleContents = {
    manifest,
    notes,
    attachments,
    conversations,
    messages,
    chatAttachments,
    chatDocuments,
    memories,
    drafts,
    settings,
    models,
    modelFiles,
    ledger,
    index,
  };
  for (const kind of countKinds) {
    const found = countOf(contents, kind);
    if (found !== manifest.counts[kind])
      throw new BundleError(
        `the manifest counts ${manifest.counts[kind]} ${kind} but the backup holds ${found}.`,
      );
  }
  return contents;
}

export function countOf(contents: BundleContents, kind: CountKind): number {
  return kind === 'settings' ? Object.keys(contents.settings).length : contents[kind].length;
}
