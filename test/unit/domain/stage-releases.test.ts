// Releases, not executions; standing. Each case is a step of a real incident, as AWS lists it.
import { describe, expect, it } from 'vitest';
import { chooseStageTarget, findStageRelease } from '../../../src/domain/choose-rollback-target.js';
import { listReleaseChoices } from '../../../src/domain/release-list.js';
import type { PipelineRelease, StoredStanding } from '../../../src/domain/releases.js';
import {
  derivedBadReasons,
  effectiveBadReasons,
  stageReleases,
} from '../../../src/domain/stage-releases.js';
import { execId, release, SHA, snapshot } from './fixtures.js';

/** A rollback execution to `target`, as AWS lists it: the target's revisions, its own id. */
function rollback(i: number, target: PipelineRelease, how = 'ManualRollback'): PipelineRelease {
  return {
    ...target,
    executionId: execId(i),
    startTime: new Date(Date.UTC(2026, 0, 1, 0, i)),
    executionType: 'ROLLBACK',
    triggerType: how,
    rollbackTargetExecutionId: target.executionId,
  };
}

const a = release(1, SHA.a);
const b = release(2, SHA.b);
const c = release(3, SHA.c);
const d = release(4, SHA.d);

describe('after an alarm in the bake window rolled the stage back', () => {
  // c deployed, tripped an alarm, the bot rolled back to b (rollback 5).
  const s = snapshot([a, b, c, rollback(5, b)]);

  it('the live release is b, redeployed by the rollback', () => {
    const sr = stageReleases(s)!;
    expect(sr.current.executionId).toBe(b.executionId);
    expect(sr.deployed.executionId).toBe(execId(5));
  });

  it('c is bad, named as rolled back from, and never the default', () => {
    expect(derivedBadReasons(s).get(c.executionId)?.[0]?.why).toMatch(/^rolled back \(rollback /);
    const r = chooseStageTarget(s);
    expect(r.ok && r.target.executionId).toBe(a.executionId);
    expect(r.ok && r.olderThanPrevious).toBe(false);
  });

  it('the picker lists releases only: the live one, then candidates, bad ones last with why', () => {
    const list = listReleaseChoices(s, 10);
    expect(list.map((x) => x.executionId)).toEqual([b.executionId, a.executionId, c.executionId]);
    expect(list[0]!.isCurrent).toBe(true);
    expect(list[1]).toMatchObject({ valid: true, isDefault: true });
    // c is newer than the live b: a rollback cannot go there.
    expect(list[2]).toMatchObject({ valid: false });
    expect(list[2]!.bad?.[0]).toMatch(/rolled back/);
  });
});

describe('after any rollback, the release before the live one needs no manager', () => {
  it('rollback executions are not counted as releases', () => {
    // a, b, c; c failed later checks and was rolled back to b; d deployed and failed: live d.
    const s = snapshot([a, b, c, rollback(5, b), release(6, SHA.d)], {
      latest: release(7, SHA.c2, { status: 'Failed' }),
    });
    const r = chooseStageTarget(s);
    // The newest candidate before the failing release: d (6).
    expect(r.ok && r.target.executionId).toBe(execId(6));
    expect(r.ok && r.olderThanPrevious).toBe(false);
    // b is older than the default, so choosing it is "older than previous"; c is bad.
    const older = chooseStageTarget(s, b.executionId);
    expect(older.ok && older.olderThanPrevious).toBe(true);
    const bad = chooseStageTarget(s, c.executionId);
    expect(bad.ok && bad.targetBad?.[0]?.why).toMatch(/rolled back/);
  });
});

describe('AWS rolled a failure back on its own', () => {
  it('the release the rollback went to is not marked bad', () => {
    // d failed in the stage (never succeeded there); AWS rolled back to c automatically.
    const s = snapshot([a, b, c, rollback(5, c, 'AutomatedRollback')]);
    expect(derivedBadReasons(s).size).toBe(0);
    const r = chooseStageTarget(s);
    expect(r.ok && r.current.executionId).toBe(c.executionId);
    expect(r.ok && r.target.executionId).toBe(b.executionId);
  });
});

describe('stored standing: failures, alarms and people', () => {
  const bad = (why: string, at: number, by = 'aws') => ({ why, at, by });

  it('a release marked bad is skipped by the default, and choosing it names why', () => {
    const standing = new Map<string, StoredStanding>([
      [c.executionId, { bad: [bad('marked bad by a person: breaks checkout', 10, 'user:U1')] }],
    ]);
    const s = snapshot([a, b, c, d], { standing });
    const r = chooseStageTarget(s);
    expect(r.ok && r.target.executionId).toBe(b.executionId);
    const named = chooseStageTarget(s, SHA.c.slice(0, 7));
    expect(named.ok && named.targetBad?.map((x) => x.why)).toEqual([
      'marked bad by a person: breaks checkout',
    ]);
  });

  it('mark good undoes older bad reasons, not newer ones', () => {
    expect(
      effectiveBadReasons([bad('x', 5)], { bad: [bad('y', 7)], good: { at: 6, by: 'U1' } }),
    ).toEqual([bad('y', 7)]);
    expect(effectiveBadReasons([bad('x', 5)], { bad: [], good: { at: 6, by: 'U1' } })).toEqual([]);
  });

  it('the live release can be bad too (an alarm), and says so', () => {
    const standing = new Map<string, StoredStanding>([
      [d.executionId, { bad: [bad('Alarm web-5xx went to ALARM during the bake window', 9)] }],
    ]);
    const r = chooseStageTarget(snapshot([a, b, c, d], { standing }));
    expect(r.ok && r.currentBad.map((x) => x.why)).toEqual([
      'Alarm web-5xx went to ALARM during the bake window',
    ]);
  });

  it('no candidate left but bad ones: the refusal says how to choose one anyway', () => {
    const standing = new Map<string, StoredStanding>([
      [a.executionId, { bad: [bad('failed later', 3)] }],
      [b.executionId, { bad: [bad('failed later', 3)] }],
    ]);
    const r = chooseStageTarget(snapshot([a, b, c], { standing }));
    expect(r).toMatchObject({ ok: false, code: 'no-earlier-release' });
    if (!r.ok) expect(r.message).toMatch(/2 earlier releases are marked bad: choose one by name/);
  });
});

describe('naming a release as the bot shows it', () => {
  it('finds the live release by commit prefix, and a rollback by its id', () => {
    const s = snapshot([a, b, c, rollback(5, b)]);
    expect(findStageRelease(s, SHA.b.slice(0, 7))).toMatchObject({
      ok: true,
      releaseId: b.executionId,
    });
    expect(findStageRelease(s, execId(5))).toMatchObject({ ok: true, releaseId: b.executionId });
    expect(findStageRelease(s, 'fffffff')).toMatchObject({ ok: false });
  });
});
