// The store's side of the Hearth bundle: reading all personal state for a backup, what is here
// for a restore to match against, and the restore itself, in one transaction: a full disk, a
// failure or a closed tab leaves everything as it was.
import type { BundleAttachment, BundleNote, BundleSource } from '../bundle/bundle-write';
import {
  isDeviceSetting,
  ledgerKey,
  type ExistingState,
  type RestorePlan,
} from '../bundle/restore-plan';
import { isRefusedWrite, StorageFullError } from '../errors';
import { attachmentRows } from './attachments-repo';
import { getDb, type HearthDb } from './db';
import { splitRecord } from './note-rows';
import { indexTables, writeRestoredIndex } from './index-restore';

/** Everything a backup holds, read in one snapshot; attachment bytes are read when written. */
export async function readBundleSource(): Promise<BundleSource> {
  const db = getDb();
  // By name: Dexie's typings recurse without end over the message table's nested versions.
  const names = [
    'notes',
    'bodies',
    'attachments',
    'conversations',
    'messages',
    'chatAttachments',
    'chatAttachmentDocs',
    'memories',
    'drafts',
    'settings',
    'models',
    'requests',
  ] satisfies (keyof HearthDb)[];
  return db.transaction('r', names, async () => {
    const notes = await db.notes.toArray();
    const bodies = await db.bodies.bulkGet(notes.map((n) => n.id));
    const bundleNotes: BundleNote[] = notes.map((note, i) => ({
      id: note.id,
      path: note.path,
      createdAt: note.createdAt,
      updatedAt: note.updatedAt,
      deletedAt: note.deletedAt,
      ...(note.importedHash ? { importedHash: note.importedHash } : {}),
      content: bodies[i]?.content ?? '',
    }));
    const attachments: BundleAttachment[] = (await db.attachments.toArray()).map((record) => ({
      ...record,
      bytes: async () => {
        const row = await getDb().attachmentBlobs.get(record.id);
        // A record without bytes cannot be backed up faithfully: say so, never write it empty.
        if (!row) throw new Error(`The bytes of “${record.path}” are missing from storage.`);
        return new Uint8Array(await row.blob.arrayBuffer());
      },
    }));
    const settings = Object.fromEntries(
      (await db.settings.toArray())
        .filter((row) => !isDeviceSetting(row.key))
        .map((row) => [row.key, row.value]),
    );
    return {
      notes: bundleNotes,
      attachments,
      conversations: await db.conversations.toArray(),
      messages: await db.messages.toArray(),
      chatAttachments: await db.chatAttachments.toArray(),
      chatDocuments: await db.chatAttachmentDocs.toArray(),
      memories: await db.memories.toArray(),
      drafts: await db.drafts.toArray(),
      settings,
      models: await db.models.toArray(),
      ledger: await db.requests.toArray(),
    };
  });
}

const keysOf = async (table: { toCollection(): { primaryKeys(): Promise<unknown[]> } }) =>
  new Set((await table.toCollection().primaryKeys()) as string[]);

export async function readExistingState(): Promise<ExistingState> {
  const db = getDb();
  const [notes, attachments, requests] = await Promise.all([
    db.notes.toArray(),
    db.attachments.toArray(),
    db.requests.toArray(),
  ]);
  return {
    notes: notes.map(({ id, path, hash }) => ({ id, path, hash })),
    attachments: attachments.map(({ id, path, hash }) => ({ id, path, hash })),
    conversationIds: await keysOf(db.conversations),
    messageIds: await keysOf(db.messages),
    chatAttachmentIds: await keysOf(db.chatAttachments),
    chatDocumentIds: await keysOf(db.chatAttachmentDocs),
    memoryIds: await keysOf(db.memories),
    draftIds: await keysOf(db.drafts),
    settingKeys: await keysOf(db.settings),
    ledgerKeys: new Set(requests.map(ledgerKey)),
  };
}

export class RestoreStorageFullError extends StorageFullError {
  constructor(options?: ErrorOptions) {
    super('the restore', options);
    this.message =
      "Restore failed: this browser's storage for Hearth is full, so nothing was restored and " +
      'everything here is as it was. Free some space (empty the trash, delete models you do not ' +
      'use) and try again.';
  }
}

/**
 * Writes the plan in one transaction. Replace clears this device's notes, attachments, chats,
 * memory, drafts and (but for the device's own) settings in that same transaction, so the old
 * state goes only if the new one is in. The backup's semantic index, when the plan uses it, is
 * written in the same transaction; otherwise the index is rebuilt after (vault-reset).
 */
export async function applyRestore(plan: RestorePlan): Promise<void> {
  const db = getDb();
  const attachmentWrites = plan.attachments.map(({ record, blob }) =>
    attachmentRows({ record, blob }),
  );
  const tables = [
    'notes',
    'bodies',
    'meta',
    'attachments',
    'attachmentBlobs',
    'conversations',
    'messages',
    'chatAttachments',
    'chatAttachmentDocs',
    'chatAttachmentChunks',
    'memories',
    'memoryVectors',
    'drafts',
    'settings',
    'requests',
    'models',
  ] satisfies (keyof HearthDb)[];
  // Cleared by a replace; settings lose all but the device's own, the ledger is history, and the
  // models here stay (a backup's models are added beside them).
  const kept = new Set(['settings', 'requests', 'models']);
  const replaced = tables.filter((name) => !kept.has(name));
  const index = plan.index && plan.index.chunks.length > 0 ? plan.index : null;
  try {
    await db.transaction('rw', index ? [...tables, ...indexTables] : tables, async () => {
      if (plan.mode === 'replace') {
        for (const name of replaced) await db.table(name).clear();
        const settingKeys = await db.settings.toCollection().primaryKeys();
        await db.settings.bulkDelete(settingKeys.filter((key) => !isDeviceSetting(key)));
      }
      const notes = plan.notes.map(splitRecord);
      await db.notes.bulkPut(notes.map((n) => n.note));
      await db.bodies.bulkPut(notes.map((n) => n.body));
      await db.attachments.bulkPut(attachmentWrites.map((w) => w.record));
      await db.attachmentBlobs.bulkPut(attachmentWrites.map((w) => w.blob));
      await db.conversations.bulkPut(plan.conversations);
      await db.messages.bulkPut(plan.messages);
      await db.chatAttachments.bulkPut(plan.chatAttachments);
      await db.chatAttachmentDocs.bulkPut(plan.chatDocuments);
      await db.chatAttachmentChunks.bulkPut(plan.chatChunks);
      await db.memories.bulkPut(plan.memories);
      await db.drafts.bulkPut(plan.drafts);
      await db.settings.bulkPut(plan.settings);
      await db.requests.bulkAdd(plan.ledger);
      // Their files are in Cache Storage already, checked against these very records.
      await db.models.bulkPut(plan.models.map((m) => m.model));
      if (index) await writeRestoredIndex(db, index, plan.mode === 'replace');
    });
  } catch (error) {
    if (isRefusedWrite(error)) throw new RestoreStorageFullError({ cause: error });
    throw error;
  }
}

/** When anything a backup holds last changed: the newest note, chat or memory write. */
export async function lastChangeAt(): Promise<number> {
  const db = getDb();
  const [note, conversation, memory] = await Promise.all([
    db.notes.orderBy('updatedAt').last(),
    db.conversations.orderBy('updatedAt').last(),
    db.memories.orderBy('updatedAt').last(),
  ]);
  return Math.max(note?.updatedAt ?? 0, conversation?.updatedAt ?? 0, memory?.updatedAt ?? 0);
}
