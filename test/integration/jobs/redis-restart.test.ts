// Redis killed (SIGKILL) mid-run and restarted on the same dir and port with AOF: the request
// and its follow job survive, and the rollback finishes.
import { afterEach, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../../../scripts/lib/redis-server.mjs';
import {
  type RollbackHarness,
  startRollbackHarness,
  waitFor,
} from '../../support/rollback-harness.js';

// `always` so nothing written before the kill is lost; production's everysec may lose ~1 s.
const AOF = ['--appendfsync', 'always'];

let redis: RedisServerHandle | undefined;
let e: RollbackHarness | undefined;

afterEach(async () => {
  await e?.close();
  await redis?.stop();
});

it('finishes a running rollback after Redis is killed and restarted', async () => {
  redis = await startRedisServer({ appendonly: true, extraArgs: AOF });
  e = await startRollbackHarness({ redisUrl: redis.url });
  const harness = e;
  await harness.startWorker();
  const out = await harness.service.request({
    env: 'prod',
    requestedBy: { kind: 'user', id: 'U1' },
    source: 'slash-command',
  });
  if (out.outcome !== 'created') throw new Error(JSON.stringify(out));
  const id = out.request.id;
  // Simulated time stands still, so the rollback stays InProgress while followed.
  const running = await waitFor('the rollback to be running in AWS', async () => {
    const r = await harness.service.get(id);
    return r?.awsExecutionId ? r : undefined;
  });
  expect(running.state).toBe('running');

  const { dir, port } = redis;
  await redis.kill();
  redis = await startRedisServer({ appendonly: true, dir, port, extraArgs: AOF });

  const done = await waitFor(
    'the rollback to finish after the restart',
    async () => {
      harness.sandbox.control.runUntilIdle();
      try {
        const r = await harness.service.get(id);
        return r && (r.state === 'succeeded' || r.state === 'failed') ? r : undefined;
      } catch {
        return undefined; // the request connection is still reconnecting
      }
    },
    20_000,
  );
  expect(done).toMatchObject({ state: 'succeeded', awsExecutionId: running.awsExecutionId });
  expect(harness.sandbox.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
});
