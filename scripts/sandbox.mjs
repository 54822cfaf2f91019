#!/usr/bin/env node
// `npm run sandbox`: installs what it needs (dependencies, redis-server), then runs the whole
// bot locally against the local AWS endpoint and the local Slack. Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureRedisServer } from './lib/redis-server.mjs';
import { ensureDependencies, root } from './lib/setup.mjs';

try {
  ensureDependencies();
  ensureRedisServer();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
const child = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(root, 'src/sandbox/run-sandbox.ts')],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
// The child gets Ctrl-C from the terminal's process group too; forward other signals.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
