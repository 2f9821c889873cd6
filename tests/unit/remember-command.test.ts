import { beforeEach, describe, expect, it } from 'vitest';
import { parseRememberCommand, rememberTyped } from '../../src/lib/assistant/remember-command';
import { listMemories } from '../../src/lib/db/memories-repo';
import { getDb } from '../../src/lib/db/db';

describe('/remember', () => {
  it('takes the text after the command, trimmed', () => {
    expect(parseRememberCommand('/remember I am vegetarian')).toBe('I am vegetarian');
    expect(parseRememberCommand('  /remember   my sister is Ana  ')).toBe('my sister is Ana');
    expect(parseRememberCommand('/Remember: I live in Porto')).toBe('I live in Porto');
    expect(parseRememberCommand('/remember\nline one\nline two\n')).toBe('line one\nline two');
    expect(parseRememberCommand('/REMEMBER 私は猫が好き')).toBe('私は猫が好き');
  });

  it('gives empty text for the bare command, so adding can refuse it with a message', () => {
    expect(parseRememberCommand('/remember')).toBe('');
    expect(parseRememberCommand('/remember   ')).toBe('');
  });

  it('is not a command anywhere else', () => {
    expect(parseRememberCommand('remember I am vegetarian')).toBeNull();
    expect(parseRememberCommand('/remembering things')).toBeNull();
    expect(parseRememberCommand('please /remember this')).toBeNull();
    expect(parseRememberCommand('/rememberme')).toBeNull();
    expect(parseRememberCommand('//remember x')).toBeNull();
    expect(parseRememberCommand('')).toBeNull();
  });

  it('keeps hostile text as a plain string', () => {
    const payload = '<img src=x onerror=alert(1)>';
    expect(parseRememberCommand(`/remember ${payload}`)).toBe(payload);
  });
});

describe('rememberTyped', () => {
  beforeEach(async () => {
    await getDb().memories.clear();
  });

  it('stores the fact with its conversation (and message) as the source', async () => {
    const memory = await rememberTyped('c1', '/remember I am vegetarian', 'm7');
    expect(memory).toMatchObject({
      text: 'I am vegetarian',
      source: { kind: 'message', conversationId: 'c1', messageId: 'm7' },
    });
    const typed = await rememberTyped('c2', '/remember my cat is Tom');
    expect(typed?.source).toEqual({ kind: 'message', conversationId: 'c2' });
    expect((await listMemories()).map((m) => m.text).sort()).toEqual([
      'I am vegetarian',
      'my cat is Tom',
    ]);
  });

  it('leaves other messages alone and refuses the bare command with a message', async () => {
    expect(await rememberTyped('c1', 'hello there')).toBeNull();
    await expect(rememberTyped('c1', '/remember   ')).rejects.toThrow('A memory needs some text.');
    expect(await listMemories()).toEqual([]);
  });
});
