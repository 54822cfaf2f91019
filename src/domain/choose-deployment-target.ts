// Target choice for a CodeDeploy deployment group: stop what is in flight (with CodeDeploy's
// own rollback), or redeploy the revision of an earlier successful deployment. Works on releases
// (domain/deployment-releases.ts): a rollback deployment is never a target of its own, a bad
// release is never the default, and choosing one is flagged.
import {
  type DeploymentReleases,
  deploymentReleases,
  isRollbackDeployment,
  unsafeDeploymentsCrossed,
} from './deployment-releases.js';
import {
  type BadReason,
  type DeploymentGroupSnapshot,
  type DeploymentRelease,
  describeDeployRevision,
  type FileExistsBehavior,
  type FoundRelease,
  isDeploymentInFlight,
} from './releases.js';
import type { UnsafeRelease } from './rollback-decision/rollback-safety.js';
import { refuse, type TargetRefusal } from './target-refusal.js';

export type DeploymentTargetChoice =
  | { ok: true; action: 'stop'; current: DeploymentRelease }
  | {
      ok: true;
      action: 'redeploy';
      /** The deployment in the group now (a release, or a rollback deployment that redeployed one). */
      current: DeploymentRelease | undefined;
      target: DeploymentRelease;
      byDefault: boolean;
      /** Set when the target is bad in this group: why. Choosing it needs approval. */
      targetBad?: BadReason[];
      /** Older than the release the bot would choose by default ("the previous release"). */
      olderThanPrevious: boolean;
      /** Releases marked unsafe that the redeploy would undo (the live one and those between). */
      unsafeCrossed: UnsafeRelease[];
    };

function sameRevision(a: DeploymentRelease, b: DeploymentRelease): boolean {
  return describeDeployRevision(a.revision) === describeDeployRevision(b.revision);
}

/** Why `d` (a release) cannot be the target, or undefined when it can. */
function whyNotTarget(
  d: DeploymentRelease,
  dr: DeploymentReleases,
  group: string,
): TargetRefusal | undefined {
  const id = d.deploymentId;
  if (d.status !== 'Succeeded') {
    return refuse(
      'deployment-not-succeeded',
      `Deployment ${id} ended ${d.status}; only a successful deployment's revision is a safe target.`,
    );
  }
  const live = [dr.deployed, dr.current].filter((x): x is DeploymentRelease => x !== undefined);
  if (live.some((x) => x.deploymentId === id)) {
    return refuse('is-current', `Deployment ${id} is the current deployment of ${group}.`);
  }
  if (live.some((x) => sameRevision(d, x))) {
    return refuse(
      'same-deployment-revision',
      `Deployment ${id} deployed ${describeDeployRevision(d.revision)}, the same revision as the current deployment, so redeploying it changes nothing.`,
    );
  }
  return undefined;
}

/** The release the bot goes back to unless told otherwise: the newest valid one that is not bad. */
function defaultOf(dr: DeploymentReleases, group: string): DeploymentRelease | undefined {
  const at = dr.current
    ? dr.releases.findIndex((v) => v.release.deploymentId === dr.current!.deploymentId)
    : -1;
  return dr.releases
    .slice(at + 1)
    .find((v) => v.bad.length === 0 && !whyNotTarget(v.release, dr, group))?.release;
}

function chosen(
  dr: DeploymentReleases,
  group: string,
  target: DeploymentRelease,
  byDefault: boolean,
): DeploymentTargetChoice {
  const view = dr.releases.find((v) => v.release.deploymentId === target.deploymentId);
  const previous = defaultOf(dr, group);
  const position = (d: DeploymentRelease) =>
    dr.releases.findIndex((v) => v.release.deploymentId === d.deploymentId);
  return {
    ok: true,
    action: 'redeploy',
    current: dr.deployed,
    target,
    byDefault,
    ...(view && view.bad.length > 0 ? { targetBad: view.bad } : {}),
    olderThanPrevious: previous !== undefined && position(target) > position(previous),
    unsafeCrossed: unsafeDeploymentsCrossed(dr, target),
  };
}

export function chooseDeploymentTarget(
  snapshot: DeploymentGroupSnapshot,
  to?: string,
): DeploymentTargetChoice | TargetRefusal {
  const dr = deploymentReleases(snapshot);
  const current = dr.deployed;
  const group = `${snapshot.application} / ${snapshot.deploymentGroup}`;
  if (!to && current && isDeploymentInFlight(current.status)) {
    return { ok: true, action: 'stop', current };
  }
  if (to) {
    const named = snapshot.deployments.find((d) => d.deploymentId === to);
    if (!named) return refuse('not-found', `No deployment ${to} was found in ${group}.`);
    if (isRollbackDeployment(named)) {
      return refuse(
        'is-rollback',
        `Deployment ${to} is a rollback deployment, not a release of its own; name the deployment that first deployed its revision.`,
      );
    }
    return whyNotTarget(named, dr, group) ?? chosen(dr, group, named, false);
  }
  const target = defaultOf(dr, group);
  if (!target) {
    const bad = dr.releases.filter((v) => v.bad.length > 0 && !whyNotTarget(v.release, dr, group));
    return refuse(
      'no-earlier-release',
      `No earlier successful deployment of ${group} that is not bad has a revision different from the current one.${bad.length > 0 ? ` ${bad.length} earlier deployment${bad.length > 1 ? 's are' : ' is'} bad: name one ("to d-…") if you are sure; it needs approval.` : ''}`,
    );
  }
  return chosen(dr, group, target, true);
}

/** The shortest deployment id prefix a person may give (`d-` and two characters). */
const MIN_DEPLOYMENT_PREFIX = 4;

/** A deployment named as the bot shows it: its id, or a prefix of it naming one of the recent. */
export function findDeploymentRelease(
  snapshot: DeploymentGroupSnapshot,
  name: string,
): FoundRelease {
  const wanted = name.trim().toLowerCase();
  const hits = snapshot.deployments.filter((d) => d.deploymentId.toLowerCase().startsWith(wanted));
  if (hits.length !== 1 || wanted.length < MIN_DEPLOYMENT_PREFIX) {
    return {
      ok: false,
      message: `${hits.length > 1 ? 'Several' : 'No'} recent deployments of ${snapshot.application} / ${snapshot.deploymentGroup} start with ${name.trim()}; give the deployment id (d-…).`,
    };
  }
  const d = hits[0]!;
  return { ok: true, releaseId: d.deploymentId, label: d.deploymentId };
}

export interface FileExistsChoice {
  behavior: FileExistsBehavior;
  /** Said in the preview: a wrong choice can delete or keep files on the instances. */
  note: string;
}

const MEANING: Record<FileExistsBehavior, string> = {
  DISALLOW: 'the deployment fails if a file it installs already exists on an instance',
  OVERWRITE: 'files already on the instances are replaced by the revision’s files',
  RETAIN: 'files already on the instances are kept, and the revision’s copies are skipped',
};

/** Config wins; else what the target's own deployment used; else CodeDeploy's default. */
export function chooseFileExistsBehavior(
  configured: FileExistsBehavior | undefined,
  target: DeploymentRelease,
): FileExistsChoice {
  if (configured) {
    return {
      behavior: configured,
      note: `fileExistsBehavior ${configured} (set in the environment's config): ${MEANING[configured]}.`,
    };
  }
  if (target.fileExistsBehavior) {
    return {
      behavior: target.fileExistsBehavior,
      note: `fileExistsBehavior ${target.fileExistsBehavior} (what deployment ${target.deploymentId} used): ${MEANING[target.fileExistsBehavior]}.`,
    };
  }
  return {
    behavior: 'DISALLOW',
    note: `fileExistsBehavior DISALLOW (CodeDeploy's default; the target's own setting is unknown): ${MEANING.DISALLOW}.`,
  };
}
