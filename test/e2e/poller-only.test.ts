// Poller-only mode: the local AWS endpoint's events are NOT delivered; the real bot polls
// GetPipelineState / DescribeAlarms, sees the failure, rolls back once and says so in Slack.
// Then: the same failure pushed after it was polled is taken without a second job.
import { Queue } from 'bullmq';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type Harness, runUntil, startHarness } from '../support/harness.js';
import { reactionsWorld } from '../support/reactions-world.js';

const PROD = 'C0DEPLOYPROD';
const BAD = 'ddddddd444444444444444444444444444444444';

const config = `
events:
  poll: { enabled: true, interval: 1s }
environments:
  prod:
    channel: ${PROD}
    region: us-east-1
    pipeline: web-app
    stages: { Deploy: {} }
    alarms: [web-5xx]
    bake: 10m
    autoRollback: on-failure-and-alarm
`;

let h: Harness | undefined;
let events: Queue | undefined;
afterEach(async () => {
  await events?.close();
  events = undefined;
  await h?.stop();
  h = undefined;
});

/**
 * The poller's own GetPipelineState calls so far (its metric: the start-up check for missed
 * failures reads GetPipelineState too, and must not pass for a poll).
 */
async function polls(): Promise<number> {
  const text = await h!.bot.metrics.registry.getSingleMetricAsString(
    'rollback_bot_poller_aws_calls_total',
  );
  return Number(/operation="GetPipelineState"} (\d+)/.exec(text)?.[1] ?? 0);
}

/** The poller has looked (at least) once more after now. */
async function nextPoll(what: string) {
  const before = await polls();
  await runUntil(h!.aws, what, async () => (await polls()) >= before + 2);
}

async function failDeploy() {
  const { pipelineExecutionId } = h!.aws.control.startExecution('web-app', {
    revision: { id: BAD, message: 'Break checkout', author: 'dev' },
    outcome: { failStage: 'Deploy' },
  });
  h!.aws.control.runUntilIdle();
  return pipelineExecutionId;
}

describe('poller-only mode (no events delivered)', () => {
  it('sees a failing deploy, rolls it back automatically once and notifies in Slack', async () => {
    h = await startHarness({ config, world: reactionsWorld(), events: false });
    await nextPoll('the poller to record its baseline');
    const bad = await failDeploy();

    const note = await h.slack.client.waitForMessage(PROD, 'Stage failed: prod', {
      timeoutMs: 15_000,
    });
    expect(JSON.stringify(note)).toContain('ddddddd'); // the bad revision
    expect(bad).toBeTruthy();
    await runUntil(h!.aws, 'the rollback to be reported in the thread', () =>
      h!.slack.client.thread(PROD, note.ts).some((m) => JSON.stringify(m).includes('Rolled back')),
    );
    const rollbacks = h.aws.control.calls({ operation: 'RollbackStage' });
    expect(rollbacks).toHaveLength(1);
    expect(rollbacks[0]!.input).toMatchObject({ pipelineName: 'web-app', stageName: 'Deploy' });
    // Nothing was pushed: the endpoint had no subscriber.
    const metrics = await h.bot.metrics.registry.getSingleMetricAsString(
      'rollback_bot_aws_events_total',
    );
    expect(metrics).not.toMatch(/outcome="enqueued"/);
    const calls = await h.bot.metrics.registry.getSingleMetricAsString(
      'rollback_bot_poller_aws_calls_total',
    );
    expect(calls).toMatch(/operation="GetPipelineState"} [1-9]/);
    expect(calls).toMatch(/operation="DescribeAlarms"} [1-9]/);
    // More polls change nothing: still one rollback, one notification.
    await nextPoll('two more polls');
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
    expect(
      h.slack.client.messages(PROD).filter((m) => (m.text ?? '').includes('Stage failed')),
    ).toHaveLength(1);
  });

  it('takes a failure pushed after it was polled without a second job or reaction', async () => {
    h = await startHarness({ config, world: reactionsWorld(), events: false });
    await nextPoll('the poller to record its baseline');
    const bad = await failDeploy();
    const note = await h.slack.client.waitForMessage(PROD, 'Stage failed: prod', {
      timeoutMs: 15_000,
    });

    // Now AWS's own events for that stage arrive late (a rule added, or a retry): each is taken.
    const pushed = h.aws.control.events().filter((e) => {
      const d = e.detail as { stage?: string; 'execution-id'?: string };
      return (
        e['detail-type'] === 'CodePipeline Stage Execution State Change' &&
        d.stage === 'Deploy' &&
        d['execution-id'] === bad
      );
    });
    expect(pushed.map((e) => (e.detail as { state: string }).state)).toEqual(['STARTED', 'FAILED']);
    for (const e of pushed) {
      const res = await fetch(`http://127.0.0.1:${h.bot.port}/aws/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-rollback-bot-secret': h.eventsSecret },
        body: JSON.stringify(e),
      });
      expect(res.status).toBe(200);
      // Taken, and said for what it is: the poller already enqueued this occurrence.
      expect(((await res.json()) as { outcome?: string }).outcome).toBe('duplicate');
    }
    events = new Queue('events', { connection: { url: inject('redisUrl') }, prefix: h.prefix });
    const jobs = (
      await events.getJobs(['completed', 'active', 'waiting', 'delayed', 'failed'])
    ).filter((j) => {
      const d = j.data as { stage?: string; executionId?: string };
      return d.stage === 'Deploy' && d.executionId === bad;
    });
    // One job per occurrence, the poller's: the pushed copies were recognised.
    expect(jobs.map((j) => j.name).sort()).toEqual(['StageFailed', 'StageStarted']);
    expect(jobs.every((j) => j.id?.startsWith('aws-poll-'))).toBe(true);

    await runUntil(h!.aws, 'the rollback to be reported in the thread', () =>
      h!.slack.client.thread(PROD, note.ts).some((m) => JSON.stringify(m).includes('Rolled back')),
    );
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
    expect(
      h.slack.client.messages(PROD).filter((m) => (m.text ?? '').includes('Stage failed')),
    ).toHaveLength(1);
  });
});
