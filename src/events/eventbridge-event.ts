// Zod shapes of the EventBridge events we read. Loose on purpose: AWS adds fields at any time,
// so unknown keys pass through, and an optional field of an unexpected type reads as absent.
import { z } from 'zod';

/** An optional field that never fails the parse: a wrong type reads as undefined. */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const text = z.string().min(1);

export const eventBridgeEventSchema = z.looseObject({
  id: text.max(256),
  'detail-type': text,
  source: text,
  account: text,
  time: text,
  region: text,
  resources: lenient(z.array(z.string())),
  detail: z.record(z.string(), z.unknown()),
  /** Only on CodeStar Notifications events (notification-shapes.ts): what the rule adds. */
  additionalAttributes: lenient(z.looseObject({ failedStage: lenient(z.string().min(1)) })),
});
export type EventBridgeEvent = z.infer<typeof eventBridgeEventSchema>;

const executionTrigger = z.looseObject({
  'trigger-type': text,
  'trigger-detail': lenient(z.string()),
  'commit-id': lenient(z.string()),
  'branch-name': lenient(z.string()),
  'full-repository-name': lenient(z.string()),
});

export const pipelineDetailSchema = z.looseObject({
  pipeline: text,
  'execution-id': text,
  state: text,
  'start-time': lenient(z.string()),
  'execution-trigger': lenient(executionTrigger),
  version: lenient(z.number()),
  'pipeline-execution-attempt': lenient(z.number()),
});
export type PipelineDetail = z.infer<typeof pipelineDetailSchema>;

export const stageDetailSchema = pipelineDetailSchema.extend({ stage: text });

export const actionDetailSchema = pipelineDetailSchema.extend({
  stage: text,
  action: text,
  'action-execution-id': lenient(z.string()),
  type: lenient(z.looseObject({ provider: lenient(z.string()), category: lenient(z.string()) })),
  'execution-result': lenient(
    z.looseObject({
      'external-execution-id': lenient(z.string()),
      'external-execution-url': lenient(z.string()),
      'external-execution-summary': lenient(z.string()),
      'error-code': lenient(z.string()),
    }),
  ),
});

export const deploymentDetailSchema = z.looseObject({
  application: text,
  deploymentGroup: text,
  deploymentId: text,
  state: text,
  instanceGroupId: lenient(z.string()),
});

const alarmState = z.looseObject({
  value: text,
  reason: lenient(z.string()),
  reasonData: lenient(z.string()),
  timestamp: lenient(z.string()),
  actionsSuppressedBy: lenient(z.string().min(1)),
  actionsSuppressedReason: lenient(z.string()),
});

export const alarmDetailSchema = z.looseObject({
  alarmName: text,
  state: alarmState,
  previousState: lenient(alarmState),
  configuration: lenient(z.looseObject({ alarmRule: lenient(z.string()) })),
});

export { DETAIL_TYPES } from './detail-types.js';
