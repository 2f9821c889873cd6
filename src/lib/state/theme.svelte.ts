// Light, dark, or whatever the system says (the default). Applied as data-theme on <html>.
import {
  applyThemeChoice,
  readThemeChoice,
  storeThemeChoice,
  type ThemeChoice,
} from './theme-choice';

export type { ThemeChoice };

class Theme {
  choice = $state<ThemeChoice>(readThemeChoice());

  apply(): void {
    applyThemeChoice(this.choice);
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    storeThemeChoice(choice);
    this.apply();
  }
}

export const theme = new Theme();
