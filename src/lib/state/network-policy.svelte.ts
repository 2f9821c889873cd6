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
  /** Re-reads when the nearest grant would lapse, so a dead tab's download stops showing. */
  #lapse: ReturnType<typeof setTimeout> | undefined;

  /** Reads the stored policy (writing the default on a first start) and follows other tabs. */
  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    const channel = new BroadcastChannel(POLICY_CHANNEL);
    channel.onmessage = () => this.#refresh().catch(reportError);
    await networkSettings.load();
    const installed = (await listInstalledModels()).some((m) => m.complete);
    const mirror = networkSettings.mirror;
    // Written at every start: the default on a first one, the mirror as set now, and a network
    // nobody chose to open sealed if a model arrived meanwhile (a restore, another tab).
    this.#show(
      await updatePolicy((current) => {
        const policy = dropLapsed(
          current ?? { ...sealedPolicy, base: installed ? 'sealed' : 'open' },
        );
        const seal = installed && policy.base === 'open' && !policy.chosenByUser;
        return { ...policy, base: seal ? 'sealed' : policy.base, mirror };
      }),
    );
    networkSettings.onChange(({ mirror: next }) => {
      this.#change((p) => ({ ...p, mirror: next })).catch(reportError);
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
      this.#change((p) => ({ ...p, grants: [...others(p), lease()] })).catch(reportError);
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
    clearTimeout(this.#lapse);
    const nextLapseMs = Math.min(...liveGrants(policy, this.#readAtMs).map((g) => g.expiresAtMs));
    if (Number.isFinite(nextLapseMs))
      this.#lapse = setTimeout(
        () => void this.#refresh().catch(reportError),
        nextLapseMs - Date.now() + 1000,
      );
  }
}

/** Grants whose lease ran out are removed at the next write. */
function dropLapsed(policy: NetworkPolicy): NetworkPolicy {
  return { ...policy, grants: liveGrants(policy, Date.now()) };
}

export const networkPolicy = new NetworkPolicyState();
