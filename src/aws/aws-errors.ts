// AWS SDK errors → coded engine errors a person can act on. Retries belong to the job (so they
// are visible in the request record); this module only says which errors are worth retrying.
import { EngineError, type EngineErrorCode } from '../domain/engine-errors.js';
import { scrubSecrets } from '../log.js';

export type AwsErrorKind = 'retryable' | 'conflict' | 'unrecoverable';

export class AwsCallError extends EngineError {
  constructor(
    code: EngineErrorCode,
    message: string,
    readonly kind: AwsErrorKind,
    readonly operation: string,
    /** The SDK's exception name, e.g. ThrottlingException. */
    readonly awsName: string,
  ) {
    super(code, message);
    this.name = 'AwsCallError';
  }
}

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
}

/** Network failures the SDK surfaces as plain errors: treat like a 5xx. */
const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|socket hang up|TimeoutError|EAI_AGAIN/i;

/** `context` names the thing acted on, e.g. "pipeline web-app stage Deploy in us-east-1". */
export function toAwsCallError(err: unknown, operation: string, context: string): AwsCallError {
  if (err instanceof AwsCallError) return err;
  const e = (err ?? {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const said = scrubSecrets(String(e.message ?? err)).slice(0, 500);
  const make = (code: EngineErrorCode, kind: AwsErrorKind, message: string) =>
    new AwsCallError(code, scrubSecrets(message), kind, operation, name);

  if (/Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/.test(name)) {
    return make('AWS_THROTTLED', 'retryable', `AWS throttled ${operation} on ${context}: ${said}`);
  }
  if (
    (status !== undefined && status >= 500) ||
    e.$fault === 'server' ||
    NETWORK.test(`${name} ${said} ${e.code ?? ''}`)
  ) {
    return make(
      'AWS_UNAVAILABLE',
      'retryable',
      `AWS was unavailable for ${operation} on ${context} (${status ?? name}): ${said}`,
    );
  }
  switch (name) {
    case 'ConflictException':
      return make(
        'AWS_CONFLICT',
        'conflict',
        `The pipeline is busy (${context}), so ${operation} was refused: ${said}`,
      );
    case 'DeploymentLimitExceededException':
      return make(
        'AWS_DEPLOYMENT_LIMIT',
        'conflict',
        `Another deployment is already running in ${context}: ${said}`,
      );
    case 'UnableToRollbackStageException':
      return make(
        'AWS_UNABLE_TO_ROLLBACK',
        'unrecoverable',
        `AWS cannot roll back ${context}: ${said}. The target must have succeeded in this stage on the current pipeline version, must not be a rollback, and the stage must not be running.`,
      );
    case 'PipelineExecutionOutdatedException':
      return make(
        'AWS_OUTDATED',
        'unrecoverable',
        `The target execution is from an older pipeline version (${context}): ${said}. Choose a release that ran on the current pipeline version.`,
      );
    case 'ValidationException':
    case 'InvalidInputException':
      return make(
        'AWS_VALIDATION',
        'unrecoverable',
        `AWS rejected ${operation} on ${context} as invalid: ${said}`,
      );
    case 'AccessDeniedException':
    case 'AccessDenied':
    case 'UnauthorizedOperation':
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'ExpiredTokenException':
      return make(
        'AWS_ACCESS_DENIED',
        'unrecoverable',
        `The bot's AWS identity may not call ${operation} on ${context}: ${said}. Check the environment's roleArn and that its policy allows ${operation}.`,
      );
    default:
      break;
  }
  if (/NotFound|DoesNotExist/.test(name)) {
    return make(
      'AWS_NOT_FOUND',
      'unrecoverable',
      `AWS could not find what ${operation} needs on ${context}: ${said}. Check the names in the rollback config.`,
    );
  }
  if (/^Invalid|Exception$/.test(name) && status !== undefined && status < 500) {
    return make(
      'AWS_VALIDATION',
      'unrecoverable',
      `AWS rejected ${operation} on ${context} (${name}): ${said}`,
    );
  }
  return make(
    'AWS_UNKNOWN',
    'retryable',
    `${operation} on ${context} failed unexpectedly (${name}): ${said}`,
  );
}
