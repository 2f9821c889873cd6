// Every editor session of this tab. A session whose text is not saved outlives its view: leaving
// the note keeps it here (text in memory, still retrying), and opening the note again picks it up.
// Leaving a note first flushes its text; if that fails, the user is asked (stay / leave). Closing
// the tab while any text is at risk (a failed save, or a failed draft) asks the browser to warn.
// The first note opened in a tab also brings back drafts of notes deleted for good (left by tabs
// that have closed since) as new notes.
import { EditorSession } from './editor.svelte';
import { recoverDeletedNotes } from '../vault/draft-recovery';
import { isTabAlive } from '../storage/tab-lock';
import { errorMessage } from '../errors';
import { router } from './router.svelte';
import { toasts } from './toasts.svelte';

/** How often a session left with unsaved text retries on its own. */
const retryEveryMs = 15_000;

/**
 * How long leaving waits for the save before asking. A save on a full disk can hang for minutes in
 * Chromium, and the user who clicked away must not face a tab that silently does nothing.
 */
const askAfterMs = 2_000;

export interface LeaveRequest {
  sessions: EditorSession[];
  proceed: () => void;
}

class EditorSessions {
  /** Set while the user is asked whether to leave a note whose text could not be saved. */
  leaving = $state.raw<LeaveRequest | null>(null);

  #all = new Map<string, EditorSession>();
  #shown = new Set<EditorSession>();
  #retryTimer: ReturnType<typeof setInterval> | undefined;
  #installed = false;

  /** The session for a note: the one kept with unsaved text, or a new one. */
  open(id: string): EditorSession {
    this.#install();
    let session = this.#all.get(id);
    if (!session) {
      session = new EditorSession(id);
      this.#all.set(id, session);
    }
    session.onSettled = null;
    this.#shown.add(session);
    return session;
  }

  /** The view is gone: close the session once every character is saved. */
  release(session: EditorSession): void {
    this.#shown.delete(session);
    if (!session.unsaved) {
      this.#close(session);
      return;
    }
    session.onSettled = () => {
      if (this.#shown.has(session)) return;
      this.#close(session);
      toasts.show(`Saved the text you left in “${session.note?.title ?? 'a note'}”.`);
    };
    void session.flush();
    this.#retryTimer ??= setInterval(() => this.#retryHidden(), retryEveryMs);
  }

  /** Saves every open editor now (export calls this); returns the titles still unsaved. */
  async flushAll(): Promise<string[]> {
    const sessions = [...this.#all.values()];
    await Promise.all(sessions.map((s) => s.flush()));
    return sessions.filter((s) => s.unsaved).map((s) => s.note?.title ?? 'a note');
  }

  stay(): void {
    this.leaving = null;
  }

  leave(): void {
    const request = this.leaving;
    this.leaving = null;
    request?.proceed();
  }

  #close(session: EditorSession): void {
    session.onSettled = null;
    session.close();
    if (this.#all.get(session.id) === session) this.#all.delete(session.id);
    if ([...this.#all.values()].every((s) => this.#shown.has(s))) {
      clearInterval(this.#retryTimer);
      this.#retryTimer = undefined;
    }
  }

  #retryHidden(): void {
    for (const session of this.#all.values())
      if (!this.#shown.has(session) && !session.gone) void session.retry();
  }

  /** Before a route change: save what the shown editors hold, and ask if that fails. */
  #guard = (proceed: () => void): boolean => {
    const shown = [...this.#shown].filter((s) => s.unsaved);
    if (shown.length === 0) return true;
    void (async () => {
      const flushed = Promise.all(shown.map((s) => s.flush()));
      const inTime = await Promise.race([
        flushed.then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), askAfterMs)),
      ]);
      const stuck = shown.filter((s) => s.unsaved);
      if (stuck.length === 0) return proceed();
      const request: LeaveRequest = { sessions: stuck, proceed };
      this.leaving = request;
      if (inTime) return;
      // The slow save may still land while the question is shown: then leaving is what was asked.
      await flushed;
      if (this.leaving === request && stuck.every((s) => !s.unsaved)) this.leave();
    })();
    return false;
  };

  #beforeUnload = (event: BeforeUnloadEvent): void => {
    if (![...this.#all.values()].some((s) => s.atRisk)) return;
    event.preventDefault();
    // Older browsers show the prompt only when returnValue is set.
    event.returnValue = '';
  };

  #install(): void {
    if (this.#installed) return;
    this.#installed = true;
    router.guardLeaving(this.#guard);
    addEventListener('beforeunload', this.#beforeUnload);
    void this.#recoverDeleted();
  }

  async #recoverDeleted(): Promise<void> {
    try {
      const made = await recoverDeletedNotes(async (draft) => !(await isTabAlive(draft.tabId)));
      for (const note of made)
        toasts.show(`Text typed in a note that was deleted for good is back as “${note.title}”.`);
    } catch (error) {
      toasts.error(`Couldn't bring back text typed in a deleted note: ${errorMessage(error)}`);
    }
  }
}

export const editorSessions = new EditorSessions();
