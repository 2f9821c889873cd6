// Memory proposals (opt-in, off by default): after a conversation, the chat model reads it and
// proposes memories as JSON. The answer is untrusted: it is validated (assistant/memory-proposal.ts)
// and shown for review, where the user accepts (maybe after editing) or rejects each one; nothing
// is stored before that. An answer that cannot be read is discarded with a message.
import { parseProposals } from '../assistant/memory-proposal';
import { proposalRequest } from '../assistant/proposal-request';
import { listMessages } from '../db/conversations-repo';
import { addMemory } from '../db/memories-repo';
import { listInstalledModels, readSetting, writeSetting } from '../db/models-repo';
import { errorMessage } from '../errors';
import { pickModel } from '../llm/router';
import { modelRole } from '../llm/types';
import { chatSettings } from './chat-settings.svelte';
import { models } from './models.svelte';

export const PROPOSALS_SETTING = 'memories.proposals';

export interface ReviewItem {
  text: string;
  why: string;
  state: 'open' | 'saved' | 'rejected';
}

export interface ProposalReviewState {
  conversationId: string;
  items: ReviewItem[];
}

class MemoryProposals {
  /** The user's opt-in; false until they turn it on. */
  enabled = $state(false);
  running = $state(false);
  /** Why the last proposal was discarded or failed; null after one that could be read. */
  error = $state<string | null>(null);
  review = $state<ProposalReviewState | null>(null);
  #abort: AbortController | null = null;
  #loading: Promise<void> | null = null;

  load(): Promise<void> {
    this.#loading ??= readSetting<unknown>(PROPOSALS_SETTING, false).then((value) => {
      this.enabled = value === true;
    });
    return this.#loading;
  }

  async setEnabled(enabled: boolean): Promise<void> {
    this.enabled = enabled;
    await writeSetting(PROPOSALS_SETTING, enabled);
  }

  /** Asks the chat model for proposals about `conversationId` and opens them for review. */
  async propose(conversationId: string): Promise<void> {
    await this.load();
    if (!this.enabled) {
      this.error = 'Memory proposals are off. Turn them on first.';
      return;
    }
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    this.running = true;
    this.error = null;
    this.review = null;
    try {
      await chatSettings.load();
      const installed = (await listInstalledModels()).filter((m) => modelRole(m.spec) === 'chat');
      const choice = pickModel('chat', chatSettings.routing, installed, null);
      const model = choice && installed.find((m) => m.key === choice.key);
      if (!model)
        throw new Error('No chat model is ready. Download or import one on the Models page.');
      const conversation = await listMessages(conversationId);
      if (!conversation.some((m) => m.role === 'user'))
        throw new Error('That conversation has no messages of yours to learn from.');
      const engine = await models.ensureLoaded(model.key, abort.signal);
      let output = '';
      const request = proposalRequest(
        conversation.map((m) => ({ role: m.role, content: m.content })),
        model.spec.contextWindow,
        Math.min(chatSettings.maxAnswerTokens, 512),
      );
      await engine.chat(request, (delta) => (output += delta), abort.signal);
      if (abort.signal.aborted) return;
      const result = parseProposals(output);
      if (result.error) this.error = `The model's proposals were discarded: ${result.error}`;
      else if (result.proposals.length === 0)
        this.error = 'The model proposed nothing to remember.';
      this.review = {
        conversationId,
        items: result.proposals.map((p) => ({ ...p, state: 'open' })),
      };
    } catch (error) {
      if (!abort.signal.aborted) this.error = `Could not propose memories: ${errorMessage(error)}`;
    } finally {
      if (this.#abort === abort) {
        this.#abort = null;
        this.running = false;
      }
    }
  }

  cancel(): void {
    this.#abort?.abort();
  }

  /** Stores proposal `index` with `text` (the user's edit); throws InvalidMemoryError. */
  async accept(index: number, text: string): Promise<void> {
    const review = this.review;
    const item = review?.items[index];
    if (!review || item?.state !== 'open') return;
    await addMemory(text, { kind: 'message', conversationId: review.conversationId });
    item.state = 'saved';
  }

  reject(index: number): void {
    const item = this.review?.items[index];
    if (item?.state === 'open') item.state = 'rejected';
  }

  close(): void {
    this.review = null;
    this.error = null;
  }
}

export const memoryProposals = new MemoryProposals();

/** Proposes memories from a conversation for review (see ProposalReview.svelte). */
export function proposeMemories(conversationId: string): Promise<void> {
  return memoryProposals.propose(conversationId);
}
