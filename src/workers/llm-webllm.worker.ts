// The WebLLM (WebGPU) model worker: the only place web-llm's 6 MB chunk is loaded. The fetch guard
// goes in first, before web-llm can touch the network or its caches.
import { serveEngine } from '../lib/llm/engine-server';
import { WebLlmEngine } from '../lib/llm/webllm/engine';
import { installFetchGuard } from '../lib/llm/webllm/fetch-guard';
import { WebLlmStore } from '../lib/llm/webllm/store';

const guard = installFetchGuard({ appOrigin: self.location.origin });
serveEngine(self, {
  engine: new WebLlmEngine(guard),
  store: new WebLlmStore(guard),
  configure: (settings) => guard.configure(settings),
});
