// Runs every benchmark against the production build in dist/ and prints one JSON document
// (also written to bench/out/latest.json). Each benchmark carries its own same-run baseline.
import { mkdirSync, writeFileSync } from 'node:fs';
import { machine } from './harness.mjs';
import { benchStartup } from './startup.bench.mjs';
import { benchImport } from './import.bench.mjs';
import { benchSearch } from './search.bench.mjs';
import { benchLlm } from './llm.bench.mjs';
import { benchVector } from './vector.bench.mjs';
import { benchIngest } from './ingest.bench.mjs';
import { benchGrounding } from './grounding.bench.mjs';
import { benchAttach } from './attach.bench.mjs';
import { benchBundle } from './bundle.bench.mjs';
import { benchThreads } from './threads.bench.mjs';

const result = { date: new Date().toISOString(), machine: await machine() };
result.startup = await benchStartup();
result.import = await benchImport();
result.search = await benchSearch();
result.llm = await benchLlm();
result.vector = await benchVector();
result.ingest = await benchIngest();
result.grounding = await benchGrounding();
result.attach = await benchAttach();
result.bundle = await benchBundle();
result.threads = await benchThreads();

mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/latest.json', JSON.stringify(result, null, 2));
console.log(JSON.stringify(result, null, 2));
