// What the stage-lock passes tell people, as data: the Slack side (src/slack/stage-lock-announcer.ts)
// renders and posts it. Every announcement names the causes that still hold.
import type { EnvironmentConfig } from '../../config/config.js';
import type { SourceRevision } from '../../domain/releases.js';
import type { DeployBlock, LockCause, TransitionAction } from '../../domain/stage-locks/index.js';
import type { WaitingNotice } from '../../store/waiting-release-store.js';

/** One guarded stage after a pass. */
export interface StageLockView {
  stage: string;
  /** Every cause that holds on it (empty: open). */
  causes: LockCause[];
  /** The inbound transition once this pass's calls are made. */
  enabled: boolean;
  disabledReason?: string;
  /** What the pass did to it. */
  action: TransitionAction;
  /** The release waiting at its inbound transition, if any. */
  waitingExecutionId?: string;
}

export interface EnvLockView {
  env: EnvironmentConfig;
  pipeline: string;
  block: DeployBlock;
  stages: StageLockView[];
}

export interface WaitingRelease {
  notice: WaitingNotice;
  /** Its source revisions (short commit, first line of the message), when AWS could say. */
  sourceRevisions: SourceRevision[];
  stage: StageLockView;
}

export interface LockAnnouncer {
  /** What holds the environment's guarded stages changed (or nothing holds any more). */
  changed(view: EnvLockView): Promise<void>;
  /** A release waits at a held stage; said once. Returns the message's ts. */
  waiting(env: EnvironmentConfig, release: WaitingRelease): Promise<{ ts?: string }>;
  /** A waiting release's message no longer holds: the release went on, or another took its place. */
  settled(notice: WaitingNotice, how: 'proceeded' | 'replaced'): Promise<void>;
}
