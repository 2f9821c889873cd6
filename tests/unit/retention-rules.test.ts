// Retention rules on a fixed clock: what goes and what stays, and stored rules read safely.
import { describe, expect, it } from 'vitest';
import {
  cutoff,
  expiredConversations,
  expiredLedger,
  noRetention,
  readRules,
} from '../../src/lib/retention/retention-rules';

const now = Date.UTC(2026, 11, 6, 12);
const day = 86_400_000;

describe('retention rules', () => {
  it('removes chats unused past the rule, never pinned ones, and keeps the edge', () => {
    const chats = [
      { id: 'old', updatedAt: now - 31 * day },
      { id: 'pinned', updatedAt: now - 400 * day, pinned: true },
      { id: 'edge', updatedAt: now - 30 * day },
      { id: 'new', updatedAt: now - day },
    ];
    const rules = { conversationDays: 30, ledgerDays: null };
    expect(expiredConversations(chats, rules, now).map((c) => c.id)).toEqual(['old']);
    expect(expiredConversations(chats, noRetention, now)).toEqual([]);
    expect(cutoff(30, now)).toBe(now - 30 * day);
    // Brought home yesterday from a backup of a chat last used a year ago: kept.
    const arrived = [{ id: 'restored', updatedAt: now - 365 * day, arrivedAt: now - day }];
    expect(expiredConversations(arrived, rules, now)).toEqual([]);
  });

  it('removes ledger rows older than the rule', () => {
    const rows = [{ at: now - 8 * day }, { at: now - 6 * day }];
    expect(expiredLedger(rows, { conversationDays: null, ledgerDays: 7 }, now)).toEqual([rows[0]]);
    expect(expiredLedger(rows, noRetention, now)).toEqual([]);
  });

  it('reads stored rules, and treats anything invalid as no rules at all', () => {
    expect(readRules({ conversationDays: 90, ledgerDays: null })).toEqual({
      conversationDays: 90,
      ledgerDays: null,
    });
    for (const bad of [
      null,
      'x',
      { conversationDays: 0, ledgerDays: null },
      { conversationDays: 1.5, ledgerDays: 3 },
      { conversationDays: -1 },
    ])
      expect(readRules(bad)).toEqual(noRetention);
  });
});
