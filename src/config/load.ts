// Reading the config file: YAML → validated (schema.ts) → normalised (config.ts), or one
// ConfigError that lists every problem with its key path.
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { type Config, normaliseConfig } from './config.js';
import { ConfigError, zodProblems } from './errors.js';
import { rawConfigSchema } from './schema.js';

/** Parses and validates config text. Throws ConfigError listing every problem. */
export function parseConfig(text: string, source: string, fallbackRegion?: string): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  const data: unknown = doc.toJS();
  const result = rawConfigSchema.safeParse(data ?? {}, { reportInput: true });
  if (!result.success) throw new ConfigError(source, zodProblems(result.error));
  return normaliseConfig(result.data, fallbackRegion);
}

export async function loadConfigFile(path: string, fallbackRegion?: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [
      `ROLLBACK_CONFIG: cannot read "${path}" (${code ?? 'error'}); copy rollback.config.example.yml and point ROLLBACK_CONFIG at it`,
    ]);
  }
  return parseConfig(text, path, fallbackRegion);
}
