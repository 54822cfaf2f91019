// The bot scopes the local Slack grants: exactly those manifest.yml asks for, read from it, so
// every test and the sandbox run with what a real install has. A call needing a scope the
// manifest does not list answers missing_scope here as it would in Slack. Likewise the app's
// slash commands: any other command is answered by Slack itself and never sent to the app; and
// the App Home: a Home tab only when the manifest enables it, app_home_opened only when the
// manifest subscribes to it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const MANIFEST_PATH = fileURLToPath(new URL('../../../manifest.yml', import.meta.url));

let cached: readonly string[] | undefined;

/** oauth_config.scopes.bot of manifest.yml. */
export function manifestBotScopes(path = MANIFEST_PATH): readonly string[] {
  if (path === MANIFEST_PATH && cached) return cached;
  const manifest = parse(readFileSync(path, 'utf8')) as {
    oauth_config?: { scopes?: { bot?: unknown } };
  };
  const bot = manifest.oauth_config?.scopes?.bot;
  if (!Array.isArray(bot) || !bot.every((s) => typeof s === 'string')) {
    throw new Error(`${path}: oauth_config.scopes.bot must be a list of scope names`);
  }
  if (path === MANIFEST_PATH) cached = bot;
  return bot;
}

let cachedCommands: readonly string[] | undefined;

/** features.slash_commands[].command of manifest.yml, e.g. ["/rollback"]. */
export function manifestSlashCommands(path = MANIFEST_PATH): readonly string[] {
  if (path === MANIFEST_PATH && cachedCommands) return cachedCommands;
  const manifest = parse(readFileSync(path, 'utf8')) as {
    features?: { slash_commands?: unknown };
  };
  const list = manifest.features?.slash_commands;
  const commands = Array.isArray(list)
    ? list.map((c) => (c as { command?: unknown } | null)?.command)
    : [];
  const named = (c: unknown): c is string => typeof c === 'string' && c.startsWith('/');
  if (commands.length === 0 || !commands.every(named)) {
    throw new Error(`${path}: features.slash_commands must list commands such as "/rollback"`);
  }
  if (path === MANIFEST_PATH) cachedCommands = commands;
  return commands;
}

export interface ManifestAppHome {
  /** features.app_home.home_tab_enabled: views.publish of a home view answers not_enabled without it. */
  homeTabEnabled: boolean;
  /** settings.event_subscriptions.bot_events: the events Slack sends the app. */
  botEvents: readonly string[];
}

let cachedHome: ManifestAppHome | undefined;

/** What manifest.yml says about the App Home: whether the Home tab is on, which events come. */
export function manifestAppHome(path = MANIFEST_PATH): ManifestAppHome {
  if (path === MANIFEST_PATH && cachedHome) return cachedHome;
  const manifest = parse(readFileSync(path, 'utf8')) as {
    features?: { app_home?: { home_tab_enabled?: unknown } };
    settings?: { event_subscriptions?: { bot_events?: unknown } };
  };
  const events = manifest.settings?.event_subscriptions?.bot_events ?? [];
  if (!Array.isArray(events) || !events.every((e) => typeof e === 'string')) {
    throw new Error(`${path}: settings.event_subscriptions.bot_events must be a list of events`);
  }
  const home = {
    homeTabEnabled: manifest.features?.app_home?.home_tab_enabled === true,
    botEvents: events,
  };
  if (path === MANIFEST_PATH) cachedHome = home;
  return home;
}
