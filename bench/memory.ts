// Where a process's memory is, for the footprint figures: RSS split by /proc (anonymous memory,
// file-backed pages such as the node binary, shared memory), and heap snapshots on request
// (`--heap-snapshots <dir>`: the bot and bare Bolt run with `--heapsnapshot-signal=SIGUSR2
// --diagnostic-dir=<dir>`; summarise them with `bench/heap-compare.ts`).

import { existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';

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
