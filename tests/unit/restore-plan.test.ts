// What a restore writes, decided before anything is: replace takes the bundle's records whole,
// merge adds what is missing and keeps both texts of a note that differs, and neither carries this
// device's own settings or duplicates the request ledger.
import { describe, expect, it } from 'vitest';
import { planRestore, type ExistingState } from '../../src/lib/bundle/restore-plan';
import { existingState } from './existing-state';
import type { BundleContents } from '../../src/lib/bundle/bundle-read';
import { sha256Hex } from '../../src/lib/vault/hash';

const t = Date.UTC(2026, 11, 6, 12);

function contents(): BundleContents {
  return {
    manifest: {} as BundleContents['manifest'],
    notes: [
      {
        id: 'n1',
        path: 'Sleep.md',
        createdAt: t,
        updatedAt: t,
        deletedAt: 0,
        content: '# Sleep\n7 h',
      },
      { id: 'n2', path: 'Trip.md', createdAt: t, updatedAt: t, deletedAt: 0, content: '# Trip' },
    ],
    attachments: [],
    conversations: [{ id: 'c1', title: 'Chat', createdAt: t, updatedAt: t }],
    messages: [
      { id: 'm1', conversationId: 'c1', role: 'user', content: 'Hi', createdAt: t },
      {
        id: 'm2',
        conversationId: 'c1',
        role: 'assistant',
        content: 'Later, elsewhere',
        createdAt: t + 1,
      },
    ],
    chatAttachments: [],
    chatDocuments: [],
    memories: [
      { id: 'me1', text: 'Vegetarian.', createdAt: t, updatedAt: t },
      { id: 'me2', text: 'Runs.', createdAt: t, updatedAt: t },
    ],
    drafts: [],
    settings: {
      persona: 'Kind',
      'vault-id': 'theirs',
      'memory.device:x': { device: 'wasm' },
      'memory.serving': 'transformers:theirs',
      retention: { conversationDays: 1, ledgerDays: null },
    },
    models: [],
    modelFiles: [],
    ledger: [
      {
        seq: 4,
        at: 1,
        host: 'huggingface.co',
        path: '/a',
        bytes: 1,
        status: 200,
        modelKey: 'k',
        reason: 'r',
      },
      {
        seq: 5,
        at: 2,
        host: 'huggingface.co',
        path: '/b',
        bytes: 1,
        status: 200,
        modelKey: 'k',
        reason: 'r',
      },
    ],
    index: null,
  };
}

async function existing(): Promise<ExistingState> {
  return existingState({
    notes: [
      { id: 'n1', path: 'Sleep.md', hash: await sha256Hex('# Sleep\n5 h, on this laptop') },
      { id: 'x9', path: 'Trip.md', hash: await sha256Hex('# Trip') },
    ],
    conversationIds: new Set(['c1']),
    messageIds: new Set(['m1']),
    memoryIds: new Set(['me1']),
    settingKeys: new Set(['persona']),
    ledgerKeys: new Set(['1|huggingface.co|/a']),
  });
}

describe('planRestore', () => {
  it('replace takes every record, derives note metadata, and keeps the device settings out', async () => {
    const plan = await planRestore(contents(), await existing(), 'replace', t);
    expect(plan.notes.map((n) => [n.id, n.path, n.title, n.updatedAt])).toEqual([
      ['n1', 'Sleep.md', 'Sleep', t],
      ['n2', 'Trip.md', 'Trip', t],
    ]);
    expect(plan.notes[0]!.hash).toBe(await sha256Hex('# Sleep\n7 h'));
    expect(plan.memories).toHaveLength(2);
    expect(plan.messages).toHaveLength(2);
    // Retention counts from the arrival here, not from the last use elsewhere.
    expect(plan.conversations[0]!.arrivedAt).toBe(t);
    expect(plan.settings).toEqual([{ key: 'persona', value: 'Kind' }]);
    // History is added to, never replaced: the row seen before is not added twice.
    expect(plan.ledger.map((r) => r.path)).toEqual(['/b']);
    expect(plan.ledger[0]).not.toHaveProperty('seq');
    expect(plan.conflicts).toEqual([]);
  });

  it('merge keeps both texts of a note that differs, skips what is here, and adds the rest', async () => {
    const plan = await planRestore(contents(), await existing(), 'merge', t);
    // Sleep.md differs: the backup's text comes in as a conflict copy; Trip.md is the same text.
    expect(plan.notes).toHaveLength(1);
    const copy = plan.notes[0]!;
    expect(copy.id).not.toBe('n1');
    expect(copy.path).toMatch(/^Sleep \(conflict 2026-12-06 \d\d\.\d\d\)\.md$/);
    expect(copy.content).toContain('7 h');
    expect(plan.conflicts).toEqual([
      {
        kind: 'note',
        what: 'Sleep.md',
        resolution: `kept both: the backup's text is in “${copy.path}”`,
      },
    ]);
    // The conversation is here already and stays as it is; the message it lacks (the chat was
    // continued on the other device) comes in.
    expect(plan.conversations).toEqual([]);
    expect(plan.messages.map((m) => m.id)).toEqual(['m2']);
    expect(plan.memories.map((m) => m.id)).toEqual(['me2']);
    expect(plan.settings).toEqual([]);
    // Trip.md (same text), the conversation and memory me1.
    expect(plan.alreadyHere).toBe(3);
  });
});
