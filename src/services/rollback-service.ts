// The one path for Slack commands, buttons, approvals and automatic triggers: preview, request,
// decide, queue; status and history. Workers (jobs/) carry requests out.
import { type Account, type AwsClients, accountOf } from '../aws/aws-clients.js';
import { createCodeDeployAdapter } from '../aws/codedeploy-adapter.js';
import {
  type ActionOutputVariables,
  createCodePipelineAdapter,
} from '../aws/codepipeline-adapter.js';
import type { Config, EnvironmentConfig } from '../config/config.js';
import {
  chooseDeploymentTarget,
  chooseFileExistsBehavior,
  type FileExistsChoice,
} from '../domain/choose-deployment-target.js';
import { chooseStageTarget, findStageRelease } from '../domain/choose-rollback-target.js';
import { EngineError } from '../domain/engine-errors.js';
import type { UnsafeRelease } from '../domain/guardrails/index.js';
import { causeNames, decideStageLock, type UnlockOutcome } from '../domain/guardrails/index.js';
import { diffReleases, type ReleaseDiff } from '../domain/release-diff.js';
import { listReleaseChoices, type ReleaseChoice } from '../domain/release-list.js';
import type { BadReason, DeploymentRelease, PipelineRelease } from '../domain/releases.js';
import type { RequestState } from '../domain/request-state.js';
import {
  placeKey,
  type Requester,
  type RollbackRequest,
  type RollbackTarget,
  targetKey,
} from '../domain/rollback-request.js';
import type { TargetRefusalCode } from '../domain/target-refusal.js';
import { createRollbackQueue, type RollbackQueueOptions } from '../jobs/rollback-queue.js';
import { sharedWhileRunning } from '../runtime/in-flight.js';
import { didYouMean } from '../runtime/suggest.js';
import type { AuditEntry } from '../store/audit-stream.js';
import type { RedisConnection } from '../store/redis.js';
import { createRequestStore, type RequestStoreOptions } from '../store/request-store.js';
import { createStandingStore } from '../store/standing-store.js';
import { loadDeploymentGroupSnapshot, loadStageSnapshot } from './load-snapshots.js';
import {
  allowAll,
  type DecideRollback,
  type KnownExecutions,
  type PolicyDecision,
} from './rollback-policy.js';

/** The diff of a preview made for a request: it is never shown, so it is not read. */
const NO_DIFF: ReleaseDiff = { sources: [], artifacts: [], variables: [], same: false };

export interface RollbackServiceDeps {
  config: Config;
  /** A request-path connection (createRedis(url, 'request')): fails fast when Redis is down. */
  connection: RedisConnection;
  aws: AwsClients;
  queue: RollbackQueueOptions;
  store: RequestStoreOptions;
  /** Guardrails: allow, ask for approval, or block. Default allow. */
  decide?: DecideRollback;
  /** How many releases to look back through. Default 20. */
  lookback?: number;
  /**
   * Guardrails: lifts a post-rollback lock and brings the transition in line with every cause
   * that still holds. Without it (a process with no guardrails) only the lock itself is known.
   */
  unlockStage?: (input: { env: string; stage: string; by: string }) => Promise<UnlockOutcome>;

  now?: () => number;
}

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
  | { ok: false; code: TargetRefusalCode; message: string };

export interface RequestInput {
  env: string;
  stage?: string;
  to?: string;
  requestedBy: Requester;
  reason?: string;
  /** Where it came from: 'slash-command', 'button', 'auto-failure', 'auto-alarm', 'api'. */
  source: string;
  /**
   * A preview this service returned moments ago for the same env/stage/to, on which the caller
   * just decided to roll back (an automatic reaction): the request uses its reads instead of
   * reading AWS again. Anything else (another target, a preview that is not ours) is ignored.
   */
  preview?: Preview;
}

export type ReviewInput = Omit<RequestInput, 'preview'> & { reads?: AwsClients };

export interface Review {
  preview: Preview;
  /** What the click would do; absent when the preview refused. */
  decision?: PolicyDecision;
  /** A rollback of this target already under way: the click would point at it. */
  active?: ActiveRollback;
}

export interface ActiveRollback {
  requestId: string;
  requestedBy: Requester;
  /** When it was queued (or created, if not yet queued). */
  since: number;
  state: RequestState;
}

export type RequestOutcome =
  | { outcome: 'created'; request: RollbackRequest }
  | { outcome: 'refused'; code: TargetRefusalCode; message: string }
  | { outcome: 'already-active'; active: ActiveRollback; request?: RollbackRequest };

export type CancelAutomaticOutcome =
  | { ok: true; request: RollbackRequest }
  | { ok: false; reason: 'missing' | 'not-automatic' }
  | { ok: false; reason: 'wrong-state'; state: RequestState };

export interface PreviewOptions {
  stage?: string;
  to?: string;
  /** False when nobody will see the diff: the releases' action variables are not read. */
  diff?: boolean;
  /** Clients to read through, e.g. a caller's read scope (src/aws/read-scope.ts). */
  reads?: AwsClients;
}

export type MarkOutcome =
  | { ok: true; releaseId: string; label: string; where: string }
  | { ok: false; message: string };

export type TransitionListener = (request: RollbackRequest, from: RequestState) => void;

export interface RollbackService {
  /**
   * What a rollback would do. `diff: false` when nobody will see the diff (an automatic
   * rollback's notification, a propagation check): the releases' action variables are not read.
   */
  preview(env: string, opts?: PreviewOptions): Promise<Preview>;
  /**
   * The review: the preview and exactly what a request made from it now would do (roll back,
   * wait for approval, be blocked), decided by the same policy with the same facts.
   */
  review(input: ReviewInput): Promise<Review>;
  releases(env: string, opts?: { stage?: string; limit?: number }): Promise<ReleaseChoice[]>;
  request(input: RequestInput): Promise<RequestOutcome>;
  approve(id: string, by: string): Promise<RollbackRequest>;
  reject(id: string, by: string, reason?: string): Promise<RollbackRequest>;
  cancel(id: string, by: string): Promise<RollbackRequest>;
  /**
   * Cancels an automatic request still waiting out its grace period (queued, job not started).
   * Atomic against the worker's queued → running: exactly one of the two happens.
   */
  cancelAutomatic(id: string, by: string): Promise<CancelAutomaticOutcome>;
  expire(id: string): Promise<RollbackRequest>;
  status(env: string): Promise<{ active: RollbackRequest[]; recent: RollbackRequest[] }>;
  history(env: string, limit?: number): Promise<RollbackRequest[]>;
  get(id: string): Promise<RollbackRequest | undefined>;
  audit(id: string): Promise<AuditEntry[]>;
  /**
   * Lifts the stage's post-rollback lock. The transition is enabled only when nothing else holds
   * it (a freeze, blackout, closed window, blocking alarm, someone else's disable); the outcome
   * says what still does.
   */
  unlock(env: string, stage: string | undefined, by: string): Promise<UnlockOutcome>;
  /**
   * Records that a release is bad in the environment's stage (or deployment group): a failure or
   * an alarm the bot saw. `kind` names the reason; marking the same kind again replaces it.
   */
  recordBad(input: {
    env: string;
    stage?: string;
    releaseId: string;
    kind: 'failed' | 'alarm' | 'rolled-back';
    why: string;
    by: string;
  }): Promise<void>;
  /** A person marks a release bad or good, named as the bot shows it (commit or execution id). */
  mark(input: {
    env: string;
    stage?: string;
    release: string;
    standing: 'bad' | 'good';
    by: string;
    why?: string;
  }): Promise<MarkOutcome>;
  onTransition(listener: TransitionListener): () => void;
  close(): Promise<void>;
}

export function createRollbackService(deps: RollbackServiceDeps): RollbackService {
  const now = deps.now ?? Date.now;
  const store = createRequestStore(deps.connection, deps.store);
  const standing = createStandingStore(deps.connection, deps.store.prefix);
  const queue = createRollbackQueue(deps.connection, deps.queue);
  const decide = deps.decide ?? allowAll;
  const lookback = deps.lookback ?? 20;
  const listeners = new Set<TransitionListener>();

  const emit = (r: RollbackRequest, from: RequestState) => {
    for (const l of listeners) {
      try {
        l(r, from);
      } catch {
        // A listener's failure (e.g. a Slack update) must not undo a recorded transition.
      }
    }
  };

  function environment(name: string): EnvironmentConfig {
    const env = deps.config.environments[name];
    if (!env) {
      throw new EngineError(
        'UNKNOWN_ENVIRONMENT',
        `There is no environment "${name}"${didYouMean(name, Object.keys(deps.config.environments))}`,
      );
    }
    return env;
  }

  function account(env: EnvironmentConfig): Account {
    return accountOf(env);
  }

  function stageOf(env: EnvironmentConfig, stage?: string): string {
    if (env.target.kind !== 'stage') return '';
    const names = Object.keys(env.target.stages);
    if (!stage) {
      if (names.length === 1) return names[0]!;
      throw new EngineError(
        'STAGE_REQUIRED',
        `${env.name} guards several stages (${names.join(', ')}); name one.`,
      );
    }
    if (!names.includes(stage)) {
      throw new EngineError(
        'UNKNOWN_STAGE',
        `${env.name} does not guard a stage "${stage}"${didYouMean(stage, names)}`,
      );
    }
    return stage;
  }

  /** The standing key of the environment's stage or deployment group. */
  function placeOf(env: EnvironmentConfig, stage?: string): string {
    const t = env.target;
    return t.kind === 'stage'
      ? placeKey(env.region, { pipeline: t.pipeline, stage: stageOf(env, stage) })
      : placeKey(env.region, t);
  }

  /** A release named as the bot shows it: commit prefix or (prefix of an) execution id. */
  async function findRelease(
    env: EnvironmentConfig,
    stage: string | undefined,
    name: string,
  ): Promise<MarkOutcome> {
    const t = env.target;
    const wanted = name.trim().toLowerCase();
    if (t.kind !== 'stage') {
      const cd = createCodeDeployAdapter(deps.aws, account(env));
      const snap = await loadDeploymentGroupSnapshot(
        cd,
        t.application,
        t.deploymentGroup,
        lookback,
      );
      const hits = snap.deployments.filter((d) => d.deploymentId.toLowerCase().startsWith(wanted));
      if (hits.length !== 1 || wanted.length < 4) {
        return {
          ok: false,
          message: `${hits.length > 1 ? 'Several' : 'No'} recent deployments of ${t.application} / ${t.deploymentGroup} start with ${name.trim()}; give the deployment id (d-…).`,
        };
      }
      const d = hits[0]!;
      return {
        ok: true,
        releaseId: d.deploymentId,
        label: d.deploymentId,
        where: `${t.application} / ${t.deploymentGroup}`,
      };
    }
    const s = stageOf(env, stage);
    const cp = createCodePipelineAdapter(deps.aws, account(env));
    const { snapshot } = await loadStageSnapshot(cp, t.pipeline, s, { limit: lookback });
    const found = findStageRelease(snapshot, name);
    if (!found.ok) return found;
    return { ...found, where: `${t.pipeline} / ${s}` };
  }

  /**
   * Unlock with no guardrails wired (tests): the post-rollback lock and someone else's disable are
   * all that is known, read from the transition AWS reports.
   */
  async function unlockLockOnly(
    env: EnvironmentConfig,
    pipeline: string,
    stage: string,
    by: string,
  ): Promise<UnlockOutcome> {
    const cp = createCodePipelineAdapter(deps.aws, account(env));
    const st = await cp.getStageState(pipeline, stage);
    const actual = {
      enabled: st.inboundEnabled,
      ...(st.disabledReason ? { disabledReason: st.disabledReason } : {}),
    };
    const input = { env: env.name, stage, block: [], actual };
    const { lock } = decideStageLock(input);
    const after = decideStageLock({
      ...input,
      ...(lock ? { recorded: { state: 'lifted', requestId: lock.requestId, by, at: now() } } : {}),
    });
    if (after.action === 'enable') await cp.enableInbound(pipeline, stage);
    else if (after.action === 'disable') await cp.disableInbound(pipeline, stage, after.reason!);
    return {
      env: env.name,
      pipeline,
      stage,
      ...(lock ? { lifted: lock } : {}),
      causes: after.causes,
      enabled: after.action === 'enable' || (after.action === 'none' && actual.enabled),
    };
  }

  interface Read {
    preview: Preview;
    /** Stage targets: what was read, for the guardrails hook. */
    known?: KnownExecutions;
  }
  const previewKey = (envName: string, opts: { stage?: string; to?: string }) =>
    JSON.stringify([envName, opts.stage ?? '', opts.to ?? '']);
  /** Previews handed out, with what they read: a request may pass one back (RequestInput). */
  const readsOf = new WeakMap<Preview, { key: string; known?: KnownExecutions }>();

  const previewsRunning = sharedWhileRunning<Read>();
  const listingsRunning = sharedWhileRunning<ReleaseChoice[]>();
  /**
   * Identical previews running at the same time share one set of AWS reads (a burst of clicks or
   * events for one target). Only while in flight: a finished preview is never reused, so a
   * rollback that just ended is always seen. `withDiff: false` (a request) skips what only the
   * diff needs.
   */
  function shared(
    envName: string,
    opts: { stage?: string; to?: string },
    withDiff: boolean,
    aws: AwsClients = deps.aws,
  ): Promise<Read> {
    return previewsRunning(JSON.stringify([previewKey(envName, opts), withDiff]), () =>
      readPreview(envName, opts, withDiff, aws),
    );
  }

  async function preview(
    envName: string,
    { diff = true, reads, ...opts }: PreviewOptions = {},
  ): Promise<Preview> {
    const read = await shared(envName, opts, diff, reads);
    readsOf.set(read.preview, {
      key: previewKey(envName, opts),
      ...(read.known ? { known: read.known } : {}),
    });
    return read.preview;
  }

  async function readPreview(
    envName: string,
    opts: { stage?: string; to?: string },
    withDiff: boolean,
    aws: AwsClients,
  ): Promise<Read> {
    const env = environment(envName);
    const t = env.target;
    if (t.kind === 'stage') {
      const stage = stageOf(env, opts.stage);
      const cp = createCodePipelineAdapter(aws, account(env));
      const { snapshot, details, recent } = await loadStageSnapshot(cp, t.pipeline, stage, {
        limit: lookback,
        ...(opts.to ? { to: opts.to } : {}),
        versions: 'until-target',
        standing: await standing.read(placeKey(env.region, { pipeline: t.pipeline, stage })),
      });
      const choice = chooseStageTarget(snapshot, opts.to);
      if (!choice.ok) return { preview: choice };
      const actionOutputVariables = new Map<string, ActionOutputVariables>();
      const known: KnownExecutions = {
        recent,
        succeeded: snapshot.succeeded,
        succeededLimit: lookback,
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
      const detail = async (id: string) =>
        details.get(id) ?? (await cp.getExecution(t.pipeline, id));
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
    const cd = createCodeDeployAdapter(aws, account(env));
    const snapshot = await loadDeploymentGroupSnapshot(
      cd,
      t.application,
      t.deploymentGroup,
      lookback,
      await standing.read(placeKey(env.region, t)),
    );
    const choice = chooseDeploymentTarget(snapshot, opts.to);
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

  function targetFrom(p: Extract<Preview, { ok: true }>): RollbackTarget {
    if (p.kind === 'stage') {
      return {
        kind: 'stage',
        pipeline: p.pipeline,
        stage: p.stage,
        currentExecutionId: p.deployed.executionId,
        currentReleaseId: p.current.executionId,
        targetExecutionId: p.target.executionId,
        lockAfterRollback: p.lockAfterRollback,
        olderThanPrevious: p.olderThanPrevious,
        ...(p.targetBad ? { targetBad: p.targetBad.map((b) => b.why) } : {}),
      };
    }
    return {
      kind: 'deployment-group',
      application: p.application,
      deploymentGroup: p.deploymentGroup,
      action: p.action,
      ...(p.current ? { currentDeploymentId: p.current.deploymentId } : {}),
      ...(p.target ? { targetDeploymentId: p.target.deploymentId } : {}),
      ...(p.target?.revision ? { revision: p.target.revision } : {}),
      ...(p.fileExists ? { fileExistsBehavior: p.fileExists.behavior } : {}),
      ...(p.olderThanPrevious !== undefined ? { olderThanPrevious: p.olderThanPrevious } : {}),
      ...(p.targetBad ? { targetBad: p.targetBad.map((b) => b.why) } : {}),
      ...(p.unsafeCrossed && p.unsafeCrossed.length > 0 ? { unsafeCrossed: p.unsafeCrossed } : {}),
    };
  }

  async function activeInfo(id: string): Promise<ActiveRollback | undefined> {
    const r = await store.get(id);
    return r
      ? {
          requestId: r.id,
          requestedBy: r.requestedBy,
          since: r.queuedAt ?? r.createdAt,
          state: r.state,
        }
      : undefined;
  }

  /**
   * requested|awaiting_approval → queued (taking the target lock), then the job; delayed by
   * `graceMs` (an automatic request's grace period) when given.
   */
  async function enqueue(
    r: RollbackRequest,
    by: string,
    decision: string,
    graceMs = 0,
  ): Promise<RequestOutcome> {
    const t = now();
    const runAfter = graceMs > 0 ? t + graceMs : undefined;
    const res = await store.change(r.id, [r.state], 'queued', t, {
      by,
      event: 'queued',
      fields: { queuedAt: t, decision, runAfter },
      audit: { decision, graceMs: runAfter ? graceMs : undefined },
    });
    if (!res.ok) {
      if (res.reason === 'locked') {
        const active = await activeInfo(res.activeRequestId);
        const blocked = await store.get(r.id);
        if (blocked && blocked.state !== r.state) emit(blocked, r.state);
        if (active)
          return { outcome: 'already-active', active, ...(blocked ? { request: blocked } : {}) };
      }
      throw new EngineError(
        'REQUEST_NOT_FOUND',
        `Request ${r.id} could not be queued (${res.reason}).`,
      );
    }
    emit(res.request, res.from);
    await queue.addExecute(r.id, { delayMs: graceMs });
    return { outcome: 'created', request: res.request };
  }

  async function move(
    id: string,
    from: RequestState[],
    to: RequestState,
    by: string,
    event: string,
    fields: Record<string, string> = {},
  ) {
    const res = await store.change(id, from, to, now(), { by, event, fields, audit: fields });
    if (!res.ok) {
      const state = res.reason === 'missing' ? 'missing' : res.state;
      throw new EngineError(
        'REQUEST_NOT_FOUND',
        `Request ${id} cannot move to ${to}: it is ${state}.`,
      );
    }
    emit(res.request, res.from);
    return res.request;
  }

  return {
    preview,

    async review(input) {
      const env = environment(input.env);
      const p = await preview(input.env, {
        ...(input.stage ? { stage: input.stage } : {}),
        ...(input.to ? { to: input.to } : {}),
        ...(input.reads ? { reads: input.reads } : {}),
      });
      if (!p.ok) return { preview: p };
      const target = targetFrom(p);
      const holder = await store.activeFor(targetKey(env.region, target));
      if (holder) {
        return {
          preview: p,
          active: {
            requestId: holder.id,
            requestedBy: holder.requestedBy,
            since: holder.queuedAt ?? holder.createdAt,
            state: holder.state,
          },
        };
      }
      const t = now();
      const provisional: RollbackRequest = {
        id: 'review',
        env: env.name,
        region: env.region,
        state: 'requested',
        target,
        requestedBy: input.requestedBy,
        source: input.source,
        ...(input.reason ? { reason: input.reason } : {}),
        createdAt: t,
        updatedAt: t,
        retries: 0,
      };
      const known = readsOf.get(p)?.known;
      const decision = await decide({
        request: provisional,
        env,
        ...(known ? { known } : {}),
        dryRun: true,
      });
      return { preview: p, decision };
    },

    async releases(envName, opts = {}) {
      const env = environment(envName);
      if (env.target.kind !== 'stage') return [];
      const stage = stageOf(env, opts.stage);
      const limit = opts.limit ?? 10;
      // Like previews: pickers opened at the same time for one stage share one listing, and
      // only while it runs.
      const { pipeline } = env.target;
      return listingsRunning(JSON.stringify([env.name, stage, limit]), async () => {
        const cp = createCodePipelineAdapter(deps.aws, account(env));
        const { snapshot } = await loadStageSnapshot(cp, pipeline, stage, {
          limit,
          standing: await standing.read(placeKey(env.region, { pipeline, stage })),
        });
        return listReleaseChoices(snapshot, limit);
      });
    },

    async request(input) {
      const env = environment(input.env);
      const opts = {
        ...(input.stage ? { stage: input.stage } : {}),
        ...(input.to ? { to: input.to } : {}),
      };
      const given = input.preview ? readsOf.get(input.preview) : undefined;
      // Used once: a preview handed back again reads afresh.
      if (input.preview) readsOf.delete(input.preview);
      const { preview: p, known } =
        given && given.key === previewKey(input.env, opts)
          ? { preview: input.preview!, known: given.known }
          : await shared(input.env, opts, false);
      if (!p.ok) return { outcome: 'refused', code: p.code, message: p.message };
      const target = targetFrom(p);
      // Fast answer for the common double click; the Lua lock below is what guarantees it.
      const holder = await store.activeFor(targetKey(env.region, target));
      if (holder) {
        return {
          outcome: 'already-active',
          active: {
            requestId: holder.id,
            requestedBy: holder.requestedBy,
            since: holder.queuedAt ?? holder.createdAt,
            state: holder.state,
          },
        };
      }
      const created = await store.create(
        {
          env: env.name,
          region: env.region,
          target,
          requestedBy: input.requestedBy,
          source: input.source,
          ...(input.reason ? { reason: input.reason } : {}),
        },
        now(),
      );
      emit(created, 'requested');
      const decision = await decide({ request: created, env, ...(known ? { known } : {}) });
      // Only automatic requests wait out the environment's grace period; a person already chose.
      const graceMs = input.requestedBy.kind === 'auto' ? (env.autoRollbackGraceMs ?? 0) : 0;
      if (decision.kind === 'allow') return enqueue(created, 'policy', 'allow', graceMs);
      if (decision.kind === 'needs-approval') {
        const r = await move(
          created.id,
          ['requested'],
          'awaiting_approval',
          'policy',
          'awaiting_approval',
          {
            decision: `needs-approval: ${decision.rule}`,
            lastError: decision.detail,
          },
        );
        return { outcome: 'created', request: r };
      }
      const r = await move(created.id, ['requested'], 'blocked', 'policy', 'blocked', {
        decision: 'block',
        lastError: decision.reason,
        endedAt: String(now()),
      });
      return { outcome: 'created', request: r };
    },

    async approve(id, by) {
      const r = await store.get(id);
      if (r?.state !== 'awaiting_approval') {
        throw new EngineError(
          'REQUEST_NOT_FOUND',
          `Request ${id} is not awaiting approval (${r?.state ?? 'missing'}).`,
        );
      }
      const out = await enqueue(r, by, `approved by ${by}`);
      if (out.outcome === 'created') return out.request;
      if (out.outcome !== 'already-active') throw new EngineError('TARGET_REFUSED', out.message);
      throw new EngineError(
        'REQUEST_NOT_FOUND',
        `Another rollback of this target is active (request ${out.active.requestId}); approve again when it ends.`,
      );
    },
    reject: (id, by, reason) =>
      move(id, ['awaiting_approval'], 'rejected', by, 'rejected', {
        decision: `rejected by ${by}`,
        ...(reason ? { lastError: reason } : {}),
      }),
    cancel: (id, by) =>
      move(id, ['awaiting_approval'], 'cancelled', by, 'cancelled', {
        decision: `cancelled by ${by}`,
      }),
    async cancelAutomatic(id, by) {
      const r = await store.get(id);
      if (!r) return { ok: false, reason: 'missing' };
      if (r.requestedBy.kind !== 'auto') return { ok: false, reason: 'not-automatic' };
      const res = await store.change(id, ['queued'], 'cancelled', now(), {
        by,
        event: 'cancelled',
        fields: { decision: `cancelled by ${by}`, endedAt: now() },
        audit: { decision: `cancelled by ${by}` },
      });
      if (!res.ok) {
        return res.reason === 'missing'
          ? { ok: false, reason: 'missing' }
          : { ok: false, reason: 'wrong-state', state: res.state };
      }
      emit(res.request, res.from);
      return { ok: true, request: res.request };
    },
    expire: (id) =>
      move(id, ['awaiting_approval'], 'expired', 'policy', 'expired', {
        decision: 'approval expired',
      }),

    async status(envName) {
      environment(envName);
      const recent = await store.listByEnv(envName, 20);
      return {
        active: recent.filter((r) => ['queued', 'running', 'awaiting_approval'].includes(r.state)),
        recent,
      };
    },
    history: (envName, limit = 10) => {
      environment(envName);
      return store.listByEnv(envName, limit);
    },
    get: (id) => store.get(id),
    audit: (id) => store.audit({ requestId: id }),

    async unlock(envName, stage, by) {
      const env = environment(envName);
      if (env.target.kind !== 'stage') {
        throw new EngineError(
          'NOT_LOCKABLE',
          `${env.name} is a CodeDeploy group; there is no stage transition to unlock.`,
        );
      }
      const s = stageOf(env, stage);
      const out = deps.unlockStage
        ? await deps.unlockStage({ env: env.name, stage: s, by })
        : await unlockLockOnly(env, env.target.pipeline, s, by);
      await store.appendAudit(
        {
          env: env.name,
          by,
          event: 'unlocked',
          pipeline: env.target.pipeline,
          stage: s,
          lifted: out.lifted ? out.lifted.requestId || 'unknown' : 'none',
          stillHeldBy: causeNames(out.causes).join(', ') || 'nothing',
          ...(out.error ? { error: out.error } : {}),
        },
        now(),
      );
      return out;
    },

    async recordBad(input) {
      const env = environment(input.env);
      await standing.markBad(placeOf(env, input.stage), input.releaseId, input.kind, {
        why: input.why,
        at: now(),
        by: input.by,
      });
    },

    async mark(input) {
      const env = environment(input.env);
      const place = placeOf(env, input.stage);
      const found = await findRelease(env, input.stage, input.release);
      if (!found.ok) return found;
      if (input.standing === 'bad') {
        await standing.markBad(place, found.releaseId, `marked:${input.by}`, {
          why: `marked bad by a person${input.why ? `: ${input.why}` : ''}`,
          at: now(),
          by: input.by,
        });
      } else {
        await standing.markGood(place, found.releaseId, input.by, now());
      }
      await store.appendAudit(
        {
          env: env.name,
          by: input.by,
          event: input.standing === 'bad' ? 'marked-bad' : 'marked-good',
          release: found.releaseId,
          place,
          ...(input.why ? { reason: input.why } : {}),
        },
        now(),
      );
      return found;
    },

    onTransition(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => queue.close(),
  };
}
