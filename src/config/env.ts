// Process environment: read once, validated, never echoed (it holds secrets).
import { z } from 'zod';
import { parseNoProxy, parseProxyUrl } from '../runtime/proxy-settings.js';
import { ConfigError, zodProblems } from './errors.js';

/**
 * The key prefix every store and queue uses unless told otherwise (REDIS_PREFIX). The braces are
 * a Redis Cluster hash tag: every key lands in one slot, as BullMQ and the Lua scripts need.
 */
export const DEFAULT_PREFIX = '{rollback}';

const url = (what: string) =>
  z.string().refine(
    (v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol.startsWith('redis');
      } catch {
        return false;
      }
    },
    { error: `must be a URL (${what})` },
  );

/**
 * REDIS_URL: one redis:// or rediss:// URL, or (REDIS_MODE=cluster) seed nodes separated by
 * commas. rediss:// is TLS (ElastiCache in-transit encryption); user and password come from the URL.
 */
const redisUrls = z.string().refine(
  (v) =>
    v.split(',').every((part) => {
      try {
        return /^rediss?:$/.test(new URL(part.trim()).protocol);
      } catch {
        return false;
      }
    }),
  {
    error:
      'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379; with REDIS_MODE=cluster one or more seed nodes separated by commas',
  },
);

/** Whether a key starting with `prefix` hashes by a {tag} in it (the first "{" with a "}" after some text). */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  return open >= 0 && prefix.indexOf('}', open + 1) > open + 1;
}

/** A proxy URL; the message never quotes the value (it may hold a password). */
const proxyUrl = z.string().superRefine((v, ctx) => {
  const parsed = parseProxyUrl(v);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});
const noProxy = z.string().superRefine((v, ctx) => {
  const parsed = parseNoProxy(v);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});

const envSchema = z.object({
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-\S+$/, 'must be a bot token starting with xoxb-'),
  /** Verifies /slack/events requests: required over HTTP; unused in Socket Mode (socketModeEnv). */
  SLACK_SIGNING_SECRET: z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'is required when Slack reaches the bot over HTTP (/slack/events): the signing secret from Basic Information (or set SLACK_APP_TOKEN for Socket Mode)'
          : undefined,
    })
    .min(8, 'must be the app signing secret from Basic Information'),
  /** When set, the bot connects with Socket Mode instead of serving /slack/events. */
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-\S+$/, 'must be an app-level token starting with xapp- (connections:write)')
    .optional(),
  /** Overrides the Slack Web API base URL, e.g. the local Slack: http://127.0.0.1:3000/api/ */
  SLACK_API_URL: url('e.g. https://slack.com/api/').optional(),
  /** Requests from another workspace or app are refused when these are set. */
  SLACK_TEAM_ID: z
    .string()
    .regex(/^[TE][A-Z0-9]+$/)
    .optional(),
  SLACK_APP_ID: z
    .string()
    .regex(/^A[A-Z0-9]+$/)
    .optional(),
  REDIS_URL: redisUrls,
  /**
   * single (default): one Redis node (or an ElastiCache primary endpoint). cluster: Redis Cluster
   * or ElastiCache cluster mode; REDIS_URL lists seed nodes (the configuration endpoint will do).
   */
  REDIS_MODE: z.enum(['single', 'cluster']).default('single'),
  /** Key prefix; the {hash tag} keeps every key in one Redis Cluster slot. */
  REDIS_PREFIX: z.string().min(1).default(DEFAULT_PREFIX),
  AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region')
    .optional(),
  /** The SDK's own endpoint override, applied to every AWS client (e.g. the local AWS endpoint). */
  AWS_ENDPOINT_URL: url('e.g. http://127.0.0.1:4566').optional(),
  ROLLBACK_CONFIG: z.string().min(1, 'must be the path of the YAML config'),
  PORT: z.coerce
    .number({ error: 'must be a TCP port number (0-65535)' })
    .int('must be a TCP port number (0-65535)')
    .min(0, 'must be a TCP port number (0-65535)')
    .max(65535, 'must be a TCP port number (0-65535)')
    .default(3000),
  ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Shared secret EventBridge API destinations send in the x-rollback-bot-secret header. */
  EVENTS_SHARED_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Base URL people reach the bot at, for links. */
  PUBLIC_URL: url('e.g. https://rollback.example.com').optional(),
  /**
   * HTTP proxy for https:// (and wss://) connections to Slack and AWS; https_proxy wins when both
   * are set. [user:password@]host[:port], http:// or https://. Default none (direct).
   */
  HTTPS_PROXY: proxyUrl.optional(),
  https_proxy: proxyUrl.optional(),
  /** The same for http:// URLs (a local stand-in, a plain endpoint); http_proxy wins. */
  HTTP_PROXY: proxyUrl.optional(),
  http_proxy: proxyUrl.optional(),
  /** Hosts reached direct: names (also their subdomains), IPs, CIDR ranges, name:port, or *. */
  NO_PROXY: noProxy.optional(),
  no_proxy: noProxy.optional(),
});

/** Socket Mode (SLACK_APP_TOKEN set): no /slack/events, so no signing secret is needed. */
const socketModeEnvSchema = envSchema.extend({
  SLACK_SIGNING_SECRET: envSchema.shape.SLACK_SIGNING_SECRET.optional(),
});

/** The settings that only make sense together: REDIS_MODE with REDIS_URL and REDIS_PREFIX. */
function checkTogether(env: z.infer<typeof socketModeEnvSchema>, ctx: z.RefinementCtx): void {
  if (env.REDIS_MODE === 'single' && env.REDIS_URL.includes(',')) {
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_URL'],
      message: 'lists several nodes: set REDIS_MODE=cluster for a Redis Cluster, or give one URL',
    });
  }
  // BullMQ's scripts and ours touch many keys at once: in a cluster they must share one slot.
  if (env.REDIS_MODE === 'cluster' && !hasHashTag(env.REDIS_PREFIX)) {
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_PREFIX'],
      message: `must contain a {hash tag} with REDIS_MODE=cluster, e.g. ${DEFAULT_PREFIX} (the default), so every key lands in one cluster slot`,
    });
  }
}

export type Env = z.infer<typeof socketModeEnvSchema>;

/** Validates the process environment. Messages name the variable, never its value. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = source[key];
    if (v !== undefined && v !== '') picked[key] = v;
  }
  const schema = (picked.SLACK_APP_TOKEN ? socketModeEnvSchema : envSchema).superRefine(
    checkTogether,
  );
  const result = schema.safeParse(picked, { reportInput: true });
  if (!result.success) throw new ConfigError('the environment', zodProblems(result.error));
  return result.data;
}
