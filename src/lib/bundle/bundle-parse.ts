// The checks every part of a bundle's reader shares: the error that says what is wrong and where,
// UTF-8 and JSON that refuse rather than guess, records against their schema, ids unique.
import * as v from 'valibot';
import { ImportFailedError } from '../errors';

export class BundleError extends ImportFailedError {
  override name = 'BundleError';
  constructor(problem: string) {
    super(`This backup can't be restored: ${problem} Nothing was changed.`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decode(bytes: Uint8Array, path: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new BundleError(`${path} is not UTF-8 text.`);
  }
}

export function parseJson(textValue: string, where: string): unknown {
  try {
    return JSON.parse(textValue) as unknown;
  } catch {
    throw new BundleError(`${where} is not valid JSON.`);
  }
}

/** The first problem valibot found, as "field: message". */
function issueOf(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  if (!issue) return 'invalid';
  const path = v.getDotPath(issue);
  return `${path ? `${path}: ` : ''}${issue.message}`;
}

export function check<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  where: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) throw new BundleError(`${where} is not valid (${issueOf(result.issues)}).`);
  return result.output;
}

export function rowsOf<S extends v.GenericSchema>(
  schema: S,
  textValue: string,
  path: string,
): v.InferOutput<S>[] {
  const rows: v.InferOutput<S>[] = [];
  const lines = textValue.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [i, line] of lines.entries()) {
    rows.push(check(schema, parseJson(line, `${path} line ${i + 1}`), `${path} line ${i + 1}`));
  }
  return rows;
}

export function unique<T>(rows: readonly T[], key: (row: T) => string, what: string): void {
  const seen = new Set<string>();
  for (const row of rows) {
    const k = key(row);
    if (seen.has(k))
      throw new BundleError(`two ${what} share the id or path “${k.slice(0, 200)}”.`);
    seen.add(k);
  }
}
