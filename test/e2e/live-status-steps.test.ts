// The live status of a manual rollback shows its steps as they happen, in one message updated in
// place: requested → AWS accepted → deploying → rolled back → alarms watched (one not OK yet) →
// recovered. The local AWS endpoint's time is manual here, so each step holds until the test
// moves it on; every wait is on the local Slack's messages, never a sleep.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/sandbox/slack/index.js';
import { type Harness, startHarness } from '../support/harness.js';

const config = readFileSync(
  new URL('../../src/sandbox/sandbox.config.yml', import.meta.url),
  'utf8',
);
const world = new URL('../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
const ONCALL = 'U0ONCALL';
const PROD = 'C0DEPLOYPROD';

/** The request's status message: its fallback text names the environment and the target. */
const isStatus = (m: Message) =>
  m.channel === PROD && /: prod-us web-app \/ Deploy$/.test(m.text) && m.visible_to === undefined;
/** The status message's step lines (its second block). */
function stepsOf(m: Message): string {
  const b = m.blocks[1] as { text?: { text?: string } } | undefined;
  return b?.text?.text ?? '';
}

let h: Harness;
beforeEach(async () => {
  h = await startHarness({
    config,
    world,
    time: { mode: 'manual' },
    overrides: { reactions: { recoveryEveryMs: 250 } },
  });
});
afterEach(async () => {
  await h.stop();
});

describe('live status, step by step', () => {
  it('one message passes through each step in order, each with its time', async () => {
    // Every version of the status message Slack was given, as it was then.
    const seen: Array<{ ts: string; steps: string }> = [];
    const unsubscribe = h.slack.state.subscribe((e) => {
      if ((e.kind === 'message' || e.kind === 'message_changed') && isStatus(e.message)) {
        seen.push({ ts: e.message.ts, steps: stepsOf(e.message) });
      }
    });
    const status = (has: (steps: string) => boolean, timeoutMs = 20_000) =>
      h.slack.client.waitForMessage(PROD, (m) => isStatus(m) && has(stepsOf(m)), { timeoutMs });

    const cmd = await h.slack.client.command('/rollback', 'prod-us', {
      user: ONCALL,
      channel: PROD,
    });
    const confirmation = await cmd.waitForResponse('Review this rollback', { timeoutMs: 10_000 });
    await h.slack.client.click(confirmation, 'rollback.confirm', { user: ONCALL });

    // AWS accepted; simulated time stands still, so the stage is deploying until it moves.
    const deploying = await status((s) => s.includes(':arrows_counterclockwise: Deploying'));
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
    const steps = stepsOf(deploying).split('\n');
    expect(steps[0]).toMatch(
      /^:white_check_mark: Requested by <@U0ONCALL> · <!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|[^>]+>$/,
    );
    const accepted =
      /^:white_check_mark: AWS accepted: execution <https:[^|]+\/executions\/([0-9a-f-]{36})\/timeline\?region=us-east-1\|([0-9a-f]{8})> · <!date\^\d+\^\{time_secs\}\|[^>]+>$/.exec(
        steps[1] ?? '',
      );
    expect(accepted, steps[1]).not.toBeNull();
    // The execution linked is the one AWS started and the follower reads.
    const [, execution, label] = accepted!;
    expect(execution!.startsWith(label!)).toBe(true);
    expect(
      h.aws.control
        .calls({ operation: 'GetPipelineExecution' })
        .some((c) => c.input.pipelineExecutionId === execution),
    ).toBe(true);
    expect(steps.slice(2)).toEqual([
      expect.stringMatching(/^:arrows_counterclockwise: Deploying in stage Deploy · since <!date/),
      ':white_circle: Alarms watched',
      ':white_circle: Recovered',
    ]);

    // An alarm is still firing when the rollback ends: the watch waits for it.
    h.aws.control.setAlarmState('web-prod-5xx', 'ALARM', 'Threshold Crossed: 5xx above 5%.');
    h.aws.control.runUntilIdle();
    await status(
      (s) =>
        s.includes(':white_check_mark: Rolled back in stage Deploy') &&
        s.includes(':arrows_counterclockwise: Watching alarms'),
    );
    // The first alarm read (after the wait for a notification thread) names the one not OK.
    await status((s) => s.includes('Watching alarms: `web-prod-5xx` not OK yet'), 45_000);
    h.aws.control.setAlarmState('web-prod-5xx', 'OK', 'Threshold no longer crossed.');
    const recovered = await status((s) => s.includes(':white_check_mark: Recovered'));
    unsubscribe();
    expect(stepsOf(recovered).split('\n').slice(2)).toEqual([
      expect.stringMatching(/^:white_check_mark: Rolled back in stage Deploy · <!date/),
      expect.stringMatching(
        /^:white_check_mark: Alarms watched: `web-prod-5xx`, `web-prod-latency-p99` · <!date/,
      ),
      expect.stringMatching(
        /^:white_check_mark: Recovered: `web-prod-5xx` OK again \d+s after the rollback · <!date/,
      ),
    ]);

    // One message, updated in place, through the steps in this order.
    expect(new Set(seen.map((v) => v.ts))).toEqual(new Set([deploying.ts]));
    expect(h.slack.client.messages(PROD).filter(isStatus)).toHaveLength(1);
    const firstWith = (marker: string) => seen.findIndex((v) => v.steps.includes(marker));
    const order = [
      ':white_check_mark: Requested by <@U0ONCALL>',
      ':arrows_counterclockwise: Deploying in stage Deploy',
      ':white_check_mark: Rolled back in stage Deploy',
      ':arrows_counterclockwise: Watching alarms',
      '`web-prod-5xx` not OK yet',
      ':white_check_mark: Recovered',
    ].map(firstWith);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
  }, 90_000);
});
