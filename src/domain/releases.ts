// What the bot knows about a release, whatever API it came from. Built by the AWS adapters,
// read by target choice, pickers and diffs. Plain data: no SDK types leak past aws/.

export type ExecutionStatus =
  | 'Cancelled'
  | 'InProgress'
  | 'Stopped'
  | 'Stopping'
  | 'Succeeded'
  | 'Superseded'
  | 'Failed';

export interface SourceRevision {
  /** The source action that produced it (a pipeline may have several sources). */
  actionName: string;
  /** Commit id, S3 version id, image digest… */
  revisionId: string;
  /** First line of the commit message, when AWS knows it. */
  message?: string;
  author?: string;
  url?: string;
}

export interface PipelineRelease {
  executionId: string;
  status: ExecutionStatus;
  startTime: Date;
  executionType: 'STANDARD' | 'ROLLBACK';
  triggerType?: string;
  /** Set on rollback executions: the execution whose artifacts they reused. */
  rollbackTargetExecutionId?: string;
  sourceRevisions: SourceRevision[];
  /** Pipeline structure version it ran on; only GetPipelineExecution says, so may be unknown. */
  pipelineVersion?: number;
}

/** One reason a release is bad in a stage. */
export interface BadReason {
  why: string;
  /** When it became bad (ms since epoch). */
  at: number;
  /** Who said so: `aws`, `rollback-bot`, `user:U…`. */
  by: string;
  /** Names the event behind it (`rollback:<execution id>`): the same event counts once. */
  key?: string;
}

/**
 * A person marks a release bad: one reason per person (kind `marked:<by>`, so marking it again
 * replaces their own reason and never another person's).
 */
export function markedBadByPerson(
  by: string,
  at: number,
  why?: string,
): { kind: string; reason: BadReason } {
  return {
    kind: `marked:${by}`,
    reason: { why: `marked bad by a person${why ? `: ${why}` : ''}`, at, by },
  };
}

/** A release found by the name a person gave it (as the bot shows it), or why none was. */
export type FoundRelease =
  | { ok: true; releaseId: string; label: string }
  | { ok: false; message: string };

/** What Redis keeps of a release's standing in one stage (src/store/standing-store.ts; domain/stage-releases.ts reads it). */
export interface StoredStanding {
  bad: BadReason[];
  /** A person marked it good: every bad reason older than this no longer counts. */
  good?: { at: number; by: string };
}

/** Everything target choice needs about one stage, fetched by the caller in one go. */
export interface StageSnapshot {
  pipeline: string;
  stage: string;
  /** The pipeline's current structure version. */
  pipelineVersion: number;
  /** The pipeline's stage names in order; the first one holds the source actions. */
  stageNames: string[];
  /** The stage's latest execution (GetPipelineState), with its details, if any. */
  latest?: PipelineRelease;
  /** Executions that succeeded in the stage, newest first. */
  succeeded: PipelineRelease[];
  /** An explicitly named execution that is not among `succeeded` (looked up by id), if found. */
  named?: PipelineRelease;
  /** The pipeline's most recent executions of any kind and status, newest first, when listed. */
  recent?: PipelineRelease[];
  /** What the bot keeps of each release's standing in this stage, by release (execution) id. */
  standing?: ReadonlyMap<string, StoredStanding>;
}

export type DeploymentStatus =
  | 'Created'
  | 'Queued'
  | 'InProgress'
  | 'Baking'
  | 'Succeeded'
  | 'Failed'
  | 'Stopped'
  | 'Ready';

export type FileExistsBehavior = 'DISALLOW' | 'OVERWRITE' | 'RETAIN';

/** The CodeDeploy revision, in the shape CreateDeployment takes (kept as AWS returns it). */
export type DeployRevision =
  | {
      revisionType: 'S3';
      s3Location: {
        bucket: string;
        key: string;
        bundleType?: string;
        version?: string;
        eTag?: string;
      };
    }
  | { revisionType: 'GitHub'; gitHubLocation: { repository: string; commitId: string } }
  | { revisionType: 'AppSpecContent'; appSpecContent: { content?: string; sha256?: string } };

export interface DeploymentRelease {
  deploymentId: string;
  status: DeploymentStatus;
  createTime: Date;
  creator?: string;
  description?: string;
  revision?: DeployRevision;
  fileExistsBehavior?: FileExistsBehavior;
  /** Set when CodeDeploy rolled this deployment back (the new deployment's id). */
  rollbackDeploymentId?: string;
}

export interface DeploymentGroupSnapshot {
  application: string;
  deploymentGroup: string;
  lastAttempted?: DeploymentRelease;
  /** Recent deployments of the group, newest first (includes lastAttempted when known). */
  deployments: DeploymentRelease[];
  /** What the bot keeps of each release's standing in this group, by deployment id. */
  standing?: ReadonlyMap<string, StoredStanding>;
}

const IN_FLIGHT: ReadonlySet<DeploymentStatus> = new Set([
  'Created',
  'Queued',
  'InProgress',
  'Baking',
  'Ready',
]);

export function isDeploymentInFlight(status: DeploymentStatus): boolean {
  return IN_FLIGHT.has(status);
}

/** A short, stable name for a deployment revision, for comparing and for people. */
export function describeDeployRevision(rev: DeployRevision | undefined): string {
  if (!rev) return 'unknown revision';
  switch (rev.revisionType) {
    case 'S3': {
      const l = rev.s3Location;
      const v = l.version ?? l.eTag;
      return `s3://${l.bucket}/${l.key}${v ? `@${v}` : ''}`;
    }
    case 'GitHub':
      return `${rev.gitHubLocation.repository}@${rev.gitHubLocation.commitId}`;
    case 'AppSpecContent':
      return `appspec ${rev.appSpecContent.sha256 ?? '(inline)'}`;
  }
}

/** The source revision ids of a release, as one comparable key. */
export function revisionKey(release: Pick<PipelineRelease, 'sourceRevisions'>): string {
  return release.sourceRevisions
    .map((r) => `${r.actionName}=${r.revisionId}`)
    .sort()
    .join('|');
}

/** Short form of a commit id for people: 7 characters when it looks like a sha. */
export function shortRevision(id: string): string {
  return /^[0-9a-f]{12,}$/i.test(id) ? id.slice(0, 7) : id;
}
