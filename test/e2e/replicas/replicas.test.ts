// ROLE=web ×2 and ROLE=worker ×2 as separate processes behave as one bot, not as four: one
// notification per failure, one AWS write per rollback however many clicks reach however many
// web replicas, one status message per request ending in its final state, one pace per channel,
// one Disable/Enable per freeze change, one poll per interval, and a worker killed while it
// follows a rollback is taken over by the other. One set of processes for the
// file (they are costly on two cores); the kill comes last.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../../src/sandbox/slack/index.js';
import {
  CHANNELS,
  channelOf,
  POLL_INTERVAL_MS,
  pipelineOf,
  QUIET,
  SLOW,
  TARGETS,
} from './replica-fleet.js';
import { type ReplicaSet, startReplicaSet, until } from './replica-set.js';

const USERS = ['U0ONCALL', 'U0ONCALL2', 'U0MANAGER', 'U0RELEASE', 'U0OUTSIDER'];
const STATUS = 'rollback_request_status';

let set: ReplicaSet;
let connection: Redis;
beforeAll(async () => {
  set = await startReplicaSet();
  connection = new Redis(set.redisUrl, { maxRetriesPerRequest: null });
}, 120_000);
afterAll(async () => {
  connection?.disconnect();
  await set?.stop();
}, 60_000);

const calls = (operation: string, pipeline: string) =>
  set.aws.control
    .calls({ operation })
    .filter((c) => (c.input.pipelineName ?? c.input.name) === pipeline);

/** Status messages (top level and in threads) by request id. */
function statusMessages(): Map<string, Message[]> {
  const out = new Map<string, Message[]>();
  for (const m of set.slack.state.messages) {
    const meta = m.metadata as { event_type?: string; event_payload?: { request_id?: string } };
    if (meta?.event_type !== STATUS) continue;
    const id = meta.event_payload?.request_id ?? '';
    out.set(id, [...(out.get(id) ?? []), m]);
  }
  return out;
}

/** chat.postMessage calls that posted request `id`'s status message. */
function statusPosts(id: string): number {
  return set.slack.state.calls.filter((c) => {
    if (c.method !== 'chat.postMessage' || !c.ok) return false;
    const raw = c.args.metadata;
    const meta = (typeof raw === 'string' ? JSON.parse(raw) : raw) as
      | { event_payload?: { request_id?: string } }
      | undefined;
    return meta?.event_payload?.request_id === id;
  }).length;
}

/** The requests a worker's log says it started in AWS. */
const startedIn = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.includes('"rollback started in AWS"'))
    .map((l) => String((JSON.parse(l) as { requestId?: string }).requestId));

const failDeploy = (env: string, n: number) =>
  set.aws.control.startExecution(pipelineOf(env), {
    revision: { id: `bad${String(n).padStart(2, '0')}`.padEnd(40, 'd'), message: `Break ${env}` },
    outcome: { failStage: 'Deploy' },
  });

const notification = (env: string) =>
  set.slack.client.waitForMessage(
    channelOf(env),
    (m) =>
      new RegExp(`Stage failed: ${env}\\b`).test(m.text ?? '') &&
      JSON.stringify(m.blocks).includes('rollback.offer'),
    { timeoutMs: 30_000 },
  );

const finalStatus = (env: string) =>
  set.slack.client.waitForMessage(
    channelOf(env),
    (m) =>
      (m.metadata as { event_type?: string } | undefined)?.event_type === STATUS &&
      new RegExp(`^Rolled back: ${env}\\b`).test(m.text ?? ''),
    { timeoutMs: 60_000 },
  );

/** Waits until no job of the queue is waiting or running. */
async function drained(name: string) {
  const queue = new Queue(name, { connection, prefix: set.prefix });
  try {
    await until(`the ${name} queue to drain`, async () => {
      const c = await queue.getJobCounts('active', 'wait', 'prioritized');
      return c.active + c.wait + c.prioritized === 0;
    });
  } finally {
    await queue.close();
  }
}

describe('2 web + 2 worker processes behave as one bot', () => {
  it('the poller polls once per interval, not once per replica', async () => {
    const polls = () => calls('GetPipelineState', pipelineOf(QUIET));
    // The start-up reads (each worker reads every pipeline's state, twice) come in a burst;
    // the polls that follow are read from the call log's own times, the last six of them.
    await until('the poller to have polled a few times', () => polls().length >= 6);
    await drained('guardrails');
    const from = polls().length;
    await until('six more polls', () => polls().length >= from + 6, 20_000);
    const times = polls()
      .slice(-6)
      .map((c) => Date.parse(c.time));
    const span = times[5]! - times[0]!;
    // Five intervals between six polls take about five intervals; one poll per replica, 2.5.
    expect(span).toBeGreaterThanOrEqual(4 * POLL_INTERVAL_MS);
  }, 40_000);

  it('50 concurrent clicks on 10 targets: one RollbackStage each, one status message each ending "Rolled back", posts paced per channel', async () => {
    for (const [n, env] of TARGETS.entries()) failDeploy(env, n);
    const notes = await Promise.all(TARGETS.map((env) => notification(env)));
    // Pushed to both web replicas and polled by a worker: still one notification each.
    for (const env of TARGETS) {
      const posted = set.slack.client
        .messages(channelOf(env))
        .filter((m) => new RegExp(`Stage failed: ${env}\\b`).test(m.text ?? ''));
      expect(posted, env).toHaveLength(1);
    }
    const clicks = await Promise.all(
      notes.flatMap((note) =>
        USERS.map((user) => set.slack.client.click(note, 'rollback.offer', { user })),
      ),
    );
    expect(clicks).toHaveLength(50);
    expect(clicks.map((c) => c.status)).toEqual(clicks.map(() => 200));
    await Promise.all(TARGETS.map((env) => finalStatus(env)));
    for (const env of TARGETS) {
      expect(calls('RollbackStage', pipelineOf(env)), env).toHaveLength(1);
    }
    // One request per target, each with one status message, posted once.
    const byRequest = statusMessages();
    const ids = [...byRequest.keys()];
    expect(ids).toHaveLength(TARGETS.length);
    for (const id of ids) {
      expect(byRequest.get(id), id).toHaveLength(1);
      expect(statusPosts(id), id).toBe(1);
    }
    // Two targets share each channel and two workers post into it: one line per channel in
    // Redis (channel-pacer.ts, 1050 ms apart after a burst of 3), not one per process. So any
    // four posts in a row into a channel span about a second. The margin is wide: the line is
    // kept by when posts are reserved, and Slack sees when they arrive, up to a few hundred ms
    // later on a loaded 2-core machine (796 ms was seen in CI). A line per process lets each
    // worker's burst through at once: four posts within a few ms.
    for (const channel of CHANNELS) {
      const at = set.slack.state.calls
        .filter((c) => c.method === 'chat.postMessage' && c.args.channel === channel)
        .map((c) => c.at)
        .sort((a, b) => a - b);
      expect(at.length, channel).toBeGreaterThanOrEqual(6);
      for (let k = 0; k + 3 < at.length; k++) {
        expect(at[k + 3]! - at[k]!, `${channel}: posts ${k}..${k + 3}`).toBeGreaterThan(500);
      }
    }
  }, 120_000);

  it('a freeze and an unfreeze, reconciled by many passes on both workers at once: one Disable, one Enable', async () => {
    const env = TARGETS[0]!;
    const pipeline = pipelineOf(env);
    const asRelease = { user: 'U0RELEASE', channel: channelOf(env) };
    const guardrails = new Queue('guardrails', { connection, prefix: set.prefix });
    // Passes as the workers' queue runs them (a full one, as on an alarm or a periodic sweep, and
    // one over the environment, as on a release's arrival), many at once on both workers.
    const passes = () =>
      guardrails.addBulk(
        Array.from({ length: 8 }, (_, k) => ({
          name: 'reconcile',
          data:
            k % 2
              ? { kind: 'reconcile', why: 'test' }
              : { kind: 'reconcile', why: 'test', envs: [env] },
        })),
      );
    try {
      const freeze = set.slack.client.command(
        '/rollback',
        `freeze ${env} 1h replica test`,
        asRelease,
      );
      await passes();
      await (await freeze).waitForResponse(/Froze|Freezing/, { timeoutMs: 20_000 });
      await until(
        'the transition to be disabled',
        () => calls('DisableStageTransition', pipeline).length > 0,
      );
      await drained('guardrails');
      const disabled = calls('DisableStageTransition', pipeline);
      const seen = set.aws.control
        .calls()
        .filter((c) => (c.input.pipelineName ?? c.input.name) === pipeline)
        .slice(-12)
        .map((c) => `${c.operation} ${c.time} ${c.status}${c.error ? ` ${c.error}` : ''}`);
      expect(disabled, seen.join('\n')).toHaveLength(1);
      const unfreeze = set.slack.client.command('/rollback', `unfreeze ${env}`, asRelease);
      await passes();
      await (await unfreeze).waitForResponse(/Unfroze/, { timeoutMs: 20_000 });
      await until(
        'the transition to be enabled',
        () => calls('EnableStageTransition', pipeline).length > 0,
      );
      await drained('guardrails');
    } finally {
      await guardrails.close();
    }
    expect(calls('EnableStageTransition', pipeline)).toHaveLength(1);
    expect(calls('DisableStageTransition', pipeline)).toHaveLength(1);
    // No other environment was touched.
    expect(set.aws.control.calls({ operation: 'DisableStageTransition' })).toHaveLength(1);
  }, 60_000);

  it('a worker SIGKILLed while following a rollback: the other finishes it, one final status', async () => {
    failDeploy(SLOW, 99);
    const note = await notification(SLOW);
    // The request started now: not one of those the workers' logs already name.
    const earlier = new Set(set.workers().flatMap((w) => startedIn(w.proc.stdout())));
    expect(earlier.size).toBe(TARGETS.length);
    const started = Promise.race(
      set
        .workers()
        .map((w) =>
          w.proc
            .waitForLog(
              (l) => l.msg === 'rollback started in AWS' && !earlier.has(String(l.requestId)),
            )
            .then((line) => ({ w, requestId: String(line.requestId) })),
        ),
    );
    await set.slack.client.click(note, 'rollback.offer', { user: 'U0ONCALL' });
    const { w, requestId } = await started;
    // Killed between re-checks: the next one waits, delayed, in Redis.
    const rollback = new Queue('rollback', { connection, prefix: set.prefix });
    try {
      await until('the first re-check to be scheduled', async () => {
        const job = await rollback.getJob(`rb-${requestId}-follow-0`);
        return (await job?.getState()) === 'delayed';
      });
    } finally {
      await rollback.close();
    }
    expect(calls('RollbackStage', pipelineOf(SLOW))).toHaveLength(1);
    w.proc.child.kill('SIGKILL');
    await w.proc.exited;
    expect(set.workers()).toHaveLength(1);
    const done = await finalStatus(SLOW);
    expect(done.text).toMatch(/^Rolled back: slow\b/);
    expect(calls('RollbackStage', pipelineOf(SLOW))).toHaveLength(1);
    expect(statusMessages().get(requestId)).toHaveLength(1);
    expect(statusPosts(requestId)).toBe(1);
  }, 90_000);
});
