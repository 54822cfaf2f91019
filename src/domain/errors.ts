// The one error catalogue: every code an error of the bot's carries, each with what it means. An
// error a person or an operator may see is a CodedError (or a subclass) with one of these codes;
// callers recognise it by its class or its code, never by the words of its message. Nobody
// invents a code: a new one is added here, with its meaning.
//
// Not in the catalogue: the jobs' flow signals (RetryLater, GiveUp in src/jobs/processor.ts, a
// busy reaction), which are classes recognised by instanceof and never shown to anyone.

export const ERROR_CODES = {
  // Requests
  UNKNOWN_ENVIRONMENT: 'No environment of that name in the configuration.',
  UNKNOWN_STAGE: 'The environment does not guard a stage of that name.',
  STAGE_REQUIRED: 'The environment guards several stages and none was named.',
  TARGET_REFUSED: 'The rollback has no target it may go to: the message says why.',
  REQUEST_NOT_FOUND: 'No request of that id, or not in the state this step needs.',
  NOT_LOCKABLE: 'A CodeDeploy group has no stage transition to lock or unlock.',
  APPROVERS_UNAVAILABLE: 'Slack could not say who is in a user group: nobody is let in through it.',
  // Start-up (the process cannot run as configured)
  CONFIG_INVALID: 'The configuration or the environment variables cannot be used.',
  REDIS_UNSUITABLE:
    'Redis is older than 6.2, or may evict keys (and so queued jobs) under memory pressure.',
  REDIS_TOPOLOGY:
    'REDIS_MODE does not match the Redis reached: a cluster node in single mode, or the reverse.',
  // Event intake
  SNS_CERT_UNAVAILABLE: 'The SNS signing certificate could not be fetched or read (AWS retries).',
  SNS_CERT_NOT_VALID: 'The SNS signing certificate is not valid now.',
  // AWS outcomes: src/aws/aws-errors.ts maps every SDK error to one of these
  AWS_THROTTLED: 'AWS throttled the call; worth trying again.',
  AWS_UNAVAILABLE: 'AWS could not be reached or failed on its side; worth trying again.',
  AWS_CONFLICT: 'AWS refused: the pipeline or deployment group is busy with another run.',
  AWS_UNABLE_TO_ROLLBACK: 'CodePipeline cannot roll this stage back to that execution.',
  AWS_OUTDATED: 'The execution is older than what the stage allows to run again.',
  AWS_VALIDATION: 'AWS rejected the call’s input.',
  AWS_ACCESS_DENIED: 'The bot’s identity lacks a permission the call needs.',
  AWS_CREDENTIALS: 'AWS did not accept the bot’s credentials, or its role could not be assumed.',
  AWS_REFUSED: 'AWS refused the call for another reason it names.',
  AWS_NOT_FOUND: 'AWS does not know the pipeline, stage, execution or deployment named.',
  AWS_DEPLOYMENT_LIMIT: 'CodeDeploy’s limit of deployments at once is reached.',
  AWS_UNKNOWN: 'The call failed with no sign of why; retried within the job’s bounds.',
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error with a code from the catalogue; its message is one sentence a person can act on. */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CodedError';
  }
}

/** True for an error of the catalogue: its message is meant for the person who asked. */
export function isCodedError(err: unknown): err is CodedError {
  return err instanceof CodedError;
}
