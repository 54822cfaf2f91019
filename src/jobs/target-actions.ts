// Per target kind: find a rollback already under way (reconcile), start one, and check on it.
// The processor drives these; they only talk to AWS and return what they saw.
import type { Account, AwsClients } from '../aws/aws-clients.js';
import { createCodeDeployAdapter } from '../aws/codedeploy-adapter.js';
import type { InstanceCounts } from '../aws/codedeploy-shapes.js';
import { createCodePipelineAdapter } from '../aws/codepipeline-adapter.js';
import type { DeployProgress, RollbackRequest } from '../domain/rollback-request.js';
import { rollbackUnderWay } from '../domain/stage-releases.js';

/**
 * Where a rollback stands. While it runs: the id to follow from now on, and how far AWS has got
 * where the read says (CodeDeploy counts instances; GetPipelineExecution gives only a status).
 */
export type Progress =
  | { done: false; awsExecutionId?: string; progress?: DeployProgress }
  | { done: true; succeeded: boolean; summary: string };

function instanceProgress(i: InstanceCounts | undefined): DeployProgress | undefined {
  if (!i) return undefined;
  const total = i.pending + i.inProgress + i.succeeded + i.failed + i.skipped + i.ready;
  if (total === 0) return undefined;
  return { unit: 'instances', done: i.succeeded + i.skipped, failed: i.failed, total };
}

export interface Reconciled {
  /** A rollback to our target started after we queued (or before we crashed), if any. */
  existing?: string;
  /** The newest execution id now, recorded before the call so adoption after a crash is exact. */
  baseline?: string;
}

export interface TargetActions {
  /** One read: what is already under way, and the baseline to record before calling AWS. */
  reconcile(req: RollbackRequest): Promise<Reconciled>;
  /** Calls AWS once; returns the id to follow (and, for a stop, the stopped deployment). */
  start(req: RollbackRequest): Promise<{ awsExecutionId?: string; stoppedDeploymentId?: string }>;
  /** Where it stands; may name the id to follow from now on (a stop's rollback deployment). */
  check(req: RollbackRequest): Promise<Progress>;
}

const RUNNING_PIPELINE = new Set(['InProgress', 'Stopping']);

/**
 * How old the listing a request was decided on may be for the worker to act on it instead of
 * listing again (services/request-rollback.ts, `listedBaseline`): a job that starts within this
 * of the read. Saves a ListPipelineExecutions per rollback (bench/README.md, sixth round).
 */
const FRESH_LISTING_MS = 5_000;

/**
 * The reconcile of a request queued moments after its own listing was read: nothing was under
 * way in it, and its head is the baseline. Undefined when the worker has to read again.
 */
export function listedReconcile(r: RollbackRequest, now: number): Reconciled | undefined {
  if (r.state !== 'queued' || !r.awsBaseline || r.awsBaselineAt === undefined) return undefined;
  const age = now - r.awsBaselineAt;
  return age >= 0 && age <= FRESH_LISTING_MS ? { baseline: r.awsBaseline } : undefined;
}

export function targetActions(
  aws: AwsClients,
  account: Account,
  req: RollbackRequest,
): TargetActions {
  const t = req.target;
  if (t.kind === 'stage') {
    const cp = createCodePipelineAdapter(aws, account);
    return {
      async reconcile(r) {
        // Newest first: the head of this listing is also the baseline.
        const recent = await cp.listExecutions(t.pipeline, { limit: 50 });
        const found = rollbackUnderWay(recent, t.targetExecutionId, {
          ...(r.awsBaseline ? { baseline: r.awsBaseline } : {}),
          ...(r.queuedAt !== undefined ? { queuedAt: r.queuedAt } : {}),
        });
        const baseline = recent[0]?.executionId;
        return {
          ...(found ? { existing: found.executionId } : {}),
          ...(baseline ? { baseline } : {}),
        };
      },
      async start() {
        return { awsExecutionId: await cp.rollbackStage(t.pipeline, t.stage, t.targetExecutionId) };
      },
      async check(r) {
        const e = await cp.getExecution(t.pipeline, r.awsExecutionId!);
        if (RUNNING_PIPELINE.has(e.status)) return { done: false };
        const summary = `Rollback execution ${e.executionId} ${e.status}${e.statusSummary ? `: ${e.statusSummary}` : ''}`;
        return { done: true, succeeded: e.status === 'Succeeded', summary };
      },
    };
  }
  const cd = createCodeDeployAdapter(aws, account);
  const tag = `rollback-bot ${req.id}`;
  return {
    async reconcile(r) {
      if (t.action === 'stop') return {};
      const since = r.queuedAt !== undefined ? new Date(r.queuedAt - 60_000) : undefined;
      const recent = await cd.listRecent(t.application, t.deploymentGroup, 25, since);
      // Our deployments carry the request id in their description: an exact match (no baseline).
      const existing = recent.find((d) => d.description?.includes(tag))?.deploymentId;
      return existing ? { existing } : {};
    },
    async start() {
      if (t.action === 'stop') {
        await cd.stopWithRollback(t.currentDeploymentId!);
        return { stoppedDeploymentId: t.currentDeploymentId! };
      }
      const id = await cd.createDeployment({
        application: t.application,
        deploymentGroup: t.deploymentGroup,
        revision: t.revision!,
        fileExistsBehavior: t.fileExistsBehavior ?? 'DISALLOW',
        description: `Rollback by ${tag} to ${t.targetDeploymentId ?? 'an earlier revision'}`,
      });
      return { awsExecutionId: id };
    },
    async check(r) {
      if (!r.awsExecutionId) {
        // A stop: follow the stopped deployment until CodeDeploy names its rollback deployment.
        const stopped = await cd.getDeployment(r.stoppedDeploymentId!);
        if (stopped.rollbackDeploymentId)
          return { done: false, awsExecutionId: stopped.rollbackDeploymentId };
        if (stopped.status === 'Stopped' || stopped.status === 'Failed') {
          return {
            done: true,
            succeeded: false,
            summary: `Deployment ${stopped.deploymentId} was stopped, but CodeDeploy started no rollback deployment${stopped.summary ? `: ${stopped.summary}` : ''}`,
          };
        }
        return { done: false };
      }
      const d = await cd.getDeployment(r.awsExecutionId);
      if (d.status === 'Succeeded') {
        return { done: true, succeeded: true, summary: `Deployment ${d.deploymentId} Succeeded` };
      }
      if (d.status === 'Failed' || d.status === 'Stopped') {
        return {
          done: true,
          succeeded: false,
          summary: `Deployment ${d.deploymentId} ${d.status}${d.summary ? `: ${d.summary}` : ''}`,
        };
      }
      const progress = instanceProgress(d.instances);
      return progress ? { done: false, progress } : { done: false };
    },
  };
}
