// Service worker registration with an in-app prompt when a new version is waiting.
import { registerSW } from 'virtual:pwa-register';

class Pwa {
  needRefresh = $state(false);
  offlineReady = $state(false);
  #update: ((reload?: boolean) => Promise<void>) | null = null;

  register(): void {
    if (!('serviceWorker' in navigator)) return;
    this.#update = registerSW({
      immediate: true,
      onNeedRefresh: () => (this.needRefresh = true),
      onOfflineReady: () => (this.offlineReady = true),
    });
  }

  async reload(): Promise<void> {
    this.needRefresh = false;
    await this.#update?.(true);
  }

  dismiss(): void {
    this.needRefresh = false;
  }
}

export const pwa = new Pwa();
