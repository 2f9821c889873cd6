// The exact messages sent for one grounded answer, planned against the model's context window.
// One system message holds the persona, the conversation's prompt, what the user asked Hearth to
// remember, the numbered sources, the attached files and the instructions to cite; then come the
// newest conversation turns that fit, then the question.
//
// Budget = context window − answer reserve. The persona, the conversation prompt and the question
// always go (if they alone do not fit, PromptTooLongError). What is left (R) is shared so that
// neither grounding nor the conversation starves the other:
// - history is first promised what its newest whole turns need, up to `historyShare` of R;
// - memories, then attachments, then passages take what they need from the rest, in rank order,
//   memories at most `memoryShare` of R, attachments at most `attachmentShare` of what memories
//   left when there are passages too (all of it when there are none). The user attached the files
//   to this chat on purpose, so they go before retrieved notes, but cannot crowd them out. So with
//   a conversation going on, passages get at most ~60 % of R; on a first question they may use it all;
// - history then takes everything grounding left, newest turn first.
// Items are whole or left out (never cut mid-sentence), and the kept items of a part are always its
// top-ranked ones: once one does not fit, every lower-ranked one is left out too.
import { HearthError } from '../errors';
import type { ChatMessage } from '../llm/types';
import { messageOverheadTokens, promptOverheadTokens, type TokenCounter } from './token-count';
import {
  attachmentsHeader,
  attachmentsInstructions,
  blockSeparator,
  memoryHeader,
  renderAttachment,
  renderMemory,
  renderPassage,
  sourcesHeader,
  sourcesInstructions,
  systemText,
  type LayoutAttachment,
  type LayoutMemory,
  type LayoutPassage,
} from './prompt-text';

export interface LayoutTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
  status?: 'streaming' | 'done' | 'stopped' | 'error' | undefined;
}

export interface LayoutInput {
  persona: string;
  systemPrompt: string;
  /** Best first, like `passages` and `attachments`. */
  memories: LayoutMemory[];
  passages: LayoutPassage[];
  attachments: LayoutAttachment[];
  /** Oldest first, without the question. */
  history: LayoutTurn[];
  question: string;
  contextWindow: number;
  answerReserve: number;
  counter: TokenCounter;
}

export type PromptPart =
  'system' | 'persona' | 'memory' | 'sources' | 'attachments' | 'history' | 'question';

/**
 * `n` is the `[n]` the model cites for passages and attachments (attachments number on after the
 * passages), and the item's place in its block for memories.
 */
export interface KeptItem {
  id: string;
  n: number;
}
export interface OmittedItem {
  part: PromptPart;
  /** The item's id; for history turns, the turn's index in `input.history`. */
  id: string;
  reason: string;
}

export interface PromptLayout {
  messages: ChatMessage[];
  parts: { part: PromptPart; tokens: number }[];
  budget: number;
  /** Tokens of `messages` with the template overhead; never above `budget`. */
  used: number;
  /**
   * Tokens the attachment items (each with its `attachmentHeaderTokens`) may use in this layout,
   * the block's header already paid: select attachment passages within it, then lay out again.
   */
  attachmentRoom: number;
  kept: { passages: KeptItem[]; memories: KeptItem[]; attachments: KeptItem[] };
  omitted: OmittedItem[];
}

/** The persona, conversation prompt and question alone do not fit the model's window. */
export class PromptTooLongError extends HearthError {
  override name = 'PromptTooLongError';
  constructor(
    readonly neededTokens: number,
    readonly budgetTokens: number,
  ) {
    super(
      `The question and the system prompt need about ${neededTokens} tokens, but this model leaves ` +
        `${Math.max(0, budgetTokens)} for the prompt once the answer's share is set aside. ` +
        'Shorten the question or the persona and conversation prompt, or choose a model with a larger context window.',
    );
  }
}

/** History is promised what its newest turns need, up to this share of the room after the question. */
export const historyShare = 0.4;
/** Memories are short; this stops a long list of them from crowding out the sources. */
export const memoryShare = 0.25;
/** Attachments' most, of what memories leave, when notes' passages are there to share it with. */
export const attachmentShare = 0.5;

const overBudget = 'over budget';
const belowOmitted = 'ranked below an item that did not fit';
const startsWithAnswer = 'would make the conversation start with an answer';

interface Kept {
  memories: LayoutMemory[];
  passages: LayoutPassage[];
  attachments: LayoutAttachment[];
  /** Indices into `input.history`, oldest first. */
  turns: number[];
}

function messagesOf(input: LayoutInput, kept: Kept): ChatMessage[] {
  const system = systemText(input, kept);
  return [
    ...(system ? [{ role: 'system' as const, content: system }] : []),
    ...kept.turns.map((i) => {
      const turn = input.history[i] as LayoutTurn;
      return { role: turn.role, content: turn.content };
    }),
    { role: 'user', content: input.question },
  ];
}

/** Tokens `messages` cost once the chat template wraps them. */
export function promptTokens(messages: ChatMessage[], counter: TokenCounter): number {
  return messages.reduce(
    (sum, m) => sum + counter.count(m.content) + messageOverheadTokens,
    promptOverheadTokens,
  );
}

export function layoutPrompt(input: LayoutInput): PromptLayout {
  const { counter } = input;
  if (!Number.isFinite(input.contextWindow) || !Number.isFinite(input.answerReserve)) {
    throw new RangeError('contextWindow and answerReserve must be finite token counts.');
  }
  const budget = Math.floor(input.contextWindow - input.answerReserve);
  const omitted: OmittedItem[] = [];
  // Every piece also pays for the separator that joins it to the next (an upper bound for '\n').
  const sep = counter.count(blockSeparator);
  const cost = (text: string): number => (text ? counter.count(text) + sep : 0);

  const persona = cost(input.persona.trim());
  const prompt = cost(input.systemPrompt.trim());
  const question = counter.count(input.question) + messageOverheadTokens;
  const fixed = promptOverheadTokens + messageOverheadTokens + persona + prompt + question;
  if (fixed > budget) throw new PromptTooLongError(fixed, budget);
  const room = budget - fixed;

  // Turns a model can take: no system turns (the system message is ours), no failed or empty answers.
  const usable: number[] = [];
  input.history.forEach((turn, i) => {
    const id = String(i);
    if (turn.role === 'system') omitted.push({ part: 'history', id, reason: 'system turn' });
    else if (turn.status === 'error')
      omitted.push({ part: 'history', id, reason: 'failed answer' });
    else if (!turn.content.trim()) omitted.push({ part: 'history', id, reason: 'empty' });
    else usable.push(i);
  });
  const turnCost = (i: number): number =>
    counter.count((input.history[i] as LayoutTurn).content) + messageOverheadTokens;
  const historyWithin = (limit: number): { turns: number[]; tokens: number; leading: number[] } => {
    const turns: number[] = [];
    const leading: number[] = [];
    let tokens = 0;
    for (let k = usable.length - 1; k >= 0; k--) {
      const next = turnCost(usable[k] as number);
      if (tokens + next > limit) break;
      tokens += next;
      turns.unshift(usable[k] as number);
    }
    // A conversation sent to a model starts with the user's turn.
    while (turns.length && input.history[turns[0] as number]?.role === 'assistant') {
      const first = turns.shift() as number;
      tokens -= turnCost(first);
      leading.push(first);
    }
    return { turns, tokens, leading };
  };

  const historyReserve = historyWithin(Math.floor(room * historyShare)).tokens;
  let pool = room - historyReserve;
  const take = <T extends { id: string }>(
    part: PromptPart,
    items: T[],
    header: string,
    render: (item: T, n: number) => string,
    cap: number,
  ): T[] => {
    const kept: T[] = [];
    let used = 0;
    let full = false;
    for (const item of items) {
      const extra = cost(render(item, kept.length + 1)) + (kept.length ? 0 : cost(header));
      if (!full && used + extra <= Math.min(cap, pool)) {
        used += extra;
        kept.push(item);
        continue;
      }
      omitted.push({ part, id: item.id, reason: full ? belowOmitted : overBudget });
      full = true;
    }
    pool -= used;
    return kept;
  };
  const memoryCap = Math.floor(room * memoryShare);
  const memories = take('memory', input.memories, memoryHeader, renderMemory, memoryCap);
  const attachmentsBlock = `${attachmentsHeader}\n\n${attachmentsInstructions}`;
  const attachmentCap = input.passages.length ? Math.floor(pool * attachmentShare) : pool;
  const attachmentRoom = Math.max(0, attachmentCap - cost(attachmentsBlock));
  // Numbered after every passage that may go: never fewer digits than the number finally given.
  const attachments = take(
    'attachments',
    input.attachments,
    attachmentsBlock,
    (a, n) => renderAttachment(a, input.passages.length + n),
    attachmentCap,
  );
  const passages = take(
    'sources',
    input.passages,
    `${sourcesHeader}\n\n${sourcesInstructions}`,
    renderPassage,
    Infinity,
  );
  const history = historyWithin(pool + historyReserve);
  const kept: Kept = { memories, passages, attachments, turns: history.turns };
  for (const i of usable) {
    if (kept.turns.includes(i)) continue;
    const reason = history.leading.includes(i) ? startsWithAnswer : overBudget;
    omitted.push({ part: 'history', id: String(i), reason });
  }

  // The plan summed the parts; an exact tokenizer may count the joined text differently. Until the
  // whole prompt fits, drop what matters least: the oldest turn, then the lowest-ranked item.
  let messages = messagesOf(input, kept);
  let used = promptTokens(messages, counter);
  while (used > budget) {
    const dropped = dropLeast(kept, input);
    if (!dropped.length) throw new PromptTooLongError(used, budget);
    omitted.push(...dropped);
    messages = messagesOf(input, kept);
    used = promptTokens(messages, counter);
  }

  return {
    messages,
    parts: partsOf(input, kept, { persona, prompt, question, cost }),
    budget,
    used,
    attachmentRoom,
    kept: {
      passages: numbered(kept.passages),
      memories: numbered(kept.memories),
      attachments: numbered(kept.attachments, kept.passages.length),
    },
    omitted,
  };
}

const numbered = (items: { id: string }[], after = 0): KeptItem[] =>
  items.map((item, i) => ({ id: item.id, n: after + i + 1 }));

/** Takes the least important kept item(s) out of `kept` and says why. */
function dropLeast(kept: Kept, input: LayoutInput): OmittedItem[] {
  const reason = 'over budget once the whole prompt was counted';
  if (kept.turns.length) {
    const first = kept.turns.shift() as number;
    const dropped: OmittedItem[] = [{ part: 'history', id: String(first), reason }];
    while (kept.turns.length && input.history[kept.turns[0] as number]?.role === 'assistant') {
      dropped.push({ part: 'history', id: String(kept.turns.shift()), reason: startsWithAnswer });
    }
    return dropped;
  }
  const lists: [PromptPart, { id: string }[]][] = [
    ['attachments', kept.attachments],
    ['sources', kept.passages],
    ['memory', kept.memories],
  ];
  for (const [part, list] of lists) {
    const last = list.pop();
    if (last) return [{ part, id: last.id, reason }];
  }
  return [];
}

function partsOf(
  input: LayoutInput,
  kept: Kept,
  known: { persona: number; prompt: number; question: number; cost: (text: string) => number },
): PromptLayout['parts'] {
  const { cost } = known;
  const block = (header: string, rendered: string[]): number =>
    rendered.length ? cost(header) + rendered.reduce((sum, text) => sum + cost(text), 0) : 0;
  const turns = kept.turns.reduce(
    (sum, i) =>
      sum + input.counter.count((input.history[i] as LayoutTurn).content) + messageOverheadTokens,
    0,
  );
  return [
    { part: 'system', tokens: promptOverheadTokens + messageOverheadTokens + known.prompt },
    { part: 'persona', tokens: known.persona },
    { part: 'memory', tokens: block(memoryHeader, kept.memories.map(renderMemory)) },
    {
      part: 'sources',
      tokens: block(
        `${sourcesHeader}\n\n${sourcesInstructions}`,
        kept.passages.map((p, i) => renderPassage(p, i + 1)),
      ),
    },
    {
      part: 'attachments',
      tokens: block(
        `${attachmentsHeader}\n\n${attachmentsInstructions}`,
        kept.attachments.map((a, i) => renderAttachment(a, kept.passages.length + i + 1)),
      ),
    },
    { part: 'history', tokens: turns },
    { part: 'question', tokens: known.question },
  ];
}
