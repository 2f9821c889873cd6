// The reflection and weekly-review instructions, editable in Settings. Stored in the `settings`
// table beside the chat settings; an absent or empty value means the default, so a reset simply
// forgets the user's text and later improvements to the default reach them.
import { readSetting, writeSetting } from '../db/models-repo';
import { HearthError } from '../errors';
import {
  defaultTemplates,
  maxTemplateChars,
  type TemplateKind,
} from '../assistant/reflection-templates';

const settingKeys: Record<TemplateKind, string> = {
  reflection: 'reflectionTemplate',
  review: 'weeklyReviewTemplate',
};

const clean = (stored: unknown): string | null =>
  typeof stored === 'string' && stored.trim() ? stored : null;

class ReflectionSettings {
  /** The user's own text, or null for the default. */
  custom = $state<Record<TemplateKind, string | null>>({ reflection: null, review: null });
  loaded = $state(false);
  #loading: Promise<void> | null = null;

  load(): Promise<void> {
    this.#loading ??= Promise.all([
      readSetting<unknown>(settingKeys.reflection, null),
      readSetting<unknown>(settingKeys.review, null),
    ]).then(
      ([reflection, review]) => {
        this.custom = { reflection: clean(reflection), review: clean(review) };
        this.loaded = true;
      },
      (error: unknown) => {
        this.#loading = null;
        throw error;
      },
    );
    return this.#loading;
  }

  /** The instructions in force for `kind`. */
  template(kind: TemplateKind): string {
    return this.custom[kind] ?? defaultTemplates[kind];
  }

  isDefault(kind: TemplateKind): boolean {
    return this.custom[kind] === null;
  }

  async save(kind: TemplateKind, text: string): Promise<void> {
    await this.load();
    if (text.length > maxTemplateChars) {
      throw new HearthError(
        `Instructions can be at most ${maxTemplateChars.toLocaleString()} characters; these have ${text.length.toLocaleString()}.`,
      );
    }
    const value = text.trim() === defaultTemplates[kind].trim() ? null : clean(text);
    await writeSetting(settingKeys[kind], value);
    this.custom = { ...this.custom, [kind]: value };
  }

  reset(kind: TemplateKind): Promise<void> {
    return this.save(kind, '');
  }
}

export const reflectionSettings = new ReflectionSettings();
