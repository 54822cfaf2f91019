// The people, groups and channels of a local workspace. The demo workspace matches the demo
// world of the local AWS endpoint: a prod and a staging channel, on-call engineers, managers
// who may approve risky rollbacks, and an outsider who may not.
import { manifestBotScopes } from './manifest-scopes.js';

export type Persona = 'on-call' | 'manager' | 'release-manager' | 'outsider';

export interface WorkspaceUser {
  id: string; // U…
  name: string; // handle, e.g. "olivia"
  realName: string;
  title?: string;
  persona: Persona;
  isManager?: boolean;
  tz?: string;
}

export interface WorkspaceUserGroup {
  id: string; // S…
  handle: string; // e.g. "prod-approvers"
  name: string;
  users: string[];
}

export interface WorkspaceChannel {
  id: string; // C…
  name: string; // without '#'
  topic?: string;
  isPrivate?: boolean;
  /** Whether the bot is a member; posting into a channel it is not in fails with not_in_channel. */
  botIsMember: boolean;
  members: string[];
  /** A direct-message channel between the bot and `user` (created when the bot posts to a user id). */
  isIm?: boolean;
  user?: string;
}

export interface Workspace {
  teamName: string;
  domain: string;
  /** The bot's own user, as auth.test returns it. */
  bot: { userId: string; botId: string; name: string };
  users: WorkspaceUser[];
  userGroups: WorkspaceUserGroup[];
  channels: WorkspaceChannel[];
  /** OAuth scopes granted to the bot token; a method needing another answers missing_scope. */
  scopes: string[];
  /** The app's slash commands; others are answered by Slack. Default: manifest.yml's. */
  commands?: readonly string[];
  /** The App Home: Home tab on, and the bot events sent. Default: manifest.yml's. */
  appHome?: { homeTabEnabled: boolean; botEvents: readonly string[] };
}

/** The scopes a real install grants: manifest.yml's bot scopes (manifest-scopes.ts). */
export const DEFAULT_BOT_SCOPES: readonly string[] = manifestBotScopes();

export function demoWorkspace(): Workspace {
  const everyone = ['U0ONCALL', 'U0ONCALL2', 'U0MANAGER', 'U0RELEASE', 'U0OUTSIDER'];
  return {
    teamName: 'Sandbox Corp',
    domain: 'sandbox-corp',
    bot: { userId: 'U0ROLLBOT', botId: 'B0ROLLBOT', name: 'rollback-bot' },
    users: [
      {
        id: 'U0ONCALL',
        name: 'olivia',
        realName: 'Olivia Oncall',
        title: 'SRE, on call',
        persona: 'on-call',
        tz: 'Europe/Berlin',
      },
      {
        id: 'U0ONCALL2',
        name: 'omar',
        realName: 'Omar Backup',
        title: 'SRE, secondary on call',
        persona: 'on-call',
        tz: 'America/New_York',
      },
      {
        id: 'U0MANAGER',
        name: 'maria',
        realName: 'Maria Manager',
        title: 'Engineering manager',
        persona: 'manager',
        isManager: true,
        tz: 'Europe/Berlin',
      },
      {
        id: 'U0RELEASE',
        name: 'rafael',
        realName: 'Rafael Release',
        title: 'Release manager',
        persona: 'release-manager',
        isManager: true,
        tz: 'Europe/London',
      },
      {
        id: 'U0OUTSIDER',
        name: 'otto',
        realName: 'Otto Outsider',
        title: 'Marketing',
        persona: 'outsider',
        tz: 'America/Los_Angeles',
      },
    ],
    userGroups: [
      {
        id: 'S0APPROVERS',
        handle: 'prod-approvers',
        name: 'Prod approvers',
        users: ['U0MANAGER', 'U0RELEASE'],
      },
      { id: 'S0ONCALL', handle: 'oncall', name: 'On-call', users: ['U0ONCALL', 'U0ONCALL2'] },
    ],
    channels: [
      {
        id: 'C0DEPLOYPROD',
        name: 'deploys-prod',
        topic: 'Production deploys and rollbacks',
        botIsMember: true,
        members: everyone,
      },
      {
        id: 'C0DEPLOYSTG',
        name: 'deploys-staging',
        topic: 'Staging deploys',
        botIsMember: true,
        members: everyone,
      },
      {
        id: 'C0GENERAL',
        name: 'general',
        topic: 'Company-wide; the bot is not invited here',
        botIsMember: false,
        members: everyone,
      },
    ],
    scopes: [...DEFAULT_BOT_SCOPES],
  };
}
