// AWS SDK errors → coded engine errors a person can act on. Retries belong to the job (so they
// are visible in the request record); this module only says which errors are worth retrying,
// and for a refusal, what to do about it.
//
// Classification uses what the SDK says, never the words of a message: the exception's `name`,
// `$fault`, `$metadata.httpStatusCode`, `$retryable`, and Node's `code` on the error or its
// `cause` for network failures. (AWS's messages name ARNs such as arn:aws:codepipeline:…, whose
// letters contain "EPIPE": matching words once retried every IAM denial as an outage.)
// The name lists follow the SDK's own retry classification (@smithy/core, retry submodule).
import { EngineError, type EngineErrorCode } from '../domain/engine-errors.js';
import { scrubSecrets } from '../log.js';
import { AssumeRoleError } from './aws-clients.js';
import {
  type AwsResource,
  describeIdentity,
  describeResource,
  iamAction,
  permissionFeature,
  resourceArns,
} from './aws-permissions.js';

export type { AwsResource } from './aws-permissions.js';

/** retryable: an outage or throttling, worth trying again. unrecoverable: AWS refused. */
export type AwsErrorKind = 'retryable' | 'unrecoverable';

export class AwsCallError extends EngineError {
  constructor(
    code: EngineErrorCode,
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

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_HTTP2_STREAM_ERROR',
]);
/** Names the SDK gives timeouts of its own (socket, connection, request). */
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const THROTTLING_NAMES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
/** Server-side names, for errors that arrive without metadata. */
const SERVER_NAMES = new Set([
  'InternalFailure',
  'InternalServiceError',
  'InternalServiceFault',
  'InternalServerError',
  'InternalServerException',
  'InternalErrorException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);
const ACCESS_DENIED_NAMES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'NotAuthorized',
]);
const CREDENTIAL_NAMES = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'AuthFailure',
  'CredentialsProviderError',
]);
/** The configured thing is not there (a name, region or account in the config is wrong). */
const CONFIG_NOT_FOUND_NAMES = new Set([
  'PipelineNotFoundException',
  'StageNotFoundException',
  'PipelineVersionNotFoundException',
  'ApplicationDoesNotExistException',
  'DeploymentGroupDoesNotExistException',
  'DeploymentConfigDoesNotExistException',
  'ResourceNotFound',
  'ResourceNotFoundException',
]);
/** A release the request names is gone (history is kept 12 months) or never existed. */
const RELEASE_NOT_FOUND_NAMES = new Set([
  'PipelineExecutionNotFoundException',
  'DeploymentDoesNotExistException',
  'RevisionDoesNotExistException',
  'InvalidDeploymentIdException',
]);

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
  const make = (code: EngineErrorCode, kind: AwsErrorKind, what: string, next = '') =>
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

interface Refusal {
  code: EngineErrorCode;
  what: string;
  next: string;
}

function refusalOf(
  name: string,
  operation: string,
  on: AwsResource,
  said: string,
): Refusal | undefined {
  const where = describeResource(on);
  if (ACCESS_DENIED_NAMES.has(name)) return accessDenied(operation, on);
  if (CREDENTIAL_NAMES.has(name)) {
    return {
      code: 'AWS_CREDENTIALS',
      what: `AWS did not accept the credentials of ${describeIdentity(on.account)} for ${operation} on ${where} (${name}), so nothing was changed.`,
      next: on.account.roleArn
        ? 'Check that the role exists and that the bot can still assume it (its session may have expired); the platform team can see the bot logs.'
        : 'Give the bot valid AWS credentials (task role, instance profile or environment variables) and restart it; expired or revoked keys cause this.',
    };
  }
  switch (name) {
    case 'ConflictException':
      return {
        code: 'AWS_CONFLICT',
        what: `AWS refused ${operation} on ${where} because the pipeline is busy: another execution or rollback is running there. Nothing was changed.`,
        next: 'Watch the stage (/rollback status), and request the rollback again once the running execution has ended, or stop it in the CodePipeline console if it is the bad release.',
      };
    case 'DeploymentLimitExceededException':
      return {
        code: 'AWS_DEPLOYMENT_LIMIT',
        what: `Another deployment is already running in ${where}, and CodeDeploy allows one at a time. Nothing was changed.`,
        next: 'Wait for it to end, or stop it in the CodeDeploy console, then request the rollback again.',
      };
    case 'DeploymentAlreadyCompletedException':
    case 'PipelineExecutionNotStoppableException':
    case 'DuplicatedStopRequestException':
      return {
        code: 'AWS_CONFLICT',
        what: `AWS refused ${operation} on ${where}: the deployment or execution has already ended or is already stopping.`,
        next: 'Check /rollback status; if the bad release is still live, request the rollback again to redeploy the last good one.',
      };
    case 'UnableToRollbackStageException':
      return {
        code: 'AWS_UNABLE_TO_ROLLBACK',
        what: `AWS cannot roll back ${where} to this release, so nothing was changed.`,
        next: 'The target must have succeeded in this stage on the current pipeline version and not be a rollback itself, and the stage must not be running. Wait until the stage is idle, or choose another release (Choose another release…).',
      };
    case 'PipelineExecutionOutdatedException':
      return {
        code: 'AWS_OUTDATED',
        what: `The target release ran on an older version of the pipeline's structure (${where}), and AWS rolls back only to releases of the current version.`,
        next: 'Choose a release that ran after the pipeline was last changed (Choose another release…).',
      };
    default:
      break;
  }
  if (CONFIG_NOT_FOUND_NAMES.has(name)) {
    return {
      code: 'AWS_NOT_FOUND',
      what: `AWS found no ${where} for ${operation} (${name}).`,
      next: `Check the names, region and account of this environment in the rollback config against AWS${on.account.roleArn ? ` (the role ${on.account.roleArn} decides the account)` : ''}, then restart the bot with the fixed config.`,
    };
  }
  if (RELEASE_NOT_FOUND_NAMES.has(name)) {
    return {
      code: 'AWS_NOT_FOUND',
      what: `AWS no longer knows the release this needs on ${where} (${name}); CodePipeline keeps 12 months of history.`,
      next: 'Choose another release (Choose another release…, or /rollback <env> <stage> to <execution-id>).',
    };
  }
  if (isInputRefusal(name)) return invalidInput(name, operation, on, said);
  return undefined;
}

function isInputRefusal(name: string): boolean {
  return (
    name === 'ValidationException' ||
    name === 'ValidationError' ||
    name === 'MissingParameter' ||
    name === 'InvalidNextToken' ||
    name.startsWith('Invalid') ||
    /(Required|TooLong|LimitExceeded)Exception$/.test(name)
  );
}

function accessDenied(operation: string, on: AwsResource): Refusal {
  const action = iamAction(operation);
  const arns = resourceArns(operation, on);
  const feature = permissionFeature(operation);
  return {
    code: 'AWS_ACCESS_DENIED',
    what: `AWS denied ${action} on ${describeResource(on)} to ${describeIdentity(on.account)}, so nothing was changed.`,
    next: `Allow ${action}${arns.length ? ` on ${arns.join(', ')}` : ''} in that identity's IAM policy${feature ? ` (README, "AWS permissions": ${feature})` : ''}, then try again. The bot does not retry a denial.`,
  };
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

/** The request member AWS named in a validation message ("… at 'stageName' failed …"), if any. */
function rejectedMember(said: string): string | undefined {
  return /\bat '([A-Za-z.]+)'/.exec(said)?.[1];
}

const MEMBER_FIX: Record<string, (on: AwsResource) => string> = {
  pipelineName: (on) =>
    `The pipeline name (${on.pipeline ?? '?'}) comes from the rollback config: correct it there.`,
  name: (on) =>
    `The pipeline name (${on.pipeline ?? '?'}) comes from the rollback config: correct it there.`,
  stageName: (on) =>
    `The stage name (${on.stage ?? '?'}) comes from the rollback config or the command: check the stage's exact name in the pipeline.`,
  targetPipelineExecutionId: () =>
    'The target release id must be a pipeline execution id (a UUID): choose the release from Choose another release…, or give its full id.',
  pipelineExecutionId: () =>
    'The release id must be a pipeline execution id (a UUID): choose the release from the list instead.',
  applicationName: (on) =>
    `The CodeDeploy application (${on.application ?? '?'}) comes from the rollback config: correct it there.`,
  deploymentGroupName: (on) =>
    `The deployment group (${on.deploymentGroup ?? '?'}) comes from the rollback config: correct it there.`,
  AlarmNames: () =>
    'The alarm names come from the rollback config: each must be an exact alarm name, at most 100 per environment.',
};

function invalidInput(name: string, operation: string, on: AwsResource, said: string): Refusal {
  const where = describeResource(on);
  const member = rejectedMember(said);
  const fix = member ? MEMBER_FIX[member]?.(on) : undefined;
  if (name === 'InvalidNextTokenException' || name === 'InvalidNextToken') {
    return {
      code: 'AWS_VALIDATION',
      what: `AWS refused to continue listing for ${operation} on ${where}: the page token expired.`,
      next: 'Try again; the listing starts over.',
    };
  }
  if (name === 'InvalidRoleException') {
    return {
      code: 'AWS_VALIDATION',
      what: `CodeDeploy refused ${operation} on ${where}: the deployment group's service role is missing or cannot be assumed by CodeDeploy.`,
      next: 'Fix the deployment group’s service role in CodeDeploy (it is not the bot’s role), then request the rollback again.',
    };
  }
  return {
    code: 'AWS_VALIDATION',
    what: `AWS rejected the input of ${operation} on ${where}${member ? ` (the field ${member})` : ''} (${name}), so nothing was changed.`,
    next:
      fix ??
      (operation === 'RollbackStage'
        ? 'Check the stage name and the target release: choose the release from Choose another release… rather than typing its id.'
        : 'Check the names for this environment in the rollback config; if they are right, this is a bot bug: report it with the request id.'),
  };
}
