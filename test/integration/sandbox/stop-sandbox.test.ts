// `npm run sandbox` stops everything on a stop signal, wherever it lands: npm itself (a supervisor,
// `kill <npm>`), the launcher npm runs (scripts/sandbox.mjs), the sandbox process, or the whole
// process group (Ctrl-C in a terminal). Once npm has exited, no process of the tree captured before
// the signal is left (redis-server, the bot, tsx's esbuild service) and no port it served is held.
// It once left redis-server and the sandbox's node processes holding port 3000.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/bot-process.js';

interface Proc {
  pid: number;
  /** Start time in clock ticks since boot: a reused pid is another process. */
  start: string;
  cmd: string;
}

/** state, ppid and start time from /proc/<pid>/stat; undefined once the process is gone. */
function procStat(pid: number): { state: string; ppid: number; start: string } | undefined {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may hold spaces: fields start after the last ')'.
  const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, ppid: Number(fields[1]), start: fields[19]! };
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Every process under `root`, walking /proc. */
function descendants(root: number): Proc[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (!s) continue;
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(name)]);
  }
  const found: Proc[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const s = procStat(pid);
    if (!s) continue;
    found.push({ pid, start: s.start, cmd: cmdline(pid) });
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Still running: the same process (same start time), not a zombie waiting to be reaped. */
function alive(p: Proc): boolean {
  const s = procStat(p.pid);
  return s !== undefined && s.start === p.start && s.state !== 'Z';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Looks again every 50 ms until `check` holds, for at most `timeoutMs`; returns the last answer. */
async function within(timeoutMs: number, check: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Started {
  npm: ChildProcess;
  exited: Promise<unknown[]>;
  output: () => string;
  /** Ports from the banner: the page, the local AWS endpoint, the bot, Redis. */
  ports: number[];
  tree: Proc[];
}

const started: ChildProcess[] = [];

/** The launcher runs `npm ci` when node_modules is older than the lockfile: never from a test. */
function expectDependenciesFresh(): void {
  const marker = statSync(path.join(repoRoot, 'node_modules/.package-lock.json')).mtimeMs;
  const lock = statSync(path.join(repoRoot, 'package-lock.json')).mtimeMs;
  if (marker < lock) {
    throw new Error('node_modules is older than package-lock.json: run npm ci before this test');
  }
}

async function startSandbox(): Promise<Started> {
  expectDependenciesFresh();
  const port = await freePort();
  const env: Record<string, string | undefined> = { ...process.env, SANDBOX_PORT: String(port) };
  // Its own redis-server, as `npm run sandbox` starts by default (not the test run's).
  delete env.REDIS_URL;
  delete env.REDIS_MODE;
  // Its own process group, so that "Ctrl-C" reaches it alone, and cleanup kills only what it started.
  const npm = spawn('npm', ['run', 'sandbox'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.push(npm);
  let out = '';
  const exited = once(npm, 'exit');
  const ready = new Promise<void>((resolve) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl-C stops everything')) resolve();
    };
    npm.stdout!.on('data', onData);
    npm.stderr!.on('data', onData);
  });
  await Promise.race([
    ready,
    exited.then(() => {
      throw new Error(`npm run sandbox exited before it was ready:\n${out}`);
    }),
  ]);
  const ports = [...out.matchAll(/(?:https?|redis):\/\/127\.0\.0\.1:(\d+)/g)].map((m) =>
    Number(m[1]),
  );
  expect(ports).toContain(port);
  const tree = descendants(npm.pid!);
  // npm → the launcher (`exec`, no shell between) → the sandbox (tsx) → redis-server, esbuild.
  expect(tree.map((p) => p.cmd)).toEqual(
    expect.arrayContaining([
      expect.stringContaining('scripts/sandbox.mjs'),
      expect.stringContaining('src/sandbox/run-sandbox.ts'),
      expect.stringContaining('redis-server'),
    ]),
  );
  return { npm, exited, output: () => out, ports: [...new Set(ports)], tree };
}

function pidOf(s: Started, part: string): number {
  const p = s.tree.find((x) => x.cmd.includes(part));
  if (!p) throw new Error(`no ${part} in ${JSON.stringify(s.tree)}`);
  return p.pid;
}

async function expectAllStopped(s: Started, signalled: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const [code, signal] = (await Promise.race([
    s.exited,
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`npm still running 30 s after ${signalled}:\n${s.output()}`)),
        30_000,
      );
    }),
  ]).finally(() => clearTimeout(timer))) as [number | null, string | null];
  const gone = await within(15_000, () => !s.tree.some(alive));
  const left = s.tree.filter(alive).map((p) => `${p.pid} ${p.cmd}`);
  expect(left, `left running after ${signalled}:\n${s.output()}`).toEqual([]);
  expect(gone).toBe(true);
  for (const port of s.ports) {
    expect(await within(5_000, () => portIsFree(port)), `port ${port} still held`).toBe(true);
  }
  expect(s.output()).toContain('Stopping the sandbox');
  // npm reports the stop as the end of the script (exit code or the signal), never a hang.
  expect(code !== null || signal !== null).toBe(true);
}

afterEach(() => {
  // Whatever a failed case left: its own process group only.
  for (const npm of started.splice(0)) {
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('npm run sandbox stops everything', { timeout: 90_000 }, () => {
  it('on SIGTERM to the npm process', async () => {
    const s = await startSandbox();
    process.kill(s.npm.pid!, 'SIGTERM');
    await expectAllStopped(s, 'SIGTERM to npm');
  });

  it('on SIGINT to the npm process alone', async () => {
    const s = await startSandbox();
    process.kill(s.npm.pid!, 'SIGINT');
    await expectAllStopped(s, 'SIGINT to npm');
  });

  it("on SIGTERM to npm's child, the launcher (scripts/sandbox.mjs)", async () => {
    const s = await startSandbox();
    process.kill(pidOf(s, 'scripts/sandbox.mjs'), 'SIGTERM');
    await expectAllStopped(s, 'SIGTERM to the launcher');
  });

  it('on SIGTERM to the sandbox process (src/sandbox/run-sandbox.ts)', async () => {
    const s = await startSandbox();
    process.kill(pidOf(s, 'src/sandbox/run-sandbox.ts'), 'SIGTERM');
    await expectAllStopped(s, 'SIGTERM to the sandbox process');
  });

  it('on SIGINT to the whole process group (Ctrl-C in a terminal)', async () => {
    const s = await startSandbox();
    process.kill(-s.npm.pid!, 'SIGINT');
    await expectAllStopped(s, 'SIGINT to the process group');
  });
});
