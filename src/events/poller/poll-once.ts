// One poll tick: for each polled thing (rotating start), read AWS within the call budget,
// compare with the last seen state, hand new events to `emit`, and only then remember the new
// state, so a failed emit is seen again next tick.
import type { AwsClients } from '../../aws/aws-clients.js';
import type { Logger } from '../../log.js';
import type { DomainEvent } from '../domain-event.js';
import { observeAlarms } from './observe-alarms.js';
import { observeDeploymentGroup } from './observe-deployments.js';
import { type Observed, observePipeline } from './observe-pipeline.js';
import type { PollBudget } from './poll-budget.js';
import type { PollPlan } from './poll-plan.js';
import type { PollState } from './poll-state.js';

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

type Step = {
  key: string;
  run: (prev: unknown) => Promise<Observed<unknown, DomainEvent> | undefined>;
};

function steps(d: PollOnceDeps): Step[] {
  const now = d.now();
  return [
    ...d.plan.pipelines.map((p) => ({
      key: p.key,
      run: (prev: unknown) => observePipeline(d.aws, d.budget, p, prev as never, now),
    })),
    ...d.plan.deploymentGroups.map((g) => ({
      key: g.key,
      run: (prev: unknown) => observeDeploymentGroup(d.aws, d.budget, g, prev as never, now),
    })),
    ...d.plan.alarms.map((a) => ({
      key: a.key,
      run: (prev: unknown) => observeAlarms(d.aws, d.budget, a, prev as never),
    })),
  ];
}

export async function pollOnce(d: PollOnceDeps, tick: number): Promise<PollSummary> {
  const all = steps(d);
  const start = all.length === 0 ? 0 : tick % all.length;
  const ordered = [...all.slice(start), ...all.slice(0, start)];
  const summary: PollSummary = { polled: 0, skipped: 0, failed: 0, events: 0, calls: 0 };
  for (const step of ordered) {
    try {
      const prev = await d.state.get(step.key);
      const seen = await step.run(prev);
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
