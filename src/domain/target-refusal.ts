// Why a release cannot be a rollback target. Each code has one sentence a person can act on.
import type { BadReason, PipelineRelease } from './releases.js';

export type TargetRefusalCode =
  | 'source-stage'
  | 'no-current-release'
  | 'no-earlier-release'
  | 'not-found'
  | 'ambiguous'
  | 'is-current'
  | 'not-succeeded-in-stage'
  | 'is-rollback'
  | 'other-pipeline-version'
  | 'same-revision'
  | 'not-earlier'
  | 'deployment-not-succeeded'
  | 'same-deployment-revision';

export interface TargetRefusal {
  ok: false;
  code: TargetRefusalCode;
  /** Plain words for the person who asked; names ids, never secrets. */
  message: string;
  /**
   * The live release, when it is known although no target is (nothing earlier to go back to):
   * what runs there still matters to whoever looks (App Home, status).
   */
  live?: { release: PipelineRelease; bad: BadReason[] };
}

export function refuse(code: TargetRefusalCode, message: string): TargetRefusal {
  return { ok: false, code, message };
}
