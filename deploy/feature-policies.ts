// One IAM managed policy per feature (permissions.ts), for the bot's own identity or for an
// environment's role. Attach them to whatever runs the bot; the Fargate stack does it itself.
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { FeaturePolicy } from './permissions.js';

export class FeaturePolicies extends Construct {
  readonly policies: iam.ManagedPolicy[];

  constructor(scope: Construct, id: string, features: FeaturePolicy[]) {
    super(scope, id);
    this.policies = features.map(
      (f) =>
        new iam.ManagedPolicy(this, f.id, {
          description: `rollback-bot: ${f.feature}`,
          statements: f.statements.map(
            (s) => new iam.PolicyStatement({ actions: s.actions, resources: s.resources }),
          ),
        }),
    );
  }
}
