// Where a process's memory is, for the footprint figures: RSS split by /proc (anonymous memory,
// file-backed pages such as the node binary, shared memory), and heap snapshots on request
// (`--heap-snapshots <dir>`: the bot and bare Bolt run with `--heapsnapshot-signal=SIGUSR2
// --diagnostic-dir=<dir>`; summarise them with `bench/heap-compare.ts`).

import { existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Row } from './table.js';

/** The node flags that let `snapshot()` ask a process for a heap snapshot, written to `dir`. */
export const snapshotFlags = (dir: string) => [
  '--heapsnapshot-signal=SIGUSR2',
  `--diagnostic-dir=${dir}`,
];

/** RssAnon / RssFile / RssShmem of a process, in MiB, as one short line. */
export function rssSplit(pid: number | undefined): string {
  if (!pid) return 'no pid';
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) =>
      Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
    const mib = (k: string) => (kb(k) / 1024).toFixed(1);
    return `RSS ${mib('VmRSS')} MiB = anon ${mib('RssAnon')} + file ${mib('RssFile')} + shmem ${mib('RssShmem')}; threads ${Number(/Threads:\s+(\d+)/.exec(status)?.[1])}`;
  } catch {
    return 'gone';
  }
}

/** The heap figures of prom-client's default metrics (text of `/metrics`), in MiB. */
export function heapFromMetrics(text: string, prefix = 'rollback_bot_'): string {
  const get = (name: string) => {
    const m = new RegExp(`^${prefix}${name} ([0-9.e+-]+)$`, 'm').exec(text);
    return m ? (Number(m[1]) / 2 ** 20).toFixed(1) : '?';
  };
  const spaces = [
    ...text.matchAll(
      new RegExp(
        `^${prefix}nodejs_heap_space_size_total_bytes\\{space="(\\w+)"\\} ([0-9.e+-]+)$`,
        'gm',
      ),
    ),
  ]
    .filter((m) => Number(m[2]) >= 2 ** 20)
    .map((m) => `${m[1]} ${(Number(m[2]) / 2 ** 20).toFixed(1)}`)
    .join(', ');
  return `heap total ${get('nodejs_heap_size_total_bytes')} (used ${get('nodejs_heap_size_used_bytes')}), external ${get('nodejs_external_memory_bytes')} MiB; spaces (total MiB): ${spaces}`;
}

/**
 * Sends SIGUSR2 to `pid` and waits until a new snapshot in `dir` stops growing, then renames it
 * `<label>.heapsnapshot`. Returns its path.
 */
export async function snapshot(pid: number, dir: string, label: string): Promise<string> {
  const before = new Set(existsSync(dir) ? readdirSync(dir) : []);
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 120_000;
  let file: string | undefined;
  let size = -1;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    file ??= readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!file) continue;
    const now = statSync(path.join(dir, file)).size;
    if (now > 0 && now === size) break;
    size = now;
  }
  if (!file) throw new Error(`no heap snapshot from ${pid} in ${dir}`);
  const out = path.join(dir, `${label}.heapsnapshot`);
  renameSync(path.join(dir, file), out);
  return out;
}

/** VmRSS of a process in bytes, from /proc. */
export function rssOf(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * When RSS counts as idle: it has fallen by `dropBytes` from its highest sample (V8's memory
 * reducer has run: it shrinks the young generation and returns free pages), and since then stayed
 * within `bandBytes` over `windowMs`; sampled every `everyMs`, at most `capMs`.
 */
export interface SettleRule {
  dropBytes: number;
  bandBytes: number;
  windowMs: number;
  everyMs: number;
  capMs: number;
}

// Why the drop: a process stops allocating long before V8 gives memory back. Its memory reducer
// runs a GC some 8 s after allocation slows down, and checks again every 8 s while it does not;
// until then RSS is flat at the start-up peak (observed over 60 s: the bot flat at 165 MiB for
// 12 s, then 98; bare Bolt flat at 73 for 5 s, then 63; in other runs bare Bolt was still flat
// after 10 s). A flat plateau alone is not idle.
export const SETTLE: SettleRule = {
  dropBytes: 4 * 2 ** 20,
  bandBytes: 2 * 2 ** 20,
  windowMs: Number(process.env.BENCH_SETTLE_WINDOW_MS ?? 5_000),
  everyMs: 500,
  capMs: Number(process.env.BENCH_SETTLE_CAP_MS ?? 45_000),
};

export interface Settled {
  /** The last sample once settled (or at the cap). */
  bytes: number;
  /** From the start of the wait to the end of the first stable window (or the cap). */
  waitedMs: number;
  settled: boolean;
  /** When RSS first fell by the rule's drop (ms from the start of the wait), if it did. */
  dropAtMs: number | undefined;
  /** Every sample, MiB, one a `everyMs`: how RSS moved while it settled. */
  samplesMiB: number[];
}

/**
 * Samples the RSS of every named process together until each has settled by the rule (each
 * process on its own), or the cap. The same rule for the bot and bare Bolt.
 */
export async function settledRss(
  pids: Record<string, number | undefined>,
  rule: SettleRule = SETTLE,
): Promise<Record<string, Settled>> {
  const start = Date.now();
  const perWindow = Math.round(rule.windowMs / rule.everyMs) + 1;
  const out: Record<string, Settled> = {};
  const samples: Record<string, number[]> = {};
  const dropAt: Record<string, number> = {};
  for (const name of Object.keys(pids)) samples[name] = [];
  for (;;) {
    for (const [name, pid] of Object.entries(pids)) {
      if (out[name]) continue;
      const s = samples[name]!;
      const now = rssOf(pid);
      if (dropAt[name] === undefined && s.length && Math.max(...s) - now >= rule.dropBytes)
        dropAt[name] = s.length;
      s.push(now);
      const last = s.slice(-perWindow);
      const stable =
        dropAt[name] !== undefined &&
        s.length - perWindow >= dropAt[name] &&
        Math.max(...last) - Math.min(...last) <= rule.bandBytes;
      const capped = Date.now() - start >= rule.capMs;
      if (stable || capped || Number.isNaN(now))
        out[name] = {
          bytes: now,
          waitedMs: Date.now() - start,
          settled: stable,
          dropAtMs: dropAt[name] === undefined ? undefined : dropAt[name] * rule.everyMs,
          samplesMiB: s.map((b) => Math.round((b / 2 ** 20) * 10) / 10),
        };
    }
    if (Object.keys(out).length === Object.keys(pids).length) return out;
    await new Promise((r) => setTimeout(r, rule.everyMs));
  }
}

/** "settled after 17.5 s (fell at 12.0 s)" or "NOT settled in 45 s (no fall)", for a note. */
export const settledNote = (s: Settled) =>
  `${s.settled ? 'settled after' : 'NOT settled in'} ${(s.waitedMs / 1000).toFixed(1)} s (${s.dropAtMs === undefined ? 'never fell' : `fell at ${(s.dropAtMs / 1000).toFixed(1)} s`})`;

export interface Footprint {
  /** The bot's RSS 3 s after /readyz, and bare Bolt's then: the figure before the sixth round. */
  rssAt3s: number;
  baselineAt3s: number;
  /** Both once settled (`settledRss`), from 3 s after /readyz on. */
  idle: Record<string, Settled>;
  /** The bot's RSS once Slack went quiet after the storm, then once settled. */
  rssAfterAtOnce: number;
  after: Settled;
}

const MiB = (b: number) => b / 2 ** 20;

export function footprintRows(f: Footprint): Row[] {
  const bot = f.idle.bot!;
  const bolt = f.idle['bare Bolt']!;
  return [
    {
      figure: 'RSS idle (settled)',
      value: MiB(bot.bytes),
      unit: 'MiB',
      baseline: MiB(bolt.bytes),
      baselineNote: 'bare Bolt RSS, settled',
      note: `fell ≥ ${MiB(SETTLE.dropBytes)} MiB, then within ${MiB(SETTLE.bandBytes)} MiB over ${SETTLE.windowMs / 1000} s: bot ${settledNote(bot)}, bare Bolt ${settledNote(bolt)} (from 3 s after /readyz)`,
    },
    {
      figure: 'RSS idle at 3 s (before round 6)',
      value: MiB(f.rssAt3s),
      unit: 'MiB',
      baseline: MiB(f.baselineAt3s),
      baselineNote: 'bare Bolt RSS then',
      note: '3 s after /readyz, start-up work still allocating',
    },
    {
      figure: 'RSS after storm (settled)',
      value: MiB(f.after.bytes),
      unit: 'MiB',
      baseline: MiB(bot.bytes),
      baselineNote: 'bot RSS idle, settled',
      note: `${settledNote(f.after)} once Slack was quiet`,
    },
    {
      figure: 'RSS after storm at once (before round 6)',
      value: MiB(f.rssAfterAtOnce),
      unit: 'MiB',
      baseline: MiB(f.rssAt3s),
      baselineNote: 'bot RSS idle at 3 s',
      note: 'once Slack was quiet 5 s',
    },
  ];
}

/** What goes into the JSON (`results.footprint`), in bytes. */
export function footprintJson(f: Footprint) {
  return {
    rssIdleBytes: f.idle.bot?.bytes,
    baselineBoltRssBytes: f.idle['bare Bolt']?.bytes,
    idleSettled: f.idle,
    rssAfterStormBytes: f.after.bytes,
    afterStormSettled: f.after,
    rssIdleAt3sBytes: f.rssAt3s,
    baselineBoltRssAt3sBytes: f.baselineAt3s,
    rssAfterStormAtOnceBytes: f.rssAfterAtOnce,
  };
}
