import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { hubOrigins, hubRedirectSources } from './src/lib/llm/net/hosts.ts';
import { buildCatalog } from './src/lib/llm/build-catalog.ts';

// Model downloads are the only traffic that leaves the device: the hub, the hosts it redirects
// large files to, web-llm's model-library host, and any mirrors the person serving Hearth lists in
// HEARTH_MODEL_MIRRORS (space-separated origins, e.g. "http://homebox.local:8080"). A mirror set in
// Settings must be on this list (or on Hearth's own origin): the browser enforces it, not the app.
const modelMirrors = (process.env.HEARTH_MODEL_MIRRORS ?? '').split(/\s+/).filter(Boolean);
const modelSources = [...hubOrigins, ...hubRedirectSources, ...modelMirrors];

// One policy for every response. `style-src 'self'` holds because Svelte emits its CSS as files
// and the app only sets styles through CSSOM; `img-src` and `media-src` keep note images, audio
// and video from reaching the net (attachments play from object URLs made from stored bytes).
const cspDirectives: Record<string, string> = {
  'default-src': "'self'",
  'script-src': "'self' 'wasm-unsafe-eval'",
  'style-src': "'self'",
  'img-src': "'self' data: blob:",
  'media-src': "'self' blob:",
  'font-src': "'self'",
  'connect-src': ["'self'", ...modelSources].join(' '),
  'worker-src': "'self'",
  'manifest-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
  'frame-ancestors': "'none'",
};

// frame-ancestors is ignored (with a console error) in a <meta> policy, so the fallback omits it.
const metaOnlyExcluded = new Set(['frame-ancestors']);

function cspString(forMeta: boolean): string {
  return Object.entries(cspDirectives)
    .filter(([name]) => !(forMeta && metaOnlyExcluded.has(name)))
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

// Cross-origin isolation lets the model runtimes use every core (SharedArrayBuffer threads).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

// No `blob:` in script-src: transformers.js only imports ONNX Runtime's glue from a blob: URL
// when it caches the runtime itself (`env.useWasmCache`), which the model worker turns off; the
// runtime comes from the app's own precached files instead (see src/lib/llm/transformers/runtime.ts).
export const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': cspString(false),
  ...isolationHeaders,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

/** Adds the CSP as a <meta> fallback in production builds only: the dev server injects styles inline. */
function cspMeta(): Plugin {
  return {
    name: 'hearth-csp-meta',
    apply: 'build',
    transformIndexHtml() {
      return [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: cspString(true) },
          injectTo: 'head-prepend',
        },
      ];
    },
  };
}

/** `virtual:model-catalog`: every engine's catalog as JSON, made once per build (and dev start). */
function modelCatalog(): Plugin {
  const id = 'virtual:model-catalog';
  return {
    name: 'hearth-model-catalog',
    resolveId: (source) => (source === id ? `\0${id}` : null),
    load: (resolved) =>
      resolved === `\0${id}` ? `export default ${JSON.stringify(buildCatalog())};` : null,
  };
}

const outDir = process.env.HEARTH_OUT_DIR ?? 'dist';

export default defineConfig({
  plugins: [
    svelte(),
    cspMeta(),
    modelCatalog(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      // A service worker of Hearth's own (precache and app shell as before, plus the network
      // policy for the page and its workers): src/sw.ts.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      includeAssets: ['favicon.svg', 'icons/*.png'],
      manifest: {
        name: 'Hearth',
        short_name: 'Hearth',
        description: 'Your notes, journal and AI — all on your own device.',
        theme_color: '#b4532a',
        background_color: '#1c1917',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: '/icons/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      injectManifest: {
        // bcmap: pdf.js's character maps, so CJK PDFs without their own maps read offline too.
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,webmanifest,wasm,bcmap}'],
        // (The navigation fallback to /index.html and the clean-up of outdated precaches are in
        // src/sw.ts.) Set on purpose: the ONNX runtime (27 MB wasm) and web-llm (6 MB chunk) are precached so a
        // model runs offline; the 2 MiB default fails the build. Model weights are never
        // precached: the model libraries keep their own caches.
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
      },
    }),
  ],
  worker: { format: 'es' },
  build: { outDir, target: 'es2022', sourcemap: false },
  server: { headers: isolationHeaders },
  preview: { headers: securityHeaders, port: 4173, strictPort: true },
});
