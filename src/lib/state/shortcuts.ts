// Keyboard shortcuts for the main actions. Alt+letter uses `code` so it works on every layout
// (macOS turns Option+N into a dead key in `key`).

export interface Shortcut {
  keys: string;
  label: string;
  matches: (event: KeyboardEvent) => boolean;
}

const alt = (code: string) => (e: KeyboardEvent) =>
  e.altKey && !e.ctrlKey && !e.metaKey && e.code === code;
const mod = (key: string) => (e: KeyboardEvent) =>
  (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === key;

export const shortcutKeys = {
  newNote: { keys: 'Alt+N', label: 'New note', matches: alt('KeyN') },
  journal: { keys: 'Alt+J', label: "Today's journal", matches: alt('KeyJ') },
  search: { keys: 'Control+K', label: 'Search', matches: mod('k') },
  importFolder: { keys: 'Alt+I', label: 'Import folder', matches: alt('KeyI') },
  exportVault: { keys: 'Alt+E', label: 'Export', matches: alt('KeyE') },
  save: { keys: 'Control+S', label: 'Save now', matches: mod('s') },
  help: { keys: '?', label: 'Show shortcuts', matches: (e) => e.key === '?' && !isTyping(e) },
} satisfies Record<string, Shortcut>;

export type ShortcutName = keyof typeof shortcutKeys;

function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  return !!target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

export function matchShortcut(event: KeyboardEvent): ShortcutName | null {
  for (const [name, shortcut] of Object.entries(shortcutKeys)) {
    if (shortcut.matches(event)) return name as ShortcutName;
  }
  return null;
}
