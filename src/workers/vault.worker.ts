// The vault worker: import and export of the whole vault, backups of all personal state (the
// bundle), and other assistants' history brought home, off the main thread.
import { serve } from '../lib/rpc/server';
import {
  createVaultHandlers,
  type VaultEvents,
  type VaultHandlers,
} from '../lib/vault/vault-handlers';
import {
  createBundleHandlers,
  type BundleEvents,
  type BundleHandlers,
} from '../lib/bundle/bundle-handlers';
import { createHistoryHandlers, type HistoryHandlers } from '../lib/history/history-handlers';

serve<VaultHandlers & BundleHandlers & HistoryHandlers, VaultEvents & BundleEvents>(self, {
  ...createVaultHandlers(),
  ...createBundleHandlers(),
  ...createHistoryHandlers(),
});
