// The catalog made at build time (vite.config.ts, src/lib/llm/build-catalog.ts).
declare module 'virtual:model-catalog' {
  type CatalogEntry = import('./lib/llm/types').CatalogEntry;
  const catalog: { transformers: CatalogEntry[]; webllm: CatalogEntry[] };
  export default catalog;
}
