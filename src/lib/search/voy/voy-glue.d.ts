// voy-search ships types for its ESM-integration entry only; Hearth instantiates the WASM itself
// (no bundler WASM plugin, works under the CSP) through the generated glue module.
declare module 'voy-search/voy_search_bg.js' {
  export * from 'voy-search';
  export function __wbg_set_wasm(exports: WebAssembly.Exports): void;
}
