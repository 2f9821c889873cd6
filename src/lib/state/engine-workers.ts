// The model workers of this window (app state, not llm/: it ties worker lifetimes to the saved
// network settings): at most one per engine, created on first use (the worker
// chunks, web-llm's 6 MB among them, load only then), given the network settings before any other
// call, and replaced on the next use after a crash or a forced stop.
import { WorkerEngine } from '../llm/engine-client';
import type { EngineKind, NetworkSettings } from '../llm/types';
import { networkSettings } from './network-settings.svelte';

const live = new Map<EngineKind, WorkerEngine>();
const lostListeners = new Set<(kind: EngineKind) => void>();

// Vite bundles a worker only from this literal `new Worker(new URL(...))` form.
function spawn(kind: EngineKind): Worker {
  return kind === 'webllm'
    ? new Worker(new URL('../../workers/llm-webllm.worker.ts', import.meta.url), { type: 'module' })
    : new Worker(new URL('../../workers/llm-transformers.worker.ts', import.meta.url), {
        type: 'module',
      });
}

function forget(kind: EngineKind, engine: WorkerEngine): void {
  if (live.get(kind) !== engine) return;
  live.delete(kind);
  for (const listener of lostListeners) listener(kind);
}

export async function engineFor(kind: EngineKind): Promise<WorkerEngine> {
  await networkSettings.load();
  const existing = live.get(kind);
  if (existing) return existing;
  const worker = spawn(kind);
  const engine = new WorkerEngine(kind, worker);
  worker.addEventListener('error', () => forget(kind, engine));
  live.set(kind, engine);
  try {
    // Messages run in order, so every later call sees the mirror.
    await engine.configure(networkSettings.settings);
  } catch (error) {
    restartEngine(kind);
    throw error;
  }
  return engine;
}

/** The engine if its worker is already running; never starts one. */
export function runningEngine(kind: EngineKind): WorkerEngine | undefined {
  return live.get(kind);
}

/**
 * Terminates the worker: the only sure way to stop a download or load the library keeps running
 * after its AbortSignal fires. Whatever it had loaded is gone; files it finished caching stay.
 */
export function restartEngine(kind: EngineKind): void {
  const engine = live.get(kind);
  if (!engine) return;
  engine.terminate();
  forget(kind, engine);
}

/** Called when an engine's worker crashed or was stopped: its loaded model is gone. */
export function onEngineLost(listener: (kind: EngineKind) => void): () => void {
  lostListeners.add(listener);
  return () => lostListeners.delete(listener);
}

function applySettings(settings: NetworkSettings): void {
  for (const engine of live.values()) engine.configure(settings).catch(reportError);
}

networkSettings.onChange(applySettings);
