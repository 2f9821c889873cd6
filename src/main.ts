// The entry holds only what the first paint needs: the palette, the static shell's styles and the
// stored theme. The app's code and its own stylesheets load behind the import below, so neither
// holds up index.html's shell: stylesheets in the page head block painting, and when the entry
// imported the app statically, its modules were fetched and run before the first frame.
import './app.css';
import './shell.css';
import { applyThemeChoice, readThemeChoice } from './lib/state/theme-choice';

applyThemeChoice(readThemeChoice());

import('./start')
  .then(({ start }) => start())
  .catch((error: unknown) => {
    // Left as it is, the shell would say "Opening your notes…" for ever.
    const note = document.querySelector('.shell-note');
    const reason = error instanceof Error ? error.message : String(error);
    if (note)
      note.textContent = `Hearth could not start (${reason}). Reload the page to try again.`;
    throw error;
  });
