// At start-up: a guarded stage that FAILED while no bot was listening (within a bounded look-back)
// is put on the `events` queue once, as the StageFailed its EventBridge event would have been.
// Delivery is at least once and events may be missed (a bot that was down, a rule that was off):
// this is the reconcile for the one event the bot must never miss. The occurrence key is the
// pushed event's (`stage|region|pipeline|stage|execution|1|FAILED`), claimed in the intake's dedupe
// store, so a failure the bot already handled, or whose event EventBridge delivers after all, or
// the poller finds too, is acted on once; every replica's start-up may run it.
//
// One GetPipelineState per pipeline (the latest execution of each guarded stage and its last
// action change), and one ListPipelineExecutions (first page) where a failure is found, for the
// trigger and start time the pushed event carries. Not seen: a failure that is no longer the
// stage's latest execution (a newer release or AWS's own rollback ran in the stage since).
import type { AwsClients } from '../../aws/aws-clients.js';
import { createCodePipelineAdapter } from '../../aws/codepipeline-adapter.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../log.js';
import type { DedupeStore } from '../../store/event-dedupe-store.js';
import type { DomainEvent, StageEvent } from '../domain-event.js';
import { enqueueOnce } from '../enqueue-once.js';
import { occurrenceDedupeId } from '../occurrence-dedupe.js';
import { type StageChange, stageEventOf } from './observe-pipeline.js';
import { type PolledPipeline, pollPlan } from './poll-plan.js';

/** Executions listed to enrich a found failure (as the poller does). */
const LISTED = 20;

export interface MissedFailuresDeps {
  config: Config;
  aws: AwsClients;
  /** The intake's dedupe store, shared with pushed and polled events. */
  dedupe: DedupeStore;
  /** The `events` queue's enqueue. */
  enqueue: (event: DomainEvent) => Promise<void>;
  log: Logger;
  now: () => number;
  /** Aborted when the process stops: no further read or enqueue is started. */
  signal?: AbortSignal;
}

export interface MissedFailuresSummary {
  /** Failures put on the queue now (not seen before by any path). */
  enqueued: number;
  /** Failures found that some path had already taken. */
  duplicates: number;
  /** Pipelines that could not be read. */
  failed: number;
}

/** The guarded stages of `p` whose latest execution failed at or after `since` (ms). Pure. */
export function missedFailures(
  p: Pick<PolledPipeline, 'stages'>,
  stages: ReadonlyArray<{
    stage: string;
    latestExecutionId?: string;
    latestStatus?: string;
    lastChangeAt?: Date;
  }>,
  since: number,
  now: number,
): StageChange[] {
  const out: StageChange[] = [];
  for (const name of p.stages) {
    const s = stages.find((x) => x.stage === name);
    const at = s?.lastChangeAt?.getTime();
    // Without a time the failure cannot be placed inside the look-back: left alone.
    if (!s?.latestExecutionId || s.latestStatus !== 'Failed' || at === undefined) continue;
    if (at < since || at > now + 60_000) continue;
    out.push({
      stage: name,
      executionId: s.latestExecutionId,
      attempt: 1,
      state: 'FAILED',
      at: new Date(at).toISOString(),
    });
  }
  return out;
}

async function eventsOf(
  deps: MissedFailuresDeps,
  p: PolledPipeline,
  since: number,
): Promise<StageEvent[]> {
  const now = deps.now();
  const cp = createCodePipelineAdapter(deps.aws, p.account);
  const changes = missedFailures(p, await cp.getPipelineState(p.pipeline), since, now);
  if (changes.length === 0 || deps.signal?.aborted) return [];
  const executions = await cp.listExecutions(p.pipeline, { limit: LISTED });
  return changes.map((c) =>
    stageEventOf(
      p,
      c,
      now,
      executions.find((e) => e.executionId === c.executionId),
    ),
  );
}

/**
 * Looks back `lookBackMs` from now over every guarded stage and enqueues each failure no path has
 * taken yet. A pipeline that cannot be read is logged and skipped; it never stops the others.
 * Once `deps.signal` is aborted it starts nothing more and answers what it did so far.
 */
export async function enqueueMissedFailures(
  deps: MissedFailuresDeps,
  lookBackMs: number,
): Promise<MissedFailuresSummary> {
  const summary: MissedFailuresSummary = { enqueued: 0, duplicates: 0, failed: 0 };
  if (lookBackMs <= 0) return summary;
  const since = deps.now() - lookBackMs;
  for (const p of pollPlan(deps.config).pipelines) {
    if (deps.signal?.aborted) break;
    try {
      for (const event of await eventsOf(deps, p, since)) {
        if (deps.signal?.aborted) break;
        const o = await enqueueOnce(
          { dedupe: deps.dedupe, enqueue: deps.enqueue, log: deps.log, timeoutMs: 5_000 },
          event,
          [occurrenceDedupeId(event)],
        );
        if (o.code === 'enqueued') {
          summary.enqueued += 1;
          deps.log.warn(
            { pipeline: p.pipeline, stage: event.stage, executionId: event.executionId },
            'start-up check: a stage failed while no event reached the bot; acting on it now',
          );
        } else if (o.code === 'duplicate' || o.code === 'in_progress') summary.duplicates += 1;
        else throw new Error(`could not enqueue the missed failure: ${o.code}`);
      }
    } catch (err) {
      summary.failed += 1;
      deps.log.warn(
        { pipeline: p.pipeline, err: { message: (err as Error).message } },
        'start-up check: could not look for failures missed while the bot was down',
      );
    }
  }
  return summary;
}
