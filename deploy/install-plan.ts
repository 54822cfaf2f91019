// What an install needs, read from the bot's own config (src/config, the one loader): where each
// guarded resource lives (account + region), whose events must reach the bot from where, and who
// calls AWS for it (the bot itself, or an environment's roleArn). Pure: no CDK, no I/O.
import type { Config, EnvironmentConfig } from '../src/config/config.js';

/** An account and region. `account` undefined: the bot's own account (unknown until deploy). */
export interface Site {
  account?: string;
  region: string;
}

export interface GuardedPipeline {
  pipeline: string;
  /** The guarded stages, in config order, each once. */
  stages: string[];
}

export interface GuardedDeploymentGroup {
  application: string;
  deploymentGroup: string;
}

/** The resources the config names in one site. */
export interface SiteResources {
  site: Site;
  pipelines: GuardedPipeline[];
  deploymentGroups: GuardedDeploymentGroup[];
  /** `alarms` and `blockOnAlarms` of the site's environments, each once. */
  alarms: string[];
}

/** Who calls AWS for some environments, and on what. */
export interface Grant {
  /** The environments' roleArn; undefined: the bot's own identity. */
  roleArn?: string;
  /** The account the role lives in (undefined for the bot's own identity). */
  account?: string;
  resources: SiteResources[];
}

export interface InstallPlan {
  /** Where the bot and its API destination live. */
  home: Site;
  /** Where AWS emits the events the bot needs, by site; the home site first when it has any. */
  sites: SiteResources[];
  /** One grant for the bot's own identity (possibly empty) and one per roleArn. */
  grants: Grant[];
  /** The SNS topics /aws/events accepts (config events.snsTopics). */
  snsTopics: string[];
}

/** The account of a role ARN (arn:aws:iam::<account>:role/…). */
export function roleAccount(roleArn: string): string {
  const account = roleArn.split(':')[4];
  if (!account) throw new Error(`not a role ARN: ${roleArn}`);
  return account;
}

export const siteKey = (s: Site) => `${s.account ?? 'home'}|${s.region}`;

export function isHome(plan: Pick<InstallPlan, 'home'>, s: Site): boolean {
  return siteKey(s) === siteKey(plan.home);
}

function pushOnce<T>(list: T[], value: T, same: (a: T) => boolean): void {
  if (!list.some(same)) list.push(value);
}

function addEnvironment(into: SiteResources, env: EnvironmentConfig): void {
  const t = env.target;
  if (t.kind === 'stage') {
    let p = into.pipelines.find((x) => x.pipeline === t.pipeline);
    if (!p) {
      p = { pipeline: t.pipeline, stages: [] };
      into.pipelines.push(p);
    }
    for (const stage of Object.keys(t.stages)) pushOnce(p.stages, stage, (s) => s === stage);
  } else {
    const g = { application: t.application, deploymentGroup: t.deploymentGroup };
    pushOnce(
      into.deploymentGroups,
      g,
      (x) => x.application === g.application && x.deploymentGroup === g.deploymentGroup,
    );
  }
  for (const alarm of [...env.alarms, ...env.blockOnAlarms]) {
    pushOnce(into.alarms, alarm, (a) => a === alarm);
  }
}

function siteIn(list: SiteResources[], site: Site): SiteResources {
  let found = list.find((s) => siteKey(s.site) === siteKey(site));
  if (!found) {
    found = { site, pipelines: [], deploymentGroups: [], alarms: [] };
    list.push(found);
  }
  return found;
}

/**
 * The install for `config` with the bot in `home`. `home.account`, when known, lets an
 * environment whose role is in the bot's own account count as home for its events.
 */
export function planInstall(config: Config, home: Site): InstallPlan {
  const homeSite: Site = { region: home.region };
  const sites: SiteResources[] = [];
  const grants: Grant[] = [{ resources: [] }];
  for (const env of Object.values(config.environments)) {
    const account = env.roleArn ? roleAccount(env.roleArn) : undefined;
    const eventAccount = account === home.account ? undefined : account;
    addEnvironment(siteIn(sites, { account: eventAccount, region: env.region }), env);
    let grant = grants.find((g) => g.roleArn === env.roleArn);
    if (!grant) {
      grant = { roleArn: env.roleArn, account, resources: [] };
      grants.push(grant);
    }
    addEnvironment(siteIn(grant.resources, { account, region: env.region }), env);
  }
  const ordered = [
    ...sites.filter((s) => siteKey(s.site) === siteKey(homeSite)),
    ...sites.filter((s) => siteKey(s.site) !== siteKey(homeSite)),
  ];
  return { home: homeSite, sites: ordered, grants, snsTopics: [...config.events.snsTopics] };
}

/** The accounts other than the bot's own that hold guarded resources, in config order. */
export function otherAccounts(plan: InstallPlan): string[] {
  const out: string[] = [];
  for (const s of plan.sites) {
    if (s.site.account !== undefined) pushOnce(out, s.site.account, (a) => a === s.site.account);
  }
  return out;
}
