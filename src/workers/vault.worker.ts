// The vault worker: import and export of the whole vault, and backups of all personal state (the
// bundle), off the main thread.
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

serve<VaultHandlers & BundleHandlers, VaultEvents & BundleEvents>(self, {
  ...createVaultHandlers(),
  ...createBundleHandlers(),
});
