// The stack in the bot's own account and region: the intake (connection, API destination, DLQ),
// the rules for the events of the home site, an intake bus with its rules for the events other
// sites forward (and the bus policy letting other accounts put them), and the bot's own IAM
// policies, one per feature. Deploy-time values are CloudFormation parameters, so the same stack
// is the committed plain template (cloudformation/rollback-bot-events.yml).
import { CfnOutput, CfnParameter, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { sitePatterns } from './event-patterns.js';
import { FeaturePolicies } from './feature-policies.js';
import { type InstallPlan, isHome, otherAccounts, type SiteResources } from './install-plan.js';
import { RollbackBotIntake } from './intake.js';
import { featurePolicies } from './permissions.js';
import { deployOnlyIn } from './region-rule.js';
import { SnsRoute } from './sns-route.js';

/** The bus other sites forward to; its name is fixed so their rules can name it. */
export const INTAKE_BUS_NAME = 'rollback-bot-intake';

export interface EventsStackProps extends StackProps {
  plan: InstallPlan;
  /** The bot's URL, https://host (no path): the default of the BotUrl parameter. */
  botUrl?: string;
  /** The Secrets Manager secret with EVENTS_SHARED_SECRET: the default of BotSecretArn. */
  secretArn?: string;
  /** The rules and API destination (default true); without them, only the IAM policies. */
  intake?: boolean;
  /** Create an SNS topic subscribed to /aws/events and CodeStar notification rules on it. */
  sns?: boolean;
}

export class RollbackBotEventsStack extends Stack {
  readonly intake?: RollbackBotIntake;
  /** The bot's own IAM policies, one per feature, to attach to whatever runs it. */
  readonly policies: iam.ManagedPolicy[];

  constructor(scope: Construct, id: string, props: EventsStackProps) {
    super(scope, id, {
      description: 'rollback-bot: EventBridge rules and API destination to /aws/events, IAM',
      ...props,
    });
    const { plan } = props;
    // CloudFormation's validator takes parameter names with "Secret" for passwords; these hold an
    // ARN and a JSON key, which the stack's events show as they are.
    Validations.of(this).acknowledge({
      id: 'CloudFormation-Validate::W2509',
      reason: 'BotSecretArn and BotSecretJsonKey hold an ARN and a key name, not a secret',
    });
    if (props.intake ?? true) this.intake = this.addIntake(props);
    const own = plan.grants.find((g) => g.roleArn === undefined)!;
    const roles = plan.grants.flatMap((g) => (g.roleArn ? [g.roleArn] : []));
    const features = featurePolicies(own.resources, () => this.account, this.partition, roles);
    this.policies = new FeaturePolicies(this, 'Permissions', features).policies;
    features.forEach((f, i) => {
      new CfnOutput(this, `Policy${f.id}`, {
        description: `rollback-bot: ${f.feature}`,
        value: this.policies[i]!.managedPolicyArn,
      });
    });
    deployOnlyIn(this, plan.home.region, 'the region the bot runs in, whose events its rules name');
  }

  private addIntake(props: EventsStackProps): RollbackBotIntake {
    const { plan } = props;
    const p = this.parameters(props);
    const intake = new RollbackBotIntake(this, 'Intake', {
      endpoint: `${p.botUrl}/aws/events`,
      secretArn: p.secretArn,
      secretJsonKey: p.secretJsonKey,
      rateLimitPerSecond: p.rateLimit,
    });
    const remote = plan.sites.filter((s) => !isHome(plan, s.site));
    const home = plan.sites.find((s) => isHome(plan, s.site));
    if (home) this.addRules(intake, 'Home', home);
    if (remote.length > 0) {
      const bus = new events.EventBus(this, 'IntakeBus', { eventBusName: INTAKE_BUS_NAME });
      for (const account of otherAccounts(plan)) {
        bus.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: `rollback-bot-forward-from-${account}`,
            principals: [new iam.AccountPrincipal(account)],
            actions: ['events:PutEvents'],
            resources: [bus.eventBusArn],
          }),
        );
      }
      for (const r of remote) {
        this.addRules(intake, `From-${r.site.account ?? 'home'}-${r.site.region}`, r, bus);
      }
      new CfnOutput(this, 'IntakeBusArn', { value: bus.eventBusArn });
    }
    if (props.sns) {
      new SnsRoute(this, 'Sns', { botUrl: p.botUrl, home, acceptedTopics: plan.snsTopics });
    }
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: intake.deadLetterQueue.queueUrl });
    return intake;
  }

  private addRules(
    intake: RollbackBotIntake,
    prefix: string,
    site: SiteResources,
    eventBus?: events.IEventBus,
  ): void {
    for (const r of sitePatterns(site, site.site.account ?? this.account)) {
      new events.Rule(this, `${prefix}-${r.id}`, {
        description: r.description,
        eventBus,
        eventPattern: r.pattern,
        targets: [intake.target],
      });
    }
  }

  private parameters(props: EventsStackProps) {
    const botUrl = new CfnParameter(this, 'BotUrl', {
      description:
        "The bot's public URL, https://host with no path; events go to <BotUrl>/aws/events",
      allowedPattern: '^https://[^/]+$',
      ...(props.botUrl ? { default: props.botUrl } : {}),
    });
    const secretArn = new CfnParameter(this, 'BotSecretArn', {
      description: 'ARN of the Secrets Manager secret holding the bot secret EVENTS_SHARED_SECRET',
      allowedPattern: '^arn:aws[a-z-]*:secretsmanager:.+$',
      ...(props.secretArn ? { default: props.secretArn } : {}),
    });
    const secretJsonKey = new CfnParameter(this, 'BotSecretJsonKey', {
      description:
        'The JSON key of EVENTS_SHARED_SECRET in that secret; empty for a plain-text secret',
      default: 'EVENTS_SHARED_SECRET',
    });
    const rateLimit = new CfnParameter(this, 'InvocationRateLimitPerSecond', {
      type: 'Number',
      description: 'How many events per second EventBridge may POST to the bot (1-300)',
      default: 20,
      minValue: 1,
      maxValue: 300,
    });
    return {
      botUrl: botUrl.valueAsString,
      secretArn: secretArn.valueAsString,
      secretJsonKey: secretJsonKey.valueAsString,
      rateLimit: rateLimit.valueAsNumber,
    };
  }
}
