// Hearth's start, loaded by the entry (src/main.ts) while index.html's static shell is on screen:
// runs a requested wipe, then mounts the app and starts what runs beside it.
import { mount } from 'svelte';
import App from './App.svelte';
import { pwa } from './lib/state/pwa.svelte';
import { toasts } from './lib/state/toasts.svelte';
import { errorMessage } from './lib/errors';
import { retention } from './lib/state/retention.svelte';
import { scheduledBackup } from './lib/state/scheduled-backup.svelte';
import { networkPolicy } from './lib/state/network-policy.svelte';
import { followWipes, takeWipeOutcome, wipeIfRequested } from './lib/storage/wipe-everything';

/** Starts the app, unless a requested "Delete everything" runs first (the page then reloads). */
export async function start(): Promise<void> {
  // The wipe runs before anything opens storage.
  if (await wipeIfRequested()) return;
  followWipes();
  const wiped = takeWipeOutcome();
  if (wiped !== null)
    queueMicrotask(() =>
      wiped.failed === ''
        ? toasts.show(
            wiped.asked
              ? 'Everything Hearth kept in this browser was deleted.'
              : 'Everything Hearth kept in this browser was deleted, from another tab.',
          )
        : toasts.error(`Some of Hearth's data could not be deleted: ${wiped.failed}`),
    );
  const target = document.getElementById('app');
  if (!target) throw new Error('Hearth cannot start: #app is missing from index.html.');
  target.replaceChildren(); // The static shell index.html painted first.
  mount(App, { target });
  // Benchmarks read this mark: the shell is rendered and handles input from here on.
  performance.mark('hearth:interactive');
  pwa.register();
  networkPolicy.start().catch((error: unknown) => toasts.error(errorMessage(error)));
  retention.start();
  scheduledBackup.start();
}
