// Where a model's files live, per engine: the URLs a download of it may fetch under (before the
// mirror rewrites them). The model worker checks each request against them; the page grants the
// service worker the same hosts for the download's duration (state/network-policy.svelte.ts).
import type { ModelSpec } from '../types';
import { HUB_ORIGIN } from './hosts';
import { isModelHost, mirrorUrl } from './model-fetch';

/** URL prefixes (or single files) the download of `spec` fetches under, before the mirror. */
export function downloadSources(spec: ModelSpec): string[] {
  if (spec.engine === 'webllm') {
    const weights = spec.modelUrl.endsWith('/') ? spec.modelUrl : `${spec.modelUrl}/`;
    return [weights, spec.modelLibUrl];
  }
  return [`${HUB_ORIGIN}/${spec.repo}/`];
}

/**
 * The origins a download of `spec` may reach, after the mirror. A stored custom model whose URLs
 * point anywhere else gets no origin for them (its files are then refused): stored specs are
 * checked again at every download, not only when they were added.
 */
export function downloadOrigins(spec: ModelSpec, mirror: string | null): string[] {
  const origins = new Set<string>();
  for (const source of downloadSources(spec)) {
    try {
      const url = mirrorUrl(new URL(source), mirror);
      if (isModelHost(url, mirror, false)) origins.add(url.origin);
    } catch {
      // Not a URL, or a path that leaves the mirror: no origin, so nothing of it is fetched.
    }
  }
  return [...origins];
}
