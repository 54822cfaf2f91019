// What to tell a person when AWS refused a call (access, credentials, conflicts, missing names,
// bad input): the code (domain/errors.ts), what happened, and the next step. aws-errors.ts decides
// first whether an error is a refusal at all or worth retrying.
import type { ErrorCode } from '../domain/errors.js';
import {
  ACCESS_DENIED_NAMES,
  CONFIG_NOT_FOUND_NAMES,
  CREDENTIAL_NAMES,
  isInputRefusal,
  RELEASE_NOT_FOUND_NAMES,
} from './aws-error-names.js';
import {
  type AwsResource,
  describeIdentity,
  describeResource,
  iamAction,
  permissionFeature,
  resourceArns,
} from './aws-permissions.js';

/** A refusal, worded: its code, what happened and what to do about it. */
export interface Refusal {
  code: ErrorCode;
  what: string;
  next: string;
}

/** What AWS's exception `name` refuses, worded for a person; undefined for no known refusal. */
export function refusalOf(
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
