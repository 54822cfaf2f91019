import { describe, expect, it } from 'vitest';
import { chooseStageTarget } from '../../../src/domain/choose-rollback-target.js';
import { stageReleases } from '../../../src/domain/stage-releases.js';
import { execId, release, SHA, snapshot } from './fixtures.js';

describe('current release', () => {
  it('is the last success in the stage when nothing newer ran there', () => {
    const s = snapshot([release(1, SHA.a), release(2, SHA.b)]);
    expect(stageReleases(s)?.current.executionId).toBe(execId(2));
  });
  it('is the execution failing in the stage now', () => {
    const failing = release(3, SHA.c, { status: 'Failed' });
    const s = snapshot([release(1, SHA.a), release(2, SHA.b)], { latest: failing });
    expect(stageReleases(s)?.current.executionId).toBe(execId(3));
  });
});

describe('default target', () => {
  it('is the newest earlier success with a different revision', () => {
    const s = snapshot([release(1, SHA.a), release(2, SHA.b), release(3, SHA.c)]);
    const r = chooseStageTarget(s);
    expect(r).toMatchObject({ ok: true, byDefault: true });
    if (r.ok) {
      expect(r.current.executionId).toBe(execId(3));
      expect(r.target.executionId).toBe(execId(2));
    }
  });

  it('skips rollbacks, same-revision re-runs and other pipeline versions; failed never listed', () => {
    const s = snapshot(
      [
        release(1, SHA.a),
        release(2, SHA.b, { pipelineVersion: 2 }),
        release(3, SHA.c, {
          executionType: 'ROLLBACK',
          rollbackTargetExecutionId: execId(1),
          triggerType: 'ManualRollback',
        }),
        release(4, SHA.d),
        release(5, SHA.d),
      ],
      // The failing execution in the stage is current; ids 1–5 succeeded there.
      { latest: release(6, SHA.d, { status: 'Failed' }) },
    );
    const r = chooseStageTarget(s);
    // 5 and 4 deploy the same commit as the failing 6, 3 is a rollback, 2 is an old version.
    expect(r.ok && r.target.executionId).toBe(execId(1));
  });

  it('treats the current failing execution as current and the last success as target', () => {
    const s = snapshot([release(1, SHA.a), release(2, SHA.b)], {
      latest: release(3, SHA.c, { status: 'Failed' }),
    });
    const r = chooseStageTarget(s);
    expect(r.ok && r.target.executionId).toBe(execId(2));
  });

  it('refuses when no release qualifies, saying why', () => {
    const s = snapshot([release(1, SHA.a, { pipelineVersion: 1 }), release(2, SHA.b)]);
    const r = chooseStageTarget(s);
    expect(r).toMatchObject({ ok: false, code: 'no-earlier-release' });
    if (!r.ok)
      expect(r.message).toMatch(
        /No earlier release of web-app that is not bad succeeded in Deploy/,
      );
  });

  it('with no earlier release, still names the live one and its standing', () => {
    const s = snapshot([release(1, SHA.a, { pipelineVersion: 1 }), release(2, SHA.b)]);
    const r = chooseStageTarget(s);
    expect(r).toMatchObject({
      ok: false,
      code: 'no-earlier-release',
      live: { release: { executionId: execId(2) }, bad: [] },
    });
  });

  it('refuses the source stage', () => {
    const s = snapshot([release(1, SHA.a), release(2, SHA.b)], { stage: 'Source' });
    expect(chooseStageTarget(s)).toMatchObject({ ok: false, code: 'source-stage' });
  });

  it('refuses when nothing has run', () => {
    expect(chooseStageTarget(snapshot([]))).toMatchObject({
      ok: false,
      code: 'no-current-release',
    });
  });
});

describe('named target', () => {
  const list = [
    release(1, SHA.a),
    release(2, SHA.c2, { pipelineVersion: 2 }),
    release(3, SHA.b, { executionType: 'ROLLBACK', rollbackTargetExecutionId: execId(1) }),
    release(4, SHA.c),
    release(5, SHA.d),
  ];

  it('by execution id', () => {
    const r = chooseStageTarget(snapshot(list), execId(4));
    expect(r).toMatchObject({ ok: true, byDefault: false });
    expect(r.ok && r.target.executionId).toBe(execId(4));
  });

  it('by sha prefix, newest valid run of that commit', () => {
    const runs = [...list, release(0, SHA.a)];
    const r = chooseStageTarget(snapshot(runs), SHA.a.slice(0, 8));
    expect(r.ok && r.target.executionId).toBe(execId(1));
  });

  const refusals: Array<[string, string, RegExp, Parameters<typeof snapshot>[1]?]> = [
    [execId(5), 'is-current', /is what is live in Deploy now/],
    [execId(2), 'other-pipeline-version', /pipeline version 2, but web-app is now at version 3/],
    [execId(9), 'not-found', /No execution .* was found in web-app/],
    ['ddddddd4', 'is-current', /is what is live/],
    ['eeeeeee', 'not-found', /starting with eeeeeee/],
    ['ccccccc', 'ambiguous', /matches several revisions \(ccccccc, ccccccc\)|several revisions/],
    ['abc', 'not-found', /at least 6 characters/],
  ];
  for (const [to, code, message] of refusals) {
    it(`refuses ${to}: ${code}`, () => {
      const r = chooseStageTarget(snapshot(list), to);
      expect(r).toMatchObject({ ok: false, code });
      if (!r.ok) expect(r.message).toMatch(message);
    });
  }

  // Was a refusal ('is-rollback') while rollback executions counted as releases.
  it('a rollback execution named by id stands for the release it redeployed', () => {
    const r = chooseStageTarget(snapshot(list), execId(3));
    expect(r).toMatchObject({ ok: true, byDefault: false });
    expect(r.ok && r.target.executionId).toBe(execId(1));
  });

  it('by the execution id prefix the bot shows (8 characters)', () => {
    const r = chooseStageTarget(snapshot(list), execId(4).slice(0, 8));
    // Every fixture id starts 00000000: ambiguous, said so.
    expect(r).toMatchObject({ ok: false, code: 'ambiguous' });
    const distinct = release(4, SHA.c, { executionId: 'abcdef12-0000-4000-8000-000000000004' });
    const r2 = chooseStageTarget(
      snapshot([...list.filter((x) => x.executionId !== execId(4)), distinct]),
      'abcdef12',
    );
    expect(r2.ok && r2.target.executionId).toBe(distinct.executionId);
  });

  it('refuses an execution that never succeeded in the stage', () => {
    const named = release(7, SHA.b, { status: 'Failed', startTime: new Date(Date.UTC(2025, 0)) });
    const r = chooseStageTarget(snapshot(list, { named }), execId(7));
    expect(r).toMatchObject({ ok: false, code: 'not-succeeded-in-stage' });
  });

  it('refuses a re-run of the current commit', () => {
    const r = chooseStageTarget(snapshot([...list, release(6, SHA.d)]), execId(5));
    expect(r).toMatchObject({ ok: false, code: 'same-revision' });
    if (!r.ok) expect(r.message).toMatch(/same source revision \(ddddddd\)/);
  });

  it('refuses a target newer than a current failing release', () => {
    const s = snapshot([release(1, SHA.a), release(3, SHA.c)], {
      latest: release(2, SHA.b, { status: 'InProgress' }),
    });
    // The stage's latest is older than the newest success, so the success is current.
    expect(stageReleases(s)?.current.executionId).toBe(execId(3));
    const r = chooseStageTarget(s, execId(3));
    expect(r).toMatchObject({ ok: false, code: 'is-current' });
  });
});
