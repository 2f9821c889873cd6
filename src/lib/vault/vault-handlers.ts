// The vault worker's handler map: import (files and zips) and export. Everything heavy, from
// reading files to hashing and zipping, happens here, off the main thread.
import type { HandlerContext } from '../rpc/protocol';
import type { ImportProgress, ImportReport, ImportSkip } from '../types';
import { fileCandidates, zipCandidates, type Candidate, type ImportSource } from './import-sources';
import { runImport } from './import-run';
import { ImportControl, type CancelAnswer } from './import-control';
import { walkDirectory } from './directory-walk';
import { unwrapExportRoots } from './export-manifest';
import { exportVaultZip } from './export-zip';

export type { ImportSource };

// A type alias (not an interface) so it satisfies the protocol's `Record<string, unknown>`.
export type VaultEvents = { progress: ImportProgress };

type Ctx = HandlerContext<VaultEvents>;

/** The import running in this worker (one at a time), for `cancelImport`. */
let running: ImportControl | null = null;

/** Runs one import job under a fresh control that `cancelImport` can reach. */
async function underControl<T>(job: (control: ImportControl) => Promise<T>): Promise<T> {
  const control = (running = new ImportControl());
  try {
    return await job(control);
  } finally {
    if (running === control) running = null;
  }
}

async function importAll(
  files: readonly ImportSource[],
  zips: readonly File[],
  ctx: Ctx,
  control: ImportControl,
): Promise<ImportReport> {
  const candidates: Candidate[] = fileCandidates(files);
  const skips: ImportSkip[] = [];
  for (const zip of zips) {
    control.checkpoint();
    const unpacked = await zipCandidates(zip);
    candidates.push(...unpacked.candidates);
    skips.push(...unpacked.skips);
  }
  // An export's manifest is not a note: it marks the export's root, which an unzipped export
  // picked as a folder has under the folder's name.
  return runImport(
    unwrapExportRoots(candidates),
    skips,
    (progress) => ctx.emit('progress', progress),
    control,
  );
}

export function createVaultHandlers() {
  /** Files sent ahead of an import, in batches (see `stageFiles`), by import id. */
  const staged = new Map<number, ImportSource[]>();

  return {
    /**
     * Collects files for a later `importFiles` call. The first time Chromium posts a File it pays
     * ~0.2 ms registering it, so thousands of files are sent in small batches to keep every
     * main-thread task short. Returns how many files are staged for this import.
     */
    stageFiles: (args: { importId: number; files: ImportSource[] }): number => {
      const list = staged.get(args.importId) ?? [];
      list.push(...args.files);
      staged.set(args.importId, list);
      return list.length;
    },

    /** Stops the running import unless it has begun saving; says which happened. */
    cancelImport: (_args: Record<string, never>): CancelAnswer => running?.cancel() ?? 'stopped',

    /**
     * Imports files at their relative paths (those staged under `stagedId` first); `zips` are
     * unpacked with their entry names as paths.
     */

    importFiles: async (
      args: { files: ImportSource[]; zips?: File[]; stagedId?: number },
      ctx: Ctx,
    ) => {
      const earlier = args.stagedId === undefined ? [] : (staged.get(args.stagedId) ?? []);
      if (args.stagedId !== undefined) staged.delete(args.stagedId);
      const files = [...earlier, ...args.files];
      return underControl((control) => importAll(files, args.zips ?? [], ctx, control));
    },

    /**
     * Imports a folder picked with `showDirectoryPicker`: the walk happens here, so the main
     * thread never builds a list of thousands of files.
     */
    importDirectory: async (args: { handle: FileSystemDirectoryHandle }, ctx: Ctx) => {
      return underControl(async (control) => {
        const files = await walkDirectory(args.handle, (count) => {
          control.checkpoint();
          ctx.emit('progress', { phase: 'reading', done: 0, total: count });
        });
        return importAll(files, [], ctx, control);
      });
    },

    /**
     * Every live note and attachment at its path with its exact bytes, and the manifest at the
     * root, zipped into a Blob (which crosses to the page without copying its bytes).
     */
    exportZip: (_args: Record<string, never>): Promise<Blob> => exportVaultZip(),
  };
}

export type VaultHandlers = ReturnType<typeof createVaultHandlers>;
