// The words the model reads in the system message: the blocks' headers, the instructions to cite,
// and how one memory, passage or attached file is written. Kept apart from the budget arithmetic in
// prompt-layout.ts, which only measures these texts, so wording can change without reading the
// planner; and an item is counted exactly as it is sent because both use the same renderers.
import type { TokenCounter } from './token-count';

export interface LayoutMemory {
  id: string;
  text: string;
}
export interface LayoutPassage {
  id: string;
  title: string;
  headingPath: string[];
  date: string;
  text: string;
}
export interface LayoutAttachment {
  id: string;
  /** The file, folder or zip the user attached. */
  name: string;
  /** The file inside it, when it is not `name` itself. */
  path?: string;
  /** PDF pages the text covers. */
  pages?: { from: number; to: number } | null;
  text: string;
}

export const blockSeparator = '\n\n';
export const memoryHeader = 'What you have told me (things the user asked you to remember):';
export const sourcesHeader = "Sources from the user's notes:";
export const attachmentsHeader = 'Files the user attached to this conversation:';
export const sourcesInstructions =
  'Answer from the numbered sources above and cite each one you use as [n], for example [1] or [2][3]. ' +
  'If the sources do not contain the answer, say so plainly before answering from general knowledge.';
export const attachmentsInstructions =
  'Use the attached files above when they bear on the question, and cite each part you use by its number, for example [1].';

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

export function renderPassage(p: LayoutPassage, n: number): string {
  const where = [oneLine(p.title), p.headingPath.map(oneLine).join(' > '), oneLine(p.date)];
  return `[${n}] ${where.filter(Boolean).join(' · ')}\n${p.text.trim()}`;
}
export const renderMemory = (m: LayoutMemory): string => `- ${oneLine(m.text)}`;
function attachmentHeader(a: Omit<LayoutAttachment, 'id' | 'text'>, n: number): string {
  const where = [`[${n}] Attached file "${oneLine(a.name)}"`];
  if (a.path && a.path !== a.name) where.push(oneLine(a.path));
  if (a.pages) {
    where.push(
      a.pages.from === a.pages.to ? `page ${a.pages.from}` : `pages ${a.pages.from}–${a.pages.to}`,
    );
  }
  return `${where.join(', ')}:`;
}
export const renderAttachment = (a: LayoutAttachment, n: number): string =>
  `${attachmentHeader(a, n)}\n${a.text.trim()}`;

/**
 * What one attachment item costs beyond its text, at most: its header with a four-digit number and
 * page range, the line break and the separator. For choosing attachment passages before layout.
 */
export function attachmentHeaderTokens(counter: TokenCounter, name: string, path: string): number {
  const header = attachmentHeader({ name, path, pages: { from: 9999, to: 9999 } }, 9999);
  return counter.count(`${header}\n`) + counter.count(blockSeparator);
}

/** The system message: persona, conversation prompt, then the kept items' blocks and instructions. */
export function systemText(
  input: { persona: string; systemPrompt: string },
  kept: { memories: LayoutMemory[]; passages: LayoutPassage[]; attachments: LayoutAttachment[] },
): string {
  const blocks = [input.persona.trim(), input.systemPrompt.trim()];
  if (kept.memories.length)
    blocks.push([memoryHeader, ...kept.memories.map(renderMemory)].join('\n'));
  if (kept.passages.length) {
    blocks.push(
      [sourcesHeader, ...kept.passages.map((p, i) => renderPassage(p, i + 1))].join('\n\n'),
    );
  }
  if (kept.attachments.length) {
    const after = kept.passages.length;
    blocks.push(
      [
        attachmentsHeader,
        ...kept.attachments.map((a, i) => renderAttachment(a, after + i + 1)),
      ].join('\n\n'),
    );
  }
  if (kept.passages.length) blocks.push(sourcesInstructions);
  if (kept.attachments.length) blocks.push(attachmentsInstructions);
  return blocks.filter(Boolean).join(blockSeparator);
}
