// Previews of the same target running at the same time share one set of AWS reads; a finished
// preview is never reused (a rollback that just ended must be seen).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type Engine, startEngine } from './harness.js';

let e: Engine;
beforeEach(async () => {
  e = await startEngine();
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
