// Hearth's network policy, as data and one decision. The service worker applies it to every
// off-origin request of the page and its workers (src/sw.ts); the page switches it (state/
// network-policy.svelte.ts); it is stored where both reach it, so it holds while the service
// worker is stopped and restarted (db/network-policy-repo.ts).
//
// - sealed: nothing leaves the origin, the model hosts included. The default once a model is
//   installed.
// - open: the model hosts (the hub, where it redirects files, the mirror) and nothing else. Only
//   before any model is installed, or when the user deliberately opens it.
// - download: on top of either, each download the user started holds a grant for its own hosts,
//   for as long as it runs (a lease the page renews, so a closed tab cannot leave one behind).
import { HUB_ORIGIN } from '../llm/net/hosts';
import { isModelHost } from '../llm/net/model-fetch';

export type BaseMode = 'open' | 'sealed';
export type NetworkState = BaseMode | 'download';

export interface DownloadGrant {
  id: string;
  modelKey: string;
  /** What the user asked for, as the ledger shows it ("download tiny-llama"). */
  purpose: string;
  /** Origins the download's files live on, after the mirror (`https://huggingface.co`). */
  origins: string[];
  /** The grant lapses at this time unless renewed. */
  expiresAtMs: number;
}

export interface NetworkPolicy {
  base: BaseMode;
  /** True when the user chose `base` (an automatic default may be tightened on its own). */
  chosenByUser: boolean;
  grants: DownloadGrant[];
  /** The model mirror, which `open` counts as a model host. */
  mirror: string | null;
}

/** Fail closed: with no stored policy (first start, or after a wipe) nothing leaves. */
export const sealedPolicy: NetworkPolicy = {
  base: 'sealed',
  chosenByUser: false,
  grants: [],
  mirror: null,
};

export type Decision =
  { allowed: true; grant: DownloadGrant | null; purpose: string } | { allowed: false; why: string };

export function liveGrants(policy: NetworkPolicy, nowMs: number): DownloadGrant[] {
  return policy.grants.filter((grant) => grant.expiresAtMs > nowMs);
}

export function networkState(policy: NetworkPolicy, nowMs: number): NetworkState {
  return liveGrants(policy, nowMs).length > 0 ? 'download' : policy.base;
}

/** A grant for the hub also covers the hub's file storage, reached only by its redirects. */
function grantCovers(grant: DownloadGrant, url: URL, redirected: boolean): boolean {
  if (grant.origins.includes(url.origin)) return true;
  return redirected && grant.origins.includes(HUB_ORIGIN) && isModelHost(url, null, true);
}

/**
 * May `raw` be fetched now? `raw` is resolved against `base` first, so the decision is about the
 * origin the browser would contact, whatever the text looked like. `redirected` marks the final
 * URL of a followed redirect.
 */
export function decide(
  raw: string,
  base: string,
  policy: NetworkPolicy,
  nowMs: number,
  redirected = false,
): Decision {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return { allowed: false, why: 'the address is not valid' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { allowed: false, why: `${url.protocol} is not a web address` };
  // Credentials in an address are never part of a model download, and hide the real host.
  if (url.username || url.password)
    return { allowed: false, why: 'the address carries a user name or password' };
  const grants = liveGrants(policy, nowMs);
  const grant = grants.find((g) => grantCovers(g, url, redirected));
  if (grant) return { allowed: true, grant, purpose: grant.purpose };
  if (policy.base === 'open' && isModelHost(url, policy.mirror, redirected))
    return { allowed: true, grant: null, purpose: 'network open to model hosts' };
  if (grants.length > 0)
    return { allowed: false, why: 'it is not a host of the download you started' };
  return {
    allowed: false,
    why:
      policy.base === 'sealed' ? 'the network is sealed' : 'it is not a model host (network open)',
  };
}
