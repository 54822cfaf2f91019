// Process environment: read once, validated, never echoed (it holds secrets).
import { z } from 'zod';
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

const envSchema = z.object({
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-\S+$/, 'must be a bot token starting with xoxb-'),
  SLACK_SIGNING_SECRET: z.string().min(8, 'must be the app signing secret from Basic Information'),
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
  REDIS_URL: url('e.g. redis://127.0.0.1:6379 or rediss://…'),
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
});

export type Env = z.infer<typeof envSchema>;

/** Validates the process environment. Messages name the variable, never its value. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = source[key];
    if (v !== undefined && v !== '') picked[key] = v;
  }
  const result = envSchema.safeParse(picked, { reportInput: true });
  if (!result.success) throw new ConfigError('the environment', zodProblems(result.error));
  return result.data;
}
