// Reconcile anyway: a guarded stage that fails while the bot is down (no event reaches it) is
// found by the start-up check and acted on once — the failure notification, and the automatic
// rollback where the policy says so — and a later start-up does not act on it again. The guard
// harness delivers no AWS events to the bot at all, so only the start-up check can find it.
import { describe, expect, it } from 'vitest';
import { loadWorldFile } from '../../src/sandbox/aws/index.js';
import {
  deploy,
  type GuardHarness,
  guardConfig,
  PROD,
  startGuardHarness,
  stopHarnessesAfterEach,
  WORLD,
  waitFor,
} from './guardrails/guard-harness.js';

let h: GuardHarness | undefined;
stopHarnessesAfterEach();

/** The demo world on the wall clock, so a failure now is inside the bot's look-back. */
async function onTheWallClock(g: GuardHarness) {
  const { now: _past, ...world } = await loadWorldFile(WORLD);
  await g.aws.control.loadWorld(world);
}

/** Fails a release in Deploy while the bot is stopped; resolves once the pipeline failed. */
async function failWhileDown(g: GuardHarness): Promise<string> {
  await g.stopBot();
  return deploy(
    g,
    {
      revision: { id: 'deadbeef'.repeat(5), message: 'Break checkout' },
      outcome: { failStage: 'Deploy' },
    },
    'FAILED',
  );
}

const failureNotes = (g: GuardHarness) =>
  g.slack.client.messages(PROD).filter((m) => /Stage failed: prod-us/.test(m.text ?? ''));

async function metric(g: GuardHarness, outcome: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${g.bot.port}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`rollback_bot_startup_missed_failures_total{outcome="${outcome}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('a stage that failed while the bot was down', () => {
  it('is rolled back once at start-up where the policy is automatic', async () => {
    h = await startGuardHarness({ config: guardConfig({ extra: 'autoRollback: on-failure' }) });
    await onTheWallClock(h);
    await failWhileDown(h);
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(0);

    await h.startBot();
    await h.slack.client.waitForMessage(PROD, 'Stage failed: prod-us', { timeoutMs: 15_000 });
    await waitFor(
      () => h!.aws.control.calls({ operation: 'RollbackStage' }).length > 0 || undefined,
      'the automatic rollback',
      15_000,
    );
    await h.slack.client.waitForMessage(PROD, /Rolled back/, { timeoutMs: 20_000 });
    await waitFor(
      async () => (await metric(h!, 'enqueued')) === 1 || undefined,
      'the check to end',
    );
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
    expect(failureNotes(h)).toHaveLength(1);
  });

  it('is announced once, however many times the bot starts while it is the latest failure', async () => {
    h = await startGuardHarness({ config: guardConfig({}) }); // autoRollback off: it stays failed
    await onTheWallClock(h);
    await failWhileDown(h);
    await h.startBot();
    const note = await h.slack.client.waitForMessage(PROD, 'Stage failed: prod-us', {
      timeoutMs: 15_000,
    });
    expect(JSON.stringify(note.blocks)).toContain('Break checkout');
    await waitFor(
      async () => (await metric(h!, 'enqueued')) === 1 || undefined,
      'the check to end',
    );

    await h.restartBot();
    // The check ran again and found the same failure already taken.
    await waitFor(
      async () => (await metric(h!, 'duplicate')) === 1 || undefined,
      'the second check',
    );
    expect(await metric(h, 'enqueued')).toBe(0);
    expect(failureNotes(h)).toHaveLength(1);
    expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(0);
  });

  it('does not hold up a stop while it waits on AWS', async () => {
    h = await startGuardHarness({ config: guardConfig({}) });
    await onTheWallClock(h);
    await failWhileDown(h);
    // The check's read of the failure's execution (for its trigger) answers only after a minute.
    h.aws.control.injectFault('ListPipelineExecutions', { latencyMs: 60_000 });
    const stateReads = () => h!.aws.control.calls({ operation: 'GetPipelineState' }).length;
    const before = stateReads();
    await h.startBot();
    await waitFor(() => stateReads() > before || undefined, 'the bot to read the stage state');
    const stopping = Date.now();
    await h.stopBot();
    expect(Date.now() - stopping).toBeLessThan(10_000);
    h.aws.control.clearFaults();
  });
});
