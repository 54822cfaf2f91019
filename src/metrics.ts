// Prometheus metrics. One registry per process (tests build their own).
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rollback_bot_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'rollback_bot_http_requests_total',
      help: 'HTTP requests served, by route and status code',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    redisUp: new Gauge({
      name: 'rollback_bot_redis_up',
      help: '1 when the last readiness check reached Redis, else 0',
      registers: [registry],
    }),
    environments: new Gauge({
      name: 'rollback_bot_environments',
      help: 'Environments in the loaded configuration',
      registers: [registry],
    }),
    slackRequests: new Counter({
      name: 'rollback_bot_slack_requests_total',
      help: 'Slack commands and interactions received, by kind and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    awsEvents: new Counter({
      name: 'rollback_bot_aws_events_total',
      help: 'AWS events received at /aws/events, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    eventsUnreadable: new Counter({
      name: 'rollback_bot_events_unreadable_total',
      help: 'Bodies at /aws/events of a shape the bot cannot read, by route (eventbridge, sns) and shape (source|detail-type|top-level keys)',
      labelNames: ['route', 'shape'] as const,
      registers: [registry],
    }),
    rollbacks: new Counter({
      name: 'rollback_bot_rollbacks_total',
      help: 'Rollback requests by final state',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    guardrailsChecks: new Counter({
      name: 'rollback_bot_guardrails_environment_checks_total',
      help: 'Deploy-block reconciles per environment: read (AWS was read) or skipped (nothing to enforce)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    missedFailures: new Counter({
      name: 'rollback_bot_startup_missed_failures_total',
      help: 'Stage failures the start-up check found: enqueued (no event had brought them), duplicate (already taken), and pipelines it could not read (unreadable)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    pollerAwsCalls: new Counter({
      name: 'rollback_bot_poller_aws_calls_total',
      help: 'AWS API calls made by the event poller, by operation',
      labelNames: ['operation'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
