#!/usr/bin/env node
// Runs a command with REDIS_URL set: the given one, or a private redis-server started here and
// stopped when the command ends. Usage: node scripts/with-redis.mjs -- <command> [args…]
import { spawn } from 'node:child_process';
import { startRedisServer } from './lib/redis-server.mjs';
import { ensureDependencies, root } from './lib/setup.mjs';

const sep = process.argv.indexOf('--');
const [cmd, ...args] = process.argv.slice(sep + 1);
if (!cmd) {
  console.error('usage: node scripts/with-redis.mjs -- <command> [args…]');
  process.exit(2);
}
ensureDependencies();
let redis = null;
const env = { ...process.env };
if (!env.REDIS_URL) {
  redis = await startRedisServer();
  env.REDIS_URL = redis.url;
  console.error(`Started a private redis-server at ${redis.url}`);
}
const child = spawn('npx', [cmd, ...args], { cwd: root, stdio: 'inherit', env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', async (code) => {
  await redis?.stop();
  process.exit(code ?? 0);
});
