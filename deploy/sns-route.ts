// Optional: the SNS route, for teams whose pipeline notifications and alarm actions go through
// SNS. One topic subscribed to /aws/events over HTTPS (raw delivery off: the bot checks the
// envelope's signature), a CodeStar notification rule per guarded pipeline of the home site
// publishing to it, and a topic policy that lets CloudWatch alarm actions of this account publish
// too (add the topic to an alarm's actions yourself). The bot accepts only the topics listed in
// its config's events.snsTopics.
import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as notifications from 'aws-cdk-lib/aws-codestarnotifications';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { SiteResources } from './install-plan.js';

export const SNS_TOPIC_NAME = 'rollback-bot-events';

/** Every pipeline-, stage- and action-level notification (the bot routes by stage itself). */
const PIPELINE_EVENTS = Object.entries({
  pipeline: ['started', 'succeeded', 'failed', 'canceled', 'resumed', 'superseded'],
  stage: ['started', 'succeeded', 'failed', 'canceled', 'resumed'],
  action: ['started', 'succeeded', 'failed', 'canceled'],
}).flatMap(([level, states]) => states.map((s) => `codepipeline-pipeline-${level}-execution-${s}`));

export interface SnsRouteProps {
  botUrl: string;
  /** The home site's resources (the notification rules live next to their pipelines). */
  home?: SiteResources;
  /** config events.snsTopics, to warn when the topic is missing there. */
  acceptedTopics: string[];
}

export class SnsRoute extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: SnsRouteProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.topic = new sns.Topic(this, 'Topic', { topicName: SNS_TOPIC_NAME, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmActionsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    new sns.Subscription(this, 'ToBot', {
      topic: this.topic,
      protocol: sns.SubscriptionProtocol.HTTPS,
      endpoint: `${props.botUrl}/aws/events`,
      rawMessageDelivery: false,
    });
    for (const p of props.home?.pipelines ?? []) {
      const sourceArn = `arn:${stack.partition}:codepipeline:${stack.region}:${stack.account}:${p.pipeline}`;
      new notifications.NotificationRule(this, `Pipeline-${p.pipeline}`, {
        notificationRuleName: `rollback-bot-${p.pipeline}`.slice(0, 64),
        detailType: notifications.DetailType.FULL,
        events: PIPELINE_EVENTS,
        source: { bindAsNotificationRuleSource: () => ({ sourceArn }) },
        targets: [this.topic],
      });
    }
    this.warnUnlessAccepted(props.acceptedTopics, stack);
  }

  private warnUnlessAccepted(accepted: string[], stack: Stack): void {
    const suffix = `:sns:${stack.region}:`;
    const listed = accepted.some(
      (arn) =>
        arn.includes(suffix) &&
        arn.endsWith(`:${SNS_TOPIC_NAME}`) &&
        (Token.isUnresolved(stack.account) || arn.includes(`:${stack.account}:`)),
    );
    if (!listed) {
      Annotations.of(this).addWarningV2(
        'rollback-bot:snsTopicNotAccepted',
        `Add arn:aws:sns:${stack.region}:<account>:${SNS_TOPIC_NAME} to events.snsTopics in the bot's config, or /aws/events refuses its notifications (topic_not_allowed).`,
      );
    }
  }
}
