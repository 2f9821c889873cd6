// The index proves its recall: a sample of stored vectors is searched as queries (each leaves
// itself out) and the hits compared with an exact int8 scan; the cheapest search level whose
// recall@10 reaches the goal is chosen. The sample is a reservoir over everything ever added, so
// it follows the data as the index grows; each sample's exact top 10 is kept up to date
// incrementally (new vectors are scored against it, a removed neighbour makes it recompute), so a
// check after 10 % of growth costs a tenth of a full one, and a restored index re-checks without
// rescanning. Runs at build, at restore and after every 10 % of change (see vector-store.ts).
// Real queries the index was asked are measured too, and a width must hold for them as well
// (recall-queries.ts).
import { IndexSnapshotError } from './index-bytes';
import { QuerySample, recallK as k, type QueryTarget } from './recall-queries';
import type { LevelRecall, RecallReport } from './recall-report';
import { exactBelow, exactLevel, poolFor, searchLevels } from './search-levels';
import { TopK } from './top-k';

/** What the check needs from an index: exact int8 scores, and searches at a chosen level. */
export interface CheckTarget extends QueryTarget {
  readonly size: number;
  has(label: number): boolean;
  labelAt(position: number): number;
  vectorOf(label: number): Float32Array;
  scoreLabels(query: Float32Array, labels: ArrayLike<number>, top: TopK): void;
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
  /** Queries the index was asked: in memory only, never in `toSections`. */
  #queries = new QuerySample();
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
    if (this.#queries.due()) return true;
    return this.#changes >= Math.max(minChanges, changeShare * this.#checkedSize);
  }

  /** Remembers a query the index was asked (a copy, in memory only), for the next check. */
  noteQuery(query: Float32Array): void {
    this.#queries.note(query, () => this.#rand());
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
    const queries = await this.#queries.measure(
      target,
      level,
      () => this.#yield(pause),
      () => this.#disposed,
    );
    return {
      level,
      recall: total ? found / total : 1,
      searchMs,
      samples: times.length,
      queryRecall: queries,
    };
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
    const queriesSeen = this.#queries.seen;
    const measuringQueries = await this.#queries.take(target, () => this.#yield(pause));
    const floor = Math.min(this.#queries.floor(measuringQueries), exactLevel);
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
    this.#queries.finish(measuringQueries, passed, queriesSeen);
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
      querySamples: measuringQueries ? this.#queries.count : 0,
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
        queryLevel: this.#queries.level,
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
    check.#queries = new QuerySample(saved.queryLevel ?? -1);
    check.report = saved.report ?? null;
    return check;
  }
}
