// End to end in the sandbox: failures and alarms during bake are rolled back automatically, once;
// AWS's own rollbacks are reported, never repeated.
import { afterEach, describe, expect, it } from 'vitest';
import { ALARM, EXEC, SHA } from '../../../support/reactions-world.js';
import {
  NATIVE_CHANNEL,
  PROD_CHANNEL,
  type ReactionsHarness,
  startReactions,
  textOf,
} from './harness.js';

let h: ReactionsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const badRevision = { id: SHA.bad, message: 'Break checkout', author: 'dev' };

describe('automatic rollback on failure', () => {
  it('rolls a failed Deploy back once, announces it in the thread with live status, reports recovery', async () => {
    h = await startReactions();
    const { pipelineExecutionId: bad } = h.sandbox.control.startExecution('web-app', {
      revision: badRevision,
      outcome: { failStage: 'Deploy' },
    });
    h.sandbox.control.runUntilIdle();

    const note = await h.slack.client.waitForMessage(PROD_CHANNEL, 'Stage failed: prod', {
      timeoutMs: 10_000,
    });
    expect(textOf(note)).toContain('ddddddd');
    expect(textOf(note)).toContain('bbbbbbb'); // the last good release

    const request = await h.until('the automatic rollback to succeed', async () => {
      const [r] = await h!.service.history('prod', 5);
      return r?.state === 'succeeded' ? r : undefined;
    });
    expect(request).toMatchObject({
      source: 'auto-failure',
      requestedBy: { kind: 'auto' },
      target: { kind: 'stage', currentExecutionId: bad, targetExecutionId: EXEC.b },
    });
    expect(request.requestedBy.kind === 'auto' && request.requestedBy.reason).toContain(bad);

    const thread = await h.until('the recovery report in the thread', () => {
      const t = h!.slack.client.thread(PROD_CHANNEL, note.ts);
      return t.some((m) => textOf(m).includes('recovered')) ? t : undefined;
    });
    const texts = thread.map(textOf);
    expect(texts.some((t) => t.includes('rollback-bot') && t.includes('automatically'))).toBe(true);
    expect(texts.some((t) => t.includes(request.id))).toBe(true); // the live status message
    expect(h.sandbox.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
    // The alarm watch is noted on the request, and its live status ends with it.
    const watched = await h.until('the alarm watch on the request', async () => {
      const r = await h!.service.get(request.id);
      return r?.alarmWatch?.outcome ? r.alarmWatch : undefined;
    });
    expect(watched).toMatchObject({ outcome: 'recovered', alarms: [ALARM] });
    const status = await h.until('the live status to show the recovery', () =>
      h!.slack.client
        .thread(PROD_CHANNEL, note.ts)
        .find((m) => textOf(m).includes(request.id) && textOf(m).includes('Recovered: alarms OK')),
    );
    expect(textOf(status)).toContain(`:white_check_mark: Alarms watched: \`${ALARM}\``);
  });

  it('escalates a failing rollback in the thread and never rolls back again (no loop)', async () => {
    h = await startReactions();
    h.sandbox.control.setRollbackOutcome('web-app', { failStage: 'Deploy' });
    h.sandbox.control.startExecution('web-app', {
      revision: badRevision,
      outcome: { failStage: 'Deploy' },
    });
    h.sandbox.control.runUntilIdle();
    const note = await h.slack.client.waitForMessage(PROD_CHANNEL, 'Stage failed: prod', {
      timeoutMs: 10_000,
    });
    const escalations = await h.until('the escalation in the thread', () => {
      const found = h!.slack.client
        .thread(PROD_CHANNEL, note.ts)
        .filter((m) => textOf(m).includes('Rollback failed: prod'));
      return found.length > 0 ? found : undefined;
    });
    expect(textOf(escalations[0]!)).toContain('No further automatic action');
    await h.until('every event job to finish', async () => {
      const c = await h!.events.queue.getJobCounts('waiting', 'active', 'delayed');
      return c.waiting + c.active + c.delayed === 0;
    });
    // The escalation can come from the rollback execution's StageFailed event before the
    // worker's follow job records the request as failed: wait for that record.
    const r = await h.until('the request recorded as failed', async () => {
      const [latest] = await h!.service.history('prod', 5);
      return latest?.state === 'failed' ? latest : undefined;
    });
    expect(r.state).toBe('failed');
    await h.until('every event and timer job to finish', async () => {
      const c = await h!.events.queue.getJobCounts('waiting', 'active', 'delayed');
      return c.waiting + c.active + c.delayed === 0;
    });
    // Seen twice (the rollback execution's StageFailed and the request's end): said once.
    // (Matched on the escalation's own words: the live status message, once updated to its
    // final state, reads "Rollback failed: prod …" too.)
    expect(
      h.slack.client
        .thread(PROD_CHANNEL, note.ts)
        .filter((m) => textOf(m).includes('No further automatic action')),
    ).toHaveLength(1);
    expect(h.sandbox.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
    expect(await h.service.history('prod', 5)).toHaveLength(1);
    expect(
      h.slack.client.messages(PROD_CHANNEL).filter((m) => textOf(m).includes('Stage failed')),
    ).toHaveLength(1);
  });

  it('reports a failure AWS is rolling back itself, and never calls RollbackStage', async () => {
    h = await startReactions();
    h.sandbox.control.startExecution('native-app', {
      revision: badRevision,
      outcome: { failStage: 'Deploy' },
    });
    h.sandbox.control.runUntilIdle();
    const note = await h.slack.client.waitForMessage(NATIVE_CHANNEL, 'Stage failed: native', {
      timeoutMs: 10_000,
    });
    expect(textOf(note)).toContain('AWS is already rolling this back');
    expect(textOf(note)).not.toContain('Roll back to');
    // AWS's rollback execution succeeds: the recovery is reported in the same thread.
    await h.until('the recovery report', () =>
      h!.slack.client.thread(NATIVE_CHANNEL, note.ts).some((m) => textOf(m).includes('recovered')),
    );
    expect(h.sandbox.control.calls({ operation: 'RollbackStage' })).toHaveLength(0);
    expect(await h.service.history('native', 5)).toEqual([]);
  });
});

describe('automatic rollback on an alarm during the bake window', () => {
  it('rolls back the release that tripped the alarm, once', async () => {
    h = await startReactions();
    const { pipelineExecutionId: release } = h.sandbox.control.startExecution('web-app', {
      revision: badRevision,
    });
    h.sandbox.control.runUntilIdle();
    // The feed shows the release baking: its window is open.
    await h.slack.client.waitForMessage(PROD_CHANNEL, 'baking', { timeoutMs: 10_000 });
    h.sandbox.control.advance(60_000);
    h.sandbox.control.setAlarmState(ALARM, 'ALARM', 'Threshold crossed');

    const note = await h.slack.client.waitForMessage(PROD_CHANNEL, 'Alarm during bake window', {
      timeoutMs: 10_000,
    });
    expect(textOf(note)).toContain(ALARM);
    const request = await h.until('the automatic rollback to succeed', async () => {
      const [r] = await h!.service.history('prod', 5);
      return r?.state === 'succeeded' ? r : undefined;
    });
    expect(request).toMatchObject({
      source: 'auto-alarm',
      target: { currentExecutionId: release, targetExecutionId: EXEC.b },
    });
    // Alarms still firing after the rollback are watched, not rolled back again.
    h.sandbox.control.setAlarmState(ALARM, 'OK', 'Back to normal');
    await h.until('the recovery report', () =>
      h!.slack.client.thread(PROD_CHANNEL, note.ts).some((m) => textOf(m).includes('recovered')),
    );
    expect(h.sandbox.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
    expect(await h.service.history('prod', 5)).toHaveLength(1);
  });
});
