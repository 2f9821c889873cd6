// The reflection panel's state: one reflection or weekly review at a time, streamed from the
// local chat engine the way chat answers are (models manager → engine worker → AnswerStream), and
// saved on request as a note of its own. A stopped or failed run keeps what was shown and can be
// retried; the journal entry itself is only ever read.
import { errorMessage } from '../errors';
import { createNote } from '../vault/notes';
import { buildReflectionNote } from '../assistant/reflection-note';
import {
  preferredPath,
  reflectionBaseName,
  reflectionDir,
  reviewBaseName,
} from '../assistant/reflection-naming';
import { isoWeekDays, weekKey } from '../assistant/reflection-dates';
import type { ReflectionSource } from '../assistant/reflection-sources';
import { AnswerStream } from './answer-stream';
import { models } from './models.svelte';
import {
  planReflection,
  targetLabel,
  type PlannedReflection,
  type ReflectionTarget,
} from './reflection-plan';

export type { ReflectionTarget };
export type ReflectionPhase =
  'idle' | 'gathering' | 'loading' | 'writing' | 'done' | 'stopped' | 'error';

export interface SavedReflection {
  id: string;
  path: string;
  /** True when the usual name was taken, so the save got a numbered one. */
  renamed: boolean;
}

class Reflection {
  target = $state.raw<ReflectionTarget | null>(null);
  phase = $state<ReflectionPhase>('idle');
  text = $state('');
  plan = $state.raw<PlannedReflection | null>(null);
  error = $state<string | null>(null);
  saved = $state.raw<SavedReflection | null>(null);
  saving = $state(false);
  #answer: AnswerStream | null = null;

  get busy(): boolean {
    return this.phase === 'gathering' || this.phase === 'loading' || this.phase === 'writing';
  }
  get given(): ReflectionSource[] {
    return this.plan?.given ?? [];
  }
  /** Text the user has seen and not saved: closing asks first. */
  get unsaved(): boolean {
    return this.saved === null && this.text.trim() !== '';
  }

  start(target: ReflectionTarget): void {
    this.stop();
    this.target = target;
    this.text = '';
    this.plan = null;
    this.error = null;
    this.saved = null;
    this.phase = 'gathering';
    const answer = new AnswerStream(
      (text) => {
        if (this.#answer === answer) this.text = text;
      },
      () => Promise.resolve(), // nothing is stored until Save
    );
    this.#answer = answer;
    void this.#run(target, answer);
  }

  retry(): void {
    if (this.target && !this.busy) this.start(this.target);
  }

  /** Stops at once; what was shown stays, marked stopped. */
  stop(): void {
    const answer = this.#answer;
    if (!answer || !this.busy) return;
    this.text = answer.stop();
    this.#answer = null;
    this.phase = 'stopped';
  }

  close(): void {
    this.stop();
    this.#answer = null;
    this.target = null;
    this.plan = null;
    this.text = '';
    this.error = null;
    this.saved = null;
    this.phase = 'idle';
  }

  async #run(target: ReflectionTarget, answer: AnswerStream): Promise<void> {
    const live = () => this.#answer === answer && !answer.signal.aborted;
    try {
      const plan = await planReflection(target);
      if (!live()) return;
      this.plan = plan;
      this.phase = 'loading';
      const engine =
        models.readyEngine(plan.model.key) ??
        (await models.ensureLoaded(plan.model.key, answer.signal));
      if (!live()) return;
      this.phase = 'writing';
      const stats = await engine.chat(
        { messages: plan.messages, maxTokens: plan.maxTokens },
        answer.onDelta,
        answer.signal,
      );
      if (!live()) return;
      const stopped = stats.finishReason === 'abort';
      this.text = stopped ? answer.stop() : answer.finish();
      this.phase = stopped ? 'stopped' : 'done';
    } catch (error) {
      if (!live()) return;
      this.text = answer.stop();
      this.error = errorMessage(error);
      this.phase = 'error';
    }
    this.#answer = null;
  }

  /** Saves the reflection as a new note; an existing one of the same name is never overwritten. */
  async save(): Promise<SavedReflection> {
    const { target, plan } = this;
    if (!target || !plan || this.busy || this.saving || !this.text.trim()) {
      throw new Error('There is no finished reflection to save.');
    }
    this.saving = true;
    try {
      const isReview = target.kind === 'review';
      const base = isReview ? reviewBaseName(target.week) : reflectionBaseName(target.date);
      const link = (s: ReflectionSource) => ({ path: s.path, title: s.title, date: s.date });
      const about = isReview
        ? plan.given.filter((s) => isoWeekDays(target.week).includes(s.date)).map(link)
        : [{ path: target.path, title: target.title, date: target.date }];
      const content = buildReflectionNote({
        kind: target.kind,
        title: isReview ? `Weekly review ${weekKey(target.week)}` : `Reflection on ${target.title}`,
        period: targetLabel(target),
        about,
        text: this.text,
        sources: plan.given.map(link),
        modelName: plan.model.name,
        createdAt: new Date(),
      });
      const note = await createNote(base, reflectionDir, content);
      const saved = { id: note.id, path: note.path, renamed: note.path !== preferredPath(base) };
      this.saved = saved;
      return saved;
    } finally {
      this.saving = false;
    }
  }
}

export const reflection = new Reflection();
