// A stack for another account: the roles the config's environments name (roleArn), each with the
// feature policies for exactly that environment's resources, assumable from the bot's account
// (and, when the bot's role is named, by that role only).
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { FeaturePolicies } from './feature-policies.js';
import type { Grant } from './install-plan.js';
import { featurePolicies } from './permissions.js';

export interface EnvironmentRolesStackProps extends StackProps {
  /** The grants whose roles live in this stack's account. */
  grants: Grant[];
  /** The account the bot runs in. */
  botAccount: string;
  /** The name of the bot's own role there, to trust that role only. Default: the account. */
  botRoleName?: string;
}

/** arn:aws:iam::<account>:role/<path…>/<name> → path and name. */
export function roleNameAndPath(roleArn: string): { roleName: string; path: string } {
  const resource = roleArn.split(':').slice(5).join(':');
  const parts = resource.replace(/^role\//, '').split('/');
  const roleName = parts.pop()!;
  return { roleName, path: parts.length > 0 ? `/${parts.join('/')}/` : '/' };
}

export class RollbackBotEnvironmentRolesStack extends Stack {
  readonly roles: iam.Role[] = [];

  constructor(scope: Construct, id: string, props: EnvironmentRolesStackProps) {
    super(scope, id, {
      description: "rollback-bot: the roles the bot assumes for this account's environments",
      ...props,
    });
    props.grants.forEach((grant, i) => {
      const { roleName, path } = roleNameAndPath(grant.roleArn!);
      const principal = new iam.AccountPrincipal(props.botAccount);
      const role = new iam.Role(this, `Role${i}-${roleName}`, {
        roleName,
        path,
        description: 'rollback-bot: reads and rolls back the environments that name this role',
        assumedBy: props.botRoleName
          ? principal.withConditions({
              ArnEquals: {
                'aws:PrincipalArn': `arn:${this.partition}:iam::${props.botAccount}:role/${props.botRoleName}`,
              },
            })
          : principal,
      });
      const features = featurePolicies(grant.resources, (s) => s.account!, this.partition);
      const policies = new FeaturePolicies(this, `Permissions${i}-${roleName}`, features);
      for (const p of policies.policies) role.addManagedPolicy(p);
      this.roles.push(role);
    });
  }
}
