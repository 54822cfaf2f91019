// Target choice for a CodeDeploy deployment group: stop what is in flight (with CodeDeploy's
// own rollback), or redeploy the revision of an earlier successful deployment.
import {
  type DeploymentGroupSnapshot,
  type DeploymentRelease,
  describeDeployRevision,
  type FileExistsBehavior,
  isDeploymentInFlight,
} from './releases.js';
import { refuse, type TargetRefusal } from './target-refusal.js';

export type DeploymentTargetChoice =
  | { ok: true; action: 'stop'; current: DeploymentRelease }
  | {
      ok: true;
      action: 'redeploy';
      current: DeploymentRelease | undefined;
      target: DeploymentRelease;
      byDefault: boolean;
    };

function sameRevision(a: DeploymentRelease, b: DeploymentRelease): boolean {
  return describeDeployRevision(a.revision) === describeDeployRevision(b.revision);
}

function currentDeployment(s: DeploymentGroupSnapshot): DeploymentRelease | undefined {
  return s.lastAttempted ?? s.deployments[0];
}

export function chooseDeploymentTarget(
  snapshot: DeploymentGroupSnapshot,
  to?: string,
): DeploymentTargetChoice | TargetRefusal {
  const current = currentDeployment(snapshot);
  const group = `${snapshot.application} / ${snapshot.deploymentGroup}`;
  if (!to && current && isDeploymentInFlight(current.status)) {
    return { ok: true, action: 'stop', current };
  }
  if (to) {
    const named = snapshot.deployments.find((d) => d.deploymentId === to);
    if (!named) return refuse('not-found', `No deployment ${to} was found in ${group}.`);
    if (named.status !== 'Succeeded') {
      return refuse(
        'deployment-not-succeeded',
        `Deployment ${to} ended ${named.status}; only a successful deployment's revision is a safe target.`,
      );
    }
    if (current && named.deploymentId === current.deploymentId) {
      return refuse('is-current', `Deployment ${to} is the current deployment of ${group}.`);
    }
    if (current && sameRevision(named, current)) {
      return refuse(
        'same-deployment-revision',
        `Deployment ${to} deployed ${describeDeployRevision(named.revision)}, the same revision as the current deployment, so redeploying it changes nothing.`,
      );
    }
    return { ok: true, action: 'redeploy', current, target: named, byDefault: false };
  }
  const target = snapshot.deployments.find(
    (d) =>
      d.status === 'Succeeded' &&
      d.deploymentId !== current?.deploymentId &&
      (!current || !sameRevision(d, current)),
  );
  if (!target) {
    return refuse(
      'no-earlier-release',
      `No earlier successful deployment of ${group} has a revision different from the current one.`,
    );
  }
  return { ok: true, action: 'redeploy', current, target, byDefault: true };
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
