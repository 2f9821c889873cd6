// Every engine's catalog as plain data, computed when the app is built: vite.config.ts serves it
// as `virtual:model-catalog`, so the Models view lists it without starting a model worker (and
// without loading web-llm's 6 MB just to show a list). Only vite.config.ts may import this file:
// in the app it would pull web-llm into the main thread.
import type { CatalogEntry, EngineKind } from './types.ts';
import { transformersCatalog } from './transformers/catalog.ts';
import { embeddingCatalog } from './transformers/embedding-catalog.ts';
import { webLlmCatalog } from './webllm/catalog.ts';

export function buildCatalog(): Record<EngineKind, CatalogEntry[]> {
  return {
    transformers: [...transformersCatalog(), ...embeddingCatalog()],
    webllm: webLlmCatalog(),
  };
}
