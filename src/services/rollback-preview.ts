// What a rollback would do, read from AWS and the standings: the live release, the target (the
// default or the one named), the facts the decision needs, and the diff a person sees. Identical
// previews running at the same time share one set of reads; a request may hand back the preview
// it was decided on instead of reading again.
import type { AwsClients } from '../aws/aws-clients.js';
import { accountOf } from '../aws/aws-clients.js';
import { createCodeDeployAdapter } from '../aws/codedeploy-adapter.js';
import {
  type ActionOutputVariables,
  createCodePipelineAdapter,
} from '../aws/codepipeline-adapter.js';
import type { EnvironmentConfig } from '../config/config.js';
import {
  chooseDeploymentTarget,
  chooseFileExistsBehavior,
  type FileExistsChoice,
} from '../domain/choose-deployment-target.js';
import { chooseStageTarget } from '../domain/choose-rollback-target.js';
import { diffReleases, type ReleaseDiff } from '../domain/release-diff.js';
import type { BadReason, DeploymentRelease, PipelineRelease } from '../domain/releases.js';
import type { UnsafeRelease } from '../domain/rollback-decision/index.js';
import { placeKey } from '../domain/rollback-request.js';
import type { TargetRefusal } from '../domain/target-refusal.js';
import { sharedWhileRunning } from '../runtime/in-flight.js';
import { loadDeploymentGroupSnapshot, loadStageSnapshot } from './load-snapshots.js';
import type { RollbackContext } from './rollback-context.js';
import { environmentOf, stageOf } from './rollback-lookup.js';
import type { KnownExecutions } from './rollback-policy.js';

/** The diff of a preview made for a request: it is never shown, so it is not read. */
const NO_DIFF: ReleaseDiff = { sources: [], artifacts: [], variables: [], same: false };

export type Preview =
  | {
      ok: true;
      kind: 'stage';
      env: string;
      pipeline: string;
      stage: string;
      /** The live release (for a stage last deployed by a rollback, the release it redeployed). */
      current: PipelineRelease;
      /** The execution in the stage now, when it is not the release itself (a rollback). */
      deployed: PipelineRelease;
      target: PipelineRelease;
      byDefault: boolean;
      /** The target is bad in this stage: why. Choosing it needs approval. */
      targetBad?: BadReason[];
      /** The live release is bad (failed, alarm, marked): why. */
      currentBad: BadReason[];
      olderThanPrevious: boolean;
      diff: ReleaseDiff;
      lockAfterRollback: boolean;
    }
  | {
      ok: true;
      kind: 'deployment-group';
      env: string;
      application: string;
      deploymentGroup: string;
      action: 'stop' | 'redeploy';
      current?: DeploymentRelease;
      target?: DeploymentRelease;
      byDefault: boolean;
      /** The target is bad in this group: why. Choosing it needs approval. */
      targetBad?: BadReason[];
      olderThanPrevious?: boolean;
      /** Releases marked unsafe the redeploy would undo. */
      unsafeCrossed?: UnsafeRelease[];
      /** Said in the preview: a wrong choice can delete files on the instances. */
      fileExists?: FileExistsChoice;
    }
  | TargetRefusal;

export interface PreviewOptions {
  stage?: string;
  to?: string;
  /** False when nobody will see the diff: the releases' action variables are not read. */
  diff?: boolean;
  /** Clients to read through, e.g. a caller's read scope (src/aws/read-scope.ts). */
  reads?: AwsClients;
}

/** Which target of which environment a preview is of. */
type Aim = { stage?: string; to?: string };

export interface PreviewRead {
  preview: Preview;
  /** Stage targets: what was read, for the decision. */
  known?: KnownExecutions;
}

/** The previews in flight, and those handed out with what they read. */
export interface PreviewReads {
  running: (key: string, start: () => Promise<PreviewRead>) => Promise<PreviewRead>;
  handedOut: WeakMap<Preview, { key: string; known?: KnownExecutions }>;
}

export type PreviewContext = Pick<
  RollbackContext,
  'config' | 'aws' | 'standing' | 'lookback' | 'now'
> & {
  previews: PreviewReads;
};

export function previewReads(): PreviewReads {
  return { running: sharedWhileRunning<PreviewRead>(), handedOut: new WeakMap() };
}

const aimKey = (envName: string, aim: Aim) =>
  JSON.stringify([envName, aim.stage ?? '', aim.to ?? '']);

/**
 * Identical previews running at the same time share one set of AWS reads (a burst of clicks or
 * events for one target). Only while in flight: a finished preview is never reused, so a
 * rollback that just ended is always seen. `withDiff: false` (a request) skips what only the
 * diff needs.
 */
function shared(
  ctx: PreviewContext,
  envName: string,
  aim: Aim,
  withDiff: boolean,
  aws: AwsClients = ctx.aws,
): Promise<PreviewRead> {
  return ctx.previews.running(JSON.stringify([aimKey(envName, aim), withDiff]), () =>
    readPreview(ctx, envName, aim, withDiff, aws),
  );
}

export async function preview(
  ctx: PreviewContext,
  envName: string,
  { diff = true, reads, ...aim }: PreviewOptions = {},
): Promise<Preview> {
  const read = await shared(ctx, envName, aim, diff, reads);
  ctx.previews.handedOut.set(read.preview, {
    key: aimKey(envName, aim),
    ...(read.known ? { known: read.known } : {}),
  });
  return read.preview;
}

/** What a preview this service handed out read (for the decision of a review). */
export function knownOf(ctx: PreviewContext, p: Preview): KnownExecutions | undefined {
  return ctx.previews.handedOut.get(p)?.known;
}

/**
 * The preview a request goes by: the one it was handed back, when it is ours and for the same
 * target (used once: handed back again, it reads afresh), else a fresh read without the diff.
 */
export function previewForRequest(
  ctx: PreviewContext,
  envName: string,
  aim: Aim,
  handed?: Preview,
): Promise<PreviewRead> {
  const given = handed ? ctx.previews.handedOut.get(handed) : undefined;
  if (handed) ctx.previews.handedOut.delete(handed);
  if (handed && given?.key === aimKey(envName, aim)) {
    return Promise.resolve({ preview: handed, ...(given.known ? { known: given.known } : {}) });
  }
  return shared(ctx, envName, aim, false);
}

async function readPreview(
  ctx: PreviewContext,
  envName: string,
  aim: Aim,
  withDiff: boolean,
  aws: AwsClients,
): Promise<PreviewRead> {
  const env = environmentOf(ctx.config, envName);
  return env.target.kind === 'stage'
    ? readStagePreview(ctx, env, env.target, aim, withDiff, aws)
    : readDeploymentGroupPreview(ctx, env, env.target, aim, aws);
}

type StageTarget = Extract<EnvironmentConfig['target'], { kind: 'stage' }>;
type GroupTarget = Exclude<EnvironmentConfig['target'], StageTarget>;

async function readStagePreview(
  ctx: PreviewContext,
  env: EnvironmentConfig,
  t: StageTarget,
  aim: Aim,
  withDiff: boolean,
  aws: AwsClients,
): Promise<PreviewRead> {
  const stage = stageOf(env, aim.stage);
  const cp = createCodePipelineAdapter(aws, accountOf(env));
  const listedAt = ctx.now();
  const { snapshot, details, recent } = await loadStageSnapshot(cp, t.pipeline, stage, {
    limit: ctx.lookback,
    ...(aim.to ? { to: aim.to } : {}),
    versions: 'until-target',
    standing: await ctx.standing.read(placeKey(env.region, { pipeline: t.pipeline, stage })),
  });
  const choice = chooseStageTarget(snapshot, aim.to);
  if (!choice.ok) return { preview: choice };
  const actionOutputVariables = new Map<string, ActionOutputVariables>();
  const known: KnownExecutions = {
    recent,
    listedAt,
    succeeded: snapshot.succeeded,
    succeededLimit: ctx.lookback,
    details,
    actionOutputVariables,
  };
  const base = {
    ok: true as const,
    kind: 'stage' as const,
    env: env.name,
    pipeline: t.pipeline,
    stage,
    current: choice.current,
    deployed: choice.deployed,
    target: choice.target,
    byDefault: choice.byDefault,
    ...(choice.targetBad ? { targetBad: choice.targetBad } : {}),
    currentBad: choice.currentBad,
    olderThanPrevious: choice.olderThanPrevious,
    lockAfterRollback: t.stages[stage]?.lockAfterRollback ?? false,
  };
  // A request does not show the diff: no action variables needed (the hook reads its own).
  if (!withDiff) return { preview: { ...base, diff: NO_DIFF }, known };
  const detail = async (id: string) => details.get(id) ?? (await cp.getExecution(t.pipeline, id));
  const withActionVariables = async (id: string) => {
    const [d, vars] = await Promise.all([
      detail(id),
      cp.getActionOutputVariables(t.pipeline, id).then((read) => {
        actionOutputVariables.set(id, read);
        return read;
      }),
    ]);
    return { ...d, detail: { ...d.detail, variables: { ...d.detail.variables, ...vars } } };
  };
  const [cur, tgt] = await Promise.all([
    withActionVariables(choice.current.executionId),
    withActionVariables(choice.target.executionId),
  ]);
  return { preview: { ...base, diff: diffReleases(cur.detail, tgt.detail) }, known };
}

async function readDeploymentGroupPreview(
  ctx: PreviewContext,
  env: EnvironmentConfig,
  t: GroupTarget,
  aim: Aim,
  aws: AwsClients,
): Promise<PreviewRead> {
  const cd = createCodeDeployAdapter(aws, accountOf(env));
  const snapshot = await loadDeploymentGroupSnapshot(
    cd,
    t.application,
    t.deploymentGroup,
    ctx.lookback,
    await ctx.standing.read(placeKey(env.region, t)),
  );
  const choice = chooseDeploymentTarget(snapshot, aim.to);
  if (!choice.ok) return { preview: choice };
  const base = {
    ok: true as const,
    kind: 'deployment-group' as const,
    env: env.name,
    application: t.application,
    deploymentGroup: t.deploymentGroup,
  };
  if (choice.action === 'stop')
    return { preview: { ...base, action: 'stop', current: choice.current, byDefault: true } };
  return {
    preview: {
      ...base,
      action: 'redeploy',
      ...(choice.current ? { current: choice.current } : {}),
      target: choice.target,
      byDefault: choice.byDefault,
      ...(choice.targetBad ? { targetBad: choice.targetBad } : {}),
      olderThanPrevious: choice.olderThanPrevious,
      unsafeCrossed: choice.unsafeCrossed,
      fileExists: chooseFileExistsBehavior(t.fileExistsBehavior, choice.target),
    },
  };
}
