// Two people click "Roll back to …" on one failure notification at once: one rollback, and the
// click that raced the first is told it is starting, never that the notification was dismissed.
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

const sandboxConfig = readFileSync(
  new URL('../../src/sandbox/sandbox.config.yml', import.meta.url),
  'utf8',
);
// prod-us rolls back only when a person says so: the notification's button is the way out.
const config = sandboxConfig.replace('autoRollback: on-failure-and-alarm', 'autoRollback: off');
const world = new URL('../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
const PROD = 'C0DEPLOYPROD';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

it('racing clicks on a notification start one rollback, and nobody is told "dismissed"', async () => {
  expect(config).not.toBe(sandboxConfig);
  h = await startHarness({ config, world, time: { mode: 'realtime', stageDurationMs: 30 } });
  h.aws.control.startExecution('web-app', {
    revision: { id: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed', message: 'Break checkout' },
    outcome: { failStage: 'Deploy' },
  });
  const note = await h.slack.client.waitForMessage(
    PROD,
    (m) =>
      /Stage failed: prod-us/.test(m.text ?? '') &&
      JSON.stringify(m.blocks).includes('rollback.offer'),
    { timeoutMs: 20_000 },
  );
  const people = ['U0ONCALL', 'U0ONCALL2'];
  await Promise.all(people.map((user) => h!.slack.client.click(note, 'rollback.offer', { user })));
  for (const user of people) await h.slack.client.waitForEphemeral(user, /request|starting/);
  const told = people.flatMap((u) => h!.slack.client.ephemerals(u).map((m) => m.text));
  expect(told.filter((t) => /Rollback of prod-us (queued|awaiting approval)/.test(t))).toHaveLength(
    1,
  );
  expect(told.some((t) => /is starting, once|Already started/.test(t))).toBe(true);
  expect(told.some((t) => /dismissed/.test(t))).toBe(false);
  await h.slack.client.waitForMessage(PROD, (m) => /Rolled back/.test(m.text ?? ''), {
    timeoutMs: 20_000,
  });
  expect(h.aws.control.calls({ operation: 'RollbackStage' })).toHaveLength(1);
});
