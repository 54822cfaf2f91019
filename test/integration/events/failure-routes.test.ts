// A stage failure, however AWS reports it, on the real bot: the sandbox's CodeStar notification
// rule over SNS, or only the pipeline-level or only the action-level EventBridge events, or all
// three levels at once through different routes. Each posts the failure notification and rolls
// back once (prod's policy is automatic on failure).
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../src/events/domain-event.js';
import { EXEC, SHA } from '../../support/reactions-world.js';
import { PROD_CHANNEL, SECRET, textOf } from '../services/reactions/harness.js';
import {
  ACTION_LEVEL,
  PIPELINE_LEVEL,
  type RouteBot,
  STAGE_LEVEL,
  startRouteBot,
  TOPIC,
} from './support/route-bot.js';

let h: RouteBot | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const badRevision = { id: SHA.bad, message: 'Break checkout', author: 'dev' };

/** Fails web-app's Deploy; waits for the notification, the rollback, and every event job. */
async function failAndRollBack(bot: RouteBot) {
  const { pipelineExecutionId: bad } = bot.sandbox.control.startExecution('web-app', {
    revision: badRevision,
    outcome: { failStage: 'Deploy' },
  });
  bot.sandbox.control.runUntilIdle();
  const note = await bot.slack.client.waitForMessage(PROD_CHANNEL, 'Stage failed: prod', {
    timeoutMs: 10_000,
  });
  const request = await bot.until('the automatic rollback to succeed', async () => {
    const [r] = await bot.service.history('prod', 5);
    return r?.state === 'succeeded' ? r : undefined;
  });
  await bot.sandbox.control.flushEvents();
  await bot.until('every event job to finish', async () => {
    const c = await bot.events.queue.getJobCounts('waiting', 'active', 'delayed');
    return c.waiting + c.active + c.delayed === 0;
  });
  return { bad, note, request };
}

/** Acted on once: one notification, one RollbackStage, one request. */
async function expectActedOnce(bot: RouteBot) {
  const failures = bot.slack.client
    .messages(PROD_CHANNEL)
    .filter((m) => textOf(m).includes('Stage failed'));
  expect(failures).toHaveLength(1);
  expect(bot.sandbox.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
  expect(await bot.service.history('prod', 5)).toHaveLength(1);
}

/** The intake's answers to deliveries it read as a StageFailed (from any level). */
const stageFailedAnswers = (bot: RouteBot) =>
  bot.logLines((l) => l.detailType === 'StageFailed' && typeof l.outcome === 'string');

/** Every delivery after the first heard that it was taken already (or being taken). */
function expectOneTaken(answers: Array<Record<string, unknown>>, deliveries: number) {
  expect(answers).toHaveLength(deliveries);
  const outcomes = answers.map((l) => l.outcome);
  expect(outcomes.filter((o) => o === 'enqueued')).toHaveLength(1);
  expect(outcomes.filter((o) => o === 'duplicate' || o === 'in_progress')).toHaveLength(
    deliveries - 1,
  );
}

async function stageFailedJobs(bot: RouteBot): Promise<DomainEvent[]> {
  const jobs = await bot.events.queue.getJobs([
    'completed',
    'failed',
    'waiting',
    'active',
    'delayed',
  ]);
  return jobs.map((j) => j.data).filter((e) => e.type === 'StageFailed');
}

describe('CodeStar Notifications over SNS', () => {
  it('posts the failure notification and rolls back once', async () => {
    h = await startRouteBot({
      subscribe: { sns: { topicArn: TOPIC }, codestarNotifications: true },
    });
    const { bad, note, request } = await failAndRollBack(h);
    expect(textOf(note)).toContain('ddddddd');
    expect(request).toMatchObject({
      source: 'auto-failure',
      target: { kind: 'stage', currentExecutionId: bad, targetExecutionId: EXEC.b },
    });
    await expectActedOnce(h);
    // Everything came as CodeStar notifications; the failure's three levels met as one occurrence.
    const shapes = new Set(h.logLines((l) => l.outcome === 'enqueued').map((l) => l.shape));
    expect([...shapes]).toEqual(['codestar-notification']);
    expectOneTaken(stageFailedAnswers(h), 3);
  });
});

describe('a rule that forwards one level only', () => {
  it('pipeline-level events only: the failed stage is read from GetPipelineState', async () => {
    h = await startRouteBot({ subscribe: { detailTypes: [PIPELINE_LEVEL] } });
    const { bad } = await failAndRollBack(h);
    await expectActedOnce(h);
    expect(await stageFailedJobs(h)).toEqual([
      expect.objectContaining({ stage: 'Deploy', executionId: bad, reportedAs: 'pipeline' }),
    ]);
  });

  it('action-level events only: the action names its stage', async () => {
    h = await startRouteBot({ subscribe: { detailTypes: [ACTION_LEVEL] } });
    const { bad } = await failAndRollBack(h);
    await expectActedOnce(h);
    expect(await stageFailedJobs(h)).toEqual([
      expect.objectContaining({ stage: 'Deploy', executionId: bad, reportedAs: 'action' }),
    ]);
  });
});

describe('the same failure at three levels, through different routes, delivered twice', () => {
  it('acts once', async () => {
    h = await startRouteBot({ subscribe: { detailTypes: [STAGE_LEVEL], duplicates: true } });
    h.sandbox.control.subscribe(h.eventsUrl, {
      detailTypes: [PIPELINE_LEVEL],
      sns: { topicArn: TOPIC },
      codestarNotifications: true,
      duplicates: true,
    });
    h.sandbox.control.subscribe(h.eventsUrl, {
      headers: { 'x-rollback-bot-secret': SECRET },
      detailTypes: [ACTION_LEVEL],
      duplicates: true,
    });
    await failAndRollBack(h);
    await expectActedOnce(h);
    // Six deliveries (three levels, each twice) of one occurrence: one job.
    expectOneTaken(stageFailedAnswers(h), 6);
    expect(await stageFailedJobs(h)).toHaveLength(1);
  });
});
