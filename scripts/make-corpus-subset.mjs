// Copies the committed subset of the tldr corpus from ../shared/corpus/tldr into
// tests/fixtures/corpus/tldr. Run once by a maintainer who has ../shared; the output is committed
// (≈ 1.3 MB, CC BY 4.0) so a clone anywhere passes `npm test` without ../shared.
//
// The subset, chosen so every language has the same commands where it can:
// - pages.ja/: every page (all platforms; the import tests use pages.ja/osx);
// - pages.zh/common/: every page;
// - pages.de/common/ and pages/common/: the commands that Japanese or German have in common/.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../../shared/corpus/tldr/', import.meta.url));
const to = fileURLToPath(new URL('../tests/fixtures/corpus/tldr/', import.meta.url));
if (!existsSync(from)) {
  console.error(`No corpus at ${from}: nothing to copy.`);
  process.exit(1);
}

rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
cpSync(join(from, 'LICENSE.md'), join(to, 'LICENSE.md'));
cpSync(join(from, 'pages.ja'), join(to, 'pages.ja'), { recursive: true });
cpSync(join(from, 'pages.zh', 'common'), join(to, 'pages.zh', 'common'), { recursive: true });

const names = (dir) => new Set(readdirSync(join(from, dir)));
const wanted = new Set([...names('pages.ja/common'), ...names('pages.de/common')]);
for (const dir of ['pages.de/common', 'pages/common']) {
  mkdirSync(join(to, dir), { recursive: true });
  for (const name of [...names(dir)].sort()) {
    if (wanted.has(name)) cpSync(join(from, dir, name), join(to, dir, name));
  }
}
console.log(`Copied the corpus subset to ${to}`);
