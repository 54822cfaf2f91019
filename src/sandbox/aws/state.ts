// Composition of the sandbox: one simulated clock, one event emitter, the three service models,
// the call log and the fault table. The HTTP router and the control API both work on this.
import { CallLog } from './call-log.js';
import { SimClock } from './clock.js';
import { CloudWatchModel } from './cloudwatch/model.js';
import { cloudWatchOperations } from './cloudwatch/operations.js';
import { CodeDeployModel } from './codedeploy/model.js';
import { codeDeployOperations } from './codedeploy/operations.js';
import type { AlarmStateValue, ModelContext } from './context.js';
import { EventEmitter } from './events/emitter.js';
import { SnsSigner } from './events/sns.js';
import { Faults } from './faults.js';
import { PipelinesModel } from './pipelines/model.js';
import { pipelineOperations } from './pipelines/operations.js';
import type { OperationTable, ServiceName } from './router-types.js';
import type { ParsedWorld } from './world/schema.js';

export const DEFAULT_STAGE_DURATION_MS = 60_000;

export type TimeMode =
  | { mode: 'manual' }
  | { mode: 'realtime'; stageDurationMs?: number; speed?: number };

export class SandboxState {
  readonly clock = new SimClock(Date.now());
  readonly signer = new SnsSigner(new Date());
  readonly emitter: EventEmitter;
  readonly pipelines: PipelinesModel;
  readonly codedeploy: CodeDeployModel;
  readonly cloudwatch: CloudWatchModel;
  readonly calls = new CallLog();
  readonly faults = new Faults();
  readonly operations: Record<ServiceName, OperationTable>;
  private account = '111122223333';
  private timeMode: TimeMode = { mode: 'manual' };
  private ticker: NodeJS.Timeout | undefined;

  constructor() {
    this.emitter = new EventEmitter(() => this.account, this.signer);
    const ctx: ModelContext = {
      clock: this.clock,
      emitter: this.emitter,
      account: () => this.account,
      durationMs: (specified) => {
        if (this.timeMode.mode === 'realtime' && this.timeMode.stageDurationMs !== undefined) {
          return this.timeMode.stageDurationMs;
        }
        return specified ?? DEFAULT_STAGE_DURATION_MS;
      },
      setAlarmState: (name: string, state: AlarmStateValue, reason: string, region: string) =>
        this.cloudwatch.setState(name, state, reason, region),
    };
    this.pipelines = new PipelinesModel(ctx);
    this.codedeploy = new CodeDeployModel(ctx);
    this.cloudwatch = new CloudWatchModel(ctx);
    this.cloudwatch.onStateChange((alarm) => this.codedeploy.onAlarm(alarm));
    this.operations = {
      codepipeline: pipelineOperations(this.pipelines, () => this.account),
      codedeploy: codeDeployOperations(this.codedeploy, () => this.account),
      cloudwatch: cloudWatchOperations(this.cloudwatch),
    };
  }

  accountId(): string {
    return this.account;
  }

  /** Replaces everything with the world: state, history, time. Subscribers and faults stay. */
  load(world: ParsedWorld): void {
    this.account = world.account;
    this.clock.reset(world.now ?? Date.now());
    this.pipelines.load(world.pipelines);
    this.codedeploy.load(world.codedeploy.applications);
    this.cloudwatch.load(world.alarms);
  }

  busy(): boolean {
    return this.pipelines.busy() || this.codedeploy.busy();
  }

  setTimeMode(mode: TimeMode): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.timeMode = mode;
    if (mode.mode !== 'realtime') return;
    const speed = mode.speed ?? 1;
    let last = Date.now();
    this.ticker = setInterval(() => {
      const now = Date.now();
      this.clock.advance((now - last) * speed);
      last = now;
    }, 100);
    this.ticker.unref();
  }

  getTimeMode(): TimeMode {
    return this.timeMode;
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
