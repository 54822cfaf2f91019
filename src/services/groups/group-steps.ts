// A group rollback's steps, run by the worker one job at a time: each member in order becomes a
// rollback request with source `group:<id>` (one at most: a retried step adopts the one it made),
// is followed with delayed re-checks until it ends (no step waits), then `halt` stops the rest or
// `continue` goes on; the last member finishes the group. Every step is audited.
import type { Config, EnvironmentConfig } from '../../config/config.js';
import { isTerminal, type RequestState } from '../../domain/request-state.js';
import {
  failureExplanation,
  groupSource,
  type RollbackRequest,
} from '../../domain/rollback-request.js';
import type { GroupQueue } from '../../jobs/group-queue.js';
import type {
  GroupDecisionRecord,
  GroupPlan,
  GroupStore,
  MemberState,
} from '../../store/group-store.js';
import type { StatusMessages } from '../../store/status-message-store.js';
import type { RollbackService } from '../rollback-service.js';
import type { GroupRecorder } from './group-audit.js';
import { groupSummary } from './group-outcomes.js';

export interface GroupStepDeps {
  config: Config;
  service: RollbackService;
  store: GroupStore;
  queue: GroupQueue;
  statusMessages: StatusMessages;
  scheduleStatus: (r: { id: string; state: RequestState }) => Promise<void>;
  record: GroupRecorder;
  /** How often a running member's request is looked at again. */
  pollMs: number;
  now: () => number;
}

type HaltedAfter = Extract<GroupDecisionRecord, { kind: 'finished' }>['haltedAfter'];

/** The member's rollback request, or why it could not be made (the group moves on per policy). */
async function requestMember(
  service: RollbackService,
  g: GroupPlan,
  i: number,
): Promise<{ request: RollbackRequest } | { refused: string }> {
  const m = g.members[i]!;
  // A retried step may find the request it made before it crashed: adopt it, never make two.
  const { recent } = await service.status(m.env);
  const made = recent.find((r) => r.source === groupSource(g.id));
  if (made) return { request: made };
  try {
    const out = await service.request({
      env: m.env,
      ...(m.stage ? { stage: m.stage } : {}),
      ...(m.to ? { to: m.to } : {}),
      requestedBy: { kind: 'user', id: g.requesterId },
      ...(g.reason ? { reason: g.reason } : {}),
      source: groupSource(g.id),
    });
    if (out.outcome === 'created') return { request: out.request };
    if (out.outcome === 'refused') return { refused: out.message };
    return {
      refused: `another rollback of this target is ${out.active.state} (request ${out.active.requestId})`,
    };
  } catch (err) {
    // Reported as this member's refusal, not retried silently.
    return { refused: (err as Error).message };
  }
}

export function createGroupSteps(deps: GroupStepDeps) {
  const { store, service, record, pollMs } = deps;

  const env = (name: string): EnvironmentConfig => {
    const e = deps.config.environments[name];
    if (!e) throw new Error(`${name} is no longer configured`);
    return e;
  };

  /** Member `i` ended as `state`: the next step, or the end of the group. */
  async function afterMember(g: GroupPlan, i: number, state: MemberState): Promise<void> {
    const failed = state === 'failed' || state === 'refused';
    if (failed && g.onMemberFailure === 'halt') {
      for (let j = i + 1; j < g.members.length; j++) {
        await store.moveMember(g.id, j, ['pending'], 'not_started');
      }
      return finish(g, { env: g.members[i]!.env, state });
    }
    if (i + 1 >= g.members.length) return finish(g);
    await deps.queue.step(g.id, i + 1, 0);
  }

  async function finish(g: GroupPlan, haltedAfter?: HaltedAfter): Promise<void> {
    if (!(await store.moveGroup(g.id, ['running'], 'done'))) return;
    const rec = (await store.get(g.id))!;
    const why = haltedAfter ? ` (halted after ${haltedAfter.env} ${haltedAfter.state})` : '';
    const summary = `${groupSummary(rec)}${why}`;
    await store.setDecision(g.id, {
      kind: 'finished',
      at: deps.now(),
      ...(haltedAfter ? { haltedAfter } : {}),
    });
    await record(g, 'policy', 'group-finished', { detail: `group ${g.group} ${g.id}: ${summary}` });
    await deps.queue.render(g.id);
  }

  async function startMember(g: GroupPlan, i: number): Promise<void> {
    const m = g.members[i]!;
    const e = env(m.env);
    const made = await requestMember(service, g, i);
    if ('refused' in made) {
      const detail = made.refused;
      await store.setMember(g.id, i, { detail });
      await store.moveMember(g.id, i, ['starting'], 'refused');
      await record(g, 'policy', 'group-member-refused', { env: m.env, detail });
      await deps.queue.render(g.id);
      return afterMember(g, i, 'refused');
    }
    const { request } = made;
    await store.setMember(g.id, i, { requestId: request.id });
    await store.moveMember(g.id, i, ['starting'], 'running');
    const rec = await store.get(g.id);
    await deps.statusMessages.set(request.id, {
      channel: e.channel,
      ...(rec?.message && rec.message.channel === e.channel ? { threadTs: rec.message.ts } : {}),
    });
    await deps.scheduleStatus(request);
    await record(g, 'policy', 'group-member-started', {
      env: m.env,
      request: request.id,
      detail: `group ${g.group} ${g.id}: ${request.state}`,
    });
    await deps.queue.render(g.id);
    await deps.queue.step(g.id, i, 1, pollMs);
  }

  async function followMember(g: GroupPlan, i: number, requestId: string, check: number) {
    const r = await service.get(requestId);
    if (r && !isTerminal(r.state)) {
      // Slower once it has run a while (an approval wait, a long deployment).
      await deps.queue.step(g.id, i, check + 1, check < 120 ? pollMs : 10 * pollMs);
      return;
    }
    const ok = r?.state === 'succeeded';
    const state: MemberState = ok ? 'succeeded' : 'failed';
    if (!ok) {
      const why = r
        ? r.state === 'failed'
          ? `failed: ${failureExplanation(r)}`
          : `${r.state}${r.lastError ? `: ${r.lastError}` : ''}`
        : 'the request is gone';
      await store.setMember(g.id, i, { detail: why });
    }
    if (!(await store.moveMember(g.id, i, ['running'], state))) return;
    await record(g, 'policy', `group-member-${state}`, {
      env: g.members[i]!.env,
      request: requestId,
    });
    await deps.queue.render(g.id);
    await afterMember(g, i, state);
  }

  /** One step for member `i`: start it, or look at its request again. */
  async function step(id: string, i: number, check: number): Promise<void> {
    const g = await store.get(id);
    if (g?.state !== 'running') return;
    const m = g.members[i];
    if (!m) return;
    if (m.state === 'pending' || m.state === 'starting') {
      if (m.state === 'pending' && !(await store.moveMember(id, i, ['pending'], 'starting')))
        return;
      return startMember(g.plan, i);
    }
    if (m.state === 'running' && m.requestId) return followMember(g.plan, i, m.requestId, check);
    // Ended, but the step that saw it end stopped before moving on (a retry): move on now.
    if (m.state === 'succeeded' || m.state === 'failed' || m.state === 'refused')
      return afterMember(g.plan, i, m.state);
  }

  return { step };
}
