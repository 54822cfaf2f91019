// Coded errors of the rollback engine. One place lists the codes; each says what a person can do.

export type EngineErrorCode =
  | 'UNKNOWN_ENVIRONMENT'
  | 'UNKNOWN_STAGE'
  | 'STAGE_REQUIRED'
  | 'TARGET_REFUSED'
  | 'REQUEST_NOT_FOUND'
  | 'NOT_LOCKABLE'
  // AWS outcomes (aws/aws-errors.ts maps SDK errors to these)
  | 'AWS_THROTTLED'
  | 'AWS_UNAVAILABLE'
  | 'AWS_CONFLICT'
  | 'AWS_UNABLE_TO_ROLLBACK'
  | 'AWS_OUTDATED'
  | 'AWS_VALIDATION'
  | 'AWS_ACCESS_DENIED'
  | 'AWS_CREDENTIALS'
  | 'AWS_REFUSED'
  | 'AWS_NOT_FOUND'
  | 'AWS_DEPLOYMENT_LIMIT'
  | 'AWS_UNKNOWN';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
