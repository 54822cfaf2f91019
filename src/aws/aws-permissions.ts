// The IAM action and resource each AWS operation the bot calls needs, as the README's
// "AWS permissions" table lists them. Used to say exactly what to grant when AWS denies a call.
import { type Account, roleAccountId } from './aws-clients.js';

/** What an AWS call acted on: enough to name it to a person and to write its ARN. */
export interface AwsResource {
  account: Account;
  pipeline?: string;
  stage?: string;
  application?: string;
  deploymentGroup?: string;
  /** A CodeDeploy deployment known only by its id. */
  deployment?: string;
  /** Alarm names; absent or empty means "alarms in the region". */
  alarms?: readonly string[];
}

type Service = 'codepipeline' | 'codedeploy' | 'cloudwatch';

interface Permission {
  service: Service;
  /** The README table's row ("feature"), so a person can find the grant there. */
  feature: string;
}

const PERMISSIONS: Record<string, Permission> = {
  GetPipeline: { service: 'codepipeline', feature: 'read releases, diff, status' },
  GetPipelineState: { service: 'codepipeline', feature: 'read releases, diff, status' },
  GetPipelineExecution: { service: 'codepipeline', feature: 'read releases, diff, status' },
  ListPipelineExecutions: { service: 'codepipeline', feature: 'read releases, diff, status' },
  ListActionExecutions: { service: 'codepipeline', feature: 'read releases, diff, status' },
  RollbackStage: { service: 'codepipeline', feature: 'roll back a stage' },
  DisableStageTransition: {
    service: 'codepipeline',
    feature: 'lock after rollback, freezes, blocking alarms',
  },
  EnableStageTransition: {
    service: 'codepipeline',
    feature: 'lock after rollback, freezes, blocking alarms',
  },
  StopPipelineExecution: { service: 'codepipeline', feature: 'stop a running execution' },
  GetDeploymentGroup: { service: 'codedeploy', feature: 'CodeDeploy status' },
  GetDeployment: { service: 'codedeploy', feature: 'CodeDeploy status' },
  BatchGetDeployments: { service: 'codedeploy', feature: 'CodeDeploy status' },
  ListDeployments: { service: 'codedeploy', feature: 'CodeDeploy status' },
  GetApplicationRevision: { service: 'codedeploy', feature: 'CodeDeploy status' },
  CreateDeployment: { service: 'codedeploy', feature: 'CodeDeploy rollback' },
  StopDeployment: { service: 'codedeploy', feature: 'CodeDeploy rollback' },
  GetDeploymentConfig: { service: 'codedeploy', feature: 'CodeDeploy rollback' },
  DescribeAlarms: { service: 'cloudwatch', feature: 'alarms (bake window, blocking, recovery)' },
};

/** Operations IAM authorises on the stage (`arn:aws:codepipeline:<region>:<account>:<pipeline>/<stage>`). */
const STAGE_SCOPED: ReadonlySet<string> = new Set([
  'DisableStageTransition',
  'EnableStageTransition',
]);

/** `codepipeline:RollbackStage`; an operation we do not list keeps its bare name. */
export function iamAction(operation: string): string {
  const p = PERMISSIONS[operation];
  return p ? `${p.service}:${operation}` : operation;
}

export function permissionFeature(operation: string): string | undefined {
  return PERMISSIONS[operation]?.feature;
}

/** The ARN(s) the IAM policy must name for `operation` on `on`. */
export function resourceArns(operation: string, on: AwsResource): string[] {
  const service = PERMISSIONS[operation]?.service;
  const { region } = on.account;
  // Our own identity's account id is not in the config: a placeholder stands in.
  const acct = roleAccountId(on.account) ?? '<account>';
  if (service === 'codepipeline' && on.pipeline) {
    // AWS authorises the transition operations on the stage, everything else on the pipeline.
    if (STAGE_SCOPED.has(operation) && on.stage) {
      return [`arn:aws:codepipeline:${region}:${acct}:${on.pipeline}/${on.stage}`];
    }
    return [`arn:aws:codepipeline:${region}:${acct}:${on.pipeline}`];
  }
  if (service === 'codedeploy' && on.application) {
    return on.deploymentGroup
      ? [
          `arn:aws:codedeploy:${region}:${acct}:deploymentgroup:${on.application}/${on.deploymentGroup}`,
        ]
      : [`arn:aws:codedeploy:${region}:${acct}:application:${on.application}`];
  }
  if (service === 'cloudwatch') {
    const names = on.alarms?.length ? on.alarms : ['*'];
    return names.map((n) => `arn:aws:cloudwatch:${region}:${acct}:alarm:${n}`);
  }
  return [];
}

/** "pipeline web-app stage Deploy in us-east-1" */
export function describeResource(on: AwsResource): string {
  const parts: string[] = [];
  if (on.pipeline) parts.push(`pipeline ${on.pipeline}`);
  if (on.stage) parts.push(`stage ${on.stage}`);
  if (on.application) parts.push(`CodeDeploy application ${on.application}`);
  if (on.deploymentGroup) parts.push(`deployment group ${on.deploymentGroup}`);
  if (on.deployment) parts.push(`CodeDeploy deployment ${on.deployment}`);
  if (on.alarms?.length) {
    const shown = on.alarms.slice(0, 3).join(', ');
    parts.push(
      `alarm${on.alarms.length > 1 ? 's' : ''} ${shown}${on.alarms.length > 3 ? ' …' : ''}`,
    );
  } else if (parts.length === 0) parts.push('alarms');
  return `${parts.join(' ')} in ${on.account.region}`;
}

/** Who the bot is when it calls AWS for this account, as a person configures it. */
export function describeIdentity(account: Account): string {
  return account.roleArn
    ? `the role ${account.roleArn} (the environment's roleArn)`
    : "the bot's own AWS identity (its task role, instance profile or credentials)";
}
