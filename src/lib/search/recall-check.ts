// The index proves its recall: a sample of stored vectors is searched as queries (each leaves
// itself out) and the hits compared with an exact int8 scan; the cheapest search level whose
// recall@10 reaches the goal is chosen. The sample is a reservoir over everything ever added, so
// it follows the data as the index grows; each sample's exact top 10 is kept up to date
// incrementally (new vectors are scored against it, a removed neighbour makes it recompute), so a
// check after 10 % of growth costs a tenth of a full one, and a restored index re-checks without
// rescanning. Runs at build, at restore and after every 10 % of change (see vector-store.ts).
//
// Stored vectors are passages; e5 and bge embed a query with a prefix (`query: `) that moves it
// by an offset the passages do not share, and an offset query can need a wider search than any
// stored vector does (20k `mean` vectors: 0.995 on the sample at the cheapest width, 0.67 for
// queries offset by 0.8). So the check also keeps a small reservoir of real query embeddings the
// index was asked (in memory only: a query says what the user looked for, so it is never saved)
// and measures them against an exact scan too; a width passes only if both reach the goal. The
// check runs again once 16 and 64 queries were seen, so the width follows the queries; the width
// queries last needed is saved (a number, nothing of the queries) as a floor until they are
// measured again. Before any query was ever measured, the width is at least `unseenFloor`.
import type { VectorHit } from './vector-index';
import { IndexSnapshotError } from './index-bytes';
import { exactBelow, exactLevel, poolFor, searchLevels } from './search-levels';
import { TopK } from './top-k';

/** What the check needs from an index: exact int8 scores, and searches at a chosen level. */
export interface CheckTarget {
  readonly size: number;
  has(label: number): boolean;
  labelAt(position: number): number;
  vectorOf(label: number): Float32Array;
  scoreAll(query: Float32Array, top: TopK): void;
  scoreLabels(query: Float32Array, labels: ArrayLike<number>, top: TopK): void;
  searchAt(query: Float32Array, k: number, level: number): VectorHit[];
}

export interface LevelRecall {
  level: number;
  recall: number;
  /** Median search time of the sample at this level, ms. */
  searchMs: number;
}

export interface RecallReport extends LevelRecall {
  /** The recall the check widens the search for. */
  goal: number;
  /** Sample queries measured (stored vectors, each searched with itself left out). */
  sampleSize: number;
  /** The chosen level scans every vector exactly (a small index, or nothing cheaper passed). */
  exact: boolean;
  /** Vectors rescored by int8 cosine per search of 10 at the chosen level. */
  rescored: number;
  /** Vectors in the index when measured. */
  vectors: number;
  /** The whole check's time, ms. */
  checkMs: number;
  /** Samples whose exact top 10 had to be rescanned (0 when the saved sample was current). */
  rescanned: number;
  /** Every level measured on the way, in the order tried. */
  tried: LevelRecall[];
  /** Recall@10 of the remembered queries at the chosen level (null: too few to measure yet). */
  queryRecall: number | null;
  /** Remembered queries measured (0 below `minQueries`). */
  querySamples: number;
  /** The narrowest level this check allowed: what queries last needed, or `unseenFloor`. */
  floor: number;
}

/** The goal, recall@10 against an exact scan. */
export const recallGoal = 0.95;
/**
 * The sample must do better than the goal: 64 queries estimate recall to about ±0.01 (one
 * standard error), and int8 rounding costs up to 0.015 against exact float cosine on unstructured
 * data (the truth here is the int8 scan; bench/README.md). With 0.97 a 20k uniform set chose a
 * width whose recall on new queries was 0.947.
 */
export const sampleGoal = 0.98;
export const sampleSize = 64;
/** Query embeddings remembered (in memory only) for the check. */
export const queryCapacity = 64;
/** Queries needed before they are measured: fewer estimate recall too roughly to widen on. */
export const minQueries = 16;
/** Queries seen (since the worker started) at which the check runs again. */
const queryCheckpoints = [minQueries, queryCapacity];
/**
 * The narrowest level while no query was ever measured. Measured on 20k vectors with 200 held-out
 * queries offset by 0.4 / 0.8 (recall@10 against exact float cosine, levels 0–4): `mean` 0.919 /
 * 0.670, 0.941 / 0.740, 0.972 / 0.859, 0.985 / 0.926, 0.986 / 0.969; `loose` needs level 2 for 0.8
 * (0.901, 0.924, 0.966); `tight` passes at level 0 and `uniform` needs level 6 anyway. Level 4 is
 * the first that holds both offsets on every shape; at 100k it costs about 4.0–4.4 ms p50 against
 * 2.4–2.8 ms at level 0 (bench/README.md, width 5 against width 1), and only until `minQueries`
 * queries were measured: after that the queries themselves set the width.
 */
export const unseenFloor = 4;
const k = 10;
/** The sample vector itself plus its 10 nearest others. */
const truthK = k + 1;
/** A check is due after this share of change since the last (and at least `minChanges`). */
const changeShare = 0.1;
const minChanges = 8;
/** Pending additions above which a sample's truth is rescanned rather than updated. */
const maxMerge = 1024;
/** The check lets other work in after this long (a search waits at most about that). */
const sliceMs = 8;

const empty = 0;
const stale = 1;
const current = 2;

function nextRandom(state: number): number {
  let t = (state + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

export class RecallCheck {
  #labels = new Uint32Array(sampleSize);
  #state = new Uint8Array(sampleSize);
  #truthLabels = new Uint32Array(sampleSize * truthK);
  #truthScores = new Float32Array(sampleSize * truthK);
  #truthCount = new Uint8Array(sampleSize);
  /** Labels added since the oldest sample's truth was brought up to date. */
  #log: number[] = [];
  #logBase = 0;
  #syncedTo = new Float64Array(sampleSize);
  #seen = 0;
  #random = 0x2545f491;
  #changes = 0;
  #checkedSize = 0;
  #disposed = false;
  #sliceStartMs = 0;
  #rescanned = 0;
  /** Reservoir of query embeddings searched (never saved). */
  #queries: Float32Array[] = [];
  #queriesSeen = 0;
  #queriesChecked = 0;
  /** The level the queries needed when last measured (saved), or -1 if never. */
  #queryLevel = -1;
  /** The remembered queries and their exact top 10, taken at the start of a run. */
  #queryTruths: { query: Float32Array; truth: Set<number> }[] = [];
  report: RecallReport | null = null;

  #rand(): number {
    this.#random = nextRandom(this.#random);
    return this.#random / 2 ** 32;
  }

  get #logEnd(): number {
    return this.#logBase + this.#log.length;
  }

  due(size: number): boolean {
    if (size === 0) return false;
    if (!this.report) return true;
    const checkpoint = queryCheckpoints.find((c) => c > this.#queriesChecked);
    if (checkpoint !== undefined && this.#queriesSeen >= checkpoint) return true;
    return this.#changes >= Math.max(minChanges, changeShare * this.#checkedSize);
  }

  /** Remembers a query the index was asked (a copy, in memory only), for the next check. */
  noteQuery(query: Float32Array): void {
    this.#queriesSeen++;
    const slot =
      this.#queries.length < queryCapacity
        ? this.#queries.length
        : Math.floor(this.#rand() * this.#queriesSeen);
    if (slot < queryCapacity) this.#queries[slot] = query.slice();
  }

  /** The narrowest level a check may choose: what queries last needed, or a margin if never. */
  #floor(measuringQueries: boolean): number {
    if (measuringQueries) return 0;
    return this.#queryLevel >= 0 ? this.#queryLevel : unseenFloor;
  }

  added(label: number, replaced: boolean): void {
    this.#changes++;
    if (replaced) this.#invalidate(label, stale);
    this.#log.push(label);
    if (replaced) return;
    this.#seen++;
    // Reservoir sampling: every vector ever added had the same chance to be in the sample.
    const free = this.#state.indexOf(empty);
    const slot = free >= 0 ? free : Math.floor(this.#rand() * this.#seen);
    if (slot < sampleSize) {
      this.#labels[slot] = label;
      this.#state[slot] = stale;
      this.#truthCount[slot] = 0;
    }
  }

  removed(label: number): void {
    this.#changes++;
    this.#invalidate(label, empty);
  }

  /** A sample whose query is `label` becomes `asQuery`; one with `label` among its truth, stale. */
  #invalidate(label: number, asQuery: typeof empty | typeof stale): void {
    for (let s = 0; s < sampleSize; s++) {
      if (this.#state[s] === empty) continue;
      if (this.#labels[s] === label) this.#state[s] = asQuery;
      else if (this.#state[s] === current && this.#truthHas(s, label)) this.#state[s] = stale;
    }
  }

  #truthHas(s: number, label: number): boolean {
    const base = s * truthK;
    for (let i = 0; i < this.#truthCount[s]!; i++)
      if (this.#truthLabels[base + i] === label) return true;
    return false;
  }

  #writeTruth(s: number, top: TopK): void {
    const base = s * truthK;
    this.#truthLabels.set(top.labels.subarray(0, top.count), base);
    for (let i = 0; i < top.count; i++) this.#truthScores[base + i] = top.scores[i]!;
    this.#truthCount[s] = top.count;
    this.#state[s] = current;
    this.#syncedTo[s] = this.#logEnd;
  }

  /** Brings sample `s`'s exact top 10 up to date with the index. */
  #sync(s: number, target: CheckTarget, allowScan = true): void {
    if (this.#state[s] === empty) return;
    const pending = this.#logEnd - this.#syncedTo[s]!;
    if (this.#state[s] === current && pending === 0) return;
    const query = target.vectorOf(this.#labels[s]!);
    const top = new TopK(truthK);
    if (this.#state[s] === stale || pending > maxMerge) {
      if (!allowScan) {
        this.#state[s] = stale;
        return;
      }
      target.scoreAll(query, top);
      this.#rescanned++;
      return this.#writeTruth(s, top);
    }
    const base = s * truthK;
    const known = new Set<number>();
    for (let i = 0; i < this.#truthCount[s]!; i++) {
      known.add(this.#truthLabels[base + i]!);
      top.push(this.#truthLabels[base + i]!, this.#truthScores[base + i]!);
    }
    const fresh: number[] = [];
    for (let i = this.#syncedTo[s]! - this.#logBase; i < this.#log.length; i++) {
      const label = this.#log[i]!;
      if (known.has(label)) continue;
      known.add(label);
      if (target.has(label)) fresh.push(label);
    }
    target.scoreLabels(query, fresh, top);
    this.#writeTruth(s, top);
  }

  /** Forgets log entries every current sample has seen. */
  #trimLog(): void {
    let oldest = this.#logEnd;
    for (let s = 0; s < sampleSize; s++)
      if (this.#state[s] === current) oldest = Math.min(oldest, this.#syncedTo[s]!);
    this.#log.splice(0, oldest - this.#logBase);
    this.#logBase = oldest;
  }

  /** Fills empty sample places with stored vectors not yet in the sample. */
  #refill(target: CheckTarget): void {
    const taken = new Set<number>();
    for (let s = 0; s < sampleSize; s++) if (this.#state[s] !== empty) taken.add(this.#labels[s]!);
    for (let s = 0; s < sampleSize && taken.size < target.size; s++) {
      if (this.#state[s] !== empty) continue;
      let label = target.labelAt(Math.floor(this.#rand() * target.size));
      for (let tries = 0; taken.has(label) && tries < 8; tries++)
        label = target.labelAt(Math.floor(this.#rand() * target.size));
      if (taken.has(label)) continue;
      taken.add(label);
      this.#labels[s] = label;
      this.#state[s] = stale;
    }
  }

  /** Calls `pause` once the current slice of work has run `sliceMs`. */
  async #yield(pause: () => Promise<void>): Promise<void> {
    if (performance.now() - this.#sliceStartMs < sliceMs) return;
    await pause();
    this.#sliceStartMs = performance.now();
  }

  /** Recall@10 of the sample at `level`; each sample is synced just before it is searched. */
  async #measure(target: CheckTarget, level: number, pause: () => Promise<void>) {
    let found = 0;
    let total = 0;
    const times: number[] = [];
    for (let s = 0; s < sampleSize && !this.#disposed; s++) {
      this.#sync(s, target);
      if (this.#state[s] !== current) continue;
      const self = this.#labels[s]!;
      const base = s * truthK;
      const truth = [...this.#truthLabels.subarray(base, base + this.#truthCount[s]!)]
        .filter((l) => l !== self)
        .slice(0, k);
      const startedMs = performance.now();
      const hits = target.searchAt(target.vectorOf(self), truthK, level);
      times.push(performance.now() - startedMs);
      const got = new Set(
        hits
          .map((h) => h.label)
          .filter((l) => l !== self)
          .slice(0, k),
      );
      found += truth.filter((l) => got.has(l)).length;
      total += truth.length;
      await this.#yield(pause);
    }
    times.sort((a, b) => a - b);
    const searchMs = times.length ? times[Math.floor(times.length / 2)]! : 0;
    const queries = await this.#measureQueries(target, level, pause);
    return {
      level,
      recall: total ? found / total : 1,
      searchMs,
      samples: times.length,
      queryRecall: queries,
    };
  }

  async #measureQueries(target: CheckTarget, level: number, pause: () => Promise<void>) {
    if (this.#queryTruths.length === 0) return null;
    let found = 0;
    let total = 0;
    for (const { query, truth } of this.#queryTruths) {
      if (this.#disposed) break;
      const hits = target.searchAt(query, k, level);
      found += hits.filter((h) => truth.has(h.label)).length;
      total += truth.size;
      await this.#yield(pause);
    }
    return total ? found / total : 1;
  }

  /** Exact top 10 of each remembered query, by a full int8 scan (when there are enough). */
  async #takeQueries(target: CheckTarget, pause: () => Promise<void>): Promise<void> {
    this.#queryTruths = [];
    if (this.#queries.length < minQueries) return;
    for (const query of this.#queries.slice()) {
      const top = new TopK(k);
      target.scoreAll(query, top);
      this.#queryTruths.push({ query, truth: new Set(top.labels.subarray(0, top.count)) });
      await this.#yield(pause);
    }
  }

  /** Runs the check; `pause` lets other work (searches, writes) in between samples. */
  async run(target: CheckTarget, pause: () => Promise<void>): Promise<RecallReport> {
    const startedMs = performance.now();
    this.#sliceStartMs = startedMs;
    this.#rescanned = 0;
    this.#refill(target);
    for (let s = 0; s < sampleSize && !this.#disposed; s++) {
      this.#sync(s, target);
      await this.#yield(pause);
    }
    const queriesSeen = this.#queriesSeen;
    await this.#takeQueries(target, pause);
    const measuringQueries = this.#queryTruths.length > 0;
    const floor = Math.min(this.#floor(measuringQueries), exactLevel);
    const tried: LevelRecall[] = [];
    const measureLevel = async (level: number) => {
      const result = await this.#measure(target, level, pause);
      const ok =
        result.recall >= sampleGoal &&
        (result.queryRecall === null || result.queryRecall >= sampleGoal);
      return { ...result, ok };
    };
    type Pass = Awaited<ReturnType<typeof measureLevel>>;
    const measured = new Map<number, Pass>();
    // A level is measured once per check (the walk down may pass the floor it then returns to).
    const passes = async (level: number): Promise<Pass> => {
      const known = measured.get(level);
      if (known) return known;
      const pass = await measureLevel(level);
      tried.push({ level, recall: pass.recall, searchMs: pass.searchMs });
      measured.set(level, pass);
      return pass;
    };
    let level = Math.min(this.report?.level ?? 0, exactLevel);
    let chosen = await passes(level);
    if (chosen.ok)
      // Still good: see whether a cheaper level does as well (centring may have helped).
      while (level > 0) {
        const cheaper = await passes(level - 1);
        if (!cheaper.ok) break;
        chosen = cheaper;
        level--;
      }
    else while (!chosen.ok && level < exactLevel) chosen = await passes(++level);
    const passed = chosen.level;
    if (chosen.level < floor) chosen = await passes(floor);
    if (measuringQueries) {
      this.#queryLevel = passed;
      this.#queriesChecked = queriesSeen;
    }
    this.#queryTruths = [];
    const size = target.size;
    const pool = poolFor(searchLevels[chosen.level]!, k);
    this.#trimLog();
    this.#changes = 0;
    this.#checkedSize = size;
    this.report = {
      level: chosen.level,
      recall: chosen.recall,
      searchMs: chosen.searchMs,
      goal: recallGoal,
      sampleSize: chosen.samples,
      exact: size < exactBelow || pool >= size,
      rescored: Math.min(pool, size),
      vectors: size,
      checkMs: performance.now() - startedMs,
      rescanned: this.#rescanned,
      tried,
      queryRecall: chosen.queryRecall,
      querySamples: measuringQueries ? this.#queries.length : 0,
      floor,
    };
    return this.report;
  }

  dispose(): void {
    this.#disposed = true;
  }

  /** The sample and its truths for a snapshot, brought up to date first where that is cheap. */
  toSections(target: CheckTarget) {
    for (let s = 0; s < sampleSize; s++) this.#sync(s, target, false);
    this.#log = [];
    this.#logBase = 0;
    this.#syncedTo.fill(0);
    return {
      meta: {
        seen: this.#seen,
        random: this.#random,
        changes: this.#changes,
        checkedSize: this.#checkedSize,
        queryLevel: this.#queryLevel,
        report: this.report,
      },
      sections: {
        sampleLabels: this.#labels,
        sampleState: this.#state,
        truthLabels: this.#truthLabels,
        truthScores: this.#truthScores,
        truthCount: this.#truthCount,
      },
    };
  }

  static fromSections(meta: unknown, sections: Record<string, ArrayBufferView>): RecallCheck {
    const check = new RecallCheck();
    const { sampleLabels, sampleState, truthLabels, truthScores, truthCount } = sections;
    if (
      !(sampleLabels instanceof Uint32Array && sampleLabels.length === sampleSize) ||
      !(sampleState instanceof Uint8Array && sampleState.length === sampleSize) ||
      !(truthLabels instanceof Uint32Array && truthLabels.length === sampleSize * truthK) ||
      !(truthScores instanceof Float32Array && truthScores.length === sampleSize * truthK) ||
      !(truthCount instanceof Uint8Array && truthCount.length === sampleSize)
    )
      throw new IndexSnapshotError('recall sample missing');
    const saved = (meta ?? {}) as Partial<{
      seen: number;
      random: number;
      changes: number;
      checkedSize: number;
      queryLevel: number;
      report: RecallReport | null;
    }>;
    check.#labels = sampleLabels.slice();
    check.#state = sampleState.slice();
    check.#truthLabels = truthLabels.slice();
    check.#truthScores = truthScores.slice();
    check.#truthCount = truthCount.slice();
    check.#seen = saved.seen ?? 0;
    check.#random = saved.random ?? check.#random;
    check.#changes = saved.changes ?? 0;
    check.#checkedSize = saved.checkedSize ?? 0;
    check.#queryLevel = saved.queryLevel ?? -1;
    check.report = saved.report ?? null;
    return check;
  }
}
