// The EventBridge detail-types /aws/events reads. One list for the bot (normalise.ts) and for the
// install's event rules (deploy/event-patterns.ts), which read it from here: plain data, no imports.
export const DETAIL_TYPES = {
  pipeline: 'CodePipeline Pipeline Execution State Change',
  stage: 'CodePipeline Stage Execution State Change',
  action: 'CodePipeline Action Execution State Change',
  deployment: 'CodeDeploy Deployment State-change Notification',
  alarm: 'CloudWatch Alarm State Change',
} as const;
