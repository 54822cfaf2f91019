// A blocking composite alarm in ALARM whose actions CloudWatch suppresses (ActionsSuppressedBy
// WaitPeriod, ExtensionPeriod, Alarm): `suppressedAlarms: block` (the default) keeps forward
// deploys blocked, `ignore` lets them through until the suppression ends. The bot reads the
// suppression from DescribeAlarms on the local endpoint, which models it; time is manual, so the
// wait and extension periods end when the test says.
import { describe, expect, it } from 'vitest';
import { loadWorldFile } from '../../../src/sandbox/aws/index.js';
import {
  type GuardHarness,
  guardConfig,
  PROD,
  startGuardHarness,
  stopHarnessesAfterEach,
  WORLD,
  waitFor,
} from './guard-harness.js';

let h: GuardHarness | undefined;
stopHarnessesAfterEach();

/** The demo world with prod-sev1 suppressed by `maintenance` (wait 120 s, extension 60 s). */
async function suppressibleWorld() {
  const w = await loadWorldFile(WORLD);
  return {
    ...w,
    alarms: [
      ...w.alarms.map((a) =>
        a.name === 'prod-sev1'
          ? {
              ...a,
              actionsSuppressor: 'maintenance',
              actionsSuppressorWaitPeriod: 120,
              actionsSuppressorExtensionPeriod: 60,
            }
          : a,
      ),
      { name: 'maintenance', region: 'us-east-1' },
    ],
  };
}

async function start(extra?: string): Promise<GuardHarness> {
  const g = await startGuardHarness({
    config: guardConfig(extra ? { extra } : {}),
    time: { mode: 'manual' },
  });
  await g.aws.control.loadWorld(await suppressibleWorld());
  return g;
}

/** DescribeAlarms calls of the bot that asked for prod-sev1 so far. */
const sev1Reads = (g: GuardHarness) =>
  g.aws.control
    .calls({ operation: 'DescribeAlarms' })
    .filter((c) => (c.input.AlarmNames as string[] | undefined)?.includes('prod-sev1')).length;

/** Two more passes have read the alarms: the first of them has finished acting on what it read. */
async function passesLater(g: GuardHarness) {
  const seen = sev1Reads(g);
  await waitFor(() => sev1Reads(g) >= seen + 2 || undefined, 'two more reconcile passes');
}

const disabledFor = (g: GuardHarness, cause: RegExp) =>
  waitFor(async () => {
    const t = await g.inbound('Deploy');
    return !t.enabled && cause.test(t.disabledReason ?? '') ? t.disabledReason : undefined;
  }, `Deploy disabled for ${cause}`);

describe('suppressedAlarms', () => {
  it('block (the default): a suppressed composite in ALARM still blocks, and says it is suppressed', async () => {
    h = await start();
    h.aws.control.setAlarmState('web-prod-5xx', 'ALARM', 'Threshold Crossed');
    expect(await disabledFor(h, /\(alarm prod-sev1\)/)).toMatch(/^rollback-bot block /);
    const said = await h.slack.client.waitForMessage(
      PROD,
      (m) =>
        /prod-sev1/.test(JSON.stringify(m.blocks ?? m.text)) &&
        /suppresses/.test(JSON.stringify(m.blocks)),
      { timeoutMs: 10_000 },
    );
    expect(JSON.stringify(said.blocks)).toContain('WaitPeriod');
  });

  it('ignore: deploys stay open while the suppression lasts, and are blocked once it ends', async () => {
    h = await start('suppressedAlarms: ignore');
    h.aws.control.setAlarmState('maintenance', 'ALARM', 'maintenance window');
    h.aws.control.setAlarmState('web-prod-5xx', 'ALARM', 'Threshold Crossed');
    await passesLater(h);
    expect(await h.inbound('Deploy')).toEqual({ enabled: true });

    // The maintenance ends: the extension period still suppresses the composite's actions.
    h.aws.control.setAlarmState('maintenance', 'OK', 'window over');
    await passesLater(h);
    expect(await h.inbound('Deploy')).toEqual({ enabled: true });
    expect(h.aws.control.calls({ operation: 'DisableStageTransition' })).toHaveLength(0);

    // The extension period ends with the composite still in ALARM: now it blocks.
    h.aws.control.advance(60_000);
    await disabledFor(h, /\(alarm prod-sev1\)/);
  });

  it('ignore: an unsuppressed composite in ALARM blocks as before', async () => {
    h = await start('suppressedAlarms: ignore');
    h.aws.control.setAlarmState('web-prod-5xx', 'ALARM', 'Threshold Crossed');
    // WaitPeriod: ignored; once the 120 s wait ends without the suppressor, it blocks.
    await passesLater(h);
    expect(await h.inbound('Deploy')).toEqual({ enabled: true });
    h.aws.control.advance(120_000);
    await disabledFor(h, /\(alarm prod-sev1\)/);
  });
});
