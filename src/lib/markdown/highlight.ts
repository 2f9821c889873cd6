// Syntax highlighting for fenced code in chat answers: highlight.js core with a handful of common
// languages (the full build is ~1 MB). Its output is escaped text in <span class="hljs-…">, and it
// still goes through DOMPurify with the rest of the answer.
import { escapeHtml } from './escape';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const languages = {
  bash,
  c,
  cpp,
  css,
  diff,
  go,
  java,
  javascript,
  json,
  markdown,
  python,
  rust,
  shell,
  sql,
  typescript,
  xml,
  yaml,
};
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);

/** The info string's first word, reduced to characters that are safe in a class name. */
function languageOf(info: string | undefined): string {
  return (
    (info ?? '')
      .trim()
      .split(/\s+/)[0]
      ?.toLowerCase()
      .replace(/[^\w+#-]/g, '') ?? ''
  );
}

/** `<pre><code>` for a fenced block: highlighted when the language is known, escaped otherwise. */
export function renderCodeBlock(code: string, info: string | undefined): string {
  const lang = languageOf(info);
  // Same shape as marked's own code renderer: one trailing newline inside <code>.
  const text = code ? `${code.replace(/\n$/, '')}\n` : '';
  const known = lang !== '' && hljs.getLanguage(lang) !== undefined;
  const body = known
    ? hljs.highlight(text, { language: lang, ignoreIllegals: true }).value
    : escapeHtml(text);
  const className = lang ? ` class="hljs language-${lang}"` : ' class="hljs"';
  return `<pre><code${className}>${body}</code></pre>\n`;
}
