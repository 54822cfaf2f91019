// `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]`: self time by function, and the
// share of samples spent under frames from each package (inclusive), from a V8 CPU profile.
import { readFileSync } from 'node:fs';

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

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
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
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const n = byId.get(id);
  if (!n) return;
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${where(f.url)}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const pkg = where(byId.get(cur)?.callFrame.url ?? '');
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
console.log(`total sampled ${(total / 1e6).toFixed(1)} s`);
console.log('\nself time, top frames:');
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${pct(us).padStart(6)}  ${k}`);
console.log('\ninclusive time by package / folder:');
for (const [k, us] of [...inclusivePkg].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${pct(us).padStart(6)}  ${k}`);
