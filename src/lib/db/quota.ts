// The one place a full disk becomes a StorageFullError: every repository wraps its writes in this.
import { StorageFullError, isRefusedWrite } from '../errors';

/** Runs `write`; a write refused for want of room comes back as a StorageFullError naming `what` was not saved. */
export async function guardQuota<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isRefusedWrite(error)) throw new StorageFullError(what, { cause: error });
    throw error;
  }
}
