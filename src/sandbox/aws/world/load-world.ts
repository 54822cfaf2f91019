import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { type ParsedWorld, type World, worldSchema } from './schema.js';

/** Validates a world object; the error names every bad key with its path. */
export function parseWorld(world: unknown, source = 'world'): ParsedWorld {
  const result = worldSchema.safeParse(world ?? {});
  if (!result.success) {
    const problems = result.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`invalid ${source}: ${problems}`);
  }
  return result.data;
}

/** Reads a YAML or JSON world file (JSON is valid YAML). */
export async function loadWorldFile(path: string): Promise<ParsedWorld> {
  const text = await readFile(path, 'utf8');
  return parseWorld(parseYaml(text), path);
}

export async function resolveWorld(world: World | string | undefined): Promise<ParsedWorld> {
  if (typeof world === 'string') return loadWorldFile(world);
  return parseWorld(world ?? {});
}
