// The single values a config file holds (Slack ids, AWS names, regions, time zones, cron
// windows, local date-times), each with the one readable message a wrong value gets.
import { Cron } from 'croner';
import { z } from 'zod';

export const slackChannelId = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123ABCD (not a #name)');

export const slackPrincipal = z
  .string()
  .regex(
    /^[UWS][A-Z0-9]{2,}$/,
    'must be a Slack user id (U…/W…) or user-group id (S…), not a name or @handle',
  );

export const awsName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9.@\-_]+$/, 'may contain only letters, digits and . @ - _ (max 100)');

export const region = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1');

export const roleArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN');

export const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: (iss) => `unknown IANA time zone "${String(iss.input)}", e.g. Europe/Berlin` },
);

export const cronExpression = z.string().refine(
  (expr) => {
    try {
      new Cron(expr, { paused: true });
      return true;
    } catch {
      return false;
    }
  },
  { error: (iss) => `invalid cron expression "${String(iss.input)}"` },
);

export const localDateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/,
    'must be a local date-time such as 2026-12-19T18:00 (read in the time zone of the windows)',
  );
