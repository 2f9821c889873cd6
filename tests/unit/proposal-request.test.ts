import { describe, expect, it } from 'vitest';
import { proposalRequest } from '../../src/lib/assistant/proposal-request';
import { parseProposals } from '../../src/lib/assistant/memory-proposal';
import { utf8UpperBound } from '../../src/lib/assistant/token-count';
import type { ChatMessage } from '../../src/lib/llm/types';

const turn = (i: number): ChatMessage => ({
  role: i % 2 === 0 ? 'user' : 'assistant',
  content: `message ${i} ${'x'.repeat(200)}`,
});

describe('memory proposal request', () => {
  it('keeps the most recent messages that fit the window with the answer reserve', () => {
    const conversation = Array.from({ length: 100 }, (_, i) => turn(i));
    const request = proposalRequest(conversation, 2048, 512);
    const prompt = request.messages.map((m) => m.content).join('\n');
    const bound = request.messages.reduce(
      (sum, m) => sum + utf8UpperBound.count(m.content) + 20,
      96,
    );
    expect(bound + 512).toBeLessThanOrEqual(2048);
    expect(prompt).toContain('message 99 ');
    expect(prompt).not.toContain('message 0 ');
    expect(request).toMatchObject({ maxTokens: 512, temperature: 0 });
  });

  it('keeps a short conversation whole and leaves system turns out', () => {
    const request = proposalRequest(
      [
        { role: 'system', content: 'persona text' },
        { role: 'user', content: 'I am vegetarian.' },
        { role: 'assistant', content: 'Noted.' },
      ],
      null,
      256,
    );
    const user = request.messages[1]!.content;
    expect(user).toContain('User: I am vegetarian.');
    expect(user).toContain('Assistant: Noted.');
    expect(user).not.toContain('persona text');
  });

  it('reads the valid answer such a request asks for', () => {
    const result = parseProposals(
      '{"memories": [{"text": "The user is vegetarian.", "why": "they said so"}]}',
    );
    expect(result).toEqual({
      proposals: [{ text: 'The user is vegetarian.', why: 'they said so' }],
      error: null,
    });
  });
});
