// Small measuring helpers the phases share: CPU per process from /proc, and waiting until a count
// (AWS calls seen, Slack calls) stops changing.
import { readFileSync } from 'node:fs';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU time (user + system, ms) a process has used so far, from /proc. */
export function cpuMsOf(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ".
    return ((Number(fields[11]) + Number(fields[12])) / 100) * 1000;
  } catch {
    return Number.NaN;
  }
}

export type CpuByProcess = Record<string, number>;
export const cpuZero = (): CpuByProcess => ({});

/** CPU ms so far of each named process, and of this one (the load generator). */
export function cpuOfAll(procs: Record<string, number | undefined>): CpuByProcess {
  const out: CpuByProcess = {};
  for (const [name, pid] of Object.entries(procs)) out[name] = cpuMsOf(pid);
  const me = process.cpuUsage();
  out.generator = (me.user + me.system) / 1000;
  return out;
}

export function addCpu(into: CpuByProcess, before: CpuByProcess, after: CpuByProcess): void {
  for (const [name, v] of Object.entries(after)) {
    into[name] = (into[name] ?? 0) + (v - (before[name] ?? 0));
  }
}

export const cpuNote = (c: CpuByProcess) =>
  Object.entries(c)
    .map(([name, ms]) => `${name} ${Math.round(ms)}`)
    .join(', ');

/** Waits until `count()` stops changing for `quietMs`, at most `maxMs`. Returns whether it settled. */
export async function untilQuiet(count: () => Promise<number>, quietMs: number, maxMs: number) {
  const deadline = Date.now() + maxMs;
  let last = await count();
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(250);
    const n = await count();
    if (n !== last) {
      last = n;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return true;
  }
  return false;
}
