// The vault worker: import and export of the whole vault, off the main thread.
import { serve } from '../lib/rpc/server';
import {
  createVaultHandlers,
  type VaultEvents,
  type VaultHandlers,
} from '../lib/vault/vault-handlers';

// This file runs as a dedicated worker, but the project's type library is DOM, which types `self`
// as a Window: its postMessage has the worker's shape at run time.
const port = self as unknown as Parameters<typeof serve>[0];
serve<VaultHandlers, VaultEvents>(port, createVaultHandlers());
