import type { z } from 'zod';

/**
 * A configuration that cannot be used. Each problem is one line: `key.path: what is wrong`. Its
 * code is in the catalogue (src/domain/errors.ts); config sits below domain, so it is declared here.
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `environments.prod-us.windows.allow[0].cron` from zod's path array. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  // Missing: "is required", unless the schema says more (zod's own message starts "Invalid input").
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return issue.message.startsWith('Invalid input') ? 'is required' : issue.message;
  }
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return issue.message;
}

export function zodProblems(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): string[] {
  return error.issues.map(
    (issue) => `${formatPath([...prefix, ...issue.path])}: ${describe(issue)}`,
  );
}
