// Releases of a CodeDeploy deployment group, as stage-releases.ts does for pipeline stages. A
// rollback deployment (CodeDeploy's own, creator `codeDeployRollback`, or ours, named in its
// description) redeploys an earlier revision: it is not a release of its own. A release is bad
// when it failed or was stopped, was rolled back from (rollbackInfo, or a rollback deployment
// replaced it), tripped an alarm, or was marked bad (the standing store). Pure.

import {
  type BadReason,
  type DeploymentGroupSnapshot,
  type DeploymentRelease,
  describeDeployRevision,
} from './releases.js';
import type { UnsafeRelease } from './rollback-decision/rollback-safety.js';
import { unsafeReleasesCrossed } from './rollback-decision/rollback-safety.js';
import { effectiveBadReasons } from './stage-releases.js';

/** Our rollback deployments' description starts with this (src/jobs/target-actions.ts). */
export const OUR_ROLLBACK_DESCRIPTION = /^Rollback by rollback-bot (\S+)/;

/** A rollback deployment, CodeDeploy's or ours: not a release of its own. */
export function isRollbackDeployment(d: Pick<DeploymentRelease, 'creator' | 'description'>) {
  return d.creator === 'codeDeployRollback' || OUR_ROLLBACK_DESCRIPTION.test(d.description ?? '');
}

export interface DeploymentReleaseView {
  release: DeploymentRelease;
  /** Empty: a candidate. Otherwise why it is bad, oldest first. */
  bad: BadReason[];
}

export interface DeploymentReleases {
  /** The deployment in the group now (a release, a rollback deployment, or one in flight). */
  deployed: DeploymentRelease | undefined;
  /** The release that is live (for a rollback deployment, the release whose revision it redeployed). */
  current: DeploymentRelease | undefined;
  /** Every deployment that is a release, newest first, with its standing. */
  releases: DeploymentReleaseView[];
}

const sameRevision = (a: DeploymentRelease, b: DeploymentRelease) =>
  describeDeployRevision(a.revision) === describeDeployRevision(b.revision);

/** Reasons the history shows by itself, by deployment id. */
function derivedBad(ordered: readonly DeploymentRelease[]): Map<string, BadReason[]> {
  const out = new Map<string, BadReason[]>();
  const add = (id: string, r: BadReason) => out.set(id, [...(out.get(id) ?? []), r]);
  ordered.forEach((d, i) => {
    const at = d.createTime.getTime();
    if (d.status === 'Failed') add(d.deploymentId, { why: 'it failed here', at, by: 'aws' });
    if (d.status === 'Stopped') add(d.deploymentId, { why: 'it was stopped', at, by: 'aws' });
    if (d.rollbackDeploymentId) {
      add(d.deploymentId, {
        why: `CodeDeploy rolled it back (rollback ${d.rollbackDeploymentId})`,
        at,
        by: 'aws',
      });
    }
    if (!isRollbackDeployment(d) || d.status !== 'Succeeded') return;
    // A rollback that succeeded replaced the release deployed before it (by time order).
    const before = ordered.slice(i + 1).find((e) => !isRollbackDeployment(e));
    if (before && !sameRevision(before, d)) {
      add(before.deploymentId, {
        why: `the group was rolled back from it (rollback ${d.deploymentId})`,
        at,
        by: d.creator === 'codeDeployRollback' ? 'aws' : 'rollback',
      });
    }
  });
  return out;
}

export function deploymentReleases(snapshot: DeploymentGroupSnapshot): DeploymentReleases {
  const ordered = [...snapshot.deployments];
  const deployed = snapshot.lastAttempted ?? ordered[0];
  if (deployed && !ordered.some((d) => d.deploymentId === deployed.deploymentId)) {
    ordered.unshift(deployed);
  }
  const derived = derivedBad(ordered);
  const releases = ordered
    .filter((d) => !isRollbackDeployment(d))
    .map((release) => ({
      release,
      bad: effectiveBadReasons(
        derived.get(release.deploymentId) ?? [],
        snapshot.standing?.get(release.deploymentId),
      ),
    }));
  let current = deployed;
  if (deployed && isRollbackDeployment(deployed)) {
    const at = ordered.indexOf(deployed);
    current =
      ordered
        .slice(at + 1)
        .find(
          (d) => !isRollbackDeployment(d) && d.status === 'Succeeded' && sameRevision(d, deployed),
        ) ?? deployed;
  }
  return { deployed, current, releases };
}

/** Position in the group's history, newest first; past the end when unknown. */
function positionOf(dr: DeploymentReleases, d: DeploymentRelease): number {
  const i = dr.releases.findIndex((v) => v.release.deploymentId === d.deploymentId);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

/** Releases that succeeded strictly between `target` and the live one, newest first. */
export function deploymentsBetween(
  dr: DeploymentReleases,
  target: DeploymentRelease,
): DeploymentRelease[] {
  const from = dr.current ? positionOf(dr, dr.current) : -1;
  const to = positionOf(dr, target);
  return dr.releases
    .slice(from + 1, to)
    .map((v) => v.release)
    .filter((d) => d.status === 'Succeeded');
}

/** A deployment as rollback-safety.ts reads it: its description carries the marker. */
function safetyFacts(d: DeploymentRelease) {
  return {
    executionId: d.deploymentId,
    sourceRevisions: [
      {
        actionName: 'CodeDeploy',
        revisionId: describeDeployRevision(d.revision),
        ...(d.description
          ? { message: d.description.split(/\r?\n/)[0]!, summary: d.description }
          : {}),
      },
    ],
  };
}

/** The unsafe releases a redeploy of `target` would undo: the live one and every one between. */
export function unsafeDeploymentsCrossed(
  dr: DeploymentReleases,
  target: DeploymentRelease,
): UnsafeRelease[] {
  if (!dr.current) return [];
  return unsafeReleasesCrossed(
    safetyFacts(dr.current),
    safetyFacts(target),
    deploymentsBetween(dr, target).map(safetyFacts),
  );
}
