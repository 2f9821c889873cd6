// Upstream updates, offered and never applied on their own. "Check for update" asks the hub which
// commit `main` points at now; when it is not the installed commit, the Models view offers
// "Update to <commit>", which downloads that commit next to the installed one (see
// model-downloads.svelte.ts). Nothing here runs without the user's click.
import { errorMessage } from '../errors';
import { isCommitSha } from '../llm/net/hub-revision';
import type { CatalogEntry, EngineKind, InstalledModel, ModelStoreBackend } from '../llm/types';

export type UpdateCheck =
  | { state: 'checking' }
  | { state: 'current'; revision: string }
  | { state: 'available'; revision: string }
  | { state: 'failed'; error: string };

export interface ModelUpdatesDeps {
  engineFor(kind: EngineKind): Promise<Pick<ModelStoreBackend, 'resolveRevision'>>;
  download(entry: CatalogEntry): Promise<void>;
  entryFor(model: InstalledModel): CatalogEntry;
  /** Opens the network to the model's hosts for the check (the user's click); returns the close. */
  openFor(model: InstalledModel): Promise<() => Promise<void>>;
}

export class ModelUpdates {
  checks = $state.raw<Record<string, UpdateCheck>>({});
  #deps: ModelUpdatesDeps;

  constructor(deps: ModelUpdatesDeps) {
    this.#deps = deps;
  }

  #set(key: string, check: UpdateCheck): void {
    this.checks = { ...this.checks, [key]: check };
  }

  /** Asks the hub for the commit `main` points at now; downloads nothing. */
  async check(model: InstalledModel): Promise<void> {
    if (model.source === 'import') return;
    this.#set(model.key, { state: 'checking' });
    let close: (() => Promise<void>) | null = null;
    try {
      const engine = await this.#deps.engineFor(model.spec.engine);
      close = await this.#deps.openFor(model);
      const revision = await engine.resolveRevision(model.spec, 'main');
      this.#set(
        model.key,
        revision === model.spec.revision
          ? { state: 'current', revision }
          : { state: 'available', revision },
      );
    } catch (error) {
      this.#set(model.key, { state: 'failed', error: errorMessage(error) });
    } finally {
      await close?.();
    }
  }

  /** Downloads the commit the last check found; the installed one stays until it is complete. */
  async apply(model: InstalledModel): Promise<void> {
    const check = this.checks[model.key];
    if (check?.state !== 'available' || !isCommitSha(check.revision)) return;
    const entry = this.#deps.entryFor(model);
    const { [model.key]: _done, ...rest } = this.checks;
    this.checks = rest;
    await this.#deps.download({ ...entry, spec: { ...model.spec, revision: check.revision } });
  }
}
