// A forward deploy into a CodeDeploy group during a freeze, end to end: the deployment STARTs in
// the local AWS endpoint, its event reaches /aws/events, and per `codedeploy.duringBlock` the bot
// announces it once with Stop (Stop stops it once; an outsider's Stop is refused) or stops it
// itself (StopDeployment with autoRollbackEnabled, once) and says so. Rollbacks are never held.
import { afterEach, describe, expect, it } from 'vitest';
import type { RedisConnection } from '../../../src/store/redis.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { testRedis } from '../../support/redis-cluster.js';
import { MANAGER, OUTSIDER, PROD, RELEASE, WORLD, waitFor } from './guard-harness.js';

let h: Harness | undefined;
let redis: RedisConnection | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
  redis?.disconnect();
  redis = undefined;
});

const config = (duringBlock?: 'announce' | 'stop') => `
defaults:
  timezone: Europe/Berlin
  region: us-east-1
  approvers: [U0MANAGER]
  # The feed's reading of a started deployment comes after the hold in the same job: a test
  # waits on it to know the hold has looked at a deployment.
  feed: quiet
access:
  admins: [U0RELEASE]
  freezers: [U0RELEASE]
environments:
  prod-eu:
    channel: ${PROD}
    region: eu-west-1
    codedeploy:
      application: billing-api
      deploymentGroup: prod-eu
${duringBlock ? `      duringBlock: ${duringBlock}` : ''}
`;

async function start(duringBlock?: 'announce' | 'stop'): Promise<Harness> {
  h = await startHarness({ config: config(duringBlock), world: WORLD, time: { mode: 'manual' } });
  redis = testRedis();
  return h;
}

async function freeze(g: Harness) {
  const cmd = await g.slack.client.command('/rollback', 'freeze prod-eu 4h Year-end freeze', {
    user: RELEASE,
    channel: PROD,
  });
  expect((await cmd.waitForResponse(/Froze|freeze/, { timeoutMs: 10_000 })).text).toMatch(
    /Froze prod-eu/,
  );
}

function deploy(g: Harness, version: string) {
  return g.aws.control.startDeployment('billing-api', 'prod-eu', {
    region: 'eu-west-1',
    revision: { s3: { bucket: 'acme-billing-artifacts', key: `billing-api/${version}.zip` } },
    description: `billing-api ${version}`,
  }).deploymentId;
}

const stops = (g: Harness) =>
  g.aws.control.calls({ operation: 'StopDeployment' }).filter((c) => !c.error);

async function audit(g: Harness): Promise<Array<Record<string, string>>> {
  const entries = await redis!.xrange(`${g.prefix}:audit`, '-', '+');
  return entries.map(([, flat]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
    return f;
  });
}

/** The deployment's START reaction has run: the hold first, then the feed's read of it. */
async function reactedToStart(g: Harness, deploymentId: string) {
  await g.aws.control.flushEvents();
  await waitFor(
    () =>
      g.aws.control
        .calls({ operation: 'BatchGetDeployments' })
        .some((c) => (c.input.deploymentIds as string[] | undefined)?.includes(deploymentId)) ||
      undefined,
    `the START reaction to ${deploymentId}`,
  );
}

/** Every event the endpoint emitted so far has reached the bot and been reacted to. */
async function settled(g: Harness, deploymentId: string) {
  await g.aws.control.flushEvents();
  await waitFor(
    async () => (await audit(g)).some((e) => e.deployment === deploymentId) || undefined,
    `the hold of ${deploymentId} audited`,
  );
}

describe('forward deploys into a CodeDeploy group while blocked', () => {
  it('announce (the default): one message with Stop; Stop stops it once; an outsider is refused', async () => {
    const g = await start();
    await freeze(g);
    const id = deploy(g, '3.16.0');
    const notice = await g.slack.client.waitForMessage(
      PROD,
      (m) => m.text.includes(id) && m.text.includes('forward deploy started'),
      { timeoutMs: 10_000 },
    );
    await settled(g, id);
    expect(JSON.stringify(notice.blocks)).toMatch(/Year-end freeze/);
    expect(stops(g)).toHaveLength(0);

    await g.slack.client.click(notice, 'Stop', { user: OUTSIDER });
    await g.slack.client.waitForEphemeral(OUTSIDER, /:no_entry:/);
    expect(stops(g)).toHaveLength(0);

    // Two people click at once: one stops it, the other is told it already was.
    await Promise.all([
      g.slack.client.click(notice, 'Stop', { user: MANAGER }),
      g.slack.client.click(notice, 'Stop', { user: RELEASE }),
    ]);
    const answers = await Promise.all([
      g.slack.client.waitForEphemeral(MANAGER, /stopped/i),
      g.slack.client.waitForEphemeral(RELEASE, /stopped/i),
    ]);
    expect(answers.map((a) => /already stopped/.test(a.text)).sort()).toEqual([false, true]);
    const stopper = /already stopped/.test(answers[0]!.text) ? RELEASE : MANAGER;
    const after = await g.slack.client.waitForMessage(
      PROD,
      (m) => m.ts === notice.ts && /was stopped/.test(m.text),
    );
    expect(JSON.stringify(after.blocks)).not.toMatch(/guard.stop_deploy/);
    expect(stops(g)).toHaveLength(1);
    expect(stops(g)[0]!.input).toMatchObject({ deploymentId: id, autoRollbackEnabled: true });

    // CodeDeploy's own rollback deployment started too: it is not held.
    const rollback = g.aws.control
      .events()
      .find(
        (e) =>
          e.source === 'aws.codedeploy' &&
          e.detail.state === 'START' &&
          e.detail.deploymentId !== id,
      );
    expect(rollback).toBeDefined();
    await reactedToStart(g, rollback!.detail.deploymentId as string);
    const announced = g.slack.client
      .messages(PROD)
      .filter((m) => /forward deploy|was stopped|Stopped deployment/.test(m.text));
    expect(announced).toHaveLength(1);
    const entries = (await audit(g)).filter((e) => e.deployment === id);
    expect(entries.map((e) => [e.event, e.by])).toEqual([
      ['deploy-held', 'rollback-bot'],
      ['deploy-stopped', `user:${stopper}`],
    ]);
    expect((await audit(g)).some((e) => e.event === 'stop-deploy-refused')).toBe(true);
  });

  it('stop: StopDeployment with autoRollbackEnabled once, and said in the channel', async () => {
    const g = await start('stop');
    await freeze(g);
    const id = deploy(g, '3.16.0');
    const said = await g.slack.client.waitForMessage(
      PROD,
      (m) => m.text.includes(`Stopped deployment ${id}`),
      { timeoutMs: 10_000 },
    );
    expect(JSON.stringify(said.blocks)).toMatch(/Year-end freeze/);
    expect(JSON.stringify(said.blocks)).not.toMatch(/guard.stop_deploy/);
    // CodeDeploy's rollback deployment is not stopped in turn.
    await g.aws.control.flushEvents();
    const rollback = g.aws.control
      .events()
      .find(
        (e) =>
          e.source === 'aws.codedeploy' &&
          e.detail.state === 'START' &&
          e.detail.deploymentId !== id,
      );
    await reactedToStart(g, rollback!.detail.deploymentId as string);
    expect(stops(g)).toHaveLength(1);
    expect(stops(g)[0]!.input).toMatchObject({ deploymentId: id, autoRollbackEnabled: true });
    const entries = (await audit(g)).filter((e) => e.deployment === id);
    expect(entries.map((e) => [e.event, e.by])).toEqual([
      ['deploy-held', 'rollback-bot'],
      ['deploy-stopped', 'rollback-bot'],
    ]);
  });

  it('stop refused by AWS: said in the channel and audited, never retried', async () => {
    const g = await start('stop');
    await freeze(g);
    g.aws.control.injectFault('StopDeployment', {
      error: {
        type: 'DeploymentAlreadyCompletedException',
        message: 'Deployment has already completed',
      },
    });
    const id = deploy(g, '3.16.0');
    const said = await g.slack.client.waitForMessage(
      PROD,
      (m) => m.text.includes(id) && m.text.includes('could not stop it'),
      { timeoutMs: 10_000 },
    );
    expect(JSON.stringify(said.blocks)).not.toMatch(/guard.stop_deploy/);
    await reactedToStart(g, id);
    expect(g.aws.control.calls({ operation: 'StopDeployment' })).toHaveLength(1);
    const entries = (await audit(g)).filter((e) => e.deployment === id);
    expect(entries.map((e) => e.event)).toEqual(['deploy-held', 'deploy-stop-failed']);
  });

  it('nothing is held when nothing blocks', async () => {
    const g = await start('stop');
    const id = deploy(g, '3.16.0');
    await reactedToStart(g, id);
    expect(stops(g)).toHaveLength(0);
    expect(
      g.slack.client.messages(PROD).filter((m) => /forward deploy|Stopped deployment/.test(m.text)),
    ).toHaveLength(0);
    expect((await audit(g)).filter((e) => e.deployment === id)).toHaveLength(0);
  });
});
