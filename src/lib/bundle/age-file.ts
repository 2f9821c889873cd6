// Encryption of bundles in the age file format (age-encryption.org/v1) through `age-encryption`,
// the TypeScript implementation by age's author, so a backup opens with the standard `age`
// command-line tool (`age -d backup.zip.age > backup.zip`) and anything `age -p` made opens here.
// Passphrases use age's scrypt recipient. Data goes through as streams of 64 KiB chunks, each
// authenticated: a flipped byte or a cut-off file fails at the chunk where it happens.
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { HearthError } from '../errors';
import { readAgeHeader } from './age-header';

export class WrongPassphraseError extends HearthError {
  override name = 'WrongPassphraseError';
  constructor(what: 'passphrase' | 'key' = 'passphrase') {
    super(
      `That ${what} does not open this backup (or the start of the file is damaged). Check ` +
        `the ${what} and try again.`,
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

/** True when `blob` starts like an age file (binary or armored). */
export async function isAgeFile(blob: Blob): Promise<boolean> {
  return (await readAgeHeader(blob)) !== 'none';
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
  return new Response(await encryptStream(blob.stream(), passphrase, workFactor)).blob();
}

/**
 * Encrypts a stream to `passphrase` as it is read: nothing is gathered, so the output can go
 * straight into a file (save-file.ts).
 */
export async function encryptStream(
  stream: ReadableStream<Uint8Array>,
  passphrase: string,
  workFactor?: number,
): Promise<ReadableStream<Uint8Array>> {
  if (passphrase === '') throw new HearthError('Choose a passphrase to encrypt the backup with.');
  const encrypter = new Encrypter();
  encrypter.setPassphrase(passphrase);
  if (workFactor !== undefined) encrypter.setScryptWorkFactor(workFactor);
  return encrypter.encrypt(stream);
}

/**
 * Decrypts a passphrase-encrypted stream as it is read (each 64 KiB chunk authenticated on the
 * way): a wrong passphrase throws here, damage as the reader reaches it.
 */
export async function decryptStream(
  stream: ReadableStream<Uint8Array>,
  passphrase: string,
): Promise<ReadableStream<Uint8Array>> {
  const decrypter = new Decrypter();
  decrypter.addPassphrase(passphrase);
  try {
    return await decrypter.decrypt(stream);
  } catch (error) {
    throw headerError(error, 'passphrase');
  }
}

/** A backup key: the secret identity (the user keeps it) and the recipient Hearth keeps. */
export interface BackupKey {
  /** `AGE-SECRET-KEY-1…`: decrypts; shown once and never stored by Hearth. */
  identity: string;
  /** `age1…`: encrypts only. */
  recipient: string;
}

/** A new X25519 key (the kind every age tool reads, Debian's `age` 1.1 included). */
export async function generateBackupKey(): Promise<BackupKey> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

export function isBackupIdentity(secret: string): boolean {
  return /^AGE-SECRET-KEY-1[0-9A-Z]+$/.test(secret.trim());
}

/** Encrypts `blob` to a recipient (`age1…`): only its secret key opens it, no passphrase asked. */
export async function encryptBlobTo(blob: Blob, recipient: string): Promise<Blob> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient.trim());
  return new Response(await encrypter.encrypt(blob.stream())).blob();
}

/**
 * Decrypts an age file with a passphrase, or with a backup key (`AGE-SECRET-KEY-1…`); the whole
 * file is authenticated before it returns.
 */
export async function decryptBlob(blob: Blob, secret: string): Promise<Blob> {
  if (isBackupIdentity(secret))
    return decryptWith(blob, 'key', (d) => d.addIdentity(secret.trim()));
  return decryptWithPassphrase(blob, secret);
}

async function decryptWithPassphrase(blob: Blob, passphrase: string): Promise<Blob> {
  const kind = await readAgeHeader(blob);
  if (kind === 'armored')
    throw new UnsupportedAgeFileError(
      'This backup is ASCII-armored (age -a). Decrypt it with `age -d` and import the zip, or ' +
        'encrypt it again without -a.',
    );
  // A file with no scrypt stanza was made for a key.
  if (kind === 'key' || kind === 'other')
    throw new UnsupportedAgeFileError(
      'This backup is encrypted to a backup key, not a passphrase: give its key ' +
        '(AGE-SECRET-KEY-1…) instead.',
    );
  return decryptWith(blob, 'passphrase', (d) => d.addPassphrase(passphrase));
}

async function decryptWith(
  blob: Blob,
  what: 'passphrase' | 'key',
  add: (decrypter: Decrypter) => void,
): Promise<Blob> {
  const decrypter = new Decrypter();
  try {
    add(decrypter);
  } catch {
    throw new WrongPassphraseError(what);
  }
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = await decrypter.decrypt(blob.stream());
  } catch (error) {
    throw headerError(error, what);
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
function headerError(error: unknown, what: 'passphrase' | 'key'): Error {
  const detail = detailOf(error);
  // age cannot tell a wrong passphrase from a damaged header: both fail the header's MAC.
  if (/no identity matched/i.test(detail)) return new WrongPassphraseError(what);
  if (/work factor/i.test(detail))
    return new UnsupportedAgeFileError(
      `This backup asks for more scrypt work than Hearth allows (${detail}).`,
    );
  return new DamagedBackupError(detail);
}
