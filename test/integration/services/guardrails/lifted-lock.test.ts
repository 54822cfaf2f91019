// While the bot's own lock is lifted for a rollback (src/jobs/own-lock-lift.ts), the deploy-block
// pass leaves that transition enabled though its causes hold; once the lift ends, it disables it.
import { readFileSync } from 'node:fs';
import { CodePipelineClient, GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import { afterEach, expect, it } from 'vitest';
import { reconcileDeployBlocks } from '../../../../src/services/guardrails/deploy-block-reconciler.js';
import { createLockLiftStore } from '../../../../src/store/lock-lift-store.js';
import { type Harness, startHarness } from '../../../support/harness.js';
import { testRedis } from '../../../support/redis-cluster.js';

const config = readFileSync(
  new URL('../../../../src/sandbox/sandbox.config.yml', import.meta.url),
  'utf8',
);
const world = new URL('../../../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

it('a lifted stage stays enabled under a freeze until the lift ends', async () => {
  h = await startHarness({ config, world, time: { mode: 'manual' } });
  const { locking, control } = h.bot.services;
  const redis = testRedis();
  const lifts = createLockLiftStore(redis, h.prefix);
  const cp = new CodePipelineClient({
    endpoint: h.aws.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const place = { region: 'us-east-1', pipeline: 'web-app', stage: 'Deploy' };
  await lifts.begin(place, { requestId: '01LIFTED', reason: 'rollback-bot block (x)' }, 60_000);
  const now = Date.now();
  await control.freezes.add({
    envs: ['prod-us'],
    reason: 'Holiday',
    by: 'U0RELEASE',
    from: now,
    until: now + 3_600_000,
  });
  const pass = () => reconcileDeployBlocks({ ...locking, sweep: true, only: ['prod-us'] });
  const enabled = async () => {
    const out = await cp.send(new GetPipelineStateCommand({ name: 'web-app' }));
    return out.stageStates?.find((s) => s.stageName === 'Deploy')?.inboundTransitionState?.enabled;
  };

  const [lifted] = await pass();
  expect(lifted?.stages.map((s) => [s.stage, s.enabled, s.action])).toEqual([
    ['Deploy', true, 'none'],
  ]);
  expect(lifted?.stages[0]?.causes.map((c) => c.kind)).toEqual(['freeze']);
  expect(await enabled()).toBe(true);

  await lifts.end(place, '01LIFTED');
  // (A scheduled pass of the running bot may be the one that disables it.)
  const [after] = await pass();
  expect(after?.stages.map((s) => [s.stage, s.enabled])).toEqual([['Deploy', false]]);
  expect(await enabled()).toBe(false);
  cp.destroy();
  redis.disconnect();
});
