// A catalog entry rebuilt from an installed model's record, so a partial download can be resumed
// even when the catalog no longer lists the model (a custom repo removed, a catalog update).
import { HUB_ORIGIN } from './net/hosts';
import type { CatalogEntry, InstalledModel } from './types';

export function entryForInstalled(model: InstalledModel): CatalogEntry {
  const { spec } = model;
  const hosts =
    spec.engine === 'webllm'
      ? [...new Set([new URL(spec.modelUrl).host, new URL(spec.modelLibUrl).host])]
      : [new URL(HUB_ORIGIN).host];
  return {
    key: model.key,
    name: model.name,
    spec,
    downloadBytes: null,
    downloadBytesExact: false,
    vramMB: spec.engine === 'webllm' ? spec.vramMB : null,
    contextWindow: spec.contextWindow,
    requiresF16: spec.engine === 'webllm' && spec.requiresF16,
    f32Alternative: null,
    hosts,
    strengths: ['chat'],
  };
}

/** The hosts a download will contact, as a person should read them before saying yes. */
export function hostsToContact(entry: CatalogEntry, mirror: string | null): string {
  if (mirror) return `${new URL(mirror).host} (your mirror)`;
  return entry.hosts.join(' and ');
}
