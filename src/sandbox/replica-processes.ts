// `npm run sandbox -- --replicas web=2,worker=2`: the bot as separate processes, as a deployment
// runs it (src/main.ts, one ROLE and PORT each, the same Redis, AWS endpoint and Slack). Their
// log lines are copied to the terminal prefixed with the replica's name; stop() ends every one
// (SIGTERM, then SIGKILL after a grace period) so none is left holding a port.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Replicas } from './sandbox-flags.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Replica {
  /** web-1, web-2, worker-1, … */
  name: string;
  role: 'web' | 'worker';
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  child: ChildProcess;
}

export interface ReplicaSet {
  replicas: Replica[];
  web: Replica[];
  /** Every replica SIGTERMed, SIGKILLed after `graceMs` (default 10 s); resolves once all exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartReplicasOptions {
  counts: Replicas;
  /** The bot's environment (tokens, URLs); ROLE and PORT are set per replica. */
  env: Record<string, string>;
  freePort: () => Promise<number>;
  /** Where their output goes; default process.stdout. */
  out?: NodeJS.WritableStream;
  /** How long each has to answer /readyz. Default 60 s (tsx compiles on first start). */
  readyTimeoutMs?: number;
}

function prefixLines(child: ChildProcess, name: string, out: NodeJS.WritableStream): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
  }
}

async function ready(r: Replica, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const exited = once(r.child, 'exit').then(([code]) => {
    throw new Error(
      `${r.name} exited (code ${String(code)}) before it was ready; see its lines above`,
    );
  });
  exited.catch(() => undefined);
  for (;;) {
    const ok = await Promise.race([
      fetch(`${r.url}/readyz`).then(
        (res) => res.ok,
        () => false,
      ),
      exited,
    ]);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${r.name} not ready within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = once(child, 'exit').then(() => undefined);
  const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
  child.kill('SIGTERM');
  return exited.finally(() => clearTimeout(kill));
}

export async function startReplicas(opts: StartReplicasOptions): Promise<ReplicaSet> {
  const out = opts.out ?? process.stdout;
  const plan: Array<{ role: 'web' | 'worker'; name: string }> = [];
  for (const role of ['web', 'worker'] as const) {
    for (let i = 1; i <= opts.counts[role]; i++) plan.push({ role, name: `${role}-${i}` });
  }
  const replicas: Replica[] = [];
  const stop = async (graceMs = 10_000) => {
    await Promise.all(replicas.map((r) => stopChild(r.child, graceMs)));
  };
  try {
    for (const { role, name } of plan) {
      const port = await opts.freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
        cwd: ROOT,
        env: { ...process.env, ...opts.env, ROLE: role, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      prefixLines(child, name, out);
      replicas.push({ name, role, port, url: `http://127.0.0.1:${port}`, child });
    }
    await Promise.all(replicas.map((r) => ready(r, opts.readyTimeoutMs ?? 60_000)));
  } catch (err) {
    await stop(2_000);
    throw err;
  }
  return { replicas, web: replicas.filter((r) => r.role === 'web'), stop };
}
