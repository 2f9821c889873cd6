// The network policy as the page sees and switches it. The service worker enforces it (src/sw.ts);
// this class only writes it, through deliberate user actions: sealing or opening it in Settings,
// or starting a model download, which grants that download's hosts while it runs (a lease renewed
// here, so a closed tab's grant lapses on its own). Installing the first model seals a network the
// user never chose to open.
import { readPolicy, updatePolicy, POLICY_CHANNEL } from '../db/network-policy-repo';
import { listInstalledModels } from '../db/models-repo';
import {
  liveGrants,
  networkState,
  sealedPolicy,
  type BaseMode,
  type DownloadGrant,
  type NetworkPolicy,
} from '../net/policy';
import { networkSettings } from './network-settings.svelte';

/** A grant lapses this long after its last renewal; renewed three times within it. */
const leaseMs = 90_000;
const renewEveryMs = 30_000;

class NetworkPolicyState {
  policy = $state.raw<NetworkPolicy>(sealedPolicy);
  /** Re-read on every change so an expired lease shows as gone. */
  #readAtMs = $state(Date.now());
  readonly state = $derived(networkState(this.policy, this.#readAtMs));
  readonly downloads = $derived(liveGrants(this.policy, this.#readAtMs));
  #started: Promise<void> | null = null;

  /** Reads the stored policy (writing the default on a first start) and follows other tabs. */
  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    const channel = new BroadcastChannel(POLICY_CHANNEL);
    channel.onmessage = () => void this.#refresh();
    await networkSettings.load();
    const installed = (await listInstalledModels()).some((m) => m.complete);
    const stored = await readPolicy();
    const mirror = networkSettings.mirror;
    if (stored === null || stored.mirror !== mirror)
      this.#show(
        await updatePolicy((current) => ({
          ...(current ?? { ...sealedPolicy, base: installed ? 'sealed' : 'open' }),
          mirror,
        })),
      );
    else this.#show(stored);
    networkSettings.onChange(({ mirror: next }) => {
      void this.#change((p) => ({ ...p, mirror: next }));
    });
  }

  /** The user's choice of base mode (opening is confirmed in the UI first). */
  choose(base: BaseMode): Promise<void> {
    return this.#change((p) => ({ ...p, base, chosenByUser: true }));
  }

  /** A model is on this device now: a network nobody chose to open is sealed. */
  modelInstalled(): Promise<void> {
    return this.#change((p) =>
      p.base === 'open' && !p.chosenByUser ? { ...p, base: 'sealed' } : p,
    );
  }

  /**
   * Lets a download the user started reach `origins` until the returned function is called (or
   * the tab goes away and the lease runs out).
   */
  async allowDownload(
    grant: Omit<DownloadGrant, 'id' | 'expiresAtMs'>,
  ): Promise<() => Promise<void>> {
    await this.start();
    const id = crypto.randomUUID();
    const lease = (): DownloadGrant => ({ ...grant, id, expiresAtMs: Date.now() + leaseMs });
    const others = (p: NetworkPolicy) => p.grants.filter((g) => g.id !== id);
    await this.#change((p) => ({ ...p, grants: [...others(p), lease()] }));
    const timer = setInterval(() => {
      void this.#change((p) => ({ ...p, grants: [...others(p), lease()] }));
    }, renewEveryMs);
    return async () => {
      clearInterval(timer);
      await this.#change((p) => ({ ...p, grants: others(p) }));
    };
  }

  async #change(edit: (policy: NetworkPolicy) => NetworkPolicy): Promise<void> {
    this.#show(await updatePolicy((current) => dropLapsed(edit(current ?? sealedPolicy))));
  }

  async #refresh(): Promise<void> {
    this.#show((await readPolicy()) ?? sealedPolicy);
  }

  #show(policy: NetworkPolicy): void {
    this.#readAtMs = Date.now();
    this.policy = policy;
  }
}

/** Grants whose lease ran out are removed at the next write. */
function dropLapsed(policy: NetworkPolicy): NetworkPolicy {
  return { ...policy, grants: liveGrants(policy, Date.now()) };
}

export const networkPolicy = new NetworkPolicyState();
