// A stack for a site other than the bot's (another region, another account, or both): rules with
// the same patterns as the bot's own, forwarding the matching events to the bot's intake bus. One
// role may put events on that bus only; what it cannot deliver lands in a local dead-letter queue.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { sitePatterns } from './event-patterns.js';
import { INTAKE_BUS_NAME } from './events-stack.js';
import type { SiteResources } from './install-plan.js';
import { deployOnlyIn } from './region-rule.js';

export interface ForwarderStackProps extends StackProps {
  resources: SiteResources;
  /** The bot's account; undefined: this stack's own (another region of the bot's account). */
  botAccount?: string;
  botRegion: string;
}

export class RollbackBotForwarderStack extends Stack {
  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, {
      description: `rollback-bot: forwards the events the bot needs from ${props.resources.site.region} to its intake bus`,
      ...props,
    });
    const busArn = `arn:${this.partition}:events:${props.botRegion}:${props.botAccount ?? this.account}:event-bus/${INTAKE_BUS_NAME}`;
    const bus = events.EventBus.fromEventBusArn(this, 'IntakeBus', busArn);
    const role = new iam.Role(this, 'ForwardRole', {
      description: "rollback-bot: puts this site's events on the bot's intake bus",
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
    });
    const deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const target = new targets.EventBus(bus, { role, deadLetterQueue });
    for (const r of sitePatterns(props.resources, props.resources.site.account ?? this.account)) {
      new events.Rule(this, r.id, {
        description: r.description,
        eventPattern: r.pattern,
        targets: [target],
      });
    }
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: deadLetterQueue.queueUrl });
    deployOnlyIn(this, props.resources.site.region, 'the region whose events its rules forward');
  }
}
