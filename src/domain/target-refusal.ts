// Why a release cannot be a rollback target. Each code has one sentence a person can act on.

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
}

export function refuse(code: TargetRefusalCode, message: string): TargetRefusal {
  return { ok: false, code, message };
}
