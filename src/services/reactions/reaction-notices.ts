// What the reactions tell people, as data, and the port they say it through. The reactions decide
// what happened and what is shown; src/slack words it (src/slack/blocks/reaction-messages.ts,
// failure-notification.ts, health-report.ts) and posts it (src/slack/reaction-poster.ts), paced
// per channel. Outside text in these fields is made inert there.
import type { FeedStep } from '../../domain/reactions/feed-state.js';
import type { SourceRevision } from '../../domain/releases.js';

export interface AlarmView {
  name: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  reason?: string;
}

/** How the incident went on: set once the bot acts, so the message never offers what is done. */
export interface NotificationOutcome {
  kind: 'rolling-back' | 'rolled-back' | 'rollback-failed';
  /** One sentence, ours (names ids only). */
  text: string;
}

/** A stage or deployment failed, or an alarm fired during the bake window. */
export interface FailureNotificationInput {
  env: string;
  kind: 'stage-failed' | 'deployment-failed' | 'alarm-during-bake';
  /** e.g. "web-app / Deploy" */
  where: string;
  failing: { id: string; sourceRevisions: SourceRevision[] };
  lastGood?: { id: string; startTime: Date; sourceRevisions: SourceRevision[] };
  alarms: AlarmView[];
  /** Opaque id of the stored proposal the buttons act on. */
  offerId: string;
  /** Set when AWS itself is already rolling back: no roll-back button then. */
  awsRollingBack?: boolean;
  /** What the bot did about it, when it acted: no roll-back button then either. */
  outcome?: NotificationOutcome;
  now: Date;
}

/** rollback-bot rolls back on its own: who, what, why; with a grace period, a Cancel button. */
export interface AnnouncementInput {
  env: string;
  where: string;
  trigger: 'failure' | 'alarm';
  /** Why, in our words (names inside are rendered inert). */
  why: string;
  requestId: string;
  target?: { id: string; sourceRevisions: SourceRevision[] };
  /** The environment's grace period: the rollback starts at `runAfter` unless cancelled. */
  grace?: { graceMs: number; runAfter: number };
}

/** A person has to look; no further automatic action. */
export interface EscalationInput {
  env: string;
  where: string;
  headline: string;
  detail: string;
  /** Slack ids to mention (approvers, user groups); never outside text. */
  mention?: string[];
}

/** One line per release in the deploy feed, edited in place as it moves. */
export interface FeedInput {
  env: string;
  where: string;
  releaseId: string;
  sourceRevisions: SourceRevision[];
  step: FeedStep;
  /** The release's offer (kind 'release'): a live release gets "Mark bad". */
  offerId?: string;
}

/** Whether the alarms came back after a rollback, and how long it took. */
export interface RecoveryInput {
  env: string;
  outcome: 'recovered' | 'not-recovered';
  afterMs: number;
  alarms: string[];
  notOk?: string[];
  missing?: string[];
}

/** Another environment that runs the bad revision, with its "Roll back" offer. */
export interface PropagationOfferView {
  env: string;
  where: string;
  why: string;
  offerId: string;
  current: SourceRevision[];
}

/** The health URL probe's result after a rollback. The URL is the config's. */
export type HealthReportInput = {
  env: string;
  url: string;
  attempts: number;
  afterMs: number;
} & ({ outcome: 'healthy' } | { outcome: 'unhealthy'; said: string });

/** Everything the reactions post or edit, by what it is (`notice`). */
export type ReactionNotice =
  | ({ notice: 'failure' } & FailureNotificationInput)
  | ({ notice: 'auto-rollback' } & AnnouncementInput)
  | { notice: 'auto-rollback-not-started'; env: string; why: string }
  | ({ notice: 'escalation' } & EscalationInput)
  | ({ notice: 'feed' } & FeedInput)
  | { notice: 'feed-step'; step: FeedStep }
  | ({ notice: 'recovery' } & RecoveryInput)
  | { notice: 'propagation'; bad: SourceRevision[]; offers: PropagationOfferView[] }
  | ({ notice: 'health' } & HealthReportInput);

export interface PostOptions {
  /** Reply in this thread. */
  threadTs?: string;
  /**
   * Names this post for its channel slot: the same key finds the same slot when the job runs
   * again. Stable across re-runs and unique per message, e.g. `incident|<key>|notification`.
   */
  key: string;
}

/**
 * How the reactions reach people. Both throw RetryLater (src/jobs/processor.ts) when Slack
 * cannot take the message now; the reaction worker delays the job, and the recorded steps make
 * the re-run resume where this one stopped.
 */
export interface ReactionPoster {
  /** Posts in `channel`; resolves to the message's ts. */
  post(channel: string, notice: ReactionNotice, opts: PostOptions): Promise<string>;
  /** Brings the message at `ts` up to date. */
  update(channel: string, ts: string, notice: ReactionNotice): Promise<void>;
}
