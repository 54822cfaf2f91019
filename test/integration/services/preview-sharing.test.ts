// Previews (and release listings) of the same target running at the same time share one set of
// AWS reads; a finished one is never reused (a rollback that just ended must be seen).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type RollbackHarness, startRollbackHarness } from '../../support/rollback-harness.js';

let e: RollbackHarness;
beforeEach(async () => {
  e = await startRollbackHarness();
});
afterEach(async () => {
  await e.close();
});

it('shares concurrent identical previews, and reads again afterwards', async () => {
  e.sandbox.control.clearCalls();
  const [a, b] = await Promise.all([e.service.preview('prod'), e.service.preview('prod')]);
  expect(a).toBe(b);
  expect(a.ok).toBe(true);
  expect(e.sandbox.control.calls({ operation: 'GetPipelineState' })).toHaveLength(1);

  await e.service.preview('prod');
  expect(e.sandbox.control.calls({ operation: 'GetPipelineState' })).toHaveLength(2);
});

it('a request handed the preview it was decided on reads nothing again; once only', async () => {
  const p = await e.service.preview('prod');
  expect(p.ok).toBe(true);
  e.sandbox.control.clearCalls();
  const input = {
    env: 'prod',
    requestedBy: { kind: 'auto' as const, reason: 'test' },
    source: 'auto-failure' as const,
    preview: p,
  };
  const out = await e.service.request(input);
  expect(out.outcome).toBe('created');
  expect(e.sandbox.control.calls({ operation: 'GetPipelineState' })).toHaveLength(0);
  expect(e.sandbox.control.calls({ operation: 'ListActionExecutions' })).toHaveLength(0);

  // Handed back a second time it is not trusted: the request reads afresh.
  await e.service.request(input);
  expect(e.sandbox.control.calls({ operation: 'GetPipelineState' })).toHaveLength(1);
});

it('shares concurrent release listings for one stage, and lists again afterwards', async () => {
  const listed = () => e.sandbox.control.calls({ operation: 'ListPipelineExecutions' }).length;
  e.sandbox.control.clearCalls();
  const alone = await e.service.releases('prod');
  const perListing = listed();
  expect(perListing).toBeGreaterThan(0);

  e.sandbox.control.clearCalls();
  const [a, b] = await Promise.all([e.service.releases('prod'), e.service.releases('prod')]);
  expect(a).toBe(b);
  expect(a).toEqual(alone);
  expect(listed()).toBe(perListing);

  const again = await e.service.releases('prod');
  expect(again).not.toBe(a);
  expect(listed()).toBe(2 * perListing);
});
