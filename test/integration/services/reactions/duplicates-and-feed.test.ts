// At-least-once delivery: duplicates (same id, and the same occurrence under another id, as the
// poller would send it) produce one reaction; out-of-order events keep the feed moving forward.
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../../src/events/domain-event.js';
import { normaliseEvent } from '../../../../src/events/normalise.js';
import { SHA } from '../../../support/reactions-world.js';
import { PROD_CHANNEL, type ReactionsHarness, startReactions, textOf } from './harness.js';

let h: ReactionsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const badRevision = { id: SHA.bad, message: 'Break checkout', author: 'dev' };

function sandboxEvents(hh: ReactionsHarness, type: DomainEvent['type']): DomainEvent[] {
  return hh.sandbox.control
    .events()
    .map((raw) => normaliseEvent(raw))
    .flatMap((r) => (r.kind === 'event' && r.event.type === type ? [r.event] : []));
}

describe('duplicates', () => {
  it('one notification and one rollback for a failure delivered twice and re-sent under another id', async () => {
    h = await startReactions({ subscribe: { duplicates: true } });
    h.sandbox.control.startExecution('web-app', {
      revision: badRevision,
      outcome: { failStage: 'Deploy' },
    });
    h.sandbox.control.runUntilIdle();
    const [failed] = sandboxEvents(h, 'StageFailed');
    if (!failed) throw new Error('no StageFailed event');
    // The same occurrence again under other ids (poller + push), in parallel.
    await Promise.all(
      ['x1', 'x2', 'x3'].map((s) => h!.events.enqueue({ ...failed, id: `${failed.id}-${s}` })),
    );
    await h.until('the automatic rollback to succeed', async () => {
      const rs = await h!.service.history('prod', 5);
      return rs[0]?.state === 'succeeded';
    });
    await h.until('every event job to finish', async () => {
      const c = await h!.events.queue.getJobCounts('waiting', 'active', 'delayed');
      return c.waiting + c.active + c.delayed === 0;
    });
    const notes = h.slack.client
      .messages(PROD_CHANNEL)
      .filter((m) => textOf(m).includes('Stage failed: prod'));
    expect(notes).toHaveLength(1);
    expect(h.sandbox.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
    expect(await h.service.history('prod', 5)).toHaveLength(1);
    const announcements = h.slack.client
      .thread(PROD_CHANNEL, notes[0]!.ts)
      // Replies only: the notification itself now says a rollback is under way too.
      .filter((m) => m.ts !== notes[0]!.ts && textOf(m).includes('automatically'));
    expect(announcements).toHaveLength(1);
  });
});

describe('Slack rate limits', () => {
  it('a 429 delays the reaction; the rollback is requested once and nothing is lost', async () => {
    h = await startReactions();
    h.slack.force429('chat.postMessage', 2, 1);
    h.sandbox.control.startExecution('web-app', {
      revision: badRevision,
      outcome: { failStage: 'Deploy' },
    });
    h.sandbox.control.runUntilIdle();
    const note = await h.slack.client.waitForMessage(PROD_CHANNEL, 'Stage failed: prod', {
      timeoutMs: 10_000,
    });
    await h.until('the announcement in the thread', () =>
      h!.slack.client
        .thread(PROD_CHANNEL, note.ts)
        .some((m) => textOf(m).includes('automatically')),
    );
    expect(h.logs.join('')).toContain('reaction delayed');
    expect(h.sandbox.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
    expect(await h.service.history('prod', 5)).toHaveLength(1);
  });
});

describe('deploy feed', () => {
  it('one message per release, moved forward only, when events arrive in reverse order', async () => {
    h = await startReactions({ subscribe: { reorder: true }, bakeCheckDelayMs: 50 });
    const { pipelineExecutionId } = h.sandbox.control.startExecution('web-app', {
      revision: badRevision,
    });
    h.sandbox.control.runUntilIdle();
    const passed = await h.slack.client.waitForMessage(PROD_CHANNEL, 'bake passed', {
      timeoutMs: 10_000,
    });
    expect(textOf(passed)).toContain('ddddddd');
    // A late duplicate of the start must not move it back.
    const [started] = sandboxEvents(h, 'StageStarted').filter(
      (e) => 'stage' in e && e.stage === 'Deploy',
    );
    await h.events.enqueue({ ...started!, id: `${started!.id}-late` });
    await h.until('every event job to finish', async () => {
      const c = await h!.events.queue.getJobCounts('waiting', 'active', 'delayed');
      return c.waiting + c.active + c.delayed === 0;
    });
    const feed = h.slack.client.messages(PROD_CHANNEL);
    expect(feed).toHaveLength(1);
    expect(textOf(feed[0]!)).toContain('bake passed');
    expect(h.sandbox.control.calls({ operation: 'RollbackStage' })).toHaveLength(0);
    expect(pipelineExecutionId).toBeTruthy();
  });
});
