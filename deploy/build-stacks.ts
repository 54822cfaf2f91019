// Every stack an install needs, from the bot's config: the events and IAM stack in the bot's
// account and region, a forwarder per other site, the environment roles per other account, and
// optionally the bot itself on Fargate. Used by the CDK app (app.ts), the plain-template script
// (synth-templates.ts) and the tests, so all three build the same thing.
import type { App, IStackSynthesizer } from 'aws-cdk-lib';
import type { Config } from '../src/config/config.js';
import { RollbackBotEnvironmentRolesStack } from './environment-roles-stack.js';
import { RollbackBotEventsStack } from './events-stack.js';
import { RollbackBotForwarderStack } from './forwarder-stack.js';
import { type InstallPlan, isHome, otherAccounts, planInstall } from './install-plan.js';
import { RollbackBotServiceStack, type ServiceStackProps } from './service-stack.js';

export interface InstallOptions {
  config: Config;
  /** The bot's region. */
  region: string;
  /** The bot's account id; needed when the config names other accounts. */
  account?: string;
  botUrl?: string;
  secretArn?: string;
  /** The rules and API destination (default true); without them the bot relies on its poller. */
  intake?: boolean;
  sns?: boolean;
  /** The bot on Fargate; its policies and secret come from the rest of the install. */
  service?: Omit<ServiceStackProps, 'policies' | 'secretArn' | 'polls'>;
  /** e.g. one without the bootstrap version check, for plain templates. */
  synthesizer?: () => IStackSynthesizer;
}

export interface Install {
  plan: InstallPlan;
  events: RollbackBotEventsStack;
  forwarders: RollbackBotForwarderStack[];
  roles: RollbackBotEnvironmentRolesStack[];
  service?: RollbackBotServiceStack;
}

/** Stack names people see in CloudFormation, and the plain templates' file names. */
export const STACK_NAMES = {
  events: 'RollbackBotEvents',
  forwarder: (account: string | undefined, region: string) =>
    `RollbackBotForward-${account ?? 'Home'}-${region}`,
  roles: (account: string) => `RollbackBotRoles-${account}`,
  service: 'RollbackBotService',
};

const TASK_ROLE_NAME = 'rollback-bot-task';
const CROSS_STACK_REFERENCES = '@aws-cdk/core:defaultCrossStackReferences';

export function buildInstall(app: App, o: InstallOptions): Install {
  const plan = planInstall(o.config, { account: o.account, region: o.region });
  const intake = o.intake ?? true;
  const roleAccounts = [...new Set(plan.grants.flatMap((g) => (g.account ? [g.account] : [])))];
  if ((otherAccounts(plan).length > 0 || roleAccounts.length > 0) && !o.account) {
    throw new Error(
      `The config names roles or other accounts (${[...new Set([...otherAccounts(plan), ...roleAccounts])].join(', ')}): give the bot's own account id too (-c account=… or --account …), which their forwarders and roles must name.`,
    );
  }
  if (app.node.tryGetContext(CROSS_STACK_REFERENCES) === undefined) {
    // The Fargate stack imports the events stack's policies: keep the producer protected.
    app.node.setContext(CROSS_STACK_REFERENCES, 'strong');
  }
  const synth = () => (o.synthesizer ? { synthesizer: o.synthesizer() } : {});
  // The stacks of the bot's own account name no account: they deploy where the CLI's credentials
  // point, and CDK needs no lookups (offline synth). Only the other accounts' stacks name one.
  const events = new RollbackBotEventsStack(app, STACK_NAMES.events, {
    plan,
    env: { region: o.region },
    botUrl: o.botUrl ?? o.service?.publicUrl,
    secretArn: o.secretArn,
    intake,
    sns: o.sns,
    ...synth(),
  });
  const remote = intake ? plan.sites.filter((s) => !isHome(plan, s.site)) : [];
  const forwarders = remote.map((s) => {
    const stack = new RollbackBotForwarderStack(
      app,
      STACK_NAMES.forwarder(s.site.account, s.site.region),
      {
        resources: s,
        botAccount: s.site.account ? o.account : undefined,
        botRegion: o.region,
        env: { account: s.site.account, region: s.site.region },
        ...synth(),
      },
    );
    stack.addStackDependency(events, 'its rules target the intake bus');
    return stack;
  });
  const roles = roleAccounts.map(
    (account) =>
      new RollbackBotEnvironmentRolesStack(app, STACK_NAMES.roles(account), {
        grants: plan.grants.filter((g) => g.account === account),
        botAccount: o.account!,
        ...(o.service ? { botRoleName: TASK_ROLE_NAME } : {}),
        env: { account, region: o.region },
        ...synth(),
      }),
  );
  const service = o.service
    ? new RollbackBotServiceStack(app, STACK_NAMES.service, {
        ...o.service,
        secretArn: o.secretArn ?? missing('secretArn'),
        policies: events.policies,
        taskRoleName: TASK_ROLE_NAME,
        polls: o.config.events.poll.enabled,
        env: { region: o.region },
        ...synth(),
      })
    : undefined;
  return { plan, events, forwarders, roles, service };
}

function missing(what: string): never {
  throw new Error(`${what} is required`);
}
