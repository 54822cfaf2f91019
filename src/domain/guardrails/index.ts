// Guardrails: deploy windows, blackouts, freezes, the deploy block and its AWS transition,
// rollback safety, and the approval policy. Pure; see README.md for the conventions.
export * from './approval-policy.js';
export * from './approvals.js';
export * from './deploy-block.js';
export * from './deploy-windows.js';
export * from './freezes.js';
export * from './lock-causes.js';
export * from './rollback-safety.js';
export * from './stage-transition.js';
export * from './zoned-time.js';
