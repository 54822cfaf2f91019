// Reads what target choice needs from AWS, in as few calls as it can.
import type { CodeDeployAdapter } from '../aws/codedeploy-adapter.js';
import type { CodePipelineAdapter, ExecutionDetail } from '../aws/codepipeline-adapter.js';
import type {
  DeploymentGroupSnapshot,
  PipelineRelease,
  StageSnapshot,
} from '../domain/releases.js';

const EXECUTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loadStageSnapshot(
  cp: CodePipelineAdapter,
  pipeline: string,
  stage: string,
  opts: { limit: number; to?: string },
): Promise<{
  snapshot: StageSnapshot;
  details: Map<string, ExecutionDetail>;
  /** The 50 most recent executions, as listed. */
  recent: PipelineRelease[];
}> {
  const [meta, state, succeeded, recent] = await Promise.all([
    cp.getPipeline(pipeline),
    cp.getStageState(pipeline, stage),
    cp.listExecutions(pipeline, { limit: opts.limit, succeededInStage: stage }),
    cp.listExecutions(pipeline, { limit: 50 }),
  ]);
  const details = new Map<string, ExecutionDetail>();
  // Only GetPipelineExecution names the pipeline version, which decides what is a valid target.
  const succeededRead = Promise.all(
    succeeded.map(async (r) => {
      const d = await cp.getExecution(pipeline, r.executionId);
      details.set(r.executionId, d);
      if (d.pipelineVersion !== undefined) r.pipelineVersion = d.pipelineVersion;
    }),
  );
  const fromListing = async (id: string): Promise<PipelineRelease | undefined> => {
    const listed = recent.find((r) => r.executionId === id);
    try {
      // One of the succeeded ones is being read already; any other is read alongside.
      if (succeeded.some((r) => r.executionId === id)) await succeededRead;
      const d = details.get(id) ?? (await cp.getExecution(pipeline, id));
      details.set(id, d);
      const { detail: _detail, statusSummary: _summary, ...release } = d;
      return {
        ...release,
        ...(listed ? { startTime: listed.startTime, sourceRevisions: listed.sourceRevisions } : {}),
      };
    } catch {
      return listed;
    }
  };
  const [, latest, named] = await Promise.all([
    succeededRead,
    state.latestExecutionId ? fromListing(state.latestExecutionId) : undefined,
    opts.to && EXECUTION_ID.test(opts.to) && !succeeded.some((r) => r.executionId === opts.to)
      ? fromListing(opts.to)
      : undefined,
  ]);
  return {
    snapshot: {
      pipeline,
      stage,
      pipelineVersion: meta.version,
      stageNames: meta.stageNames,
      succeeded,
      ...(latest ? { latest } : {}),
      ...(named ? { named } : {}),
    },
    details,
    recent,
  };
}

export async function loadDeploymentGroupSnapshot(
  cd: CodeDeployAdapter,
  application: string,
  deploymentGroup: string,
  limit: number,
): Promise<DeploymentGroupSnapshot> {
  const [group, deployments] = await Promise.all([
    cd.getGroup(application, deploymentGroup),
    cd.listRecent(application, deploymentGroup, limit),
  ]);
  let lastAttempted = deployments.find((d) => d.deploymentId === group.lastAttemptedId);
  if (!lastAttempted && group.lastAttemptedId) {
    lastAttempted = (await cd.getDeployments(application, [group.lastAttemptedId]))[0];
  }
  return { application, deploymentGroup, deployments, ...(lastAttempted ? { lastAttempted } : {}) };
}
