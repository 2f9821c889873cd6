// A backup's source for tests that write bundles: every kind empty, unless a test fills it.
import type { BundleSource } from '../../src/lib/bundle/bundle-write';

export function bundleSource(over: Partial<BundleSource> = {}): BundleSource {
  return {
    notes: [],
    attachments: [],
    conversations: [],
    messages: [],
    chatAttachments: [],
    chatDocuments: [],
    memories: [],
    drafts: [],
    settings: {},
    models: [],
    ledger: [],
    ...over,
  };
}
