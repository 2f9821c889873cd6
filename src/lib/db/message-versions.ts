// Versions of one chat message, as pure record transforms. A regenerated answer or an edited
// question becomes a new version of the same message; the one it replaces is set aside together
// with the rest of the conversation that followed it, so flipping back (‹ 1/2 ›) restores exactly
// what was there. Nothing is deleted: the conversation after a message lives either in the table
// (the shown version's) or inside a set-aside version.
import {
  versionFields,
  type MessageRecord,
  type MessageVersion,
  type VersionFields,
} from './chat-records';

function fieldsOf(message: MessageRecord): VersionFields & { content: string } {
  const fields: VersionFields & { content: string } = { content: message.content };
  for (const key of versionFields) {
    if (message[key] !== undefined) Object.assign(fields, { [key]: message[key] });
  }
  return fields;
}

/** The message's versions with the shown one brought up to date (a message never regenerated has one). */
function currentVersions(message: MessageRecord, tail: MessageRecord[]): MessageVersion[] {
  const versions = message.versions ? [...message.versions] : [];
  const index = message.versionIndex ?? 0;
  versions[index] = { ...fieldsOf(message), at: versions[index]?.at ?? message.createdAt, tail };
  return versions;
}

/** `message` showing `fields` instead, every field of the previous version cleared first. */
function showing(message: MessageRecord, fields: VersionFields & { content: string }) {
  const base: MessageRecord = { ...message };
  for (const key of versionFields) delete base[key];
  return { ...base, ...fields };
}

/**
 * Adds `fresh` as the newest version and shows it. `tail` (the messages after this one) is set
 * aside with the version it followed; the caller removes those rows in the same transaction.
 */
export function withNewVersion(
  message: MessageRecord,
  tail: MessageRecord[],
  fresh: VersionFields & { content: string },
  at = Date.now(),
): MessageRecord {
  const versions = [...currentVersions(message, tail), { ...fresh, at, tail: [] }];
  return { ...showing(message, fresh), versions, versionIndex: versions.length - 1 };
}

/** Shows version `index`: returns the message and the tail to put back in place of `tail`. */
export function withVersion(
  message: MessageRecord,
  tail: MessageRecord[],
  index: number,
): { message: MessageRecord; tail: MessageRecord[] } {
  const versions = currentVersions(message, tail);
  const chosen = versions[index];
  if (!chosen) return { message, tail };
  const { at: _at, tail: restored, ...fields } = chosen;
  versions[index] = { ...chosen, tail: [] };
  return {
    message: { ...showing(message, fields), versions, versionIndex: index },
    tail: restored,
  };
}

/** When the shown version was written: the identity a run's writes carry (see `withAnswerPatch`). */
export function shownVersionAt(message: MessageRecord): number {
  return message.versions?.[message.versionIndex ?? 0]?.at ?? message.createdAt;
}

/**
 * `message` with `patch` applied to the version written at `at`: the shown fields when that
 * version is shown, else the set-aside version itself. A stopped answer's late final write thus
 * lands on its own version, never on the one regenerated after it. Null when no version has `at`.
 */
export function withAnswerPatch(
  message: MessageRecord,
  at: number,
  patch: VersionFields,
): MessageRecord | null {
  if (shownVersionAt(message) === at) return { ...message, ...patch };
  const index = message.versions?.findIndex((v) => v.at === at) ?? -1;
  if (index < 0 || !message.versions) return null;
  const versions = [...message.versions];
  versions[index] = { ...versions[index]!, ...patch };
  return { ...message, versions };
}
