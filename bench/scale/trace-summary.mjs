// Prints restore-trace.bench.mjs's JSON (stdin) as a timeline a person can read: for each run,
// the search worker's restore marks, then every request of every context that took at least
// HEARTH_TRACE_MIN_MS (default 20) or returned at least 1,000 rows, in start order.
import { readFileSync } from 'node:fs';

const minMs = Number(process.env.HEARTH_TRACE_MIN_MS ?? 20);
const { runs } = JSON.parse(readFileSync(0, 'utf8'));
const pad = (x, n) => String(x).padStart(n);

for (const [build, list] of Object.entries(runs)) {
  list.forEach((run, i) => {
    console.log(
      `\n== ${build} run ${i + 1}: ${run.status} (load ${run.loadAtStart} → ${run.loadAtEnd})`,
    );
    const rows = [];
    for (const context of run.contexts) {
      if (context.startedAtMs !== undefined)
        rows.push({ at: context.startedAtMs, line: `${context.name} started` });
      for (const mark of context.marks ?? [])
        rows.push({ at: mark.atMs, line: `${context.name} mark ${mark.name}` });
      for (const r of context.requests) {
        if (r.op === 'transaction') continue;
        if ((r.ms ?? Infinity) < minMs && r.n < 1_000) continue;
        const first =
          r.firstMs !== undefined && r.op.includes('Cursor') ? ` first ${r.firstMs}` : '';
        rows.push({
          at: r.startMs,
          line: `${context.name} ${r.op} ${r.store} tx${r.tx} → ${r.endMs ?? 'open'} (${r.ms ?? '…'} ms, n ${r.n}${first})`,
        });
      }
    }
    rows.sort((a, b) => a.at - b.at);
    for (const { at, line } of rows) console.log(`${pad(Math.round(at), 7)} ms  ${line}`);
    const totals = run.contexts.map((c) => {
      const reqs = c.requests.filter((r) => r.op !== 'transaction');
      return `${c.name}: ${reqs.length} requests, ${Math.round(reqs.reduce((s, r) => s + (r.ms ?? 0), 0))} ms summed`;
    });
    console.log(`   ${totals.join('; ')}`);
  });
}
