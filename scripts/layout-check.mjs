// The layout's rules that dependency-cruiser's per-file rules cannot say (../shared/DESIGN.md
// "Layout"): no cycles between folders (src/<folder>, commands, deploy), and no production file
// over 300 lines or function over 120 (the sandbox aside; deploy/ counts). Part of `npm run lint`.
//
// Issue 14 brought every finding to zero, so there is no list of known ones: any finding fails.
//
//   node scripts/layout-check.mjs            check, exit 1 on any finding
//   node scripts/layout-check.mjs --report   print the measures, never fail
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cruise } from 'dependency-cruiser';
import ts from 'typescript';

const require = createRequire(import.meta.url);
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 120;
const report = process.argv.includes('--report');

/** The folder a module belongs to: src/<folder>, src/<file> (the root), commands, or deploy. */
export function folderOf(path) {
  if (path.startsWith('commands/')) return 'commands';
  if (path.startsWith('deploy/')) return 'deploy';
  const m = /^src\/([^/]+)\//.exec(path);
  return m ? `src/${m[1]}` : path.startsWith('src/') ? 'src' : undefined;
}

/** Strongly connected folders (Tarjan): each cycle once, as its folders. */
export function folderCycles(edges) {
  const graph = new Map();
  for (const [from, to] of edges) {
    if (!graph.has(from)) graph.set(from, new Set());
    if (!graph.has(to)) graph.set(to, new Set());
    graph.get(from).add(to);
  }
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const cycles = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) cycles.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return cycles;
}

/** Functions (declarations, methods, arrows, expressions) longer than the limit. */
export function longFunctions(path, text, limit = MAX_FUNCTION_LINES) {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const walk = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.end).line;
      const lines = end - start + 1;
      if (lines > limit) {
        const name = node.name?.getText(source) ?? nameFromParent(node, source) ?? '(anonymous)';
        found.push({ path, name, line: start + 1, lines });
      }
    }
    ts.forEachChild(node, walk);
  };
  walk(source);
  return found;
}

function nameFromParent(node, source) {
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p)))
    return p.name.getText(source);
  return undefined;
}

async function main() {
  const config = require('../.dependency-cruiser.cjs');
  const { output } = await cruise(['src', 'commands', 'deploy'], {
    ...config.options,
    ruleSet: { forbidden: [] },
    outputType: 'json',
  });
  const modules = (typeof output === 'string' ? JSON.parse(output) : output).modules;
  const production = modules
    .map((m) => m.source)
    .filter((s) => /^(src|commands|deploy)\/.*\.ts$/.test(s) && !s.startsWith('src/sandbox/'));
  const edges = [];
  for (const m of modules) {
    const from = folderOf(m.source);
    if (!from || m.source.startsWith('src/sandbox/')) continue;
    for (const d of m.dependencies) {
      const to = folderOf(d.resolved);
      if (to && to !== from && to !== 'src') edges.push([from, to]);
    }
  }
  const cycles = folderCycles(edges);
  const bigFiles = [];
  const bigFunctions = [];
  for (const path of production) {
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > MAX_FILE_LINES) bigFiles.push({ path, lines });
    bigFunctions.push(...longFunctions(path, text));
  }
  const findings = [
    ...cycles.map((c) => `folder cycle: ${c.join(' ↔ ')}`),
    ...bigFiles.map((f) => `file over ${MAX_FILE_LINES} lines: ${f.path}`),
    ...bigFunctions.map((f) => `function over ${MAX_FUNCTION_LINES} lines: ${f.path} ${f.name}`),
  ];
  const sizes = new Map([
    ...bigFiles.map((f) => [`file over ${MAX_FILE_LINES} lines: ${f.path}`, f.lines]),
    ...bigFunctions.map((f) => [
      `function over ${MAX_FUNCTION_LINES} lines: ${f.path} ${f.name}`,
      f.lines,
    ]),
  ]);
  for (const f of findings) console.log(`${f}${sizes.has(f) ? ` (${sizes.get(f)})` : ''}`);
  console.log(
    `layout: ${cycles.length} folder cycles, ${bigFiles.length} files over ${MAX_FILE_LINES} lines, ${bigFunctions.length} functions over ${MAX_FUNCTION_LINES} lines`,
  );
  if (findings.length > 0 && !report) {
    console.log(
      'layout: split the file or function, or break the cycle (../shared/DESIGN.md "Layout").',
    );
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
