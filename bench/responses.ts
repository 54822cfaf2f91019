// The run's side of the response_url stand-in (responses-server.ts, a child process): where the
// bot's private answers to the benchmark's commands and clicks go, keyed by path, so the run can
// read the confirmation's offer ids.
import { fileURLToPath } from 'node:url';
import { startNodeChild } from './procs.js';

export interface Responses {
  /** The stand-in's process id (for its CPU time). */
  pid: number | undefined;
  url(key: string): string;
  /** Resolves with the first answer under `key` that `match` accepts, or undefined at the deadline. */
  waitFor(key: string, match: (body: unknown) => boolean, timeoutMs: number): Promise<unknown>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startResponses(): Promise<Responses> {
  const child = await startNodeChild<{ url: string }>(
    'response_url stand-in',
    fileURLToPath(new URL('./responses-server.ts', import.meta.url)),
    {},
  );
  const base = child.info.url;
  return {
    pid: child.child.pid,
    url: (key) => `${base}/r/${encodeURIComponent(key)}`,
    async waitFor(key, match, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = await fetch(`${base}/_bench/responses?key=${encodeURIComponent(key)}`);
        const { bodies } = (await r.json()) as { bodies: unknown[] };
        const hit = bodies.find(match);
        if (hit !== undefined) return hit;
        if (Date.now() >= deadline) return undefined;
        await sleep(50);
      }
    },
    close: () => child.stop(),
  };
}

/** The `value` of the first button with `actionId` anywhere in a message's blocks. */
export function buttonValue(body: unknown, actionId: string): string | undefined {
  let found: string | undefined;
  const walk = (v: unknown): void => {
    if (found !== undefined || v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.action_id === actionId && typeof o.value === 'string') {
      found = o.value;
      return;
    }
    for (const x of Object.values(o)) walk(x);
  };
  walk(body);
  return found;
}
