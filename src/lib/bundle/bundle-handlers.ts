// The vault worker's backup handlers: writing the whole of the user's state as a bundle (format 2,
// optionally age-encrypted) as a Blob or straight into a file the user picked, and restoring one
// in three steps the user watches: open (decrypt and check everything), plan (what a merge or a
// replace would write, conflicts included), restore (one transaction). The opened bundle waits
// here between steps, so the page never holds it.
import type { HandlerContext } from '../rpc/protocol';
import { notifyVaultChange } from '../vault/changes';
import { decryptBlob, encryptBlob, encryptBlobTo, isAgeFile } from './age-file';
import { readBundle, type BundleContents } from './bundle-read';
import { writeBundle, type BundleModelFile } from './bundle-write';
import type { BundleManifest, CountKind } from './bundle-format';
import { saveToFile, SaveCancelledError, type SaveTarget } from './save-file';
import {
  planRestore,
  type ExistingState,
  type RestoreConflict,
  type RestoreMode,
  type RestorePlan,
} from './restore-plan';
import { applyRestore, readBundleSource, readExistingState } from '../db/bundle-repo';
import { readIndexSource } from '../db/index-backup-repo';
import { maxBlockChunks } from './index-format';
import { embeddingHere } from './embedding-here';
import { errorMessage, HearthError } from '../errors';
import { listInstalledModels } from '../db/models-repo';
import { preferredEmbeddingModel } from '../llm/transformers/embedding-catalog';
import { readStoredFile, recordedFiles, storeModelFiles } from '../llm/model-files';
import type { InstalledModel } from '../llm/types';
import type { CarriedModel } from './models-part';

export type BundlePhase =
  | 'reading'
  | 'writing'
  | 'encrypting'
  | 'decrypting'
  | 'checking'
  | 'restoring'
  | 'saving'
  | 'verifying';

export interface BundleProgress {
  phase: BundlePhase;
  /** Entries done so far, when counted (writing). */
  done: number;
  /** Bytes of the zip saved (saving) or read back and compared (verifying), of its size. */
  bytes?: { done: number; total: number };
}

export type BundleEvents = { bundle: BundleProgress };

export interface OpenedBundle {
  encrypted: boolean;
  createdAt: string;
  appVersion: string;
  counts: Record<CountKind, number>;
  /** Names of the models installed where the backup was made (their files are not in it). */
  models: string[];
  bytes: number;
  /** The backup's semantic index, when it has one. */
  index: { modelId: string; chunks: number } | null;
  /** The models whose files the backup carries, with their size. */
  modelFiles: ModelSummary[];
}

export interface ModelSummary {
  key: string;
  name: string;
  bytes: number;
}

export interface RestorePreview {
  mode: RestoreMode;
  /** Records the restore will write, by kind. */
  writes: Record<CountKind, number>;
  alreadyHere: number;
  conflicts: RestoreConflict[];
  /** Passages of the backup's semantic index the restore loads (no embedding needed for them). */
  indexChunks: number;
  /** Why the backup's index is not used, when it has one. */
  indexNote: string | null;
  /** Models the restore installs from the backup's files (those not installed here already). */
  models: ModelSummary[];
}

export class PassphraseNeededError extends HearthError {
  override name = 'PassphraseNeededError';
  constructor() {
    super('This backup is encrypted: enter its passphrase to open it.');
  }
}

class NothingOpenError extends HearthError {
  override name = 'NothingOpenError';
  constructor() {
    super('Open a backup first.');
  }
}

type Ctx = HandlerContext<BundleEvents>;

/** What goes in a backup beside the records, as the backup form chose. */
interface BackupParts {
  /** The semantic index goes in unless this is false (it is derived, but slow to rebuild). */
  includeIndex?: boolean;
  /** The installed models' files go in (`models/`) only when this is true. */
  includeModels?: boolean;
  /** Names this backup for `cancelBackup`; a backup without one cannot be cancelled. */
  job?: string;
}

const cancelled = () =>
  new SaveCancelledError('The backup was cancelled before it was saved. Nothing was saved.');

/**
 * The whole state as a zip, read back whole before it goes anywhere: a backup Hearth could not
 * restore is never made (and a scheduled one never replaces older, good ones).
 */
async function checkedBundle(
  parts: BackupParts,
  ctx: Ctx,
  signal?: AbortSignal,
): Promise<{ zip: Blob; manifest: BundleManifest }> {
  ctx.emit('bundle', { phase: 'reading', done: 0 });
  const source = await readBundleSource();
  if (parts.includeIndex !== false) source.index = await readIndexSource(maxBlockChunks);
  if (parts.includeModels) source.modelFiles = modelFilesOf(source.models);
  const { blob, manifest } = await writeBundle(source, {
    appVersion,
    onProgress: (done) => ctx.emit('bundle', { phase: 'writing', done }),
    ...(signal ? { signal } : {}),
  });
  signal?.throwIfAborted();
  ctx.emit('bundle', { phase: 'checking', done: manifest.entries.length });
  await readBundle(blob).catch((error: unknown) => {
    throw new HearthError(
      `The backup did not pass its own check, so it was not kept: ${errorMessage(error)}`,
    );
  });
  signal?.throwIfAborted();
  return { zip: blob, manifest };
}

const appVersion = '0.1.0';

function writesOf(plan: RestorePlan): Record<CountKind, number> {
  return {
    notes: plan.notes.length,
    attachments: plan.attachments.length,
    conversations: plan.conversations.length,
    messages: plan.messages.length,
    chatAttachments: plan.chatAttachments.length,
    chatDocuments: plan.chatDocuments.length,
    memories: plan.memories.length,
    drafts: plan.drafts.length,
    settings: plan.settings.length,
    models: plan.models.length,
    ledger: plan.ledger.length,
  };
}

/** What is here, with the models a backup's models and index are matched against. */
async function existingState(): Promise<ExistingState> {
  return {
    ...(await readExistingState()),
    embedding: await embeddingHere(),
    models: await listInstalledModels(),
    preferEmbedding: preferredEmbeddingModel,
  };
}

const summary = ({ model, sizeBytes }: CarriedModel): ModelSummary => ({
  key: model.key,
  name: model.name,
  bytes: sizeBytes,
});

/** Every recorded file of the complete, pinned models, read from Cache Storage when written. */
function modelFilesOf(models: InstalledModel[]): BundleModelFile[] {
  return models.flatMap((model) =>
    recordedFiles(model).map((file) => ({
      modelKey: model.key,
      modelName: model.name,
      ...file,
      blob: () => readStoredFile(model.spec, file.path),
    })),
  );
}

export function createBundleHandlers() {
  let opened: BundleContents | null = null;
  let planned: RestorePlan | null = null;
  /** Backups being made, by the page's name for each, so Cancel stops the user's own only (a
   * scheduled backup may run beside it). */
  const running = new Map<string, AbortController>();
  const startBackup = (job: string | undefined): AbortSignal | undefined => {
    if (job === undefined) return undefined;
    const controller = new AbortController();
    running.set(job, controller);
    return controller.signal;
  };

  return {
    /** The user's whole state as a bundle; encrypted with age when a passphrase is given. */
    exportBundle: async (
      args: BackupParts & { passphrase: string | null; recipient?: string; workFactor?: number },
      ctx: Ctx,
    ): Promise<{ blob: Blob; counts: Record<CountKind, number>; encrypted: boolean }> => {
      const signal = startBackup(args.job);
      try {
        const { zip, manifest } = await checkedBundle(args, ctx, signal);
        if (args.passphrase === null && !args.recipient)
          return { blob: zip, counts: manifest.counts, encrypted: false };
        ctx.emit('bundle', { phase: 'encrypting', done: manifest.entries.length });
        const sealed = args.recipient
          ? await encryptBlobTo(zip, args.recipient)
          : await encryptBlob(zip, args.passphrase ?? '', args.workFactor);
        return { blob: sealed, counts: manifest.counts, encrypted: true };
      } finally {
        if (args.job !== undefined) running.delete(args.job);
      }
    },

    /**
     * The user's whole state saved straight into the file they picked (`showSaveFilePicker`),
     * encrypted on the way when a passphrase is given, then read back and compared before it is
     * called done (save-file.ts). Nothing of the encrypted backup is gathered in the browser.
     */
    saveBundle: async (
      args: BackupParts & {
        target: FileSystemFileHandle;
        passphrase: string | null;
        workFactor?: number;
      },
      ctx: Ctx,
    ): Promise<{ bytes: number; counts: Record<CountKind, number>; encrypted: boolean }> => {
      const signal = startBackup(args.job);
      try {
        const { manifest, bytes } = await saveToFile(
          args.target as SaveTarget,
          () => checkedBundle(args, ctx, signal),
          {
            passphrase: args.passphrase,
            ...(signal ? { signal } : {}),
            ...(args.workFactor !== undefined ? { workFactor: args.workFactor } : {}),
            onProgress: ({ phase, doneBytes, totalBytes }) =>
              ctx.emit('bundle', { phase, done: 0, bytes: { done: doneBytes, total: totalBytes } }),
          },
        );
        return { bytes, counts: manifest.counts, encrypted: args.passphrase !== null };
      } finally {
        if (args.job !== undefined) running.delete(args.job);
      }
    },

    /** Stops the backup being made at its next step; a half-saved file is taken away. */
    cancelBackup: (args: { job: string }): void => {
      running.get(args.job)?.abort(cancelled());
    },

    /** Decrypts (when it is an age file) and checks the whole bundle; nothing is written. */
    openBundle: async (
      args: { file: Blob; passphrase: string | null },
      ctx: Ctx,
    ): Promise<OpenedBundle> => {
      opened = null;
      planned = null;
      const encrypted = await isAgeFile(args.file);
      let zip = args.file;
      if (encrypted) {
        if (!args.passphrase) throw new PassphraseNeededError();
        ctx.emit('bundle', { phase: 'decrypting', done: 0 });
        zip = await decryptBlob(args.file, args.passphrase);
      }
      ctx.emit('bundle', { phase: 'checking', done: 0 });
      const contents = await readBundle(zip);
      opened = contents;
      return {
        encrypted,
        createdAt: contents.manifest.createdAt,
        appVersion: contents.manifest.appVersion,
        counts: contents.manifest.counts,
        models: contents.models.map((m) => m.name),
        bytes: args.file.size,
        index: contents.index
          ? { modelId: contents.index.meta.modelId, chunks: contents.index.meta.chunks }
          : null,
        modelFiles: contents.modelFiles.map(summary),
      };
    },

    /** What restoring the open bundle in `mode` would write, and every conflict of a merge. */
    planBundle: async (args: { mode: RestoreMode }): Promise<RestorePreview> => {
      if (!opened) throw new NothingOpenError();
      planned = await planRestore(opened, await existingState(), args.mode);
      return {
        mode: args.mode,
        writes: writesOf(planned),
        alreadyHere: planned.alreadyHere,
        conflicts: planned.conflicts,
        indexChunks: planned.index?.chunks.length ?? 0,
        indexNote: planned.indexNote,
        models: planned.models.map(summary),
      };
    },

    /** Writes the last plan in one transaction, then tells the indexes. */
    restoreBundle: async (
      _args: Record<string, never>,
      ctx: Ctx,
    ): Promise<Record<CountKind, number>> => {
      if (!planned) throw new NothingOpenError();
      const plan = planned;
      ctx.emit('bundle', { phase: 'restoring', done: 0 });
      // Matched against what was here when planned: plan again right before writing, so a note
      // saved meanwhile is matched too.
      const fresh = opened ? await planRestore(opened, await existingState(), plan.mode) : plan;
      // Model files first (Cache Storage is outside the transaction), taken back out if the
      // records' transaction fails: a model is restored with its record or not at all.
      const unstore = await storeModelFiles(fresh.models);
      try {
        await applyRestore(fresh);
      } catch (error) {
        await unstore();
        throw error;
      }
      opened = null;
      planned = null;
      // With the backup's index in, the memory worker takes its rows instead of embedding again.
      const index = fresh.index && fresh.index.chunks.length > 0 ? fresh.index : null;
      if (fresh.mode === 'replace')
        notifyVaultChange(
          index ? { type: 'vault-reset', indexedBy: index.modelId } : { type: 'vault-reset' },
        );
      const ids = fresh.notes.map((n) => n.id);
      if (ids.length > 0)
        notifyVaultChange({
          type: 'notes-changed',
          ids,
          ...(index ? { indexed: { modelId: index.modelId, ids: [...index.notes.keys()] } } : {}),
        });
      return writesOf(fresh);
    },

    /** Lets go of the open bundle (the dialog closed). */
    discardBundle: (_args: Record<string, never>): void => {
      opened = null;
      planned = null;
    },
  };
}

export type BundleHandlers = ReturnType<typeof createBundleHandlers>;
