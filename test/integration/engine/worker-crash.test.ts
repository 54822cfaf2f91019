// A worker killed (SIGKILL) after AWS started the rollback but before the worker recorded it:
// the next worker must adopt the running rollback, not call RollbackStage again.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type Engine, startEngine, waitFor } from './harness.js';
import { type RedisProxy, startRedisProxy } from './redis-proxy.js';

const CHILD = fileURLToPath(new URL('./worker-child.ts', import.meta.url));
const LOCK_MS = 1_000;

let e: Engine;
let proxy: RedisProxy;
let child: ChildProcess | undefined;

beforeEach(async () => {
  e = await startEngine();
  proxy = await startRedisProxy(e.redisUrl);
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await proxy.close();
  await e.close();
});

async function spawnWorker(): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      REDIS_URL: proxy.url,
      AWS_ENDPOINT_URL: e.sandbox.url,
      QUEUE_NAME: e.names.queue,
      QUEUE_PREFIX: e.names.queuePrefix,
      STORE_PREFIX: e.names.prefix,
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
    source: 'test',
  });
  if (out.outcome !== 'created') throw new Error(JSON.stringify(out));
  const id = out.request.id;

  // The worker writes its baseline just before calling AWS: from here it is inside the call.
  await waitFor('the baseline write', async () => (await e.service.get(id))?.awsBaseline);
  proxy.freeze();
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
