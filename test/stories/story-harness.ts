// Multi-step user stories on the whole bot, as an incident really goes: the sandbox's own config
// (src/sandbox/sandbox.config.yml) and demo world, the local Slack, real Redis, the local AWS
// endpoint in simulated time. Each step acts as a person (or as AWS) would; after every step
// `checkInvariants` looks at what people see and what AWS was asked to do:
//
//   I1 the default target is never a bad release;
//   I2 the review's promise equals what the click did (checked inside `rollback`);
//   I3 the lock causes /rollback status names match the transition state AWS reports;
//   I4 an outsider changed nothing (they try, every step);
//   I5 at most one AWS write per request;
//   I6 every finished message with buttons shows its final state.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CodePipelineClient, GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import { Redis } from 'ioredis';
import { expect, inject } from 'vitest';
import type { Message } from '../../src/sandbox/slack/state.js';
import { type Harness, startHarness } from '../support/harness.js';

export const CONFIG = readFileSync(
  new URL('../../src/sandbox/sandbox.config.yml', import.meta.url),
  'utf8',
);
export const WORLD = new URL('../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
export const ONCALL = 'U0ONCALL';
export const MANAGER = 'U0MANAGER';
export const RELEASE = 'U0RELEASE';
export const OUTSIDER = 'U0OUTSIDER';
export const PROD = 'C0DEPLOYPROD';
const PIPELINE = 'web-app';
const STAGE = 'Deploy';

/** The demo world's prod-us releases, oldest first (the last one failed in Deploy). */
const DEMO = [
  ['6f0d2a44-8b1e-4c7a-9d35-2e4b6c8a0f11', '1b6453892473a467d07372d45eb05abc2031647a'],
  ['7a1e3b55-9c2f-4d8b-8e46-3f5c7d9b1a22', '17ba0791499db908433b80f37c5fbc89b870084b'],
  ['8b2f4c66-ad30-4e9c-9f57-4a6d8eac2b33', '7b52009b64fd0a2a49e6d8a939753077792b0554'],
  ['3c1e5a7b-9d2f-4b6a-8e1c-0f2a4b6c8d0e', 'c4ca4238a0b923820dcc509a6f75849b2e1f3d4a'],
  ['9d2b7c4e-6a1f-4e2b-8c3d-5f7a9b1c2d3e', 'c81e728d9d4c2f636f067f89cc14862c5a8f3e2b'],
] as const;

export type Promised = 'allow' | 'approval' | 'block';

/** What the story knows for itself, independently of the bot. */
export interface Model {
  /** Release (execution) id by commit sha. */
  releaseOf: Map<string, string>;
  /** Releases that are bad in prod-us Deploy: failed, alarmed, rolled back from, marked. */
  bad: Set<string>;
  /** The release live in the stage, as the story put it there. */
  live: string;
  /** The stage's inbound transition is held by a post-rollback lock (prod-us locks). */
  locked: boolean;
  frozen: boolean;
  /** The last step was a good deploy: its bake window is open. */
  baking: boolean;
  alarm: boolean;
}

export interface Story {
  h: Harness;
  redis: Redis;
  model: Model;
  /** A release through the whole pipeline; `fail` fails it in Deploy. Returns its id. */
  deploy(outcome: 'ok' | 'fail', opts?: { held?: boolean }): Promise<string>;
  /** A prod alarm fires (during the bake window of the last good deploy). */
  alarm(): Promise<void>;
  clearAlarm(): Promise<void>;
  /** `/rollback <args>` as on-call: the review, its promise, the click; approval when asked. */
  rollback(args?: string, approver?: string): Promise<{ promised: Promised; requestId?: string }>;
  freeze(): Promise<void>;
  unfreeze(): Promise<void>;
  unlock(): Promise<void>;
  markBad(sha: string, why: string): Promise<void>;
  /** Waits for every automatic reaction and rollback to settle. */
  settle(): Promise<void>;
  checkInvariants(step: string): Promise<void>;
  stop(): Promise<void>;
}

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  h: Harness,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    h.aws.control.runUntilIdle();
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const textOf = (m: Message) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
const WRITES = [
  'RollbackStage',
  'EnableStageTransition',
  'DisableStageTransition',
  'CreateDeployment',
  'StopDeployment',
];

export async function startStory(): Promise<Story> {
  const h = await startHarness({ config: CONFIG, world: WORLD, time: { mode: 'manual' } });
  const redis = new Redis(inject('redisUrl'));
  const cp = new CodePipelineClient({
    endpoint: h.aws.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const model: Model = {
    releaseOf: new Map(DEMO.map(([id, sha]) => [sha, id])),
    // The demo's last release failed in Deploy (history: the bot never saw it fail).
    bad: new Set([DEMO[4][0]]),
    live: DEMO[4][0],
    locked: false,
    frozen: false,
    baking: false,
    alarm: false,
  };
  let n = 0;

  const audit = async () => {
    const entries = await redis.xrange(`${h.prefix}:audit`, '-', '+');
    return entries.map(([, flat]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
      return f;
    });
  };
  const requestState = async (id: string) =>
    (await audit()).filter((e) => e.request === id && e.to).at(-1)?.to;
  const terminal = new Set(['succeeded', 'failed', 'rejected', 'expired', 'cancelled', 'blocked']);
  const inbound = async () => {
    const out = await cp.send(new GetPipelineStateCommand({ name: PIPELINE }));
    const t = out.stageStates?.find((s) => s.stageName === STAGE)?.inboundTransitionState;
    return { enabled: t?.enabled ?? true, reason: t?.disabledReason };
  };
  const command = async (text: string, user = ONCALL, match: RegExp = /./) => {
    const cmd = await h.slack.client.command('/rollback', text, { user, channel: PROD });
    return cmd.waitForResponse(match, { timeoutMs: 15_000 });
  };

  async function settle(): Promise<void> {
    await waitFor(
      'automatic reactions and rollbacks to settle',
      async () => {
        const entries = await audit();
        const ids = [...new Set(entries.filter((e) => e.request).map((e) => e.request!))];
        for (const id of ids) {
          const last = entries.filter((e) => e.request === id && e.to).at(-1)?.to;
          if (last && !terminal.has(last) && last !== 'awaiting_approval') return false;
        }
        await h.aws.control.flushEvents();
        return true;
      },
      h,
      30_000,
    );
  }

  const story: Story = {
    h,
    redis,
    model,
    async deploy(outcome, opts = {}) {
      n += 1;
      const sha = randomBytes(20).toString('hex');
      const { pipelineExecutionId: id } = h.aws.control.startExecution(PIPELINE, {
        revision: { id: sha, message: `story change ${n}`, author: 'Story' },
        ...(outcome === 'fail' ? { outcome: { failStage: STAGE } } : {}),
      });
      model.releaseOf.set(sha, id);
      if (opts.held) {
        await waitFor(
          `release ${n} held before ${STAGE}`,
          async () => {
            const out = await cp.send(new GetPipelineStateCommand({ name: PIPELINE }));
            const st = out.stageStates?.find((s) => s.stageName === 'Deploy-Staging');
            return (
              st?.latestExecution?.pipelineExecutionId === id &&
              st.latestExecution.status === 'Succeeded'
            );
          },
          h,
        );
        return id;
      }
      await waitFor(
        `release ${n} to end in ${STAGE}`,
        async () => {
          const out = await cp.send(new GetPipelineStateCommand({ name: PIPELINE }));
          const st = out.stageStates?.find((s) => s.stageName === STAGE)?.latestExecution;
          return (
            st?.pipelineExecutionId === id && (st.status === 'Succeeded' || st.status === 'Failed')
          );
        },
        h,
      );
      if (outcome === 'fail') {
        model.bad.add(id);
        // prod-us rolls back on failure: the automatic rollback of this release, to its end.
        const rid = await waitFor(
          `the automatic rollback of release ${n}`,
          async () =>
            (await audit()).find((e) => e.event === 'requested' && e.currentExecutionId === id)
              ?.request,
          h,
          30_000,
        );
        await waitFor(
          `rollback ${rid} to end`,
          async () => terminal.has((await requestState(rid)) ?? ''),
          h,
          30_000,
        );
        model.locked = true;
        model.baking = false;
        const target = (await audit()).find(
          (e) => e.request === rid && e.event === 'requested',
        )?.targetExecutionId;
        if ((await requestState(rid)) === 'succeeded' && target) model.live = target;
      } else {
        model.live = id;
        model.baking = true;
      }
      await settle();
      return id;
    },
    async alarm() {
      h.aws.control.setAlarmState('web-prod-5xx', 'ALARM', 'Threshold crossed: 5xx > 5%');
      // The alarmed release goes bad, and prod-us rolls back on alarm during the bake window.
      const alarmed = model.live;
      model.bad.add(alarmed);
      model.alarm = true;
      model.baking = false;
      const rid = await waitFor(
        'the alarm rollback to start',
        async () =>
          (await audit()).find((e) => e.event === 'requested' && e.currentExecutionId === alarmed)
            ?.request,
        h,
      );
      await waitFor(
        `rollback ${rid} to end`,
        async () => terminal.has((await requestState(rid)) ?? ''),
        h,
        30_000,
      );
      model.locked = true;
      // The rollback went back to its target: that release is live now.
      const target = (await audit()).find(
        (e) => e.request === rid && e.event === 'requested',
      )?.targetExecutionId;
      if ((await requestState(rid)) === 'succeeded' && target) model.live = target;
      await settle();
    },
    async clearAlarm() {
      h.aws.control.setAlarmState('web-prod-5xx', 'OK', 'Back to normal');
      model.alarm = false;
      model.baking = false;
      await settle();
    },
    async rollback(args = 'prod-us', approver = MANAGER) {
      const review = await command(args, ONCALL, /Review this rollback|Can't roll back|No earlier/);
      const shown = textOf(review);
      const promised: Promised = shown.includes('No approval needed')
        ? 'allow'
        : shown.includes('Needs approval')
          ? 'approval'
          : 'block';
      if (!shown.includes('rollback.confirm')) {
        // I2: a review with no button promised nothing would happen, and nothing does.
        expect(promised).toBe('block');
        return { promised };
      }
      const before = (await audit()).length;
      await h.slack.client.click(review, 'rollback.confirm', { user: ONCALL });
      const requestId = await waitFor(
        'the click to make a request',
        async () => {
          const e = (await audit())
            .slice(before)
            .find((x) => x.event === 'requested' && x.by === `user:${ONCALL}`);
          return e?.request;
        },
        h,
      );
      const first = await waitFor(
        'the policy to decide',
        async () =>
          (await audit()).find((e) => e.request === requestId && e.from === 'requested')?.to,
        h,
      );
      // I2: what the click did is what the review promised.
      expect({ promised, did: first }).toEqual({
        promised,
        did: { allow: 'queued', approval: 'awaiting_approval', block: 'blocked' }[promised],
      });
      if (first === 'awaiting_approval') {
        const card = await h.slack.client.waitForMessage(
          PROD,
          (m) => textOf(m).includes(requestId) && textOf(m).includes('rollback.approve'),
          { timeoutMs: 15_000 },
        );
        await h.slack.client.click(card, 'Approve', { user: approver });
      }
      const end = await waitFor(
        `request ${requestId} to end`,
        async () => {
          const s = await requestState(requestId);
          return s && terminal.has(s) ? s : undefined;
        },
        h,
        30_000,
      );
      model.baking = false;
      if (end === 'succeeded') {
        model.bad.add(model.live);
        model.locked = true;
        const target = (await audit()).find(
          (e) => e.request === requestId && e.event === 'requested',
        )?.targetExecutionId;
        if (target) model.live = target;
      }
      await settle();
      return { promised, requestId };
    },
    async freeze() {
      await command('freeze prod-us 4h Story freeze', RELEASE, /[Ff]r[oe]z/);
      model.frozen = true;
      model.baking = false;
      await settle();
    },
    async unfreeze() {
      await command('unfreeze prod-us', RELEASE, /[Uu]nfr|no freeze/);
      model.frozen = false;
      model.baking = false;
      await settle();
    },
    async unlock() {
      await command('unlock prod-us Deploy', ONCALL, /./);
      model.locked = false;
      model.baking = false;
      await settle();
    },
    async markBad(sha, why) {
      await command(
        `mark-bad prod-us ${sha.slice(0, 7)} because ${why}`,
        ONCALL,
        /Marked|:warning:/,
      );
      model.baking = false;
      const id = model.releaseOf.get(sha);
      if (id) model.bad.add(id);
    },
    settle,
    async checkInvariants(step) {
      const at = `after "${step}"`;
      const writesBefore = h.aws.control.calls().filter((c) => WRITES.includes(c.operation)).length;
      // I4: the outsider tries to act; nothing changes.
      await command('prod-us', OUTSIDER, /./);
      await command('unlock prod-us Deploy', OUTSIDER, /./);
      await command('freeze prod-us 1h nope', OUTSIDER, /./);
      const writesAfter = h.aws.control.calls().filter((c) => WRITES.includes(c.operation)).length;
      expect(writesAfter, `${at}: an outsider made AWS change`).toBe(writesBefore);
      const entries = await audit();
      expect(
        entries.filter((e) => e.event === 'requested' && e.by === `user:${OUTSIDER}`),
        `${at}: an outsider made a request`,
      ).toEqual([]);

      // I1: the default target is never a bad release.
      const diff = await command('diff prod-us', ONCALL, /./);
      const after = /\*After:\*[^\n]*?\/commit\/([0-9a-f]{40})/.exec(textOf(diff))?.[1];
      if (after) {
        const target = model.releaseOf.get(after);
        expect(
          target && model.bad.has(target),
          `${at}: the default target ${after.slice(0, 7)} is bad`,
        ).toBe(false);
      }

      // I3: what status says about the lock matches AWS.
      const t = await inbound();
      const status = textOf(await command('status prod-us', ONCALL, /./));
      if (!t.enabled) {
        expect(status, `${at}: status says open while AWS has the transition disabled`).not.toMatch(
          /forward deploys (are )?open/i,
        );
      }

      // I5: at most one AWS write per request.
      const called = entries.filter((e) => e.event === 'aws-called' || e.event === 'adopted');
      const perRequest = new Map<string, number>();
      for (const e of called) perRequest.set(e.request!, (perRequest.get(e.request!) ?? 0) + 1);
      for (const [id, count] of perRequest)
        expect(count, `${at}: request ${id} called AWS ${count}×`).toBe(1);
      const rollbacks = h.aws.control.calls({ operation: 'RollbackStage' }).filter((c) => !c.error);
      expect(rollbacks.length, `${at}: RollbackStage calls vs requests`).toBeLessThanOrEqual(
        called.filter((e) => e.event === 'aws-called').length,
      );

      // I6: finished messages with buttons show their final state (eventually: updates are jobs).
      await waitFor(
        `${at}: finished messages to show their final state`,
        async () => {
          const now = await audit();
          const stateOf = (id: string) => now.filter((e) => e.request === id && e.to).at(-1)?.to;
          for (const m of h.slack.client.messages(PROD)) {
            const thread = h.slack.client.thread(PROD, m.ts);
            for (const x of thread) {
              const body = textOf(x);
              if (body.includes('rollback.approve')) {
                const id = /Request ([0-9A-Z]{26})|request `?([0-9A-Z]{26})/.exec(body);
                const rid = id?.[1] ?? id?.[2];
                if (rid && stateOf(rid) !== 'awaiting_approval') return false;
              }
            }
            const body = textOf(m);
            if (body.includes('rollback.offer')) {
              // A notification whose thread shows a rollback under way or done offers none.
              const started = thread
                .slice(1)
                .some((x) => /Rolled back|Rolling back|Queued/.test(x.text ?? ''));
              if (started) return false;
            }
          }
          return true;
        },
        h,
        15_000,
      );
    },
    async stop() {
      cp.destroy();
      redis.disconnect();
      await h.stop();
    },
  };
  await story.checkInvariants('start');
  return story;
}
