// A worker killed (SIGKILL) after AWS started the rollback but before the worker recorded it:
// the next worker must adopt the running rollback, not call RollbackStage again.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  type RollbackHarness,
  startRollbackHarness,
  waitFor,
} from '../../support/rollback-harness.js';
import { type RedisProxy, startRedisProxy } from './redis-proxy.js';

const CHILD = fileURLToPath(new URL('./worker-child.ts', import.meta.url));
const LOCK_MS = 1_000;

let e: RollbackHarness;
let proxy: RedisProxy;
let child: ChildProcess | undefined;
let awsFront: { url: string; rollbackStageArrived: Promise<void>; close(): Promise<void> };

/**
 * A pass-through in front of the local AWS endpoint that says when the child's RollbackStage
 * request arrives: from that moment the child is inside the AWS call (the endpoint holds the
 * answer back), so cutting it off from Redis then cannot race its pre-call writes.
 */
async function startAwsFront(target: string): Promise<typeof awsFront> {
  let arrived!: () => void;
  const rollbackStageArrived = new Promise<void>((r) => {
    arrived = r;
  });
  const server = http.createServer((req, res) => {
    if (String(req.headers['x-amz-target'] ?? '').endsWith('.RollbackStage')) arrived();
    const upstream = http.request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rollbackStageArrived,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

beforeEach(async () => {
  e = await startRollbackHarness();
  proxy = await startRedisProxy(e.redisUrl);
  awsFront = await startAwsFront(e.sandbox.url);
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await proxy.close();
  await awsFront.close();
  await e.close();
});

async function spawnWorker(): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      REDIS_URL: proxy.url,
      AWS_ENDPOINT_URL: awsFront.url,
      REDIS_PREFIX: e.prefix,
      LOCK_MS: String(LOCK_MS),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  p.stdout!.on('data', (d) => {
    out += String(d);
  });
  await waitFor(
    'the worker child to start',
    () => out.includes('ready') || p.exitCode !== null,
    20_000,
  );
  expect(p.exitCode).toBeNull();
  return p;
}

it('adopts the rollback a killed worker started, with exactly one RollbackStage', async () => {
  // The answer to RollbackStage is held back long enough to cut the worker off from Redis.
  e.sandbox.control.injectFault('RollbackStage', { latencyMs: 400 });
  child = await spawnWorker();
  const out = await e.service.request({
    env: 'prod',
    requestedBy: { kind: 'user', id: 'U1' },
    source: 'slash-command',
  });
  if (out.outcome !== 'created') throw new Error(JSON.stringify(out));
  const id = out.request.id;

  // The worker writes its baseline, then calls AWS: once the call arrives, cut it off from Redis.
  await awsFront.rollbackStageArrived;
  proxy.freeze();
  expect((await e.service.get(id))?.awsBaseline).toBeDefined();
  await waitFor('RollbackStage to be served', () =>
    e.sandbox.control.calls({ operation: 'RollbackStage' }).some((c) => c.status === 200),
  );
  child.kill('SIGKILL');
  await once(child, 'exit');

  const orphan = await e.service.get(id);
  // The precondition of this test: AWS started the rollback, our record does not know it.
  expect(orphan).toMatchObject({ state: 'running' });
  expect(orphan?.awsExecutionId).toBeUndefined();

  e.sandbox.control.clearFaults();
  await e.startWorker({ lockDurationMs: LOCK_MS, stalledIntervalMs: LOCK_MS });
  const done = await waitFor(
    'the adopted rollback to finish',
    async () => {
      e.sandbox.control.runUntilIdle();
      const r = await e.service.get(id);
      return r && (r.state === 'succeeded' || r.state === 'failed') ? r : undefined;
    },
    20_000,
  );
  expect(done).toMatchObject({ state: 'succeeded', awsOrigin: 'adopted' });
  expect(e.sandbox.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
  const events = (await e.service.audit(id)).map((a) => a.fields.event);
  expect(events).toContain('adopted');
  expect(events).not.toContain('aws-called');
});
