// Query-shaped vectors against the default index: e5 and bge embed a query with a prefix that moves
// it off the passages (tests/fixtures/clustered-vectors.ts, `shiftQueries`). Measures the default
// bq-int8 (a) at the start, before any query was seen (its width held at `unseenFloor` or more), on
// in-distribution queries and on 100 shifted ones per offset; (b) per offset, after it was asked 64
// shifted queries: a copy restored from its snapshot (as the memory worker starts), checked once as
// at every restore, then fed the queries through `noteQuery` with the check re-run whenever it
// says it is due (what VectorStore.noteQuery → #scheduleCheck does, one query at a time), then
// the width it settled on, recall@10 on 100 new shifted queries and on the in-distribution ones,
// and p50, each timed in turns with the exact float scan of the same run.
import { BqInt8Index, bqInt8Factory } from '../../src/lib/search/bq-index';
import { queryCapacity, unseenFloor } from '../../src/lib/search/recall-queries';
import { queryShifts, shiftQueries } from '../../tests/fixtures/clustered-vectors';
import type { RecallReport } from '../../src/lib/search/recall-report';
import { d, recall, round, timeTogether, type Search } from './measure';

const fresh = 100;

/** Recall@10 and p50 of `index` at its current width, in turns with the exact scan. */
function measureAt(
  index: BqInt8Index,
  exact: Search,
  queries: Float32Array,
  truth: number[][],
  count: number,
) {
  const [baseline, timed] = timeTogether([exact, (q) => index.search(q, 10)], queries, count);
  return {
    recallAt10: recall(truth, timed!.hits),
    p50Ms: timed!.p50Ms,
    p95Ms: timed!.p95Ms,
    exactP50Ms: baseline!.p50Ms,
    shareOfExact: round(timed!.p50Ms / baseline!.p50Ms, 3),
  };
}

const summary = (report: RecallReport) => ({
  level: report.level,
  floor: report.floor,
  sampleRecall: round(report.recall, 4),
  queryRecall: report.queryRecall === null ? null : round(report.queryRecall, 4),
  querySamples: report.querySamples,
  checkMs: Math.round(report.checkMs),
  levelsTried: report.tried.map((t) => t.level),
});

export async function queryShiftRuns(
  bq: BqInt8Index,
  exact: Search,
  source: { batch(n: number): Float32Array },
  inDistribution: { queries: Float32Array; truth: number[][]; count: number },
  pause: () => Promise<void>,
  log: (text: string) => void,
) {
  const asked = source.batch(queryCapacity);
  const held = source.batch(fresh);
  const offsets = queryShifts.map((offset) => {
    const queries = shiftQueries(held, d, offset);
    const truth: number[][] = [];
    for (let q = 0; q < fresh; q++)
      truth.push(exact(queries.subarray(q * d, (q + 1) * d)).map((h) => h.label));
    return { offset, asked: shiftQueries(asked, d, offset), queries, truth };
  });
  const { queries, truth, count } = inDistribution;
  log('  queries: at the start…');
  const start = {
    level: bq.level,
    floor: bq.recall?.floor ?? null,
    inDistribution: measureAt(bq, exact, queries, truth, count),
    shifted: offsets.map((o) => ({
      offset: o.offset,
      ...measureAt(bq, exact, o.queries, o.truth, fresh),
    })),
  };
  const snapshot = bq.serialize();
  const afterQueries = [];
  for (const o of offsets) {
    log(`  queries: ${queryCapacity} asked at offset ${o.offset}…`);
    const index = (await bqInt8Factory.restore(snapshot, d)) as BqInt8Index;
    const checks = [{ at: 0, ...summary(await index.checkRecall(pause)) }];
    for (let q = 0; q < queryCapacity; q++) {
      index.noteQuery(o.asked.subarray(q * d, (q + 1) * d));
      while (index.checkDue())
        checks.push({ at: q + 1, ...summary(await index.checkRecall(pause)) });
    }
    afterQueries.push({
      offset: o.offset,
      asked: queryCapacity,
      level: index.level,
      checks,
      shifted: measureAt(index, exact, o.queries, o.truth, fresh),
      inDistribution: measureAt(index, exact, queries, truth, count),
    });
    index.dispose();
  }
  snapshot.length = 0;
  return { unseenFloor, freshQueries: fresh, start, afterQueries };
}
