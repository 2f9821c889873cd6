// Which engine a picked or dropped model folder is for, judged from its file list alone (no bytes
// read), and the files narrowed to that model folder. Paths keep the model folder's own name as
// their first segment (`tiny-llama/config.json`, as a folder pick gives them): the engines strip
// it and name the imported model after it.
import { ModelImportError } from '../errors';
import type { EngineKind, ModelFile } from './types';

export interface DetectedFolder {
  engine: EngineKind;
  /** The model folder inside what was picked ('' for the top), with a trailing slash. */
  root: string;
}

const dirOf = (path: string): string => path.slice(0, path.lastIndexOf('/') + 1);
const depth = (path: string): number => path.split('/').length;
const clean = (path: string): string => path.replace(/\\/g, '/').replace(/^\.?\/+/, '');

function shallowest(paths: string[], name: string): string | undefined {
  return paths
    .filter((p) => p === name || p.endsWith(`/${name}`))
    .sort((a, b) => depth(a) - depth(b))[0];
}

export function detectModelFolder(rawPaths: readonly string[]): DetectedFolder {
  if (rawPaths.length === 0)
    throw new ModelImportError('The folder is empty: no model files to import.');
  const paths = rawPaths.map(clean);
  const mlc = shallowest(paths, 'mlc-chat-config.json');
  if (mlc !== undefined) return { engine: 'webllm', root: dirOf(mlc) };
  const config = shallowest(paths, 'config.json');
  if (config !== undefined) {
    const root = dirOf(config);
    if (paths.some((p) => p.startsWith(`${root}onnx/`) && p.endsWith('.onnx')))
      return { engine: 'transformers', root };
    throw new ModelImportError(
      `Found ${config} but no onnx/ folder with .onnx weights next to it: a transformers.js model needs onnx/model*.onnx.`,
    );
  }
  throw new ModelImportError(
    'This folder holds no model Hearth can use: a WebLLM model has mlc-chat-config.json, a transformers.js model has config.json and an onnx/ folder.',
  );
}

/** Keeps the files under `root`, with paths starting at the model folder's name. */
export function rerootFiles(files: readonly ModelFile[], root: string): ModelFile[] {
  const parent = dirOf(root.replace(/\/$/, ''));
  return files
    .map((f) => ({ path: clean(f.path), file: f.file }))
    .filter((f) => f.path.startsWith(root))
    .map((f) => ({ path: f.path.slice(parent.length), file: f.file }));
}
