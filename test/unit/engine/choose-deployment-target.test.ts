import { describe, expect, it } from 'vitest';
import {
  chooseDeploymentTarget,
  chooseFileExistsBehavior,
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
