// Light, dark, or whatever the system says (the default). Applied as data-theme on <html>.

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'hearth:theme';

class Theme {
  choice = $state<ThemeChoice>(this.#read());

  #read(): ThemeChoice {
    const saved = localStorage.getItem(KEY);
    return saved === 'light' || saved === 'dark' ? saved : 'system';
  }

  apply(): void {
    if (this.choice === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.dataset['theme'] = this.choice;
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
    this.apply();
  }
}

export const theme = new Theme();
