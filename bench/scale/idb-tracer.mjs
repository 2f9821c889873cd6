// Records every IndexedDB request a context makes (page or worker), with start and end times on
// one clock (epoch ms: `performance.timeOrigin + performance.now()`), so the requests of the page
// and of each worker at start can be laid on one timeline. `idbTracer` runs inside the context:
// the page gets it as an init script, a worker as a prefix of its own script (see
// restore-trace.bench.mjs). Bench-only: the app never loads it.
export function idbTracer() {
  if (self.__idbTrace) return;
  const log = [];
  self.__idbTrace = log;
  const now = () => performance.timeOrigin + performance.now();
  let txSeq = 0;
  const txIds = new WeakMap();
  const txOf = (tx) => {
    if (!tx) return undefined;
    if (!txIds.has(tx)) txIds.set(tx, ++txSeq);
    return txIds.get(tx);
  };
  const size = (result) => {
    if (Array.isArray(result)) return result.length;
    if (typeof result === 'number') return result;
    return result === undefined ? 0 : 1;
  };
  const wrap = (proto, kind, methods) => {
    for (const method of methods) {
      const original = proto[method];
      if (typeof original !== 'function') continue;
      proto[method] = function (...args) {
        const request = original.apply(this, args);
        const store = kind === 'index' ? `${this.objectStore.name}.${this.name}` : this.name;
        const entry = {
          op: method,
          store,
          tx: txOf(kind === 'index' ? this.objectStore.transaction : this.transaction),
          start: now(),
          end: 0,
          n: 0,
          steps: 0,
        };
        log.push(entry);
        const cursor = method === 'openCursor' || method === 'openKeyCursor';
        request.addEventListener('success', () => {
          entry.end = now();
          entry.steps++;
          if (entry.steps === 1) entry.first = entry.end;
          if (!cursor) entry.n = size(request.result);
          else if (request.result) entry.n++;
        });
        request.addEventListener('error', () => {
          entry.end = now();
          entry.error = String(request.error?.name);
        });
        return request;
      };
    }
  };
  const reads = ['get', 'getAll', 'getAllKeys', 'getKey', 'count', 'openCursor', 'openKeyCursor'];
  wrap(IDBObjectStore.prototype, 'store', [...reads, 'put', 'add', 'delete', 'clear']);
  wrap(IDBIndex.prototype, 'index', reads);
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (stores, mode, ...rest) {
    const tx = transaction.call(this, stores, mode, ...rest);
    const entry = {
      op: 'transaction',
      store: [].concat(stores).join('+'),
      mode: mode ?? 'readonly',
      tx: txOf(tx),
      start: now(),
      end: 0,
    };
    log.push(entry);
    const done = (how) => () => {
      entry.end = now();
      entry.how = how;
    };
    tx.addEventListener('complete', done('complete'));
    tx.addEventListener('abort', done('abort'));
    return tx;
  };
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (...args) {
    const request = open.apply(this, args);
    const entry = { op: 'open', store: String(args[0]), start: now(), end: 0 };
    log.push(entry);
    request.addEventListener('success', () => (entry.end = now()));
    request.addEventListener('error', () => (entry.end = now()));
    return request;
  };
}

/** The tracer as source text, to prefix a worker's script with. */
export const idbTracerSource = `(${idbTracer.toString()})();\n`;
