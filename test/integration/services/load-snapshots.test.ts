// loadStageSnapshot against the local endpoint: for the default target it reads the pipeline
// version of succeeded executions newest first and stops at the first valid target, instead of
// one GetPipelineExecution per execution looked back over; a named target reads its own version
// as well; a list of choices still reads them all.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../src/aws/aws-clients.js';
import { createCodePipelineAdapter } from '../../../src/aws/codepipeline-adapter.js';
import { chooseStageTarget } from '../../../src/domain/choose-rollback-target.js';
import type { World } from '../../../src/sandbox/aws/index.js';
import { loadStageSnapshot } from '../../../src/services/load-snapshots.js';
import { sandboxWithBotClients, testWorld } from '../sandbox/aws/support.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const rev = (n: number) => ({ id: String(n).repeat(40).slice(0, 40), message: `release ${n}` });

/** Ten good releases (the two newest on an older pipeline version), then a failed one. */
function world(): World {
  const base = testWorld();
  const web = base.pipelines![0]!;
  web.executions = [
    ...Array.from({ length: 10 }, (_, i) => ({
      id: id(i + 1),
      status: 'Succeeded' as const,
      startTime: `2026-11-10T${String(10 + i).padStart(2, '0')}:00:00Z`,
      ...(i >= 8 ? { pipelineVersion: 6 } : {}),
      revision: rev(i + 1),
    })),
    {
      id: id(99),
      status: 'Failed' as const,
      startTime: '2026-11-20T13:58:00Z',
      revision: rev(11),
    },
  ];
  return { ...base, pipelines: [web] };
}

const t = sandboxWithBotClients(world);
beforeEach(() => t.sandbox.control.clearCalls());

// Clients of their own for each snapshot: the bot's clients keep what they read about finished
// executions (src/aws/finished-executions.ts), and these tests count what a snapshot asks for.
const made: AwsClients[] = [];
afterEach(() => {
  for (const c of made.splice(0)) c.destroy();
});
const cp = () => {
  const clients = createAwsClients({
    endpoint: t.sandbox.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  made.push(clients);
  return createCodePipelineAdapter(clients, { region: 'us-east-1' });
};
const executionsRead = () =>
  t.sandbox.control
    .calls({ operation: 'GetPipelineExecution' })
    .map((c) => String(c.input.pipelineExecutionId));

describe('stage snapshot reads', () => {
  it('default target: reads versions newest first and stops at the first valid target', async () => {
    const { snapshot } = await loadStageSnapshot(cp(), 'web-app', 'Deploy', {
      limit: 20,
      versions: 'until-target',
    });
    const choice = chooseStageTarget(snapshot);
    // 10 and 9 ran on version 6; 8 is the newest valid target.
    expect(choice).toMatchObject({ ok: true, target: { executionId: id(8) } });
    expect(executionsRead().sort()).toEqual([id(8), id(9), id(10), id(99)].sort());
  });

  it('a list of choices reads every succeeded execution', async () => {
    const { snapshot } = await loadStageSnapshot(cp(), 'web-app', 'Deploy', { limit: 20 });
    expect(snapshot.succeeded.every((r) => r.pipelineVersion !== undefined)).toBe(true);
    expect(executionsRead()).toHaveLength(11);
  });

  it('a named target reads its own version and the default chain, no other release', async () => {
    const named = await loadStageSnapshot(cp(), 'web-app', 'Deploy', {
      limit: 20,
      to: id(3),
      versions: 'until-target',
    });
    expect(chooseStageTarget(named.snapshot, id(3))).toMatchObject({
      ok: true,
      target: { executionId: id(3) },
      // Measured against the default (8), whose version was read too.
      olderThanPrevious: true,
    });
    expect(executionsRead().sort()).toEqual([id(3), id(8), id(9), id(10), id(99)].sort());
  });

  it('a named target on an older pipeline version is still refused for it', async () => {
    t.sandbox.control.clearCalls();
    const named = await loadStageSnapshot(cp(), 'web-app', 'Deploy', {
      limit: 20,
      to: '9999999',
      versions: 'until-target',
    });
    // release 9's commit is 999…: it ran on version 6.
    const choice = chooseStageTarget(named.snapshot, '9999999');
    expect(choice).toMatchObject({ ok: false });
    if (choice.ok) return;
    expect(choice.message).toMatch(/pipeline version 6/);
  });
});
