// Writes the format-2 test vector (tests/fixtures/bundle-vector.ts says what it holds): run once
// when the format changes, and commit the file. age encryption is randomized, so each run writes
// different bytes that decrypt to the same bundle.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const load = async (path) =>
  (
    await runnerImport(fileURLToPath(new URL(path, import.meta.url)), {
      configFile: false,
      logLevel: 'warn',
    })
  ).module;

const vector = await load('../tests/fixtures/bundle-vector.ts');
const { writeBundle } = await load('../src/lib/bundle/bundle-write.ts');
const { encryptBlob } = await load('../src/lib/bundle/age-file.ts');
const { blob } = await writeBundle(vector.vectorSource(), {
  appVersion: '0.1.0',
  now: vector.vectorCreatedAt,
});
// age's default scrypt work factor (18), as a real backup has it.
const sealed = await encryptBlob(blob, vector.vectorPassphrase);
const out = fileURLToPath(new URL(`../${vector.vectorFile}`, import.meta.url));
writeFileSync(out, new Uint8Array(await sealed.arrayBuffer()));
console.log(`${out}: ${sealed.size} bytes`);
