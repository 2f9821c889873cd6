// What an age file is, from its first bytes alone: how it was encrypted decides what the restore
// asks for (a passphrase or a backup key). No dependency: the page reads it without loading age's
// code, which only the vault worker needs.

/** The first line of every binary age file. */
const magic = 'age-encryption.org/v1\n';
/** The armored (PEM-style) form's first line, as `age -a` writes it. */
const armorMagic = '-----BEGIN AGE ENCRYPTED FILE-----';
/** The header lists one stanza per recipient; it is far shorter than this. */
const headerBytes = 4096;

/**
 * `none`: not an age file; `armored`: `age -a`; `passphrase`: it has a scrypt stanza; `key`: an
 * X25519 one and no scrypt (a scheduled backup); `other`: another recipient type.
 */
export type AgeHeaderKind = 'none' | 'armored' | 'passphrase' | 'key' | 'other';

export async function readAgeHeader(blob: Blob): Promise<AgeHeaderKind> {
  const header = new TextDecoder().decode(await blob.slice(0, headerBytes).arrayBuffer());
  if (header.startsWith(armorMagic)) return 'armored';
  if (!header.startsWith(magic)) return 'none';
  if (header.includes('\n-> scrypt ')) return 'passphrase';
  return header.includes('\n-> X25519 ') ? 'key' : 'other';
}
