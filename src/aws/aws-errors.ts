// AWS SDK errors → coded errors (domain/errors.ts) a person can act on. Retries belong to the job
// (so they are visible in the request record); this module only says which errors are worth
// retrying, and for a refusal, what to do about it.
//
// Classification uses what the SDK says, never the words of a message: the exception's `name`,
// `$fault`, `$metadata.httpStatusCode`, `$retryable`, and Node's `code` on the error or its
// `cause` for network failures. (AWS's messages name ARNs such as arn:aws:codepipeline:…, whose
// letters contain "EPIPE": matching words once retried every IAM denial as an outage.)
// The name lists are in aws-error-names.ts; what a refusal tells a person, in aws-refusals.ts.
import { CodedError, type ErrorCode } from '../domain/errors.js';
import { scrubSecrets } from '../log.js';
import { AssumeRoleError } from './aws-clients.js';
import { NETWORK_CODES, SERVER_NAMES, THROTTLING_NAMES, TIMEOUT_NAMES } from './aws-error-names.js';
import { type AwsResource, describeResource } from './aws-permissions.js';
import { refusalOf } from './aws-refusals.js';

export type { AwsResource } from './aws-permissions.js';

/** retryable: an outage or throttling, worth trying again. unrecoverable: AWS refused. */
export type AwsErrorKind = 'retryable' | 'unrecoverable';

export class AwsCallError extends CodedError {
  constructor(
    code: ErrorCode,
    readonly kind: AwsErrorKind,
    readonly operation: string,
    /** The SDK's exception name, e.g. ThrottlingException. */
    readonly awsName: string,
    /** What happened, in a sentence a person reads first. */
    readonly what: string,
    /** What to do about it; empty for retryable errors the bot handles itself. */
    readonly nextStep: string,
    /** AWS's own words, scrubbed and cut. */
    readonly said: string,
  ) {
    super(code, [what, nextStep, said ? `AWS said: ${said}` : ''].filter(Boolean).join(' '));
    this.name = 'AwsCallError';
  }
}

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
  $fault?: 'client' | 'server';
  $retryable?: { throttling?: boolean };
}

function networkCode(e: SdkErrorShape | undefined, depth = 0): string | undefined {
  if (!e || typeof e !== 'object' || depth > 5) return undefined;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  return networkCode(e.cause as SdkErrorShape | undefined, depth + 1);
}

/** Classifies any error thrown by an SDK call to `operation` on `on`. */
export function toAwsCallError(err: unknown, operation: string, on: AwsResource): AwsCallError {
  if (err instanceof AwsCallError) return err;
  if (err instanceof AssumeRoleError) return assumeRoleFailure(err, operation, on);
  const e = (err ?? {}) as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const status = e.$metadata?.httpStatusCode;
  const said = scrubSecrets(String(e.message ?? err)).slice(0, 500);
  const where = describeResource(on);
  const make = (code: ErrorCode, kind: AwsErrorKind, what: string, next = '') =>
    new AwsCallError(code, kind, operation, name, scrubSecrets(what), scrubSecrets(next), said);

  const net = networkCode(e);
  if (net || TIMEOUT_NAMES.has(name)) {
    return make(
      'AWS_UNAVAILABLE',
      'retryable',
      `Could not reach AWS for ${operation} on ${where} (${net ?? name}).`,
    );
  }
  if (THROTTLING_NAMES.has(name) || status === 429 || e.$retryable?.throttling === true) {
    return make('AWS_THROTTLED', 'retryable', `AWS throttled ${operation} on ${where}.`);
  }
  if (e.$fault === 'server' || (status !== undefined && status >= 500) || SERVER_NAMES.has(name)) {
    return make(
      'AWS_UNAVAILABLE',
      'retryable',
      `AWS was unavailable for ${operation} on ${where} (${status ?? name}).`,
    );
  }
  if (e.$retryable !== undefined || e.$metadata?.clockSkewCorrected) {
    return make('AWS_UNAVAILABLE', 'retryable', `AWS asked to retry ${operation} on ${where}.`);
  }
  const refusal = refusalOf(name, operation, on, said);
  if (refusal) return make(refusal.code, 'unrecoverable', refusal.what, refusal.next);
  if (e.$fault === 'client' || (status !== undefined && status >= 400)) {
    return make(
      'AWS_REFUSED',
      'unrecoverable',
      `AWS refused ${operation} on ${where} (${name}), so nothing was changed.`,
      'Read what AWS said below; fix the cause in AWS or in the rollback config, then try again.',
    );
  }
  // No sign of where it came from (no SDK metadata): retry, within the job's bounded retries.
  return make(
    'AWS_UNKNOWN',
    'retryable',
    `${operation} on ${where} failed unexpectedly (${name}).`,
  );
}

function assumeRoleFailure(err: AssumeRoleError, operation: string, on: AwsResource): AwsCallError {
  const inner = toAwsCallError(err.cause, 'AssumeRole', on);
  if (inner.kind === 'retryable') {
    return new AwsCallError(
      inner.code,
      'retryable',
      operation,
      inner.awsName,
      `Could not get credentials for ${err.roleArn} (AWS STS) before ${operation} on ${describeResource(on)}: ${inner.what}`,
      '',
      inner.said,
    );
  }
  return new AwsCallError(
    'AWS_CREDENTIALS',
    'unrecoverable',
    operation,
    inner.awsName,
    `The bot could not assume ${err.roleArn} (the environment's roleArn) for ${operation} on ${describeResource(on)}, so nothing was changed.`,
    `Allow sts:AssumeRole on ${err.roleArn} to the bot's own AWS identity, and make the role's trust policy trust that identity (README, "AWS permissions": another account).`,
    inner.said,
  );
}
