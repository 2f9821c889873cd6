// The stored theme choice and how it shows on <html>, without Svelte: the entry (src/main.ts)
// applies it before the app's code has loaded, so the static shell paints in the chosen colours.

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'hearth:theme';

export function readThemeChoice(): ThemeChoice {
  const saved = localStorage.getItem(KEY);
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

export function storeThemeChoice(choice: ThemeChoice): void {
  if (choice === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
}

export function applyThemeChoice(choice: ThemeChoice): void {
  if (choice === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.dataset['theme'] = choice;
}
