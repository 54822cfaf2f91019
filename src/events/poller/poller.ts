// The poller, for setups without EventBridge wiring: what one tick does. Ticks run as jobs
// (src/jobs/poll-schedule.ts: a job scheduler every `everyMs`, one at a time), and a Redis lock
// keeps a slow tick on one replica from overlapping the next on another. Events go on the same
// `events` queue as pushed ones, deduped against them by occurrence.
import type { Counter } from 'prom-client';
import type { AwsClients } from '../../aws/aws-clients.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../log.js';
import type { DedupeStore } from '../../store/event-dedupe-store.js';
import { createPollState } from '../../store/poll-state-store.js';
import type { RedisConnection } from '../../store/redis.js';
import type { DomainEvent } from '../domain-event.js';
import { enqueueOnce } from '../enqueue-once.js';
import { occurrenceDedupeId } from '../occurrence-dedupe.js';
import { createPollBudget } from './poll-budget.js';
import { type PollSummary, pollOnce } from './poll-once.js';
import { pollPlan } from './poll-plan.js';

/** Default AWS calls one tick may make. */
export const DEFAULT_MAX_CALLS_PER_TICK = 100;

export interface PollerDeps {
  /** Request-path connection: the poller's state, the lock. */
  connection: RedisConnection;
  prefix: string;
  config: Config;
  aws: AwsClients;
  /** The intake's dedupe store (`createRedisDedupe`), shared so pushed and polled meet. */
  dedupe: DedupeStore;
  /** The `events` queue's enqueue. */
  enqueue: (event: DomainEvent) => Promise<void>;
  /** `rollback_bot_poller_aws_calls_total`. */
  calls?: Pick<Counter<'operation'>, 'inc'>;
  log: Logger;
  /** Default config.events.poll.intervalMs. */
  intervalMs?: number;
  /** Default config.events.poll.maxCallsPerTick, else 100. */
  maxCallsPerTick?: number;
  /** Told after every tick that ran (tests, logs). */
  onTick?: (summary: PollSummary) => void;
  now?: () => number;
}

export interface Poller {
  /** How often a tick is due. */
  everyMs: number;
  /** One tick; skipped while the previous one (on any replica) still runs. */
  tick(): Promise<void>;
}

export function createPoller(deps: PollerDeps): Poller {
  const now = deps.now ?? Date.now;
  const intervalMs = deps.intervalMs ?? deps.config.events.poll.intervalMs;
  const cap =
    deps.maxCallsPerTick ?? deps.config.events.poll.maxCallsPerTick ?? DEFAULT_MAX_CALLS_PER_TICK;
  const plan = pollPlan(deps.config);
  const state = createPollState(deps.connection, deps.prefix);

  async function emit(event: DomainEvent): Promise<boolean> {
    const o = await enqueueOnce(
      { dedupe: deps.dedupe, enqueue: deps.enqueue, log: deps.log, timeoutMs: 5_000 },
      event,
      [occurrenceDedupeId(event)],
    );
    if (o.code === 'enqueued') deps.log.info({ type: event.type, id: event.id }, 'polled event');
    // in_progress: the pushed copy is being enqueued right now (and retried by AWS if it fails).
    return o.code === 'enqueued' || o.code === 'duplicate' || o.code === 'in_progress';
  }

  async function tick(): Promise<void> {
    const release = await state.lock(Math.max(intervalMs * 5, 60_000));
    if (!release) return; // the previous tick (on some replica) is still running
    try {
      const summary = await pollOnce(
        {
          aws: deps.aws,
          plan,
          state,
          budget: createPollBudget(cap, deps.calls),
          emit,
          log: deps.log,
          now,
        },
        await state.nextTick(),
      );
      deps.onTick?.(summary);
    } finally {
      await release();
    }
  }

  deps.log.info(
    {
      intervalMs,
      maxCallsPerTick: cap,
      pipelines: plan.pipelines.length,
      deploymentGroups: plan.deploymentGroups.length,
      alarmAccounts: plan.alarms.length,
    },
    'event poller started',
  );
  return { everyMs: intervalMs, tick };
}
