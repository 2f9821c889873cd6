// The instructions a reflection and a weekly review are written by. The user may rewrite them in
// Settings; these are what "Reset to default" brings back. `{{date}}` and `{{week}}` stand for the
// entry's day and the review's week.

export type TemplateKind = 'reflection' | 'review';

export const defaultTemplates: Record<TemplateKind, string> = {
  reflection: [
    'You are a thoughtful journaling companion. The user wrote the journal entry of {{date}} (source [1]).',
    'Write a short, warm reflection on it: what stands out, patterns you notice when you compare it',
    'with the same day in earlier years, the last seven days and similar earlier entries, and one or',
    'two gentle questions to think about. Do not invent events that are not in the sources.',
    'Address the user as "you".',
  ].join(' '),
  review: [
    'You are a thoughtful journaling companion. Write a weekly review of {{week}} from the journal',
    'entries of that week: the main themes, what went well, what was hard, and one or two things',
    'to carry into next week. Do not invent events that are not in the sources. Address the user',
    'as "you".',
  ].join(' '),
};

/** Longest template accepted, in characters: it is sent with every reflection. */
export const maxTemplateChars = 4000;

/** The template with its placeholders filled in. */
export function fillTemplate(template: string, values: { date?: string; week?: string }): string {
  return template
    .replaceAll('{{date}}', values.date ?? '')
    .replaceAll('{{week}}', values.week ?? '')
    .trim();
}
