// `npx tsx bench/profile-summary.ts <file.cpuprofile> [top] [--window <s>]`: self time by
// function, the share of samples under frames from each package and under each of our functions
// (inclusive), from a V8 CPU profile. `--window 5` looks only at the busiest 5 s (the fewest idle
// samples), e.g. the detection phase of a whole-run profile; `--from 9 --to 12.5` looks at that
// stretch (seconds after the profile started).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { window: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
});
const [file, topArg] = positionals;
if (!file) {
  console.error(
    'usage: tsx bench/profile-summary.ts <file.cpuprofile> [top] [--window <s> | --from <s> --to <s>]',
  );
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const isIdle = (id: number) => byId.get(id)?.callFrame.functionName === '(idle)';

/** [first, last) sample indexes of the window of `seconds` with the least idle time. */
function busiest(seconds: number): [number, number] {
  const span = seconds * 1e6;
  let best: [number, number] = [0, profile.samples.length];
  let bestBusy = -1;
  let busy = 0;
  let time = 0;
  let lo = 0;
  for (let hi = 0; hi < profile.samples.length; hi++) {
    const dt = profile.timeDeltas[hi] ?? 0;
    time += dt;
    if (!isIdle(profile.samples[hi]!)) busy += dt;
    while (time - (profile.timeDeltas[lo] ?? 0) >= span && lo < hi) {
      time -= profile.timeDeltas[lo] ?? 0;
      if (!isIdle(profile.samples[lo]!)) busy -= profile.timeDeltas[lo] ?? 0;
      lo += 1;
    }
    if (busy > bestBusy) {
      bestBusy = busy;
      best = [lo, hi + 1];
    }
  }
  return best;
}
/** [first, last) sample indexes between `fromS` and `toS` seconds after the profile started. */
function between(fromS: number, toS: number): [number, number] {
  let t = 0;
  let first = profile.samples.length;
  let last = profile.samples.length;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (first === profile.samples.length && t >= fromS * 1e6) first = i;
    if (t > toS * 1e6) {
      last = i;
      break;
    }
  }
  return [first, last];
}
const [from, to] = values.window
  ? busiest(Number(values.window))
  : values.from || values.to
    ? between(Number(values.from ?? 0), Number(values.to ?? Number.POSITIVE_INFINITY))
    : [0, profile.samples.length];
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const where = (url: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  const src = /\/work\/[^/]+\/(src|commands)\/(.*)$/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  return url.startsWith('node:') ? url : url ? 'other' : '(native)';
};

const self = new Map<string, number>();
const inclusivePkg = new Map<string, number>();
const inclusiveOurs = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  if (i < from || i >= to) return;
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const n = byId.get(id);
  if (!n) return;
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${where(f.url)}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const frame = byId.get(cur)?.callFrame;
    const pkg = where(frame?.url ?? '');
    if (frame && (pkg.startsWith('src/') || pkg.startsWith('commands/'))) {
      const fn = `${frame.functionName || '(anonymous)'} ${pkg}`;
      if (!seen.has(fn)) {
        seen.add(fn);
        inclusiveOurs.set(fn, (inclusiveOurs.get(fn) ?? 0) + dt);
      }
    }
    const short =
      pkg.startsWith('src/') || pkg.startsWith('commands/')
        ? pkg.split('/').slice(0, 2).join('/')
        : pkg;
    if (!seen.has(short)) {
      seen.add(short);
      inclusivePkg.set(short, (inclusivePkg.get(short) ?? 0) + dt);
    }
  }
});
const pct = (us: number) => `${((us / total) * 100).toFixed(1)}%`;
console.log(
  `total sampled ${(total / 1e6).toFixed(1)} s${values.window ? ` (busiest ${values.window} s window)` : ''}`,
);
console.log('\nself time, top frames:');
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${pct(us).padStart(6)}  ${k}`);
console.log('\ninclusive time by package / folder:');
for (const [k, us] of [...inclusivePkg].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${pct(us).padStart(6)}  ${k}`);
console.log('\ninclusive time by our function:');
for (const [k, us] of [...inclusiveOurs].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${pct(us).padStart(6)}  ${k}`);
