import { format } from 'node:util';
import pino, { type Logger } from 'pino';

/** Paths pino blanks out wherever they appear in a log object. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  'signingSecret',
  '*.signingSecret',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-slack-signature"]',
  'headers["x-rollback-bot-secret"]',
  'credentials',
  '*.credentials',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'EVENTS_SHARED_SECRET',
  'REDIS_URL',
];

const SECRET_PATTERNS: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g, // Slack tokens
  /xapp-[A-Za-z0-9-]+/g,
  /(redis(s)?:\/\/[^:/@\s]*:)[^@\s]+@/g, // password in a Redis URL
  /(AKIA|ASIA)[A-Z0-9]{16}/g, // AWS access key ids
];

/** Removes things that look like credentials from free text (error messages, AWS answers). */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) {
    out = out.replace(re, (_m, keep?: string) =>
      typeof keep === 'string' && keep.startsWith('redis') ? `${keep}[redacted]@` : '[redacted]',
    );
  }
  return out;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'rollback-bot' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (err: unknown) => {
          // Not an error (a string, a plain value): a log call must never throw.
          if (typeof err === 'string') return scrubSecrets(err);
          const s = pino.stdSerializers.err(err as Error);
          if (typeof s?.message !== 'string') return s;
          return {
            ...s,
            message: scrubSecrets(s.message),
            stack: s.stack && scrubSecrets(s.stack),
          };
        },
      },
    },
    destination,
  );
}

/**
 * Keeps the rest of the process's output JSON: Node's warnings (the AWS SDK warns about the Node
 * version through them), which Node prints as plain text, and console.* from libraries (BullMQ
 * prints errors nobody listened for with console.error). Lines from console carry `console`.
 */
export function routeProcessOutput(log: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (w) =>
    log.warn(
      { warning: { name: w.name, code: (w as { code?: string }).code, message: w.message } },
      'process warning',
    ),
  );
  const levels = {
    error: 'error',
    warn: 'warn',
    info: 'info',
    log: 'info',
    debug: 'debug',
  } as const;
  for (const [method, level] of Object.entries(levels)) {
    console[method as keyof typeof levels] = (...args: unknown[]) =>
      log[level]({ console: method }, format(...args));
  }
}

export type { Logger };
