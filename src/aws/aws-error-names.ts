// Which AWS SDK exception names (and Node network codes) mean what, for aws-errors.ts. The lists
// follow the SDK's own retry classification (@smithy/core, retry submodule); a name is matched
// exactly, never the words of a message.

/** Node's (and undici's) codes of a failed connection, on the error or its `cause`. */
export const NETWORK_CODES = new Set([
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
export const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
export const THROTTLING_NAMES = new Set([
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
export const SERVER_NAMES = new Set([
  'InternalFailure',
  'InternalServiceError',
  'InternalServiceFault',
  'InternalServerError',
  'InternalServerException',
  'InternalErrorException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);
export const ACCESS_DENIED_NAMES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'NotAuthorized',
]);
export const CREDENTIAL_NAMES = new Set([
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
export const CONFIG_NOT_FOUND_NAMES = new Set([
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
export const RELEASE_NOT_FOUND_NAMES = new Set([
  'PipelineExecutionNotFoundException',
  'DeploymentDoesNotExistException',
  'RevisionDoesNotExistException',
  'InvalidDeploymentIdException',
]);

/** A refusal of the call's input: a validation error or an `Invalid…` name. */
export function isInputRefusal(name: string): boolean {
  return (
    name === 'ValidationException' ||
    name === 'ValidationError' ||
    name === 'MissingParameter' ||
    name === 'InvalidNextToken' ||
    name.startsWith('Invalid') ||
    /(Required|TooLong|LimitExceeded)Exception$/.test(name)
  );
}
