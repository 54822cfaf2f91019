// What an incident keeps in its progress record (store/reaction-store.ts), so a re-run resumes:
// the facts first seen, what a rollback would do (the preview, as a summary), the request's
// outcome, and each step done. Here too: how an incident is found from its request, and its
// request from the history.
import type { PreviewSummary } from '../../domain/reactions/auto-rollback-plan.js';
import { describeDeployRevision, type SourceRevision } from '../../domain/releases.js';
import type { RollbackRequest } from '../../domain/rollback-request.js';
import type { Preview, RequestOutcome } from '../rollback-service.js';
import type { ReactionContext } from './context.js';

export interface Incident {
  kind: 'stage-failed' | 'deployment-failed' | 'alarm-during-bake';
  env: string;
  stage?: string;
  releaseId: string;
  sourceRevisions: SourceRevision[];
  trigger: 'failure' | 'alarm';
  autoRollback: boolean;
  awsRollingBack: boolean;
  awsRollbackId?: string;
  /** Why we act, for the request's audit and the announcement. */
  why: string;
}

/** The preview as recorded: the target for the notification, and whether it still fits. */
export interface PreviewFacts extends PreviewSummary {
  lastGood?: { id: string; startTime: number; sourceRevisions: SourceRevision[] };
}

/** What became of the automatic request. */
export type RequestRecord =
  | { outcome: 'created'; id: string }
  | { outcome: 'refused'; message: string }
  | { outcome: 'already-active'; id: string }
  | { outcome: 'skipped'; message: string };

/** The progress record's kind (store/reaction-store.ts). */
export const INCIDENT = 'incident';

export function incidentKey(i: Pick<Incident, 'env' | 'releaseId' | 'trigger'>): string {
  return `${i.env}|${i.releaseId}|${i.trigger}`;
}

/** Records the incident once; later calls keep the first facts (AWS changes under our own rollback). */
export async function seedIncident(ctx: ReactionContext, incident: Incident): Promise<Incident> {
  const key = incidentKey(incident);
  const p = await ctx.store.progress(INCIDENT, key);
  if (p.incident) return JSON.parse(p.incident) as Incident;
  await ctx.store.record(INCIDENT, key, { incident: JSON.stringify(incident) });
  return incident;
}

export async function loadIncident(
  ctx: ReactionContext,
  key: Pick<Incident, 'env' | 'releaseId' | 'trigger'>,
): Promise<Incident | undefined> {
  const p = await ctx.store.progress(INCIDENT, incidentKey(key));
  return p.incident ? (JSON.parse(p.incident) as Incident) : undefined;
}

/** The incident an automatic request was made for: its key, or undefined for other requests. */
export function incidentOfRequest(r: RollbackRequest): string | undefined {
  const trigger =
    r.source === 'auto-failure' ? 'failure' : r.source === 'auto-alarm' ? 'alarm' : undefined;
  const t = r.target;
  const releaseId = t.kind === 'stage' ? t.currentExecutionId : t.currentDeploymentId;
  return trigger && releaseId ? incidentKey({ env: r.env, releaseId, trigger }) : undefined;
}

/** An automatic request for this release made earlier (a re-run after a crash finds it). */
export async function findEarlierRequest(
  ctx: ReactionContext,
  i: Incident,
): Promise<RollbackRequest | undefined> {
  const recent = await ctx.service.history(i.env, 20);
  return recent.find((r) => {
    if (r.source !== `auto-${i.trigger}`) return false;
    const t = r.target;
    const current = t.kind === 'stage' ? t.currentExecutionId : t.currentDeploymentId;
    return current === i.releaseId;
  });
}

export function previewFacts(p: Preview): PreviewFacts {
  if (!p.ok) return { ok: false, message: p.message };
  if (p.kind === 'stage') {
    return {
      ok: true,
      currentId: p.current.executionId,
      lastGood: {
        id: p.target.executionId,
        startTime: p.target.startTime.getTime(),
        sourceRevisions: p.target.sourceRevisions,
      },
    };
  }
  return {
    ok: true,
    ...(p.current ? { currentId: p.current.deploymentId } : {}),
    ...(p.target
      ? {
          lastGood: {
            id: p.target.deploymentId,
            startTime: p.target.createTime.getTime(),
            sourceRevisions: [
              { actionName: 'revision', revisionId: describeDeployRevision(p.target.revision) },
            ],
          },
        }
      : {}),
  };
}

export function requestRecord(out: RequestOutcome): RequestRecord {
  if (out.outcome === 'created') return { outcome: 'created', id: out.request.id };
  if (out.outcome === 'refused') return { outcome: 'refused', message: out.message };
  return { outcome: 'already-active', id: out.active.requestId };
}

/** Why the automatic rollback did not start, for the thread. */
export function whyNotStarted(r: Exclude<RequestRecord, { outcome: 'created' }>): string {
  return r.outcome === 'already-active'
    ? `a rollback of this target is already running (request ${r.id}).`
    : r.message;
}
