// Stage locks: why a guarded stage's inbound transition is disabled (freezes, deploy windows and
// blackouts, blocking alarms, the post-rollback lock, someone else's disable) and how the bot
// writes and reads that in AWS. Pure; see README.md for the conventions.
export * from './deploy-block.js';
export * from './deploy-windows.js';
export * from './freezes.js';
export * from './lock-causes.js';
export * from './stage-transition.js';
export * from './transition-reason.js';
export * from './zoned-time.js';
