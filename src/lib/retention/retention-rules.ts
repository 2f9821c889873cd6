// The user's retention rules and what they remove at a given time. Pure, so a fixed clock tests
// them; the store applies them (db/retention-repo.ts) at start and daily.
//
// Rejected memory proposals are never stored (they live only in the open review), so there is no
// rule for them; old backups are kept or deleted by the scheduled backup itself.
import * as v from 'valibot';

export interface RetentionRules {
  /** Conversations not updated for this many days are deleted, pinned ones excepted; null: kept. */
  conversationDays: number | null;
  /** Request ledger rows older than this many days are deleted; null: kept. */
  ledgerDays: number | null;
}

export const noRetention: RetentionRules = { conversationDays: null, ledgerDays: null };

const days = v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(36_500)));
const rulesSchema = v.object({ conversationDays: days, ledgerDays: days });

/** Stored rules as saved, or none when they are missing or not valid. */
export function readRules(value: unknown): RetentionRules {
  const parsed = v.safeParse(rulesSchema, value);
  return parsed.success ? parsed.output : noRetention;
}

const dayMs = 86_400_000;

/** The time before which records go, for a rule of `ruleDays` at `now`; null: the rule is off. */
export function cutoff(ruleDays: number | null, now: number): number | null {
  return ruleDays === null ? null : now - ruleDays * dayMs;
}

/** The conversations a rule removes at `now`: not updated since the cutoff, and not pinned. */
export function expiredConversations<
  T extends { updatedAt: number; pinned?: boolean; arrivedAt?: number },
>(conversations: readonly T[], rules: RetentionRules, now: number): T[] {
  const before = cutoff(rules.conversationDays, now);
  if (before === null) return [];
  // A chat brought home from a backup or an export counts from its arrival here.
  return conversations.filter((c) => !c.pinned && Math.max(c.updatedAt, c.arrivedAt ?? 0) < before);
}

/** The ledger rows a rule removes at `now`. */
export function expiredLedger<T extends { at: number }>(
  rows: readonly T[],
  rules: RetentionRules,
  now: number,
): T[] {
  const before = cutoff(rules.ledgerDays, now);
  return before === null ? [] : rows.filter((r) => r.at < before);
}
