// The install reads the bot's own config file with the bot's own loader (src/config), so the
// rules and policies name exactly what the bot will act on, and a mistake stops the synth with
// the message the bot would give.
import { readFile } from 'node:fs/promises';
import type { Config } from '../src/config/config.js';
import { loadConfigFile } from '../src/config/load.js';

export interface LoadedConfig {
  config: Config;
  /** The file's text, handed to the Fargate tasks as is. */
  text: string;
  /** The bot's region: the one asked for, else the first environment's. */
  region: string;
}

export async function readInstallConfig(path: string, region?: string): Promise<LoadedConfig> {
  const config = await loadConfigFile(path, region);
  const first = Object.values(config.environments)[0];
  const home = region ?? first?.region;
  if (!home) throw new Error(`${path} names no environment, so there is nothing to install`);
  return { config, text: await readFile(path, 'utf8'), region: home };
}
