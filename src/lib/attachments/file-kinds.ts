// What a file in an attachment is, from its name: the reader reads text-like files as UTF-8 (and
// checks their bytes, so an unknown extension holding text is still read), PDFs through pdf.js,
// and refuses formats it cannot turn into text before reading a byte of them.
import { skippedFiles, skippedFolders } from './attachment-limits';

/** How a kept file's text is chunked and shown. */
export type DocFormat = 'markdown' | 'text' | 'code' | 'data' | 'pdf';

export type FileKind =
  | { kind: 'text'; format: Exclude<DocFormat, 'pdf'> }
  | { kind: 'pdf' }
  | { kind: 'zip' }
  | { kind: 'refused'; reason: string };

const markdown = new Set(['md', 'markdown', 'mdx', 'rst', 'adoc', 'org']);
const data = new Set([
  'json',
  'jsonl',
  'ndjson',
  'csv',
  'tsv',
  'yaml',
  'yml',
  'toml',
  'xml',
  'ini',
]);
const code = new Set(
  (
    'js mjs cjs jsx ts mts cts tsx svelte vue astro py pyi rb php java kt kts scala groovy go rs c h ' +
    'cc cpp cxx hpp hh cs fs fsx swift m mm dart lua pl pm r jl ex exs erl hrl clj cljs elm hs ml ' +
    'mli nim zig sol sql graphql gql proto sh bash zsh fish ps1 bat cmd html htm css scss sass less ' +
    'tex cmake gradle tf hcl nix vim el lisp scm rkt v sv vhd asm s wat cfg conf env properties ' +
    'dockerfile makefile mk gitignore editorconfig'
  ).split(' '),
);

/** Formats that are not text, by what the user would call them; each gets its own reason. */
const notText: [RegExp, string][] = [
  [/^(png|jpe?g|gif|webp|bmp|tiff?|ico|heic|avif|psd|raw)$/, 'an image'],
  [/^(mp3|wav|flac|ogg|m4a|aac|opus|mp4|mov|mkv|webm|avi)$/, 'audio or video'],
  [/^(docx?|odt|rtf|pages|xlsx?|ods|numbers|pptx?|odp|key|epub)$/, 'an office document'],
  [/^(gz|tgz|bz2|xz|7z|rar|tar|zst|jar|war|apk|dmg|iso)$/, 'an archive other than zip'],
  [/^(exe|dll|so|dylib|bin|o|a|class|wasm|pyc|node)$/, 'a compiled program'],
  [/^(ttf|otf|woff2?|eot)$/, 'a font'],
  [
    /^(sqlite3?|db|mdb|parquet|avro|pkl|npy|npz|onnx|safetensors|gguf|pt|h5)$/,
    'a binary data file',
  ],
];

const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot + 1).toLowerCase() : name.toLowerCase();
};

export function fileKind(path: string): FileKind {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const ext = extensionOf(name);
  if (ext === 'pdf') return { kind: 'pdf' };
  if (ext === 'zip') return { kind: 'zip' };
  if (markdown.has(ext)) return { kind: 'text', format: 'markdown' };
  if (data.has(ext)) return { kind: 'text', format: 'data' };
  if (code.has(ext)) return { kind: 'text', format: 'code' };
  for (const [pattern, what] of notText) {
    if (pattern.test(ext))
      return {
        kind: 'refused',
        reason: `Not read: this is ${what}. Hearth attaches text, code, JSON/CSV and PDF files.`,
      };
  }
  // No known extension (LICENSE, a `.txt`, an odd config): read it if its bytes are text.
  return { kind: 'text', format: 'text' };
}

/**
 * Why a file inside a folder or zip is passed over without being read, or null to read it:
 * dependency, build and hidden folders (`node_modules/`, `dist/`, `.git/`) and lockfiles.
 */
export function skipReason(path: string): string | null {
  const parts = path.split('/');
  const folders = parts.slice(0, -1);
  if (folders.some((f) => f.startsWith('.') || skippedFolders.has(f.toLowerCase())))
    return 'folder';
  if (skippedFiles.has((parts.at(-1) ?? '').toLowerCase())) return 'lockfile';
  return null;
}
