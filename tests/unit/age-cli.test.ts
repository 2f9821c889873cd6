// A backup must open without Hearth: what Hearth encrypts decrypts with the standard `age` CLI,
// and what `age -p` encrypts restores in Hearth. The CLI reads passphrases from a terminal only
// (by design), so it is driven through a pseudo-terminal (Python's pty). `.ci/run` installs
// Debian's `age`; where it is missing the test says so and skips.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decryptBlob,
  encryptBlob,
  encryptBlobTo,
  generateBackupKey,
} from '../../src/lib/bundle/age-file';
import { readBundle } from '../../src/lib/bundle/bundle-read';
import { writeBundle } from '../../src/lib/bundle/bundle-write';
import { vectorFile, vectorPassphrase } from '../fixtures/bundle-vector';
import { bundleSource } from './bundle-source';

const has = (command: string) => spawnSync(command, ['--version']).status === 0;
const ready = has('age') && has('python3');
if (!ready)
  console.warn(
    'age-cli.test: skipped, `age` or `python3` is not installed (.ci/run installs them).',
  );

/** Runs `age args…`, typing `passphrase` at each passphrase prompt it shows on its terminal. */
function ageWithPassphrase(args: string[], passphrase: string): void {
  const driver = `
import os, pty, sys
args, secret = sys.argv[1:-1], sys.argv[-1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp('age', ['age', *args])
seen = b''
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if seen.lower().rstrip().endswith(b':'):
        os.write(fd, secret + b'\\n')
        seen = b''
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
`;
  execFileSync('python3', ['-c', driver, ...args, passphrase], { timeout: 60_000 });
}

const dir = mkdtempSync(join(tmpdir(), 'hearth-age-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sampleBundle(): Promise<Blob> {
  const { blob } = await writeBundle(
    bundleSource({
      notes: [
        {
          id: 'n1',
          path: 'Sleep log.md',
          createdAt: 1,
          updatedAt: 2,
          deletedAt: 0,
          content: '# Sleep\n7 h',
        },
      ],
      memories: [{ id: 'm1', text: 'The user runs.', createdAt: 1, updatedAt: 1 }],
    }),
    { appVersion: '0.1.0' },
  );
  return blob;
}

describe.skipIf(!ready)('interop with the age CLI', () => {
  it('a bundle Hearth encrypts decrypts with `age -d` to the same zip', async () => {
    const zip = await sampleBundle();
    const sealed = await encryptBlob(zip, 'tide-lantern-orbit', 12);
    writeFileSync(join(dir, 'out.zip.age'), new Uint8Array(await sealed.arrayBuffer()));
    ageWithPassphrase(
      ['-d', '-o', join(dir, 'out.zip'), join(dir, 'out.zip.age')],
      'tide-lantern-orbit',
    );
    expect(new Uint8Array(readFileSync(join(dir, 'out.zip')))).toEqual(
      new Uint8Array(await zip.arrayBuffer()),
    );
  });

  it('a bundle `age -p` encrypts restores in Hearth', async () => {
    const zip = await sampleBundle();
    writeFileSync(join(dir, 'in.zip'), new Uint8Array(await zip.arrayBuffer()));
    ageWithPassphrase(
      ['-p', '-o', join(dir, 'in.zip.age'), join(dir, 'in.zip')],
      'moss-copper-river',
    );
    const sealed = new Blob([readFileSync(join(dir, 'in.zip.age'))]);
    const read = await readBundle(await decryptBlob(sealed, 'moss-copper-river'));
    expect(read.notes[0]).toMatchObject({ path: 'Sleep log.md', content: '# Sleep\n7 h' });
    expect(read.memories[0]?.text).toBe('The user runs.');
  });

  it('the committed test vector opens with `age -d` and its documented passphrase', async () => {
    ageWithPassphrase(['-d', '-o', join(dir, 'vector.zip'), vectorFile], vectorPassphrase);
    const read = await readBundle(new Blob([readFileSync(join(dir, 'vector.zip'))]));
    expect(read.manifest.format).toBe(2);
    expect(read.notes.map((n) => n.path)).toEqual(['Sleep log.md', 'journal/2026-12-06.md']);
  });

  it('a scheduled backup, encrypted to a backup key, opens with `age -d -i` and the key file', async () => {
    const zip = await sampleBundle();
    const key = await generateBackupKey();
    writeFileSync(join(dir, 'key.txt'), `# public key: ${key.recipient}\n${key.identity}\n`);
    const sealed = await encryptBlobTo(zip, key.recipient);
    writeFileSync(join(dir, 'scheduled.zip.age'), new Uint8Array(await sealed.arrayBuffer()));
    execFileSync('age', [
      '-d',
      '-i',
      join(dir, 'key.txt'),
      '-o',
      join(dir, 'scheduled.zip'),
      join(dir, 'scheduled.zip.age'),
    ]);
    expect(new Uint8Array(readFileSync(join(dir, 'scheduled.zip')))).toEqual(
      new Uint8Array(await zip.arrayBuffer()),
    );
    // And what the CLI encrypts to the key opens in Hearth with the key.
    execFileSync('age', [
      '-r',
      key.recipient,
      '-o',
      join(dir, 'cli.zip.age'),
      join(dir, 'scheduled.zip'),
    ]);
    const read = await readBundle(
      await decryptBlob(new Blob([readFileSync(join(dir, 'cli.zip.age'))]), key.identity),
    );
    expect(read.memories[0]?.text).toBe('The user runs.');
  });
});
