// Reads what target choice needs from AWS, in as few calls as it can.
import type { CodeDeployAdapter } from '../aws/codedeploy-adapter.js';
import type { CodePipelineAdapter, ExecutionDetail } from '../aws/codepipeline-adapter.js';
import { chooseNamedTarget, whyNotTarget } from '../domain/choose-rollback-target.js';
import type {
  DeploymentGroupSnapshot,
  PipelineRelease,
  StageSnapshot,
  StoredStanding,
} from '../domain/releases.js';
import { type StageReleases, stageReleases } from '../domain/stage-releases.js';

const EXECUTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Which succeeded executions to read in full (only GetPipelineExecution names the pipeline
 * version, which decides what is a valid target): `all` for a list of choices; `until-target`
 * for a target, newest first, stopping at the first valid one (usually the first or second,
 * where reading all would cost one call per execution looked back over), and a named target.
 */
export type VersionReads = 'all' | 'until-target';

export async function loadStageSnapshot(
  cp: CodePipelineAdapter,
  pipeline: string,
  stage: string,
  opts: {
    limit: number;
    to?: string;
    versions?: VersionReads;
    /** What the bot keeps of the releases' standing in this stage (src/store/standing-store.ts). */
    standing?: ReadonlyMap<string, StoredStanding>;
  },
): Promise<{
  snapshot: StageSnapshot;
  details: Map<string, ExecutionDetail>;
  /** The 50 most recent executions, as listed. */
  recent: PipelineRelease[];
}> {
  // The definition at the version the state names: read once per version (finished-executions.ts).
  const stageState = cp.getStageState(pipeline, stage);
  const [meta, state, succeeded, recent] = await Promise.all([
    stageState.then((s) => cp.getPipeline(pipeline, s.pipelineVersion)),
    stageState,
    cp.listExecutions(pipeline, { limit: opts.limit, succeededInStage: stage }),
    cp.listExecutions(pipeline, { limit: 50 }),
  ]);
  const details = new Map<string, ExecutionDetail>();
  const reads = new Map<string, Promise<ExecutionDetail>>();
  /** Each execution is read at most once, whoever asks first. */
  const detail = (id: string): Promise<ExecutionDetail> => {
    let read = reads.get(id);
    if (!read) {
      read = cp.getExecution(pipeline, id).then((d) => {
        details.set(id, d);
        const listed = succeeded.find((r) => r.executionId === id);
        if (listed && d.pipelineVersion !== undefined) listed.pipelineVersion = d.pipelineVersion;
        return d;
      });
      reads.set(id, read);
    }
    return read;
  };
  const fromListing = async (id: string): Promise<PipelineRelease | undefined> => {
    const listed = recent.find((r) => r.executionId === id);
    try {
      const { detail: _detail, statusSummary: _summary, ...release } = await detail(id);
      return {
        ...release,
        ...(listed ? { startTime: listed.startTime, sourceRevisions: listed.sourceRevisions } : {}),
      };
    } catch {
      return listed;
    }
  };
  const latestRead = state.latestExecutionId ? fromListing(state.latestExecutionId) : undefined;
  const base = {
    pipeline,
    stage,
    pipelineVersion: meta.version,
    stageNames: meta.stageNames,
    recent,
    ...(opts.standing ? { standing: opts.standing } : {}),
  };

  async function readVersions(): Promise<void> {
    if (opts.versions !== 'until-target') {
      await Promise.all(succeeded.map((r) => detail(r.executionId)));
      return;
    }
    const latest = await latestRead;
    const known = { ...base, succeeded, ...(latest ? { latest } : {}) };
    const sr = stageReleases(known);
    if (!sr) return;
    await readUntilDefault(sr, known);
    // A named target needs its own version too; the default's is what "older than the
    // previous release" is measured against. No other release's version decides anything.
    const named = opts.to ? chooseNamedTarget(known, opts.to) : undefined;
    if (named?.ok) await detail(named.target.executionId);
  }

  async function readUntilDefault(sr: StageReleases, known: StageSnapshot): Promise<void> {
    for (const { release: candidate, bad } of sr.releases) {
      // Bad releases are never the default; every other rule but the version needs only the
      // listing: read the version of those left, newest first, until one passes.
      if (bad.length > 0) continue;
      const { pipelineVersion: _unread, ...listed } = candidate;
      if (whyNotTarget(listed, sr.current, known, true)) continue;
      await detail(candidate.executionId);
      if (!whyNotTarget(candidate, sr.current, known, true)) return;
    }
  }

  const [, latest, named] = await Promise.all([
    readVersions(),
    latestRead,
    opts.to && EXECUTION_ID.test(opts.to) && !succeeded.some((r) => r.executionId === opts.to)
      ? fromListing(opts.to)
      : undefined,
  ]);
  return {
    snapshot: {
      ...base,
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
  /** What the bot keeps of the releases' standing in this group (src/store/standing-store.ts). */
  standing?: ReadonlyMap<string, StoredStanding>,
): Promise<DeploymentGroupSnapshot> {
  const [group, deployments] = await Promise.all([
    cd.getGroup(application, deploymentGroup),
    cd.listRecent(application, deploymentGroup, limit),
  ]);
  let lastAttempted = deployments.find((d) => d.deploymentId === group.lastAttemptedId);
  if (!lastAttempted && group.lastAttemptedId) {
    lastAttempted = (await cd.getDeployments(application, [group.lastAttemptedId]))[0];
  }
  return {
    application,
    deploymentGroup,
    deployments,
    ...(lastAttempted ? { lastAttempted } : {}),
    ...(standing ? { standing } : {}),
  };
}
