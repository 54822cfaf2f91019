// The in-process control API: the same operations the HTTP routes under /_sandbox/ expose.
import type { CallFilter, RecordedCall } from './call-log.js';
import type { DeploymentOutcome } from './codedeploy/model.js';
import { revisionLocation } from './codedeploy/model.js';
import { type AlarmStateValue, DEFAULT_REGION } from './context.js';
import type { AwsEvent, SubscribeOptions } from './events/emitter.js';
import type { FaultSpec } from './faults.js';
import type {
  ExecutionOutcome,
  Revision,
  RollbacksAtDisabledTransition,
} from './pipelines/model.js';
import { type PipelineView, pipelineOverview } from './pipelines/overview.js';
import type { SandboxState, TimeMode } from './state.js';
import { resolveWorld } from './world/load-world.js';
import { deployRevisionSchema, type World } from './world/schema.js';

export interface StartExecutionRequest {
  /** Default us-east-1. */
  region?: string;
  revision: Revision;
  variables?: Record<string, string>;
  outcome?: ExecutionOutcome;
}

export interface StartDeploymentRequest {
  /** Default us-east-1. */
  region?: string;
  /** `{ s3: { bucket, key, bundleType?, version?, eTag? } }` or `{ github: { repository, commitId } }`. */
  revision: unknown;
  description?: string;
  outcome?: DeploymentOutcome;
}

export interface AwsSandboxControl {
  /** Back to `world` (default: the world the sandbox started with); clears calls, events, faults. */
  reset(world?: World | string): Promise<void>;
  /** Replaces the model state with this world (file path or object); keeps calls and events. */
  loadWorld(pathOrObject: World | string): Promise<void>;
  startExecution(pipelineName: string, req: StartExecutionRequest): { pipelineExecutionId: string };
  /** Outcome for rollback executions of this pipeline from now on (default: they succeed). */
  setRollbackOutcome(pipelineName: string, outcome?: ExecutionOutcome, region?: string): void;
  /**
   * What a disabled inbound transition does to RollbackStage (AWS does not document it): `pass`
   * (default: the rollback runs the stage), `hold` (it waits at the transition like any
   * execution), `refuse` (RollbackStage answers UnableToRollbackStageException). Every pipeline;
   * kept by loadWorld, back to `pass` on reset.
   */
  setRollbacksAtDisabledTransition(mode: RollbacksAtDisabledTransition): void;
  /**
   * Every pipeline (all regions) by stage: the release in it, the releases waiting before it and
   * whether a disabled inbound transition holds them, with its reason (the page's panel).
   */
  pipelines(): PipelineView[];
  /** Moves simulated time forward, running everything due on the way, in order. */
  advance(ms: number): void;
  /** Advances until no scheduled work is left (executions waiting at a disabled transition stay). */
  runUntilIdle(): void;
  now(): Date;
  setTimeMode(mode: TimeMode): void;
  setAlarmState(name: string, state: AlarmStateValue, reason: string, region?: string): void;
  startDeployment(
    application: string,
    group: string,
    req: StartDeploymentRequest,
  ): { deploymentId: string };
  calls(filter?: CallFilter): RecordedCall[];
  clearCalls(): void;
  injectFault(operation: string, spec: FaultSpec): void;
  clearFaults(): void;
  subscribe(url: string, opts?: SubscribeOptions): { subscriptionId: string };
  unsubscribeAll(): void;
  /** Every event emitted since the last reset, in order. */
  events(): AwsEvent[];
  clearEvents(): void;
  /** Resolves when every event delivery to subscribers has finished. */
  flushEvents(): Promise<void>;
  /** Listener called synchronously for each event as it is emitted; returns an unsubscribe. */
  onEvent(listener: (e: AwsEvent) => void): () => void;
  /** Self-signed X.509 certificate (PEM) whose key signs SNS envelopes. */
  snsSigningCertPem(): string;
  snsSigningPublicKeyPem(): string;
}

export function createControl(
  state: SandboxState,
  initialWorld: () => World | string | undefined,
): AwsSandboxControl {
  return {
    async reset(world) {
      state.load(await resolveWorld(world ?? initialWorld()));
      state.calls.clear();
      state.emitter.clearEvents();
      state.faults.clear();
      state.pipelines.rollbacksAtDisabledTransition = 'pass';
    },
    async loadWorld(pathOrObject) {
      state.load(await resolveWorld(pathOrObject));
    },
    startExecution(pipelineName, req) {
      if (!req?.revision?.id) throw new Error('startExecution: revision.id is required');
      const e = state.pipelines.startExecution(pipelineName, {
        region: req.region ?? DEFAULT_REGION,
        revision: req.revision,
        ...(req.variables ? { variables: req.variables } : {}),
        ...(req.outcome ? { outcome: req.outcome } : {}),
      });
      return { pipelineExecutionId: e.id };
    },
    setRollbackOutcome(pipelineName, outcome, region) {
      state.pipelines.setRollbackOutcome(region ?? DEFAULT_REGION, pipelineName, outcome);
    },
    setRollbacksAtDisabledTransition(mode) {
      if (!['pass', 'hold', 'refuse'].includes(mode))
        throw new Error(
          `setRollbacksAtDisabledTransition: mode is pass, hold or refuse, got ${mode}`,
        );
      state.pipelines.rollbacksAtDisabledTransition = mode;
    },
    pipelines: () => pipelineOverview(state.pipelines),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new Error(`advance: ms must be a non-negative number, got ${ms}`);
      state.clock.advance(ms);
    },
    runUntilIdle() {
      state.clock.runUntilIdle();
    },
    now() {
      return state.clock.date();
    },
    setTimeMode(mode) {
      if (mode.mode !== 'manual' && mode.mode !== 'realtime')
        throw new Error('setTimeMode: mode is manual or realtime');
      state.setTimeMode(mode);
    },
    setAlarmState(name, value, reason, region) {
      if (!['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(value))
        throw new Error(`setAlarmState: bad state ${value}`);
      state.cloudwatch.setState(name, value, reason, region ?? DEFAULT_REGION);
    },
    startDeployment(application, group, req) {
      const revision = deployRevisionSchema.parse(req.revision);
      const d = state.codedeploy.create(req.region ?? DEFAULT_REGION, application, group, {
        revision: revisionLocation(revision),
        ...(req.description !== undefined ? { description: req.description } : {}),
        ...(req.outcome ? { outcome: req.outcome } : {}),
      });
      return { deploymentId: d.id };
    },
    calls: (filter) => state.calls.list(filter),
    clearCalls: () => state.calls.clear(),
    injectFault: (operation, spec) => state.faults.inject(operation, spec),
    clearFaults: () => state.faults.clear(),
    subscribe: (url, opts) => ({ subscriptionId: state.emitter.subscribe(url, opts) }),
    unsubscribeAll: () => state.emitter.unsubscribeAll(),
    events: () => state.emitter.events(),
    clearEvents: () => state.emitter.clearEvents(),
    flushEvents: () => state.emitter.flush(),
    onEvent: (listener) => state.emitter.onEvent(listener),
    snsSigningCertPem: () => state.signer.certificatePem,
    snsSigningPublicKeyPem: () => state.signer.publicKeyPem,
  };
}
