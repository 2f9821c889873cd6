// Local calendar dates as `YYYY-MM-DD` keys: a journal entry belongs to the user's day, not UTC's.

export function localDateKey(date: Date = new Date()): string {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDateKey(value: string): boolean {
  const match = DATE_KEY.exec(value);
  if (!match) return false;
  const date = parseDateKey(value);
  return date.getDate() === Number(match[3]) && date.getMonth() + 1 === Number(match[2]);
}

export function parseDateKey(key: string): Date {
  const [y, m, d] = key.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

export function addDays(key: string, days: number): string {
  const date = parseDateKey(key);
  date.setDate(date.getDate() + days);
  return localDateKey(date);
}

/** The date a frontmatter value names, as a key, or '' (YAML may give a string or a Date). */
export function toDateKey(value: unknown): string {
  if (value instanceof Date && !Number.isNaN(value.getTime()))
    return value.toISOString().slice(0, 10);
  if (typeof value === 'string') {
    const head = value.trim().slice(0, 10);
    if (isDateKey(head)) return head;
  }
  return '';
}

export function formatLongDate(key: string, locale?: string): string {
  return parseDateKey(key).toLocaleDateString(locale, {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  });
}
