// Summarises V8 heap snapshots (`node --heapsnapshot-signal=SIGUSR2`, `v8.writeHeapSnapshot()`,
// `npm run bench -- --heap-snapshots <dir>`), one or several side by side, so a memory comparison
// can be repeated:
//   npx tsx bench/heap-compare.ts idle.heapsnapshot [storm.heapsnapshot …] [--top 25]
// Prints, per snapshot: totals by V8 node type; the constructors that retain the most (retained
// size from the dominator tree; an instance whose immediate dominator has the same constructor
// is not counted again); and loaded scripts by package (count, source size, and the bytecode
// and function metadata of their functions). With several snapshots the columns sit side by side,
// ordered by the last one.

import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      edge_fields: string[];
      node_types: [string[]];
      edge_types: [string[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

interface Summary {
  file: string;
  nodes: number;
  total: number;
  byType: Map<string, number>;
  /** constructor → [retained, self, count] */
  byClass: Map<string, [number, number, number]>;
  /** package → [scripts, source bytes, function bytes] */
  byPackage: Map<string, [number, number, number]>;
}

function summarise(file: string): Summary {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const meta = s.snapshot.meta;
  const NF = meta.node_fields.length;
  const EF = meta.edge_fields.length;
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const { nodes: N, edges: E, strings } = s;
  const n = N.length / NF;
  const first = new Uint32Array(n + 1);
  for (let i = 0, e = 0; i < n; i++) {
    first[i] = e;
    e += N[i * NF + 4] * EF;
    first[i + 1] = e;
  }
  const type = (i: number) => nodeTypes[N[i * NF]];
  const name = (i: number) => strings[N[i * NF + 1]];
  const self = (i: number) => N[i * NF + 3];
  const weak = edgeTypes.indexOf('weak');
  const elementLike = new Set([edgeTypes.indexOf('element'), edgeTypes.indexOf('hidden')]);
  const edgeName = (e: number) => (elementLike.has(E[e]) ? '' : strings[E[e + 1]]);
  const target = (e: number) => E[e + 2] / NF;

  // Post-order DFS from the root (node 0), weak edges ignored.
  const post = new Int32Array(n).fill(-1);
  const order = new Uint32Array(n);
  const visited = new Uint8Array(n);
  const stack = [0];
  const cursor = new Uint32Array(n);
  let count = 0;
  visited[0] = 1;
  cursor[0] = first[0];
  while (stack.length) {
    const v = stack[stack.length - 1];
    if (cursor[v] < first[v + 1]) {
      const e = cursor[v];
      cursor[v] += EF;
      if (E[e] === weak) continue;
      const w = target(e);
      if (!visited[w]) {
        visited[w] = 1;
        cursor[w] = first[w];
        stack.push(w);
      }
    } else {
      stack.pop();
      post[v] = count;
      order[count++] = v;
    }
  }
  // Predecessors (CSR) of reachable nodes.
  const predCount = new Uint32Array(n + 1);
  for (let v = 0; v < n; v++) {
    if (!visited[v]) continue;
    for (let e = first[v]; e < first[v + 1]; e += EF) if (E[e] !== weak) predCount[target(e) + 1]++;
  }
  for (let i = 0; i < n; i++) predCount[i + 1] += predCount[i];
  const preds = new Uint32Array(predCount[n]);
  const fill = predCount.slice(0, n);
  for (let v = 0; v < n; v++) {
    if (!visited[v]) continue;
    for (let e = first[v]; e < first[v + 1]; e += EF)
      if (E[e] !== weak) preds[fill[target(e)]++] = v;
  }
  // Dominators: Cooper, Harvey & Kennedy, over post-order numbers.
  const idom = new Int32Array(count).fill(-1);
  const root = post[0];
  idom[root] = root;
  for (let changed = true; changed; ) {
    changed = false;
    for (let p = count - 2; p >= 0; p--) {
      const v = order[p];
      let d = -1;
      for (let k = predCount[v]; k < predCount[v + 1]; k++) {
        let q = post[preds[k]];
        if (q < 0 || idom[q] < 0) continue;
        if (d < 0) {
          d = q;
          continue;
        }
        let a = d;
        while (a !== q) {
          while (a < q) a = idom[a];
          while (q < a) q = idom[q];
        }
        d = a;
      }
      if (d >= 0 && idom[p] !== d) {
        idom[p] = d;
        changed = true;
      }
    }
  }
  const retained = new Float64Array(count);
  for (let p = 0; p < count; p++) retained[p] += self(order[p]);
  for (let p = 0; p < count - 1; p++)
    if (idom[p] >= 0 && idom[p] !== p) retained[idom[p]] += retained[p];

  const classOf = (i: number) => {
    const t = type(i);
    if (t === 'object' || t === 'native') return name(i) || `(${t})`;
    if (t.endsWith('string')) return '(string)';
    return `(${t})`;
  };
  const byType = new Map<string, number>();
  const byClass = new Map<string, [number, number, number]>();
  for (let p = 0; p < count; p++) {
    const v = order[p];
    byType.set(type(v), (byType.get(type(v)) ?? 0) + self(v));
    const c = classOf(v);
    const row = byClass.get(c) ?? [0, 0, 0];
    row[1] += self(v);
    row[2]++;
    const parent = order[idom[p]];
    if (p === root || classOf(parent) !== c) row[0] += retained[p];
    byClass.set(c, row);
  }

  // Scripts (code nodes with a `source` edge) and the functions (SharedFunctionInfos) in them.
  const byPackage = new Map<string, [number, number, number]>();
  const packageOfScript = new Map<number, string>();
  for (let v = 0; v < n; v++) {
    if (!visited[v] || type(v) !== 'code') continue;
    let source = -1;
    for (let e = first[v]; e < first[v + 1]; e += EF)
      if (edgeName(e) === 'source') source = target(e);
    if (source < 0) continue;
    const pkg = packageOf(name(v));
    packageOfScript.set(v, pkg);
    const row = byPackage.get(pkg) ?? [0, 0, 0];
    row[0]++;
    row[1] += self(source) + self(v);
    byPackage.set(pkg, row);
  }
  for (let v = 0; v < n; v++) {
    if (!visited[v] || type(v) !== 'code') continue;
    let pkg: string | undefined;
    let data = -1;
    for (let e = first[v]; e < first[v + 1]; e += EF) {
      const en = edgeName(e);
      if (en === 'script_or_debug_info' || en === 'script') pkg ??= packageOfScript.get(target(e));
      else if (en === 'function_data') data = target(e);
    }
    if (!pkg) continue;
    const row = byPackage.get(pkg) as [number, number, number];
    row[2] += self(v);
    // The bytecode array (or baseline code) and what it owns alone.
    if (data >= 0 && type(data) === 'code') row[2] += retained[post[data]] ?? 0;
  }
  const all: [number, number, number] = [0, 0, 0];
  for (const row of byPackage.values()) for (let i = 0; i < 3; i++) all[i] += row[i];
  byPackage.set('(all scripts)', all);
  return { file, nodes: count, total: retained[root], byType, byClass, byPackage };
}

/** `node_modules/@scope/pkg/…` → `@scope/pkg`; node's own → `node:internal`; the app → `app`. */
function packageOf(script: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(script);
  if (m) return m[1];
  if (script.startsWith('node:') || !script.includes('/')) return 'node (built-in)';
  if (/\/(dist|src)\//.test(script)) return 'app';
  return path.basename(script);
}

const mib = (b: number) => (b / 2 ** 20).toFixed(2);

function table(
  title: string,
  sums: Summary[],
  rows: (s: Summary) => Map<string, number[]>,
  cols: string[],
  top: number,
) {
  const maps = sums.map(rows);
  const last = maps[maps.length - 1];
  const keys = new Set<string>();
  for (const m of maps) for (const k of m.keys()) keys.add(k);
  const sorted = [...keys]
    .sort((a, b) => (last.get(b)?.[0] ?? 0) - (last.get(a)?.[0] ?? 0))
    .slice(0, top);
  const header = ['', ...sums.flatMap((s) => cols.map((c) => `${path.basename(s.file)} ${c}`))];
  console.log(`\n${title}\n| ${header.join(' | ')} |\n|${header.map(() => ' --- ').join('|')}|`);
  for (const k of sorted) {
    const cells = maps.flatMap((m) => cols.map((c, i) => fmt(c, m.get(k)?.[i])));
    console.log(`| ${k.replace(/\|/g, '/').slice(0, 60)} | ${cells.join(' | ')} |`);
  }
}

const fmt = (col: string, v: number | undefined) =>
  v === undefined ? '—' : col.includes('MiB') ? mib(v) : String(v);

function main() {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
  if (!args.length) {
    console.error('usage: npx tsx bench/heap-compare.ts <snapshot> [<snapshot> …] [--top 25]');
    process.exit(2);
  }
  const sums = args.map(summarise);
  for (const s of sums)
    console.log(`${s.file}: ${s.nodes} reachable nodes, ${mib(s.total)} MiB reachable`);
  table(
    'By V8 node type (self size)',
    sums,
    (s) => new Map([...s.byType].map(([k, v]) => [k, [v]])),
    ['MiB'],
    top,
  );
  table(
    'By constructor (retained, self, count)',
    sums,
    (s) => s.byClass,
    ['retained MiB', 'self MiB', 'count'],
    top,
  );
  table(
    'Scripts by package (scripts, source MiB, function MiB)',
    sums,
    (s) => {
      // Sort by source + functions: put the sum first.
      return new Map([...s.byPackage].map(([k, [c, src, fn]]) => [k, [src + fn, c, src, fn]]));
    },
    ['total MiB', 'scripts', 'source MiB', 'functions MiB'],
    top,
  );
}

main();
