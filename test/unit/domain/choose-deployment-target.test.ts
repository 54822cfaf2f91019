import { describe, expect, it } from 'vitest';
import {
  chooseDeploymentTarget,
  chooseFileExistsBehavior,
  findDeploymentRelease,
} from '../../../src/domain/choose-deployment-target.js';
import type { DeploymentGroupSnapshot, DeploymentRelease } from '../../../src/domain/releases.js';

function dep(id: string, key: string, extra: Partial<DeploymentRelease> = {}): DeploymentRelease {
  return {
    deploymentId: id,
    status: 'Succeeded',
    createTime: new Date(Date.UTC(2026, 0, 1)),
    revision: { revisionType: 'S3', s3Location: { bucket: 'b', key, bundleType: 'zip' } },
    ...extra,
  };
}

function group(deployments: DeploymentRelease[]): DeploymentGroupSnapshot {
  return {
    application: 'billing',
    deploymentGroup: 'prod',
    lastAttempted: deployments[0],
    deployments,
  };
}

describe('CodeDeploy target choice', () => {
  it('redeploys the last successful revision that differs from the current one', () => {
    const g = group([
      dep('d-00000000C', 'v3.zip', { status: 'Failed' }),
      dep('d-00000000B', 'v3.zip'),
      dep('d-00000000A', 'v2.zip', { fileExistsBehavior: 'RETAIN' }),
    ]);
    const r = chooseDeploymentTarget(g);
    expect(r).toMatchObject({
      ok: true,
      action: 'redeploy',
      target: { deploymentId: 'd-00000000A' },
    });
  });

  it('stops an in-flight deployment', () => {
    const g = group([
      dep('d-00000000C', 'v3.zip', { status: 'InProgress' }),
      dep('d-00000000B', 'v2.zip'),
    ]);
    expect(chooseDeploymentTarget(g)).toMatchObject({ ok: true, action: 'stop' });
  });

  it('redeploys a named earlier success, and refuses failed or same-revision ones', () => {
    const g = group([
      dep('d-00000000D', 'v4.zip'),
      dep('d-00000000C', 'v3.zip', { status: 'Failed' }),
      dep('d-00000000B', 'v4.zip'),
      dep('d-00000000A', 'v2.zip'),
    ]);
    expect(chooseDeploymentTarget(g, 'd-00000000A')).toMatchObject({ ok: true, byDefault: false });
    expect(chooseDeploymentTarget(g, 'd-00000000C')).toMatchObject({
      ok: false,
      code: 'deployment-not-succeeded',
    });
    expect(chooseDeploymentTarget(g, 'd-00000000B')).toMatchObject({
      ok: false,
      code: 'same-deployment-revision',
    });
    expect(chooseDeploymentTarget(g, 'd-00000000D')).toMatchObject({
      ok: false,
      code: 'is-current',
    });
    expect(chooseDeploymentTarget(g, 'd-00000000Z')).toMatchObject({
      ok: false,
      code: 'not-found',
    });
  });

  it('fileExistsBehavior: config, else the target’s own, else DISALLOW — and says which', () => {
    const t = dep('d-00000000A', 'v2.zip', { fileExistsBehavior: 'RETAIN' });
    expect(chooseFileExistsBehavior('OVERWRITE', t)).toMatchObject({ behavior: 'OVERWRITE' });
    const own = chooseFileExistsBehavior(undefined, t);
    expect(own.behavior).toBe('RETAIN');
    expect(own.note).toMatch(/what deployment d-00000000A used/);
    expect(chooseFileExistsBehavior(undefined, dep('d-00000000B', 'x')).behavior).toBe('DISALLOW');
  });
});

describe('CodeDeploy releases and their standing', () => {
  const at = (day: number) => new Date(Date.UTC(2026, 0, day));
  const v = (id: string, key: string, day: number, extra: Partial<DeploymentRelease> = {}) =>
    dep(id, key, { createTime: at(day), ...extra });
  const standing = (id: string, why: string) =>
    new Map([[id, { bad: [{ why, at: at(9).getTime(), by: 'rollback-bot' }] }]]);

  it('skips a release marked bad, one rolled back from, and rollback deployments', () => {
    const g: DeploymentGroupSnapshot = {
      ...group([
        v('d-00000000E', 'v5.zip', 5),
        // Our rollback to v3 replaced D: D is bad, and the rollback is no release.
        v('d-0000000R2', 'v3.zip', 4, {
          description: 'Rollback by rollback-bot 01J to d-00000000C',
        }),
        v('d-00000000D', 'v4.zip', 3),
        v('d-00000000C', 'v3.zip', 2),
        v('d-00000000B', 'v2.zip', 1),
        v('d-00000000A', 'v1.zip', 0),
      ]),
      standing: standing('d-00000000C', 'alarm web-5xx during its bake window'),
    };
    const r = chooseDeploymentTarget(g);
    expect(r).toMatchObject({
      ok: true,
      action: 'redeploy',
      target: { deploymentId: 'd-00000000B' },
      olderThanPrevious: false,
    });
    expect(r).not.toHaveProperty('targetBad');
    expect(chooseDeploymentTarget(g, 'd-0000000R2')).toMatchObject({
      ok: false,
      code: 'is-rollback',
    });
    // Named anyway: flagged bad, with why.
    const d = chooseDeploymentTarget(g, 'd-00000000D');
    expect(d).toMatchObject({ ok: true, byDefault: false, olderThanPrevious: false });
    expect((d as { targetBad: { why: string }[] }).targetBad[0]!.why).toMatch(
      /rolled back from it \(rollback d-0000000R2\)/,
    );
    const c = chooseDeploymentTarget(g, 'd-00000000C');
    expect((c as { targetBad: { why: string }[] }).targetBad.map((b) => b.why)).toEqual([
      'alarm web-5xx during its bake window',
    ]);
  });

  it('a target older than the default one is olderThanPrevious', () => {
    const g = group([
      v('d-00000000C', 'v3.zip', 3),
      v('d-00000000B', 'v2.zip', 2),
      v('d-00000000A', 'v1.zip', 1),
    ]);
    expect(chooseDeploymentTarget(g)).toMatchObject({ olderThanPrevious: false });
    expect(chooseDeploymentTarget(g, 'd-00000000A')).toMatchObject({
      ok: true,
      olderThanPrevious: true,
    });
  });

  it('a CodeDeploy rollback after a failure is not the current release; the failed one is bad', () => {
    const g = group([
      v('d-0000000R1', 'v2.zip', 4, { creator: 'codeDeployRollback' }),
      v('d-00000000C', 'v3.zip', 3, { status: 'Failed', rollbackDeploymentId: 'd-0000000R1' }),
      v('d-00000000B', 'v2.zip', 2),
      v('d-00000000A', 'v1.zip', 1),
    ]);
    expect(chooseDeploymentTarget(g)).toMatchObject({
      ok: true,
      current: { deploymentId: 'd-0000000R1' },
      target: { deploymentId: 'd-00000000A' },
      olderThanPrevious: false,
    });
  });

  it('crosses releases whose description carries [rollback-unsafe], current and between', () => {
    const g = group([
      v('d-00000000D', 'v4.zip', 4, { description: 'billing 4.0 [Rollback-Unsafe] drop column' }),
      v('d-00000000C', 'v3.zip', 3, { description: 'billing 3.0 [rollback-unsafe] migration 42' }),
      v('d-00000000B', 'v2.zip', 2, { description: 'billing 2.0' }),
      v('d-00000000A', 'v1.zip', 1, { description: 'billing 1.0 [rollback-unsafe] stays' }),
    ]);
    const toC = chooseDeploymentTarget(g);
    expect(toC).toMatchObject({ target: { deploymentId: 'd-00000000C' } });
    expect((toC as { unsafeCrossed: { executionId: string }[] }).unsafeCrossed).toEqual([
      expect.objectContaining({ executionId: 'd-00000000D' }),
    ]);
    const toA = chooseDeploymentTarget(g, 'd-00000000A');
    const crossed = (toA as { unsafeCrossed: { executionId: string; reasons: string[] }[] })
      .unsafeCrossed;
    expect(crossed.map((u) => u.executionId)).toEqual(['d-00000000D', 'd-00000000C']);
    expect(crossed[1]!.reasons[0]).toMatch(/marked \[rollback-unsafe\]: billing 3.0/);
  });
});

describe('a deployment named by a person', () => {
  const g = group([dep('d-00000000B', 'v3.zip'), dep('d-00000001A', 'v2.zip')]);

  it('finds the one recent deployment whose id starts with the name', () => {
    expect(findDeploymentRelease(g, ' D-00000000b ')).toEqual({
      ok: true,
      releaseId: 'd-00000000B',
      label: 'd-00000000B',
    });
  });

  it('refuses a name that matches several, none, or is too short to tell', () => {
    expect(findDeploymentRelease(g, 'd-0000000')).toEqual({
      ok: false,
      message:
        'Several recent deployments of billing / prod start with d-0000000; give the deployment id (d-…).',
    });
    expect(findDeploymentRelease(g, 'd-9')).toEqual({
      ok: false,
      message:
        'No recent deployments of billing / prod start with d-9; give the deployment id (d-…).',
    });
    const one = group([dep('d-00000000B', 'v3.zip')]);
    expect(findDeploymentRelease(one, 'd-0')).toMatchObject({ ok: false });
  });
});
