// A deployment group, polled through the CodeDeploy door: ListDeployments (first page, newest
// first) every tick, and one BatchGetDeployments (≤ 25 ids) for deployments that are new or were
// still running. Each call asks the tick's budget first.
import type { AwsClients } from '../../aws/aws-clients.js';
import { createCodeDeployAdapter, type DeploymentDetail } from '../../aws/codedeploy-adapter.js';
import { DEPLOYMENT_STATES, type DeploymentEvent } from '../domain-event.js';
import type { Observed } from './observe-pipeline.js';
import type { PollBudget } from './poll-budget.js';
import type { PolledDeploymentGroup } from './poll-plan.js';
import { isoOr, occurrenceKeyOf, polledBase } from './polled-event.js';

type DeploymentState = keyof typeof DEPLOYMENT_STATES;

/** Deployment id → the states already reported ('-' = there before we first looked). */
export type GroupSeen = Record<string, string>;

const BASELINE = '-';
/** Deployments read a tick: one BatchGetDeployments. */
const BATCH = 25;

const STATE_OF: Record<string, DeploymentState> = {
  Created: 'START',
  Queued: 'START',
  InProgress: 'START',
  Baking: 'START',
  Ready: 'READY',
  Succeeded: 'SUCCESS',
  Failed: 'FAILURE',
  Stopped: 'STOP',
};
const ENDED = new Set<DeploymentState>(['SUCCESS', 'FAILURE', 'STOP']);

/** Ids to look at: new ones, and ones not yet reported as ended. Pure. */
export function deploymentsToRead(prev: GroupSeen | undefined, listed: string[]): string[] {
  if (prev === undefined) return [];
  return listed
    .filter((id) => {
      const seen = prev[id];
      if (seen === undefined) return true;
      if (seen === BASELINE) return false;
      return !seen.split(',').some((s) => ENDED.has(s as DeploymentState));
    })
    .slice(0, BATCH);
}

/** States to report for one deployment given what was reported before. Pure. */
export function deploymentChanges(seen: string | undefined, status: string): DeploymentState[] {
  const state = STATE_OF[status];
  if (!state) return [];
  const done = new Set(seen && seen !== BASELINE ? seen.split(',') : []);
  const out: DeploymentState[] = [];
  if (!done.has('START')) out.push('START');
  if (state !== 'START' && !done.has(state)) out.push(state);
  return out;
}

function deploymentEvent(
  g: PolledDeploymentGroup,
  d: DeploymentDetail,
  state: DeploymentState,
  now: number,
): DeploymentEvent {
  const id = d.deploymentId;
  const at = state === 'START' ? d.createTime : (d.completeTime ?? d.createTime);
  return {
    ...polledBase(occurrenceKeyOf('deployment', g.account.region, id, state), {
      time: isoOr(at, now),
      region: g.account.region,
      account: g.accountId,
    }),
    type: DEPLOYMENT_STATES[state],
    state,
    application: g.application,
    deploymentGroup: g.deploymentGroup,
    deploymentId: id,
  };
}

export async function observeDeploymentGroup(
  aws: AwsClients,
  budget: PollBudget,
  g: PolledDeploymentGroup,
  prev: GroupSeen | undefined,
  now: number,
): Promise<Observed<GroupSeen, DeploymentEvent> | undefined> {
  const cd = createCodeDeployAdapter(aws, g.account);
  const listed = await cd.listDeploymentIds(g.application, g.deploymentGroup, {
    mayCall: () => budget.take('ListDeployments'),
  });
  if (!listed) return undefined;
  const next: GroupSeen = {};
  for (const id of listed) next[id] = prev?.[id] ?? BASELINE;
  if (prev === undefined) return { events: [], next };
  for (const id of listed) if (prev[id] === undefined) delete next[id];
  const ids = deploymentsToRead(prev, listed);
  if (ids.length === 0) return { events: [], next };
  const read = await cd.getDeployments(g.application, ids, {
    deploymentGroup: g.deploymentGroup,
    mayCall: () => budget.take('BatchGetDeployments'),
  });
  if (!read) return undefined;
  // Oldest first, so a group's story is told in order.
  read.sort((a, b) => a.createTime.getTime() - b.createTime.getTime());
  const events: DeploymentEvent[] = [];
  for (const d of read) {
    if (!d.deploymentId) continue;
    const seen = prev[d.deploymentId];
    const states = deploymentChanges(seen, d.status);
    for (const s of states) events.push(deploymentEvent(g, d, s, now));
    const all = new Set([...(seen && seen !== BASELINE ? seen.split(',') : []), ...states]);
    if (all.size > 0) next[d.deploymentId] = [...all].join(',');
  }
  return { events, next };
}
