// Attachments in a chat, through the tray in the composer, in real Chromium: a generated PDF (read
// by pdf.js in its own worker, under the app's CSP), a zip of a small code tree, a folder, a binary
// and an encrypted PDF. What is kept is listed and stored with the chat (checked in IndexedDB
// directly), what is refused says why, hostile names stay text, and deleting the chat deletes
// every row of its attachments (Undo brings them back). Then, with the tiny Llama, a question in a
// chat with attachments: their passages are in the request the engine worker received and are
// listed under the answer, numbered as the model saw them.
import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { readAll } from './idb';
import { ChatPage, importTinyLlama } from './pages/chat-page';
import { appWorker, recordChatRequests, recordedChatRequests } from './pages/worker-rpc';
import type { ChatMessage } from '../../src/lib/llm/types';
import { AttachmentTray, type PickedPayload } from './pages/attachment-tray';
import { patient } from './patience';
import { SAMPLE, makeEncryptedPdf, makeSamplePdf } from '../fixtures/make-pdf';

interface AttachmentRow {
  id: string;
  conversationId: string;
  name: string;
  kind: string;
  fileCount: number;
  pageCount: number;
  refused: { path: string; reason: string }[];
  skippedCount: number;
}
interface DocRow {
  attachmentId: string;
  conversationId: string;
  path: string;
  text: string;
}
interface ChunkRow {
  attachmentId: string;
  conversationId: string;
  start: number;
  end: number;
  page?: number;
}

const HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">.md';

const codeTree = {
  'demo/README.md': '# Demo\n\nA tiny repository about sourdough timers.\n',
  'demo/src/timer.ts': 'export function feedEvery(hours: number) {\n  return hours * 3600;\n}\n',
  'demo/src/util.py': 'def add(a, b):\n    return a + b\n',
  'demo/data/feeds.csv': 'day,grams\nmon,50\ntue,55\n',
  'demo/node_modules/left-pad/index.js': 'module.exports = 1;\n',
  'demo/.git/HEAD': 'ref: refs/heads/main\n',
  'demo/logo.png': '\x89PNG\r\n\x1a\n',
};

const payload = (name: string, mimeType: string, bytes: Uint8Array): PickedPayload => ({
  name,
  mimeType,
  buffer: Buffer.from(bytes),
});

const binary = Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0);

async function rows(page: Page) {
  return {
    attachments: await readAll<AttachmentRow>(page, 'chatAttachments'),
    docs: await readAll<DocRow>(page, 'chatAttachmentDocs'),
    chunks: await readAll<ChunkRow>(page, 'chatAttachmentChunks'),
  };
}

test.describe('chat attachments', () => {
  // The patience fixture stretches this by the load; stretching it here too squared the factor.
  test.describe.configure({ timeout: 120_000 });

  test('attach a PDF, a code zip and a folder; refuse a binary and an encrypted PDF; delete with the chat', async ({
    page,
  }) => {
    const chat = new ChatPage(page);
    const tray = new AttachmentTray(page);
    await chat.open();
    await expect(tray.attachFiles).toBeVisible();

    // One pick: a new chat is created for it, and each file becomes its own attachment.
    await tray.pickFiles([
      payload('garden-report.pdf', 'application/pdf', makeSamplePdf()),
      payload(
        'demo.zip',
        'application/zip',
        zipSync(
          Object.fromEntries(Object.entries(codeTree).map(([p, c]) => [p, strToU8(c, true)])),
        ),
      ),
      payload('firmware.dat', 'application/octet-stream', binary),
      payload('locked.pdf', 'application/pdf', makeEncryptedPdf()),
      payload(HOSTILE_NAME, 'text/markdown', strToU8('# Hostile\n\nJust text.\n')),
    ]);

    await expect(tray.items).toHaveCount(3, { timeout: patient(60_000) });
    await expect(tray.pending).toHaveCount(0);
    await expect(tray.refused).toHaveCount(2);
    await expect(tray.refusal('firmware.dat').getByTestId('attachment-reason')).toContainText(
      'binary file',
    );
    await expect(tray.refusal('locked.pdf').getByTestId('attachment-reason')).toContainText(
      'password-protected',
    );
    await expect(tray.item('garden-report.pdf')).toContainText('2 pages');
    await expect(tray.item('demo.zip')).toContainText('4 files');
    await expect(tray.item('demo.zip')).toContainText('1 file not read');
    // The hostile name is shown as the text it is, and nothing ran.
    await expect(tray.item(HOSTILE_NAME)).toBeVisible();
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined();
    await expect(page.locator('img[src="x"]')).toHaveCount(0);

    // Labelled, keyboard-reachable and readable in both colour schemes, refusals included.
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const results = await new AxeBuilder({ page })
        .include('section[aria-label="Attachments"]')
        .analyze();
      expect(
        results.violations.map(
          (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        ),
      ).toEqual([]);
    }
    await tray.attachFiles.focus();
    await page.keyboard.press('Tab');
    await expect(tray.attachFolder).toBeFocused();

    await expect(page).toHaveURL(/\/chat\/[^/]+$/);
    const conversations = await readAll<{ id: string }>(page, 'conversations');
    expect(conversations).toHaveLength(1);
    const conversationId = conversations[0]!.id;

    const stored = await rows(page);
    expect(stored.attachments.map((a) => a.name).sort()).toEqual(
      [HOSTILE_NAME, 'demo.zip', 'garden-report.pdf'].sort(),
    );
    expect(stored.attachments.every((a) => a.conversationId === conversationId)).toBe(true);
    const byName = (name: string) => stored.attachments.find((a) => a.name === name)!;
    expect(byName('garden-report.pdf')).toMatchObject({ kind: 'file', pageCount: 2, fileCount: 1 });
    expect(byName('demo.zip')).toMatchObject({ kind: 'zip', fileCount: 4, skippedCount: 2 });
    expect(byName('demo.zip').refused).toEqual([
      { path: 'demo/logo.png', reason: expect.stringMatching(/image/) },
    ]);
    const pdfDoc = stored.docs.find((d) => d.attachmentId === byName('garden-report.pdf').id)!;
    expect(pdfDoc.text.split('\n')[0]).toBe(SAMPLE.heading);
    for (const line of SAMPLE.nonLatin) expect(pdfDoc.text).toContain(line);
    expect(
      stored.docs
        .filter((d) => d.attachmentId === byName('demo.zip').id)
        .map((d) => d.path)
        .sort(),
    ).toEqual(['demo/README.md', 'demo/data/feeds.csv', 'demo/src/timer.ts', 'demo/src/util.py']);
    expect(
      new Set(
        stored.chunks
          .filter((c) => c.attachmentId === byName('garden-report.pdf').id)
          .map((c) => c.page),
      ),
    ).toEqual(new Set([1, 2]));
    expect(stored.docs.every((d) => d.conversationId === conversationId)).toBe(true);

    // A folder, picked through the folder chooser: dependency folders are skipped.
    const dir = mkdtempSync(path.join(tmpdir(), 'hearth-attach-'));
    try {
      const root = path.join(dir, 'notes-folder');
      for (const [file, content] of Object.entries({
        'a.md': '# A\n',
        'sub/b.txt': 'bee\n',
        'node_modules/x/index.js': 'x\n',
      })) {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), content);
      }
      await tray.pickFolder(root);
      await expect(tray.item('notes-folder')).toContainText('2 files', {
        timeout: patient(30_000),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // Dropped on the composer, a file becomes an attachment of this chat, not a vault import.
    await page.locator('form.composer').evaluate((form) => {
      const dt = new DataTransfer();
      dt.items.add(new File(['dropped text about rye\n'], 'dropped.txt', { type: 'text/plain' }));
      form.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
      form.dispatchEvent(
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
    });
    await expect(tray.item('dropped.txt')).toBeVisible({ timeout: patient(30_000) });
    expect(await readAll(page, 'notes')).toEqual([]);
    await tray.region.getByRole('button', { name: 'Remove dropped.txt' }).click();
    await expect(tray.item('dropped.txt')).toHaveCount(0);

    // Removing one attachment removes its rows only.
    await tray.region.getByRole('button', { name: `Remove ${HOSTILE_NAME}` }).click();
    await expect(tray.items).toHaveCount(3);
    await expect
      .poll(async () => (await rows(page)).attachments.map((a) => a.name).sort())
      .toEqual(['demo.zip', 'garden-report.pdf', 'notes-folder']);

    // Deleting the chat deletes every row of its attachments; Undo brings them back.
    const before = await rows(page);
    await chat.list.getByRole('button', { name: 'Delete “New chat”' }).click();
    await expect
      .poll(async () => Object.values(await rows(page)).map((r) => r.length))
      .toEqual([0, 0, 0]);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect
      .poll(async () => Object.values(await rows(page)).map((r) => r.length))
      .toEqual(Object.values(before).map((r) => r.length));
    await chat.list.getByRole('button', { name: 'Delete “New chat”' }).click();
    await expect
      .poll(async () => Object.values(await rows(page)).map((r) => r.length))
      .toEqual([0, 0, 0]);
  });

  test('attached PDF and code zip go into the prompt and are listed as sources under the answer', async ({
    page,
  }) => {
    test.setTimeout(patient(300_000));
    const chat = new ChatPage(page);
    const tray = new AttachmentTray(page);
    await importTinyLlama(page, 24);
    await chat.open();
    await tray.pickFiles([
      payload('garden-report.pdf', 'application/pdf', makeSamplePdf()),
      payload(
        'demo.zip',
        'application/zip',
        zipSync(
          Object.fromEntries(Object.entries(codeTree).map(([p, c]) => [p, strToU8(c, true)])),
        ),
      ),
    ]);
    await expect(tray.items).toHaveCount(2, { timeout: patient(60_000) });
    await expect(tray.pending).toHaveCount(0);

    // No notes in the vault, so "Use my notes" is off: the attachments go in all the same.
    const question = 'How warm was the greenhouse, and how often does feedEvery run?';
    await chat.send(question);
    await chat.waitForAnswer('done', 120_000);
    // Asked again once the engine worker exists, so its recording sees the request.
    const engine = await appWorker(page, /llm-transformers/);
    await recordChatRequests(engine);
    await chat.send(question);
    await expect(chat.answers).toHaveCount(2);
    await chat.waitForAnswer('done', 120_000);
    const received = (await recordedChatRequests<{ messages: ChatMessage[] }>(engine)).at(-1)!;
    const system = received.messages[0]!;
    expect(system.role).toBe('system');
    expect(system.content).toContain('Files the user attached to this conversation:');
    expect(system.content).toContain(SAMPLE.body[0]);
    expect(system.content).toContain('export function feedEvery');
    expect(system.content).not.toContain("Sources from the user's notes:");

    const answer = chat.answer();
    await expect(answer.getByTestId('answer-source')).toHaveCount(0);
    const sources = answer.getByTestId('attachment-source');
    const shown = await sources.evaluateAll((nodes) =>
      nodes.map((n) => ({
        n: Number(n.getAttribute('data-n')),
        name: n.querySelector('[data-testid="attachment-source-name"]')?.textContent ?? '',
        snippet: n.querySelector('[data-testid="attachment-source-snippet"]')?.textContent ?? '',
      })),
    );
    // Numbered 1..n as in the prompt (no notes' passages before them), each named there.
    expect(shown.map((s) => s.n)).toEqual(shown.map((_, i) => i + 1));
    expect(shown.some((s) => /^garden-report\.pdf, pages? 1/.test(s.name))).toBe(true);
    expect(shown.some((s) => s.name === 'demo.zip › demo/src/timer.ts')).toBe(true);
    const flat = system.content.replace(/\s+/g, ' ');
    for (const s of shown) {
      const [file, inner] = s.name.replace(/, pages? [\d–]+$/, '').split(' › ');
      expect(system.content).toContain(
        `[${s.n}] Attached file "${file}"${inner ? `, ${inner}` : ''}`,
      );
      expect(s.snippet.length).toBeGreaterThan(0);
      expect(flat).toContain(s.snippet.replace(/…$/, ''));
    }

    // The inspector counts the attachments' tokens and shows exactly what the worker received.
    const inspector = answer.getByTestId('context-inspector');
    await inspector.locator('summary').click();
    const attachmentsRow = inspector.getByRole('row').filter({
      has: page.getByRole('rowheader', { name: 'attachments', exact: true }),
    });
    await expect(attachmentsRow).toHaveCount(1);
    expect(Number(await attachmentsRow.getByRole('cell').textContent())).toBeGreaterThan(0);
    const texts = await inspector
      .getByTestId('inspector-message')
      .evaluateAll((nodes) =>
        nodes.map((n) => ({ role: n.getAttribute('data-role'), content: n.textContent })),
      );
    expect(texts).toEqual(received.messages.map((m) => ({ role: m.role, content: m.content })));
  });
});
