// The vault worker: import and export of the whole vault, off the main thread.
import { serve } from '../lib/rpc/server';
import {
  createVaultHandlers,
  type VaultEvents,
  type VaultHandlers,
} from '../lib/vault/vault-handlers';

serve<VaultHandlers, VaultEvents>(self, createVaultHandlers());
