// The model mirror: a base URL on the user's own server that replaces the Hugging Face hub (and
// web-llm's model-library host) for downloads. The browser, not Hearth, decides which origins a
// page may contact: the Content-Security-Policy lists them, and only whoever serves Hearth can
// extend it (HEARTH_MODEL_MIRRORS at build or serve time, see vite.config.ts). So a mirror on an
// origin the policy does not list is saved but flagged: downloads through it would be blocked.
import { readSetting, writeSetting } from '../db/models-repo';
import { connectSources, documentPolicy, originAllowed } from '../llm/csp-allow';
import { parseMirror } from '../llm/mirror-url';
import type { NetworkSettings } from '../llm/types';

const MIRROR_KEY = 'mirror';

class NetworkSettingsState {
  mirror = $state<string | null>(null);
  #loaded: Promise<void> | null = null;
  #listeners = new Set<(settings: NetworkSettings) => void>();

  /** Reads the saved setting once; later calls share the first read. */
  load(): Promise<void> {
    this.#loaded ??= readSetting<string | null>(MIRROR_KEY, null).then((value) => {
      this.mirror = value;
    });
    return this.#loaded;
  }

  get settings(): NetworkSettings {
    return { mirror: this.mirror };
  }

  /** Validates, saves and applies to the model workers; throws InvalidMirrorError. */
  async setMirror(text: string): Promise<void> {
    const mirror = parseMirror(text);
    await this.load();
    await writeSetting(MIRROR_KEY, mirror);
    this.mirror = mirror;
    for (const listener of this.#listeners) listener(this.settings);
  }

  onChange(listener: (settings: NetworkSettings) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The origins this page may fetch from, or null when no policy restricts it (dev server). */
  allowedSources(): string[] | null {
    const policy = documentPolicy(document);
    return policy === null ? null : connectSources(policy);
  }

  /** A warning to show when the browser would block `mirror`, else null. */
  blockedWarning(mirror: string | null): string | null {
    if (!mirror) return null;
    const sources = this.allowedSources();
    const url = new URL(mirror);
    if (sources === null || originAllowed(url, sources, location.origin)) return null;
    return (
      `This browser will block ${url.origin}: Hearth may only contact its own address and the origins ` +
      'listed in its Content-Security-Policy. Ask whoever serves Hearth to add the mirror to ' +
      `HEARTH_MODEL_MIRRORS (for example HEARTH_MODEL_MIRRORS="${url.origin}") and rebuild, or serve the ` +
      'mirror from Hearth’s own address.'
    );
  }
}

export const networkSettings = new NetworkSettingsState();
