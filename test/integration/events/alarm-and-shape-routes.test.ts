// On the real bot: a CloudWatch alarm's SNS action acts like EventBridge's alarm event; one from
// another region or account than the configured alarm is refused; a shape the bot cannot read
// is logged at warn once per shape and counted in /metrics.
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../src/events/domain-event.js';
import { snsMessageFixture } from '../../fixtures/aws-events.js';
import { ALARM, SHA } from '../../support/reactions-world.js';
import { PROD_CHANNEL, textOf } from '../services/reactions/harness.js';
import {
  ALARM_TYPE,
  PARTNER_ACCOUNT,
  PARTNER_ALARM,
  PIPELINE_TYPES,
  type RouteBot,
  startRouteBot,
  TOPIC,
} from './support/route-bot.js';

let h: RouteBot | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const release = { id: SHA.bad, message: 'Break checkout', author: 'dev' };

/** Pipeline events by EventBridge, alarms by their SNS action only. */
async function startWithAlarmActions(): Promise<RouteBot> {
  const bot = await startRouteBot({ subscribe: { detailTypes: PIPELINE_TYPES } });
  bot.sandbox.control.subscribe(bot.eventsUrl, {
    sns: { topicArn: TOPIC },
    alarmActions: true,
    detailTypes: [ALARM_TYPE],
  });
  return bot;
}

/** Starts a release of web-app that succeeds, and waits until its bake window is open. */
async function bakeARelease(bot: RouteBot): Promise<string> {
  const { pipelineExecutionId } = bot.sandbox.control.startExecution('web-app', {
    revision: release,
  });
  bot.sandbox.control.runUntilIdle();
  await bot.slack.client.waitForMessage(PROD_CHANNEL, 'baking', { timeoutMs: 10_000 });
  bot.sandbox.control.advance(60_000);
  return pipelineExecutionId;
}

async function eventJobs(bot: RouteBot): Promise<DomainEvent[]> {
  await bot.sandbox.control.flushEvents();
  await bot.until('every event job to finish', async () => {
    const c = await bot.events.queue.getJobCounts('waiting', 'active', 'delayed');
    return c.waiting + c.active + c.delayed === 0;
  });
  const jobs = await bot.events.queue.getJobs(['completed', 'failed']);
  return jobs.map((j) => j.data);
}

/** An alarm action like the fixture, for `alarm` in `region` of `account`. */
function alarmAction(alarm: string, region: string, regionName: string, account: string) {
  return JSON.stringify({
    ...snsMessageFixture('cloudwatch-alarm-action'),
    AlarmName: alarm,
    AWSAccountId: account,
    Region: regionName,
    AlarmArn: `arn:aws:cloudwatch:${region}:${account}:alarm:${alarm}`,
    StateChangeTime: new Date().toISOString().replace('Z', '+0000'),
  });
}

describe('CloudWatch alarm actions over SNS', () => {
  it('an alarm action in the bake window acts like the EventBridge alarm event', async () => {
    h = await startWithAlarmActions();
    const bad = await bakeARelease(h);
    h.sandbox.control.setAlarmState(ALARM, 'ALARM', 'Threshold crossed');

    const note = await h.slack.client.waitForMessage(PROD_CHANNEL, 'Alarm during bake window', {
      timeoutMs: 10_000,
    });
    expect(textOf(note)).toContain(ALARM);
    const request = await h.until('the automatic rollback to succeed', async () => {
      const [r] = await h!.service.history('prod', 5);
      return r?.state === 'succeeded' ? r : undefined;
    });
    expect(request).toMatchObject({ source: 'auto-alarm', target: { currentExecutionId: bad } });
    expect(h.sandbox.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
    // It came as the alarm's own action, not as an EventBridge event.
    const raised = (await eventJobs(h)).filter((e) => e.type === 'AlarmRaised');
    expect(raised).toEqual([expect.objectContaining({ alarmName: ALARM, region: 'us-east-1' })]);
    const taken = h.logLines((l) => l.outcome === 'enqueued' && l.detailType === 'AlarmRaised');
    expect(taken.map((l) => l.shape)).toEqual(['alarm-action']);
  });

  it('refuses an alarm action from another region or account than the configured alarm', async () => {
    h = await startWithAlarmActions();
    await bakeARelease(h);
    const elsewhere = alarmAction(ALARM, 'eu-west-1', 'EU (Ireland)', '111122223333');
    expect(await h.postSns(elsewhere)).toEqual({ status: 403, outcome: 'alarm_origin_mismatch' });
    const otherAccount = alarmAction(
      PARTNER_ALARM,
      'us-east-1',
      'US East (N. Virginia)',
      '111122223333',
    );
    expect(await h.postSns(otherAccount)).toEqual({
      status: 403,
      outcome: 'alarm_origin_mismatch',
    });
    // The partner's own account is where its alarm lives: taken.
    const home = alarmAction(PARTNER_ALARM, 'us-east-1', 'US East (N. Virginia)', PARTNER_ACCOUNT);
    expect(await h.postSns(home)).toEqual({ status: 200, outcome: 'enqueued' });

    const refused = h.logLines((l) => l.outcome === 'alarm_origin_mismatch');
    expect(refused.map((l) => l.level)).toEqual(['warn', 'warn']);
    expect(refused[0]!.reason).toBe(
      `alarm ${ALARM} is configured in prod (us-east-1), native (us-east-1), but this action came from eu-west-1, account 111122223333`,
    );
    expect(refused[1]!.reason).toContain(`partner (us-east-1, account ${PARTNER_ACCOUNT})`);
    // Never acted on: neither refused action is on the events queue; prod's window stays quiet.
    const raised = (await eventJobs(h)).filter((e) => e.type === 'AlarmRaised');
    expect(raised).toEqual([
      expect.objectContaining({ alarmName: PARTNER_ALARM, account: PARTNER_ACCOUNT }),
    ]);
    expect(
      h.slack.client.messages(PROD_CHANNEL).filter((m) => textOf(m).includes('Alarm during')),
    ).toEqual([]);
    expect(await h.service.history('prod', 5)).toEqual([]);
  });
});

describe('shapes the bot cannot read', () => {
  const codebuild = (id: string) => ({
    version: '0',
    id,
    'detail-type': 'CodeBuild Build State Change',
    source: 'aws.codebuild',
    account: '111122223333',
    time: '2026-11-20T14:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:codebuild:us-east-1:111122223333:build/web-app:1'],
    detail: { 'build-status': 'FAILED', 'project-name': 'web-app' },
  });
  const CODEBUILD_SHAPE =
    'aws.codebuild|CodeBuild Build State Change|account,detail,detail-type,id,region,resources,source,time,version';

  it('are acknowledged as before, warned about once per shape, and counted', async () => {
    h = await startRouteBot({ subscribe: false });
    expect(await h.postDirect(codebuild('cb-1'))).toEqual({ status: 200, outcome: 'ignored' });
    expect(await h.postDirect(codebuild('cb-2'))).toEqual({ status: 200, outcome: 'ignored' });
    expect(await h.postSns('Deploy of web-app failed')).toEqual({
      status: 200,
      outcome: 'ignored',
    });
    expect(await h.postSns(JSON.stringify({ text: 'hello' }))).toEqual({
      status: 200,
      outcome: 'ignored',
    });
    // A body that is no EventBridge event is still refused on the direct route (400).
    expect(await h.postDirect({ text: 'hello' })).toEqual({
      status: 400,
      outcome: 'invalid_event',
    });

    const warned = h.logLines(
      (l) => l.level === 'warn' && String(l.msg).startsWith('AWS event of a shape'),
    );
    expect(warned.map((l) => [l.route, l.shape])).toEqual([
      ['eventbridge', CODEBUILD_SHAPE],
      ['sns', 'text'],
      ['sns', '-|-|text'],
      ['eventbridge', '-|-|text'],
    ]);
    expect(warned[0]).toMatchObject({ reason: 'unknown detail-type', eventId: 'cb-1' });

    const metrics = await h.metrics();
    const count = (route: string, shape: string) =>
      metrics.match(
        new RegExp(
          `^rollback_bot_events_unreadable_total\\{route="${route}",shape="${shape.replace(/[|]/g, '\\|')}"\\} (\\d+)$`,
          'm',
        ),
      )?.[1];
    expect(count('eventbridge', CODEBUILD_SHAPE)).toBe('2');
    expect(count('sns', 'text')).toBe('1');
    expect(count('eventbridge', '-|-|text')).toBe('1');
    expect(await eventJobs(h)).toEqual([]);
  });
});
