// The permission model end to end, with the sandbox's own config (prod-us and prod-eu requests
// restricted to the on-call group S0ONCALL, U0RELEASE an admin) through the local Slack, real
// Redis and the local AWS endpoint. The outsider is in #deploys-prod like everyone else: being in
// the channel is not enough on a restricted environment. Every refusal is private, names who may
// instead as mentions, is audited, and changes nothing in AWS.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Message } from '../../src/sandbox/slack/state.js';
import { type Harness, runUntil, startHarness } from '../support/harness.js';

const ONCALL = 'U0ONCALL';
const MANAGER = 'U0MANAGER';
const RELEASE = 'U0RELEASE';
const OUTSIDER = 'U0OUTSIDER';
const PROD = 'C0DEPLOYPROD';
const world = new URL('../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;

const sandboxConfig = readFileSync(
  new URL('../../src/sandbox/sandbox.config.yml', import.meta.url),
  'utf8',
);

function configWith(replacements: Array<[string, string]>): string {
  let out = sandboxConfig;
  for (const [from, to] of replacements) {
    expect(out).toContain(from);
    out = out.replace(from, to);
  }
  return out;
}

/** prod-us rolls back only when a person says so: the notification's buttons are the way out. */
const manualOnly = (): Array<[string, string]> => [
  ['autoRollback: on-failure-and-alarm', 'autoRollback: off'],
];
const RULES = 'when: [older-than-previous, during-freeze, crosses-unsafe-release]';

/** What the outsider is told may: the on-call group, and the admin. */
const ONCALL_GROUP = '<!subteam^S0ONCALL>';
const ADMIN = '<@U0RELEASE>';

const AWS_CHANGES = [
  'RollbackStage',
  'EnableStageTransition',
  'DisableStageTransition',
  'CreateDeployment',
  'StopDeployment',
];

type GuardHarness = Harness & { audit(): Promise<Array<Record<string, string>>> };

let h: GuardHarness | undefined;
let redis: Redis | undefined;
afterEach(async () => {
  redis?.disconnect();
  redis = undefined;
  await h?.stop();
  h = undefined;
});

/** The real bot on the sandbox's config (or a variant), and a reader of its audit stream. */
async function start(config: string): Promise<GuardHarness> {
  const started = await startHarness({
    config,
    world,
    time: { mode: 'realtime', stageDurationMs: 30 },
  });
  const r = new Redis(inject('redisUrl'));
  redis = r;
  return Object.assign(started, {
    async audit() {
      const entries = await r.xrange(`${started.prefix}:audit`, '-', '+');
      return entries.map(([, flat]) => {
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
        return f;
      });
    },
  });
}

const changes = (g: GuardHarness, ops = AWS_CHANGES) =>
  ops.flatMap((operation) => g.aws.control.calls({ operation }));

/** Runs `act`, then resolves with the next private message to `user` matching `match`. */
async function privately(
  g: GuardHarness,
  user: string,
  act: () => Promise<unknown>,
  match: RegExp,
): Promise<Message> {
  const seen = new Set(g.slack.client.ephemerals(user).map((m) => `${m.ts} ${m.text}`));
  await act();
  return g.slack.client.waitForEphemeral(
    user,
    (m) => !seen.has(`${m.ts} ${m.text}`) && match.test(m.text),
    { timeoutMs: 10_000 },
  );
}

async function command(g: GuardHarness, text: string, user: string, channel = PROD) {
  return g.slack.client.command('/rollback', text, { user, channel });
}

async function refusals(g: GuardHarness, user: string): Promise<string[]> {
  return (await g.audit())
    .filter((e) => e.by === `user:${user}` && e.event?.endsWith('-refused'))
    .map((e) => e.event!);
}

/** A deploy that fails in prod-us's Deploy stage; resolves with the failure notification. */
async function failingDeploy(g: GuardHarness): Promise<Message> {
  g.aws.control.startExecution('web-app', {
    revision: {
      id: 'f00dfacef00dfacef00dfacef00dfacef00dface',
      message: 'Break it',
      author: 'dev',
    },
    outcome: { failStage: 'Deploy' },
  });
  g.aws.control.runUntilIdle();
  return g.slack.client.waitForMessage(
    PROD,
    (m) =>
      /Stage failed: prod-us/.test(m.text) && JSON.stringify(m.blocks).includes('rollback.offer'),
    { timeoutMs: 20_000 },
  );
}

describe('permissions on a restricted environment', () => {
  it('the outsider cannot request, confirm, roll back the group or freeze; read-only works', async () => {
    h = await start(sandboxConfig);
    const g = h;

    const asked = await command(g, 'prod-us', OUTSIDER);
    const refused = await asked.waitForResponse(/can be rolled back only by/);
    expect(refused.visible_to).toBe(OUTSIDER);
    expect(refused.text).toContain(ONCALL_GROUP);
    expect(refused.text).toContain(`an admin (${ADMIN})`);
    expect(JSON.stringify(refused.blocks)).not.toContain('rollback.confirm');

    // The group: allowed on every member, or not at all.
    const group = await command(g, 'prod', OUTSIDER);
    expect((await group.waitForResponse(/can be rolled back only by/)).text).toContain(
      ONCALL_GROUP,
    );

    // Someone else's confirmation, clicked by the outsider (a replayed payload): checked again.
    const mine = await command(g, 'prod-us', ONCALL);
    const confirmation = await mine.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    const click = await privately(
      g,
      OUTSIDER,
      () => g.slack.client.click(confirmation, 'rollback.confirm', { user: OUTSIDER }),
      /can be rolled back only by/,
    );
    expect(click.text).toContain(ONCALL_GROUP);
    const groupMine = await command(g, 'prod', ONCALL);
    const groupConfirmation = await groupMine.waitForResponse('Review the rollback of group prod', {
      timeoutMs: 10_000,
    });
    await privately(
      g,
      OUTSIDER,
      () => g.slack.client.click(groupConfirmation, 'group.confirm', { user: OUTSIDER }),
      /can be rolled back only by/,
    );

    const frozen = await command(g, 'freeze prod-us 4h Holiday freeze', OUTSIDER);
    const noFreeze = await frozen.waitForResponse(/Only freezers may freeze prod-us/);
    expect(noFreeze.text).toContain('<!subteam^S0APPROVERS>');
    expect(noFreeze.text).toContain(ADMIN);

    // Read-only commands stay open to them.
    const status = await command(g, 'status prod-us', OUTSIDER);
    expect((await status.waitForResponse(/Auto rollback/)).visible_to).toBe(OUTSIDER);
    await (await command(g, 'history prod-us', OUTSIDER)).waitForResponse(/rollbacks|No rollbacks/);
    await (await command(g, 'diff prod-us', OUTSIDER)).waitForResponse(
      /What a rollback of prod-us would change/,
      { timeoutMs: 10_000 },
    );
    await (await command(g, 'help', OUTSIDER)).waitForResponse('How to use /rollback');

    expect(await refusals(g, OUTSIDER)).toEqual(
      expect.arrayContaining(['rollback-refused', 'confirm-refused', 'group-confirm-refused']),
    );
    expect((await refusals(g, OUTSIDER)).filter((e) => e === 'freeze-refused')).toHaveLength(1);
    expect(changes(g)).toEqual([]);

    // The on-call engineer's own confirmation still works: the refusals left it alone.
    await g.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL });
    await g.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    expect(changes(g, ['RollbackStage'])).toHaveLength(1);
  });

  it('an admin, and on-call through the group, may request from any channel', async () => {
    h = await start(sandboxConfig);
    const cmd = await command(h, 'prod-us', RELEASE, 'C0GENERAL');
    const review = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    expect(review.visible_to).toBe(RELEASE);
    // On-call from another channel: the group lets them in, wherever they type.
    const oncall = await command(h, 'prod-us', 'U0ONCALL2', 'C0GENERAL');
    await oncall.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
  });

  it('the failure notification: the outsider cannot roll back, pick, submit the picker or dismiss', async () => {
    h = await start(configWith(manualOnly()));
    const g = h;
    const notification = await failingDeploy(g);
    const before = changes(g).length;

    const rollBack = await privately(
      g,
      OUTSIDER,
      () => g.slack.client.click(notification, 'rollback.offer', { user: OUTSIDER }),
      /can be rolled back only by/,
    );
    expect(rollBack.text).toContain(ONCALL_GROUP);
    expect(rollBack.text).toContain(ADMIN);

    await privately(
      g,
      OUTSIDER,
      () => g.slack.client.click(notification, 'rollback.open_picker', { user: OUTSIDER }),
      /can be rolled back only by/,
    );
    const notice = await g.slack.client.waitForView(OUTSIDER, (v) =>
      JSON.stringify(v.blocks).includes('can be rolled back only by'),
    );
    expect(JSON.stringify(notice.blocks)).not.toContain('picker_release');

    // On-call opens the picker; the outsider submits that view (a forged submission).
    await g.slack.client.click(notification, 'rollback.open_picker', { user: ONCALL });
    const picker = await g.slack.client.waitForView(
      ONCALL,
      (v) => JSON.stringify(v.blocks).includes('picker_release'),
      { timeoutMs: 10_000 },
    );
    const select = picker.blocks.find(
      (b) => (b as { block_id?: string }).block_id === 'picker_release',
    ) as unknown as { element: { options: Array<{ value: string }> } };
    const choice = select.element.options[0]!.value;
    await privately(
      g,
      OUTSIDER,
      () =>
        g.slack.client.submitView(
          structuredClone(picker),
          { 'picker.release': choice },
          {
            user: OUTSIDER,
          },
        ),
      /can be rolled back only by/,
    );

    await privately(
      g,
      OUTSIDER,
      () => g.slack.client.click(notification, 'Dismiss', { user: OUTSIDER }),
      /can be rolled back only by/,
    );
    expect(await refusals(g, OUTSIDER)).toEqual(
      expect.arrayContaining(['click-refused', 'picker-refused', 'dismiss-refused']),
    );
    expect(changes(g).slice(before)).toEqual([]);
    // The notification keeps its buttons for those who may.
    const still = g.slack.client.messages(PROD).find((m) => m.ts === notification.ts)!;
    expect(JSON.stringify(still.blocks)).toContain('rollback.offer');

    await g.slack.client.click(notification, 'rollback.offer', { user: ONCALL });
    await g.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    expect(changes(g, ['RollbackStage'])).toHaveLength(1);
  });

  it('cancel, approve and unlock: the outsider is refused; the requester and approvers may', async () => {
    h = await start(configWith([[RULES, 'when: [always]']]));
    const g = h;
    const cmd = await command(g, 'prod-us', ONCALL);
    const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    await g.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL });
    const approval = await g.slack.client.waitForMessage(PROD, 'Approval needed', {
      timeoutMs: 10_000,
    });
    const status = await g.slack.client.waitForMessage(PROD, (m) =>
      JSON.stringify(m.blocks).includes('rollback.cancel'),
    );
    const requestId = /Request ([0-9A-Z]{26})/.exec(JSON.stringify(status.blocks))![1]!;

    const cancel = await privately(
      g,
      OUTSIDER,
      () => g.slack.client.click(status, 'Cancel request', { user: OUTSIDER }),
      /You cannot cancel this rollback of prod-us/,
    );
    expect(cancel.text).toContain('<@U0ONCALL> (who asked)');
    expect(cancel.text).toContain('the approvers (<!subteam^S0APPROVERS>)');
    expect(cancel.text).toContain(`an admin (${ADMIN})`);
    const typed = await command(g, `cancel ${requestId}`, OUTSIDER);
    await typed.waitForResponse(/You cannot cancel this rollback of prod-us/);
    const approve = await privately(
      g,
      OUTSIDER,
      () => g.slack.client.click(approval, 'Approve', { user: OUTSIDER }),
      /not an approver/,
    );
    expect(approve.text).toContain('<!subteam^S0APPROVERS>');
    expect((await g.slack.client.waitForMessage(PROD, (m) => m.ts === approval.ts)).text).toMatch(
      /Approval needed/,
    );
    expect(changes(g)).toEqual([]);

    // An approver approves; the rollback locks the stage (lockAfterRollback).
    await g.slack.client.click(approval, 'Approve', { user: MANAGER });
    await g.slack.client.waitForMessage(PROD, 'Rolled back', { timeoutMs: 20_000 });
    await runUntil(
      g.aws,
      'the lock after the rollback',
      () => changes(g, ['DisableStageTransition']).length === 1,
    );

    const unlock = await command(g, 'unlock prod-us Deploy', OUTSIDER);
    const noUnlock = await unlock.waitForResponse(/You cannot unlock prod-us/);
    expect(noUnlock.text).toContain('<@U0ONCALL> (who asked)');
    expect(changes(g, ['EnableStageTransition'])).toEqual([]);

    // The requester of the rollback that locked it may unlock.
    const mine = await command(g, 'unlock prod-us Deploy', ONCALL);
    const lifted = await mine.waitForResponse(/:unlock:/, { timeoutMs: 10_000 });
    expect(lifted.text).not.toMatch(/You cannot/);
    expect(changes(g, ['EnableStageTransition'])).toHaveLength(1);

    // History names the commits, who asked, who approved, and links the thread.
    const history = await (await command(g, 'history prod-us', OUTSIDER)).waitForResponse(
      /Recent rollbacks/,
    );
    expect(history.text).toMatch(/:white_check_mark: Rolled back\n/);
    // The release rolled back away from failed, so it is not among the stage's releases: the
    // request kept its commit when it was made. The target too: commit and message.
    expect(history.text).toMatch(/\nFrom <https:\/\/github\.com\/[^|]+\|[0-9a-f]{7}> `[^`\n]+`\n/);
    expect(history.text).toMatch(
      /\nTo <https:\/\/github\.com\/[^|]+\|[0-9a-f]{7}> `feat\(search\): rank results by recent purchases`\n/,
    );
    expect(history.text).toContain('Asked by <@U0ONCALL> · approved by <@U0MANAGER>');
    // Slack's own permalink of the status message (chat.getPermalink; the local Slack's form).
    expect(history.text).toMatch(
      /<http:\/\/127\.0\.0\.1:\d+\/#\/archives\/C[A-Z0-9]+\/p\d+\|thread>/,
    );
    expect(await refusals(g, OUTSIDER)).toEqual(
      expect.arrayContaining(['cancel-refused', 'approval-refused', 'unlock-refused']),
    );
  });

  it('an automatic rollback in its grace: the outsider cannot cancel it; on-call can', async () => {
    h = await start(
      configWith([
        [
          'autoRollback: on-failure-and-alarm',
          'autoRollback: on-failure\n    autoRollbackGrace: 5m',
        ],
      ]),
    );
    const g = h;
    g.aws.control.startExecution('web-app', {
      revision: {
        id: 'f00dfacef00dfacef00dfacef00dfacef00dface',
        message: 'Break it',
        author: 'dev',
      },
      outcome: { failStage: 'Deploy' },
    });
    g.aws.control.runUntilIdle();
    const announcement = await g.slack.client.waitForMessage(PROD, 'Rolling back in', {
      timeoutMs: 20_000,
    });
    const refused = await privately(
      g,
      OUTSIDER,
      () => g.slack.client.click(announcement, 'Cancel', { user: OUTSIDER }),
      /You cannot cancel this rollback of prod-us/,
    );
    // Nobody asked: those who may request stand in for the requester.
    expect(refused.text).toContain(ONCALL_GROUP);
    expect(refused.text).toContain(ADMIN);
    const requestId = /[0-9A-HJKMNP-TV-Z]{26}/.exec(JSON.stringify(announcement.blocks))![0];
    const typed = await command(g, `cancel ${requestId}`, OUTSIDER);
    await typed.waitForResponse(/You cannot cancel this rollback of prod-us/);
    await g.slack.client.click(announcement, 'Cancel', { user: ONCALL });
    await g.slack.client.waitForMessage(
      PROD,
      (m) => /Cancelled by <@U0ONCALL>/.test(JSON.stringify(m.blocks)),
      {
        timeoutMs: 10_000,
      },
    );
    expect(changes(g, ['RollbackStage'])).toEqual([]);
  });
});
