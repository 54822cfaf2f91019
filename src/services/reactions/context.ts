// What every reaction needs, built once by createReactionProcessors (reaction-processors.ts).
import type { AwsClients } from '../../aws/aws-clients.js';
import type { Config, EnvironmentConfig } from '../../config/config.js';
import type { RollbackRequest } from '../../domain/rollback-request.js';
import type { ReactionTimers } from '../../jobs/reaction-timers.js';
import type { Logger } from '../../log.js';
import type { OfferStore } from '../../store/offer-store.js';
import type { ReactionStore } from '../../store/reaction-store.js';
import type { StatusMessages } from '../../store/status-message-store.js';
import type { RollbackService } from '../rollback-service.js';
import type { ReactionPoster } from './reaction-notices.js';

export interface HealthProbeTimings {
  /** Attempts before giving up. Default 10. */
  attempts: number;
  /** Delay between attempts. Default 5 s. */
  everyMs: number;
  /** Time limit of one attempt. Default 5 s. */
  timeoutMs: number;
}

export interface ReactionTimings {
  /** Wall-clock delay before the bake window's end check. Default: the environment's `bake`. */
  bakeCheckDelayMs?: number;
  /** How often a running automatic rollback is looked at. Default 5 s. */
  followEveryMs: number;
  /** How often alarms are read after a rollback (AlarmCleared events also trigger a read). Default 30 s. */
  recoveryEveryMs: number;
  /** Escalate when the alarms are not OK this long after a rollback. Default 15 min. */
  recoveryLimitMs: number;
  /** Health URL probe after a rollback: attempts, delay between them, time limit of one. */
  healthProbe: HealthProbeTimings;
}

export interface ReactionContext {
  config: Config;
  service: RollbackService;
  aws: AwsClients;
  slack: ReactionPoster;
  offers: OfferStore;
  statusMessages: StatusMessages;
  scheduleStatus(request: RollbackRequest): Promise<void>;
  store: ReactionStore;
  timers: ReactionTimers;
  timings: ReactionTimings;
  log: Logger;
  now(): number;
}

/** "web-app / Deploy" or "billing-api / prod-eu". */
export function whereOf(env: EnvironmentConfig, stage?: string): string {
  const t = env.target;
  return t.kind === 'stage'
    ? `${t.pipeline} / ${stage ?? Object.keys(t.stages).join(', ')}`
    : `${t.application} / ${t.deploymentGroup}`;
}

/** Another delivery of the same occurrence holds the lock: look again shortly. */
export class ReactionBusy extends Error {
  constructor(readonly what: string) {
    super(`${what} is being handled by another job`);
  }
}
