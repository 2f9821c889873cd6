// The transformers.js model worker (CPU/WASM, or WebGPU for ONNX models). Its file name is part of
// the CSP: only this worker's script may import ONNX Runtime's glue (see vite.config.ts).
import { serveEngine } from '../lib/llm/engine-server';
import { TransformersEngine } from '../lib/llm/transformers/engine';
import {
  configureNetwork,
  configureTransformers,
  fetchModelFile,
  wasmThreads,
  withNetwork,
  yieldToEvents,
} from '../lib/llm/transformers/runtime';
import { TransformersStore } from '../lib/llm/transformers/store';

configureTransformers();
serveEngine(self, {
  engine: new TransformersEngine({ network: withNetwork, yieldToEvents, threads: wasmThreads }),
  store: new TransformersStore({ network: withNetwork, fetchFile: fetchModelFile }),
  configure: configureNetwork,
});
