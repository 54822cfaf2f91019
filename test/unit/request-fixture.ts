// A rollback request of prod-us's web-app / Deploy stage, as the store keeps one: the fields
// every test's request shares, with what each test is about given as `over` (and `target`).
import type { RollbackRequest } from '../../src/domain/rollback-request.js';

type StageTarget = Extract<RollbackRequest['target'], { kind: 'stage' }>;

/** The current (bad) and target (good) executions most tests roll between. */
export const CURRENT_EXECUTION = '9d2b7c4e-6a1f-4e2b-8c3d-5f7a9b1c2d3e';
export const TARGET_EXECUTION = '3c1e5a7b-0000-4000-8000-000000000000';

export function stageRequest(
  over: Partial<Omit<RollbackRequest, 'target'>> & Pick<RollbackRequest, 'state' | 'createdAt'>,
  target: Partial<StageTarget> = {},
): RollbackRequest {
  return {
    id: '01JD5X7K9M2N3P4Q5R6S7T8V9W',
    env: 'prod-us',
    region: 'us-east-1',
    target: {
      kind: 'stage',
      pipeline: 'web-app',
      stage: 'Deploy',
      currentExecutionId: CURRENT_EXECUTION,
      targetExecutionId: TARGET_EXECUTION,
      lockAfterRollback: true,
      ...target,
    },
    requestedBy: { kind: 'user', id: 'U0ONCALL' },
    source: 'slash-command',
    updatedAt: over.createdAt,
    retries: 0,
    ...over,
  };
}
