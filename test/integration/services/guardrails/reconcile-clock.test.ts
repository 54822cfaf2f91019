// A deploy-block pass that waited for an environment's lease (another pass held it, on this
// replica or another) judges the causes by the time it got the lease, not by when it started:
// judged by its start it missed a freeze made meanwhile, enabled the transition the pass before
// it had just disabled for that freeze, and left a third pass to disable it again.
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { reconcileDeployBlocks } from '../../../../src/services/guardrails/deploy-block-reconciler.js';
import { type Harness, startHarness } from '../../../support/harness.js';

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

it('a pass that waited for the lease sees the freeze made while it waited', async () => {
  h = await startHarness({ config, world, time: { mode: 'realtime', stageDurationMs: 30 } });
  const { locking, control } = h.bot.services;
  // Another pass holds prod-us.
  const release = await locking.passes.lockEnv('prod-us', 10_000);
  expect(release).toBeDefined();
  const waiting = reconcileDeployBlocks({ ...locking, sweep: true, only: ['prod-us'] });
  await new Promise((r) => setTimeout(r, 50));
  const now = Date.now();
  await control.freezes.add({
    envs: ['prod-us'],
    reason: 'made while the pass waited',
    by: 'U0RELEASE',
    from: now,
    until: now + 3_600_000,
  });
  await release!();
  const [outcome] = await waiting;
  expect(outcome?.error).toBeUndefined();
  expect(outcome?.blocked).toBe(true);
  expect(outcome?.stages.map((s) => [s.stage, s.enabled, s.causes.map((c) => c.kind)])).toEqual([
    ['Deploy', false, ['freeze']],
  ]);
});
