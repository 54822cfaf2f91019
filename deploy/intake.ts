// EventBridge → the bot's /aws/events: the connection (API key auth: the x-rollback-bot-secret
// header, its value resolved from Secrets Manager at deploy time and kept by EventBridge), the API
// destination with a rate limit, and one rule target shared by every rule, with a retry policy
// and an SQS dead-letter queue for what still could not be delivered.
import { Duration, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The header /aws/events checks (src/events/shared-secret.ts), compared in constant time. */
export const SHARED_SECRET_HEADER = 'x-rollback-bot-secret';

/** EventBridge's own limits (maximum 185 attempts over at most 24 h); we take all of it. */
export const RETRY = { attempts: 185, maxEventAge: Duration.hours(24) } as const;

export interface IntakeProps {
  /** https://…/aws/events */
  endpoint: string;
  /** Secrets Manager secret (ARN) holding the shared secret, the bot's EVENTS_SHARED_SECRET. */
  secretArn: string;
  /** The key of the value in a JSON secret; '' for a plain-text secret. */
  secretJsonKey: string;
  /** API destination invocations per second (1–300). */
  rateLimitPerSecond: number;
}

export class RollbackBotIntake extends Construct {
  readonly connection: events.Connection;
  readonly destination: events.ApiDestination;
  readonly deadLetterQueue: sqs.Queue;
  /** Add to every rule: POST the whole event, retried, then dead-lettered. */
  readonly target: events.IRuleTarget;

  constructor(scope: Construct, id: string, props: IntakeProps) {
    super(scope, id);
    this.connection = new events.Connection(this, 'Connection', {
      description: 'rollback-bot: the shared secret /aws/events checks',
      authorization: events.Authorization.apiKey(
        SHARED_SECRET_HEADER,
        SecretValue.secretsManager(props.secretArn, { jsonField: props.secretJsonKey }),
      ),
    });
    this.destination = new events.ApiDestination(this, 'Destination', {
      description: 'rollback-bot /aws/events',
      connection: this.connection,
      endpoint: props.endpoint,
      httpMethod: events.HttpMethod.POST,
      rateLimitPerSecond: props.rateLimitPerSecond,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // One role for every rule (aws-cdk-lib makes it once per destination), allowed to invoke
    // this destination only.
    this.target = new targets.ApiDestination(this.destination, {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: RETRY.attempts,
      maxEventAge: RETRY.maxEventAge,
    });
  }
}
