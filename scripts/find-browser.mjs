// Finds a Chromium for the tests: an explicit env var, Debian's build, other system Chromes,
// else undefined so Playwright uses its own download (which works on machines with internet).
import { existsSync } from 'node:fs';

const candidates = [
  process.env.HEARTH_CHROMIUM,
  process.env.CHROME_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export function findBrowser() {
  return candidates.find((path) => path && existsSync(path));
}

export const chromiumArgs = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
