// Encryption of bundles in the age file format (age-encryption.org/v1) through `age-encryption`,
// the TypeScript implementation by age's author, so a backup opens with the standard `age`
// command-line tool (`age -d backup.zip.age > backup.zip`) and anything `age -p` made opens here.
// Passphrases use age's scrypt recipient. Data goes through as streams of 64 KiB chunks, each
// authenticated: a flipped byte or a cut-off file fails at the chunk where it happens.
import { Decrypter, Encrypter } from 'age-encryption';
import { HearthError } from '../errors';

/** The first line of every binary age file. */
const magic = 'age-encryption.org/v1\n';
/** The armored (PEM-style) form's first line, as `age -a` writes it. */
const armorMagic = '-----BEGIN AGE ENCRYPTED FILE-----';

export class WrongPassphraseError extends HearthError {
  override name = 'WrongPassphraseError';
  constructor() {
    super(
      'That passphrase does not open this backup (or the start of the file is damaged). Check ' +
        'the passphrase and try again.',
    );
  }
}

export class DamagedBackupError extends HearthError {
  override name = 'DamagedBackupError';
  constructor(detail: string) {
    super(
      `This backup is damaged or incomplete (${detail}). Nothing was changed; try another copy of it.`,
    );
  }
}

export class UnsupportedAgeFileError extends HearthError {
  override name = 'UnsupportedAgeFileError';
}

async function head(blob: Blob, bytes: number): Promise<string> {
  return new TextDecoder().decode(await blob.slice(0, bytes).arrayBuffer());
}

/** True when `blob` starts like an age file (binary or armored). */
export async function isAgeFile(blob: Blob): Promise<boolean> {
  const start = await head(blob, armorMagic.length);
  return start.startsWith(magic) || start.startsWith(armorMagic);
}

/**
 * Encrypts `blob` to `passphrase`. `workFactor` is scrypt's log2(N): age's default (18) takes a
 * second or two, which is the point; tests may lower it.
 */
export async function encryptBlob(
  blob: Blob,
  passphrase: string,
  workFactor?: number,
): Promise<Blob> {
  if (passphrase === '') throw new HearthError('Choose a passphrase to encrypt the backup with.');
  const encrypter = new Encrypter();
  encrypter.setPassphrase(passphrase);
  if (workFactor !== undefined) encrypter.setScryptWorkFactor(workFactor);
  const stream = await encrypter.encrypt(blob.stream());
  return new Response(stream).blob();
}

/** Decrypts an age file with `passphrase`; the whole file is authenticated before it returns. */
export async function decryptBlob(blob: Blob, passphrase: string): Promise<Blob> {
  const start = await head(blob, armorMagic.length);
  if (start.startsWith(armorMagic))
    throw new UnsupportedAgeFileError(
      'This backup is ASCII-armored (age -a). Decrypt it with `age -d` and import the zip, or ' +
        'encrypt it again without -a.',
    );
  // The header lists one stanza per recipient; a file with no scrypt stanza was made for a key.
  const header = await head(blob, 4096);
  if (start.startsWith(magic) && !header.includes('\n-> scrypt '))
    throw new UnsupportedAgeFileError(
      'This backup is encrypted to a key, not a passphrase. Decrypt it with `age -d -i <key>` ' +
        'and import the zip.',
    );
  const decrypter = new Decrypter();
  decrypter.addPassphrase(passphrase);
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = await decrypter.decrypt(blob.stream());
  } catch (error) {
    throw headerError(error);
  }
  try {
    return await new Response(stream).blob();
  } catch (error) {
    throw new DamagedBackupError(detailOf(error));
  }
}

function detailOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What went wrong reading an age header, in the user's terms. */
function headerError(error: unknown): Error {
  const detail = detailOf(error);
  // age cannot tell a wrong passphrase from a damaged header: both fail the header's MAC.
  if (/no identity matched/i.test(detail)) return new WrongPassphraseError();
  if (/work factor/i.test(detail))
    return new UnsupportedAgeFileError(
      `This backup asks for more scrypt work than Hearth allows (${detail}).`,
    );
  return new DamagedBackupError(detail);
}
