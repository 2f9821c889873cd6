// The memory of one browser's process tree, read from /proc, by process kind. RSS alone counts a
// page shared between two processes (the shared memory a Blob or a data pipe crosses in) once in
// each, so each process's proportional set size (PSS, from smaps_rollup) is kept too: summed over
// the tree it counts every page once. Split into anonymous, file-backed and shared memory, so a
// rise can be told apart: a heap or Blob bytes (anon), mapped files (file), transfer buffers
// (shmem).
import { readFileSync, readdirSync } from 'node:fs';

const parentOf = (stat) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);

/** Every live process's parent, by pid. */
function parents() {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      parent.set(Number(name), parentOf(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // The process ended while being read.
    }
  }
  return parent;
}

/** `root` and every process under it. */
export function treePids(root) {
  const parent = parents();
  const inTree = (pid) => {
    for (let p = pid; p > 1; p = parent.get(p) ?? 0) if (p === root) return true;
    return false;
  };
  return [...parent.keys()].filter(inTree);
}

const kinds = new Map();

/** browser, renderer, gpu-process, zygote, utility:<service> … from the process's flags. */
function kindOf(pid) {
  if (kinds.has(pid)) return kinds.get(pid);
  // Chromium rewrites its children's titles as one line: flags are split on spaces too.
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
  const flag = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const type = flag('type');
  const sub = flag('utility-sub-type');
  const kind = !type ? 'browser' : sub ? `utility:${sub.split('.')[0]}` : type;
  kinds.set(pid, kind);
  return kind;
}

const fieldsKb = (text, names) =>
  Object.fromEntries(
    names.map((name) => [
      name,
      Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0),
    ]),
  );

/**
 * One reading of the tree: totals and per kind, in bytes: `rss` (VmRSS), `pss`, and the PSS
 * split into `anon`, `file` and `shmem`.
 */
export function treeMemory(root) {
  const byKind = {};
  let rss = 0;
  let pss = 0;
  for (const pid of treePids(root)) {
    try {
      const kind = kindOf(pid);
      const status = fieldsKb(readFileSync(`/proc/${pid}/status`, 'utf8'), ['VmRSS']);
      const roll = fieldsKb(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), [
        'Pss',
        'Pss_Anon',
        'Pss_File',
        'Pss_Shmem',
      ]);
      const k = (byKind[kind] ??= { rss: 0, pss: 0, anon: 0, file: 0, shmem: 0, processes: 0 });
      k.rss += status.VmRSS * 1024;
      k.pss += roll.Pss * 1024;
      k.anon += roll.Pss_Anon * 1024;
      k.file += roll.Pss_File * 1024;
      k.shmem += roll.Pss_Shmem * 1024;
      k.processes++;
      rss += status.VmRSS * 1024;
      pss += roll.Pss * 1024;
    } catch {
      // Gone.
    }
  }
  return { rss, pss, byKind };
}

const mb = (bytes) => Math.round(bytes / 1e6);

/** A reading's per-kind PSS split in MB, for a report. */
export const kindsInMB = (reading) =>
  Object.fromEntries(
    Object.entries(reading.byKind).map(([kind, k]) => [
      kind,
      { pss: mb(k.pss), anon: mb(k.anon), file: mb(k.file), shmem: mb(k.shmem), rss: mb(k.rss) },
    ]),
  );

/**
 * Samples the tree under `root` every `everyMs` until `stop()`, which resolves to the peaks (RSS,
 * as before, and PSS), each kind's PSS rise over the first reading, the split at the PSS peak,
 * the reading at the end, and with `timeline` every sample (seconds from the start, MB).
 */
export function sampleTree(root, everyMs, { timeline = false } = {}) {
  const startedAt = Date.now();
  const first = treeMemory(root);
  let rssPeak = first.rss;
  let pssPeak = first;
  const kindPeak = {};
  const samples = [];
  const take = (reading) => {
    rssPeak = Math.max(rssPeak, reading.rss);
    if (reading.pss > pssPeak.pss) pssPeak = reading;
    for (const [kind, k] of Object.entries(reading.byKind))
      kindPeak[kind] = Math.max(kindPeak[kind] ?? 0, k.pss);
    if (timeline)
      samples.push([
        Math.round((Date.now() - startedAt) / 100) / 10,
        mb(reading.rss),
        mb(reading.pss),
        Object.fromEntries(Object.entries(reading.byKind).map(([kind, k]) => [kind, mb(k.pss)])),
      ]);
  };
  take(first);
  const timer = setInterval(() => take(treeMemory(root)), everyMs);
  let report = null;
  return {
    startedAt,
    first,
    /** Ends the sampling; a second call gives the same report. */
    stop() {
      if (report) return report;
      clearInterval(timer);
      const last = treeMemory(root);
      take(last);
      const riseByKind = Object.fromEntries(
        Object.entries(kindPeak).map(([kind, peak]) => [
          kind,
          mb(peak - (first.byKind[kind]?.pss ?? 0)),
        ]),
      );
      report = {
        rssBeforeMB: mb(first.rss),
        rssPeakMB: mb(rssPeak),
        rssRiseMB: mb(rssPeak - first.rss),
        rssAfterMB: mb(last.rss),
        pssBeforeMB: mb(first.pss),
        pssPeakMB: mb(pssPeak.pss),
        pssRiseMB: mb(pssPeak.pss - first.pss),
        pssAfterMB: mb(last.pss),
        pssRiseByKindMB: riseByKind,
        atPssPeak: kindsInMB(pssPeak),
        ...(timeline ? { timeline: samples } : {}),
      };
      return report;
    },
  };
}
