// The one rollback decision: allow, needs approval or block (approval-policy.ts), who may approve
// and whether an approval is still open (approvals.ts), and which releases are unsafe to roll
// back across (rollback-safety.ts). Pure; see README.md for the conventions.
export * from './approval-policy.js';
export * from './approvals.js';
export * from './rollback-safety.js';
