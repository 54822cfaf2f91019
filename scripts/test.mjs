#!/usr/bin/env node
// `npm test`: installs what the tests need (dependencies, redis-server, chromium), then runs
// every test with vitest against a private Redis. Extra arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { ensureRedisServer } from './lib/redis-server.mjs';
import { ensureChromium, ensureDependencies, root } from './lib/setup.mjs';

try {
  ensureDependencies();
  ensureRedisServer();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
const chromium = ensureChromium();
const env = { ...process.env };
if (chromium) env.CHROMIUM_PATH = chromium;
else
  console.error('chromium is not installed: the browser tests will fail. apt-get install chromium');

const args = ['vitest', 'run', ...process.argv.slice(2)];
const r = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env });
process.exit(r.status ?? 1);
