// The layout's import rules (.dependency-cruiser.cjs) and the folder-cycle check
// (scripts/layout-check.mjs) run on a tiny project of their own: each rule must catch the import
// it forbids, and allow what the layout allows. A rule that stops matching fails here, not in
// review.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cruise } from 'dependency-cruiser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderCycles, folderOf, longFunctions } from '../../../scripts/layout-check.mjs';

const require = createRequire(import.meta.url);
const repo = resolve(import.meta.dirname, '../../..');
const config = require(join(repo, '.dependency-cruiser.cjs'));

let project: string;

function write(path: string, text: string) {
  mkdirSync(dirname(join(project, path)), { recursive: true });
  writeFileSync(join(project, path), text);
}

/** The rule names that `src/<path>` breaks when it holds `text`. */
async function violations(files: Record<string, string>): Promise<string[]> {
  for (const root of ['src', 'commands', 'deploy']) {
    rmSync(join(project, root), { recursive: true, force: true });
  }
  for (const [path, text] of Object.entries(files)) write(path, text);
  const roots = ['src', 'commands', 'deploy'].filter((root) => existsSync(join(project, root)));
  const { output } = await cruise(roots, {
    ...config.options,
    baseDir: project,
    tsConfig: { fileName: join(project, 'tsconfig.json') },
    ruleSet: { forbidden: config.forbidden },
    validate: true,
    outputType: 'json',
  });
  const result = typeof output === 'string' ? JSON.parse(output) : output;
  return result.summary.violations.map((v: { rule: { name: string } }) => v.rule.name).sort();
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'layout-rules-'));
  symlinkSync(join(repo, 'node_modules'), join(project, 'node_modules'));
  write(
    'tsconfig.json',
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }),
  );
  write('package.json', JSON.stringify({ type: 'module' }));
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('import rules', () => {
  it('refuses @aws-sdk outside src/aws and allows it inside', async () => {
    const sdk =
      "import { CodePipelineClient } from '@aws-sdk/client-codepipeline';\nexport const c = CodePipelineClient;\n";
    expect(await violations({ 'src/services/reads.ts': sdk })).toEqual(['aws-sdk-only-in-aws']);
    expect(await violations({ 'commands/reads.ts': sdk })).toEqual(['aws-sdk-only-in-aws']);
    expect(await violations({ 'src/aws/reads.ts': sdk })).toEqual([]);
  });

  it('keeps ioredis in src/store, bullmq in src/jobs, @slack in src/slack', async () => {
    const redis = "import type { Redis } from 'ioredis';\nexport type R = Redis;\n";
    const bull = "import { Queue } from 'bullmq';\nexport const q = Queue;\n";
    const slack = "import { WebClient } from '@slack/web-api';\nexport const w = WebClient;\n";
    expect(await violations({ 'src/slack/r.ts': redis })).toEqual(['ioredis-only-in-store']);
    expect(await violations({ 'src/store/r.ts': redis })).toEqual([]);
    expect(await violations({ 'src/events/q.ts': bull })).toEqual(['bullmq-only-in-jobs']);
    expect(await violations({ 'src/jobs/q.ts': bull })).toEqual([]);
    expect(await violations({ 'src/bot.ts': slack })).toEqual(['slack-only-in-slack']);
    expect(await violations({ 'src/slack/w.ts': slack })).toEqual([]);
  });

  it('keeps domain/ pure and the sandbox out of production', async () => {
    expect(
      await violations({
        'src/domain/rule.ts': "import { x } from '../store/x.js';\nexport const y = x;\n",
        'src/store/x.ts': 'export const x = 1;\n',
      }),
    ).toEqual(['domain-is-pure']);
    expect(
      await violations({
        'src/services/s.ts': "import { x } from '../sandbox/x.js';\nexport const y = x;\n",
        'src/sandbox/x.ts': 'export const x = 1;\n',
      }),
    ).toEqual(['no-sandbox-in-production']);
  });

  it('lets deploy/ read src/config only, and keeps the install out of the bot', async () => {
    const config = { 'src/config/load.ts': 'export const load = 1;\n' };
    const store = { 'src/store/redis.ts': 'export const redis = 1;\n' };
    expect(
      await violations({
        ...config,
        'deploy/app.ts': "import { load } from '../src/config/load.js';\nexport const a = load;\n",
      }),
    ).toEqual([]);
    expect(
      await violations({
        ...store,
        'deploy/app.ts':
          "import { redis } from '../src/store/redis.js';\nexport const a = redis;\n",
      }),
    ).toEqual(['deploy-reads-only-config']);
    expect(
      await violations({
        'deploy/stack.ts': 'export const stack = 1;\n',
        'src/app/x.ts': "import { stack } from '../../deploy/stack.js';\nexport const x = stack;\n",
      }),
    ).toEqual(['no-cdk-in-the-bot']);
    expect(
      await violations({
        'src/app/x.ts': "import { App } from 'aws-cdk-lib';\nexport const x = App;\n",
      }),
    ).toEqual(['no-cdk-in-the-bot']);
  });

  it('refuses circular imports between files', async () => {
    const found = await violations({
      'src/services/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/services/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    expect(found).toEqual(['no-circular']);
  });
});

describe('folder cycles', () => {
  it('names each cycle between folders once, however long', () => {
    const cycles = folderCycles([
      ['src/slack', 'src/services'],
      ['src/services', 'src/store'],
      ['src/services', 'src/slack'],
      ['commands', 'src/slack'],
      ['src/groups', 'src/reactions'],
      ['src/reactions', 'src/jobs'],
      ['src/jobs', 'src/groups'],
    ]);
    expect(cycles).toEqual([
      ['src/services', 'src/slack'],
      ['src/groups', 'src/jobs', 'src/reactions'],
    ]);
    expect(
      folderCycles([
        ['commands', 'src/slack'],
        ['src/slack', 'src/store'],
      ]),
    ).toEqual([]);
  });

  it('puts a module in its top folder', () => {
    expect(folderOf('src/slack/blocks/x.ts')).toBe('src/slack');
    expect(folderOf('commands/grammar.ts')).toBe('commands');
    expect(folderOf('deploy/events-stack.ts')).toBe('deploy');
    expect(folderOf('src/bot.ts')).toBe('src');
    expect(folderOf('node_modules/zod/index.js')).toBeUndefined();
  });
});

describe('function length', () => {
  it('finds the functions over the limit, by name', () => {
    const body = Array.from({ length: 5 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `export function short() {\n  return 1;\n}\nexport const long = () => {\n${body}\n};\n`;
    expect(longFunctions('x.ts', text, 4)).toEqual([
      { path: 'x.ts', name: 'long', line: 4, lines: 7 },
    ]);
  });
});
