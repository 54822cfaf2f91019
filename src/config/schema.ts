// The YAML configuration a platform team writes: environments, groups, policies.
// Parsed once at start-up; every problem is reported with its key path. One environment's keys
// are in environment-schema.ts, single values in value-schemas.ts, rules that span keys in
// config-checks.ts.
import { z } from 'zod';
import { checkConfigFile } from './config-checks.js';
import { duration } from './duration.js';
import {
  approvalSettings,
  autoRollbackPolicy,
  environment,
  feedMode,
  group,
  suppressedAlarmsPolicy,
} from './environment-schema.js';
import { permissionsSettings } from './permissions-schema.js';
import { region, slackPrincipal, timeZone } from './value-schemas.js';

export const rawConfigSchema = z
  .strictObject({
    defaults: z
      .strictObject({
        timezone: timeZone.optional(),
        region: region.optional(),
        approvers: z.array(slackPrincipal).optional(),
        approval: approvalSettings.omit({ when: true }).optional(),
        bake: duration.optional(),
        autoRollback: autoRollbackPolicy.optional(),
        feed: feedMode.optional(),
        /** `suppressedAlarms` for environments that set none (block | ignore). Default block. */
        suppressedAlarms: suppressedAlarmsPolicy.optional(),
        /** Permissions for environments that set none. */
        permissions: permissionsSettings.optional(),
      })
      .optional(),
    access: z
      .strictObject({
        /** May request, cancel, unlock, freeze and unfreeze on any environment, from any channel (not approve). */
        admins: z.array(slackPrincipal).optional(),
        /** May freeze and unfreeze. Default: admins and approvers. */
        freezers: z.array(slackPrincipal).optional(),
      })
      .optional(),
    events: z
      .strictObject({
        /** SNS topics whose notifications /aws/events accepts. */
        snsTopics: z
          .array(z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:.+$/))
          .optional(),
        poll: z
          .strictObject({
            enabled: z.boolean(),
            /** How often AWS is polled. Default 1m. */
            interval: duration.optional(),
            /** AWS calls one poll may make; the rest wait for the next poll. Default 100. */
            maxCallsPerTick: z.number().int().min(1).max(10_000).optional(),
          })
          .optional(),
        /**
         * At start-up, a guarded stage that failed this long ago or less, and that no event
         * brought to the bot, is acted on once (as its event would have been). Default 1h;
         * `off` turns the check off. At most 24h: the dedupe that makes it once keeps 48 h.
         */
        startupLookBack: z
          .union([
            z.literal('off'),
            duration.refine((ms) => ms <= 24 * 3_600_000, { error: 'at most 24h' }),
          ])
          .optional(),
      })
      .optional(),
    environments: z.record(
      z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9-]{0,39}$/,
          'environment names are lower-case letters, digits and -',
        ),
      environment,
    ),
    groups: z.record(z.string(), group).optional(),
  })
  .superRefine(checkConfigFile);

export type RawConfig = z.infer<typeof rawConfigSchema>;
