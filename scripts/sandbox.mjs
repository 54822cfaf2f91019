#!/usr/bin/env node
// `npm run sandbox [-- --replicas web=2,worker=2] [--socket-mode]`: installs what it needs
// (dependencies, redis-server), then runs the whole bot locally against the local AWS endpoint
// and the local Slack (src/sandbox/run-sandbox.ts, which reads the flags). Ctrl-C or SIGTERM
// (to npm or to this process) stops everything: the signal is passed on, and the sandbox stops
// its bot processes and redis-server before it exits.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureRedisServer } from './lib/redis-server.mjs';
import { ensureDependencies, root } from './lib/setup.mjs';

/** After a signal, how long the sandbox has to stop before it is killed. */
const GRACE_MS = 20_000;

try {
  ensureDependencies();
  ensureRedisServer();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
const child = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(root, 'src/sandbox/run-sandbox.ts'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
// Every stop signal goes on to the sandbox, Ctrl-C included: a terminal sends it to the whole
// process group, but `kill -INT <npm>` or a supervisor reaches this process alone. The sandbox
// takes a repeated signal as the same stop.
let killer;
const stop = (signal) => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  killer ??= setTimeout(() => child.kill('SIGKILL'), GRACE_MS);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal));
// package.json starts this with `exec`, so the SIGINT and SIGTERM npm passes on reach this
// process: a `sh -c` left in between ignores SIGINT while it waits and dies of SIGTERM without
// passing it on. Its parent going away (npm killed outright) means stop too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop('SIGTERM');
}, 500).unref();
child.on('exit', (code, signal) => {
  if (killer) clearTimeout(killer);
  process.exit(code ?? (signal ? 1 : 0));
});
