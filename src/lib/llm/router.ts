// Routing by task, kept simple and visible: a few plain rules pick the task of a message, the
// user's routing map (Settings) picks the model for the task, and every answer shows both reasons.
// A model that is not on the device is never chosen silently: we fall back and say so.
import type { InstalledModel, Task } from './types';

export const TASKS: readonly Task[] = ['chat', 'code', 'writing', 'reasoning'];

export const TASK_LABELS: Record<Task, string> = {
  chat: 'Quick chat',
  code: 'Code',
  writing: 'Writing',
  reasoning: 'Reasoning',
};

export interface TaskChoice {
  task: Task;
  reason: string;
}

interface Rule {
  task: Task;
  test: (text: string) => string | null;
}

const firstMatch =
  (pattern: RegExp, describe: (match: string) => string) =>
  (text: string): string | null => {
    const match = pattern.exec(text);
    return match ? describe(match[1] ?? match[0]) : null;
  };

const LANGUAGES =
  /\b(javascript|typescript|python|rust|golang|java|kotlin|swift|c\+\+|c#|ruby|php|sql|bash|powershell|haskell|regex|html|css|json|yaml|svelte|node\.?js)(?![\w+#])/i;
const SYNTAX =
  /(\bfunction\s*\w*\s*\(|\bdef \w+\(|\bconst \w+\s*=|=>|#include\s*<|\bimport \w+ from\b|\bSELECT\b[\s\S]*\bFROM\b|\bpublic static void\b|\bfn \w+\(|console\.log|println!?\()/;
const STACK_TRACE =
  /(Traceback \(most recent call last\)|^\s+at \S+ \(?\S+:\d+:\d+\)?$|Exception in thread|\w+Error: .+|panicked at|segmentation fault)/im;
const FILE_NAME =
  /\b[\w-]+\.(js|mjs|ts|tsx|jsx|py|rs|go|java|kt|c|cc|cpp|h|hpp|cs|rb|php|sh|sql|css|html|vue|svelte)\b/i;
const PROGRAMMING =
  /\b(code|coding|debug(?:ging)?|refactor|compiler?|algorithm|function|variable|api|regexp?)\b/i;
const WRITING =
  /\b(write|draft|essay|email|e-mail|letter|story|poem|rewrite|rephrase|proofread|blog post|cover letter|lyrics|speech)\b/i;
const REASONING =
  /\b(why|prove|proof|step by step|step-by-step|compare|pros and cons|trade-?offs?|plan|math|calculate|solve|derive|equation|probability|how many|estimate)\b/i;
const ARITHMETIC = /\d+(?:\.\d+)?\s*[-+*/^×÷]\s*\d+/;

const rules: Rule[] = [
  { task: 'code', test: (text) => (/^\s*(```|~~~)/m.test(text) ? 'contains a code block' : null) },
  {
    task: 'code',
    test: firstMatch(STACK_TRACE, () => 'looks like an error message or stack trace'),
  },
  { task: 'code', test: firstMatch(SYNTAX, () => 'contains program code') },
  { task: 'code', test: firstMatch(FILE_NAME, (m) => `mentions a source file (.${m})`) },
  { task: 'code', test: firstMatch(LANGUAGES, (m) => `mentions ${m}`) },
  { task: 'code', test: firstMatch(PROGRAMMING, (m) => `mentions “${m.toLowerCase()}”`) },
  { task: 'writing', test: firstMatch(WRITING, (m) => `asks for writing (“${m.toLowerCase()}”)`) },
  {
    task: 'reasoning',
    test: firstMatch(REASONING, (m) => `asks for reasoning (“${m.toLowerCase()}”)`),
  },
  { task: 'reasoning', test: firstMatch(ARITHMETIC, () => 'contains arithmetic') },
  {
    task: 'reasoning',
    test: (text) =>
      (text.match(/\?/g)?.length ?? 0) >= 3 || text.length > 600
        ? 'is a long, multi-part question'
        : null,
  },
];

export function classifyTask(text: string): TaskChoice {
  for (const rule of rules) {
    const reason = rule.test(text);
    if (reason) return { task: rule.task, reason };
  }
  return { task: 'chat', reason: 'a short everyday message' };
}

export interface ModelChoice {
  key: string;
  reason: string;
  /** True when the model asked for (routing or override) is not usable and another one answers. */
  fallback: boolean;
}

const shortKey = (key: string): string => key.replace(/^(webllm|transformers):/, '');

/**
 * The model for `task`: the user's override, else the routing map, else any usable model.
 * Only complete installs count. Null when nothing is installed.
 */
export function pickModel(
  task: Task,
  routing: Record<Task, string | null>,
  installed: InstalledModel[],
  override: string | null,
): ModelChoice | null {
  const usable = installed.filter((m) => m.complete);
  const find = (key: string | null) => (key ? usable.find((m) => m.key === key) : undefined);
  // Any usable model, preferring the one set for quick chat, then the newest install.
  const fallbackModel =
    find(routing.chat) ?? [...usable].sort((a, b) => b.installedAt - a.installedAt)[0];
  if (!fallbackModel) return null;
  const label = TASK_LABELS[task].toLowerCase();
  const nameOf = (key: string) => installed.find((m) => m.key === key)?.name ?? shortKey(key);
  const missing = (key: string) =>
    installed.some((m) => m.key === key) ? 'is not fully downloaded' : 'is not on this device';

  if (override) {
    const chosen = find(override);
    if (chosen) return { key: chosen.key, reason: `you picked ${chosen.name}`, fallback: false };
    return {
      key: fallbackModel.key,
      reason: `you picked ${nameOf(override)}, which ${missing(override)}, so ${fallbackModel.name} answered instead`,
      fallback: true,
    };
  }
  const wanted = routing[task];
  const chosen = find(wanted);
  if (chosen)
    return { key: chosen.key, reason: `${chosen.name} is set for ${label}`, fallback: false };
  if (wanted)
    return {
      key: fallbackModel.key,
      reason: `${nameOf(wanted)} is set for ${label} but ${missing(wanted)}, so ${fallbackModel.name} answered instead`,
      fallback: true,
    };
  return {
    key: fallbackModel.key,
    reason: `no model is set for ${label}, so ${fallbackModel.name} answered`,
    fallback: false,
  };
}
