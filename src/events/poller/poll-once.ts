// One poll tick: for each polled thing (rotating start), read AWS within the call budget,
// compare with the last seen state, hand new events to `emit`, and only then remember the new
// state, so a failed emit is seen again next tick.
import type { AwsClients } from '../../aws/aws-clients.js';
import type { Logger } from '../../log.js';
import type { PollState } from '../../store/poll-state-store.js';
import type { DomainEvent } from '../domain-event.js';
import { type AlarmsSeen, observeAlarms } from './observe-alarms.js';
import { type GroupSeen, observeDeploymentGroup } from './observe-deployments.js';
import { type Observed, observePipeline, type PipelineSeen } from './observe-pipeline.js';
import type { PollBudget } from './poll-budget.js';
import type { PollPlan } from './poll-plan.js';

export interface PollOnceDeps {
  aws: AwsClients;
  plan: PollPlan;
  state: PollState;
  budget: PollBudget;
  /** Enqueue (deduped); false when it was not taken and should be seen again. */
  emit(event: DomainEvent): Promise<boolean>;
  log: Logger;
  now(): number;
}

export interface PollSummary {
  polled: number;
  skipped: number;
  failed: number;
  events: number;
  calls: number;
}

/** One polled thing: read what was last seen of it, and look again. */
interface Step {
  key: string;
  run: () => Promise<Observed<unknown, DomainEvent> | undefined>;
}

/** A step whose remembered state has the type its observer keeps (`S`). */
function step<S>(
  d: PollOnceDeps,
  key: string,
  observe: (prev: S | undefined) => Promise<Observed<S, DomainEvent> | undefined>,
): Step {
  return { key, run: async () => observe(await d.state.get<S>(key)) };
}

function steps(d: PollOnceDeps): Step[] {
  const now = d.now();
  return [
    ...d.plan.pipelines.map((p) =>
      step<PipelineSeen>(d, p.key, (prev) => observePipeline(d.aws, d.budget, p, prev, now)),
    ),
    ...d.plan.deploymentGroups.map((g) =>
      step<GroupSeen>(d, g.key, (prev) => observeDeploymentGroup(d.aws, d.budget, g, prev, now)),
    ),
    ...d.plan.alarms.map((a) =>
      step<AlarmsSeen>(d, a.key, (prev) => observeAlarms(d.aws, d.budget, a, prev)),
    ),
  ];
}

export async function pollOnce(d: PollOnceDeps, tick: number): Promise<PollSummary> {
  const all = steps(d);
  const start = all.length === 0 ? 0 : tick % all.length;
  const ordered = [...all.slice(start), ...all.slice(0, start)];
  const summary: PollSummary = { polled: 0, skipped: 0, failed: 0, events: 0, calls: 0 };
  for (const step of ordered) {
    try {
      const seen = await step.run();
      if (!seen) {
        summary.skipped += 1;
        continue;
      }
      let taken = true;
      for (const e of seen.events) {
        if (await d.emit(e)) summary.events += 1;
        else taken = false;
      }
      // Not all taken: keep the old state, so the same changes are found (and deduped) again.
      if (taken) await d.state.set(step.key, seen.next);
      summary.polled += 1;
    } catch (err) {
      summary.failed += 1;
      d.log.warn({ target: step.key, err: { message: (err as Error).message } }, 'poll failed');
    }
  }
  summary.calls = d.budget.used;
  if (summary.skipped > 0) {
    d.log.warn(
      { skipped: summary.skipped, calls: summary.calls },
      'poll tick reached its AWS call cap; the rest wait for the next tick',
    );
  }
  return summary;
}
