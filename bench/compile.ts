// Bench scripts built to plain JavaScript, so a baseline runs as the bot does (`node <file>.js`,
// built), not under the tsx loader (which compiles each module on first use and runs a loader
// thread of its own). Each file is transpiled alone (no type check: `npm run typecheck` does that)
// into `dist/bench/`, where `node_modules` resolves as from `bench/`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const OUT = path.join(BENCH, '..', 'dist', 'bench');

/** Transpiles `bench/<name>.ts` for each name; returns the path of the first one's `.js`. */
export function compileBench(names: string[]): string {
  mkdirSync(OUT, { recursive: true });
  for (const name of names) {
    const source = readFileSync(path.join(BENCH, `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        verbatimModuleSyntax: true,
      },
      fileName: `${name}.ts`,
    });
    writeFileSync(path.join(OUT, `${name}.js`), outputText);
  }
  return path.join(OUT, `${names[0]}.js`);
}
