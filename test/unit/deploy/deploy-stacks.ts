// For the deploy/ tests: synthesize an install once (offline, as `cdk synth` would), render its
// templates' intrinsic functions to readable strings, read the README's IAM table, and match an
// event against an EventBridge pattern (the exact-value subset deploy/ writes).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildInstall, type Install, type InstallOptions } from '../../../deploy/build-stacks.js';
import { readInstallConfig } from '../../../deploy/read-config.js';

export const REPO = path.resolve(import.meta.dirname, '../../..');

/** Rendered CloudFormation: untyped JSON, read by key in the tests. */
// biome-ignore lint/suspicious/noExplicitAny: templates are JSON of any shape
export type Cfn = any;

export interface Synthesized {
  install: Install;
  /** Stack name → its template, for aws-cdk-lib/assertions. */
  templates: Record<string, Template>;
  /** How long app.synth() took, ms (the slow part). */
  synthMs: number;
}

export async function synthInstall(
  configPath: string,
  options: Omit<InstallOptions, 'config' | 'region'> & { region?: string },
): Promise<Synthesized> {
  const loaded = await readInstallConfig(path.resolve(REPO, configPath), options.region);
  const app = new App({ analyticsReporting: false });
  const service = options.service && { ...options.service, configYaml: loaded.text };
  const install = buildInstall(app, {
    ...options,
    config: loaded.config,
    region: loaded.region,
    ...(service ? { service } : {}),
  });
  const started = performance.now();
  const assembly = app.synth();
  const synthMs = performance.now() - started;
  const templates: Record<string, Template> = {};
  for (const stack of assembly.stacks) {
    templates[stack.stackName] = Template.fromJSON(stack.template as Record<string, unknown>);
  }
  return { install, templates, synthMs };
}

/**
 * Fn::Join, Ref and Fn::GetAtt as text: `arn:aws:codepipeline:us-east-1:<AWS::AccountId>:web-app`.
 * The partition reads as aws (the README's ARNs).
 */
export function render(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(render);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => String(render(p))).join(sep);
  }
  if ('Ref' in o) return o.Ref === 'AWS::Partition' ? 'aws' : `<${String(o.Ref)}>`;
  if ('Fn::GetAtt' in o) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, render(v)]));
}

/** Logical id → rendered properties of every resource of `type`. */
export function resources(template: Template, type: string): Record<string, Cfn> {
  const found = template.findResources(type);
  return Object.fromEntries(
    Object.entries(found).map(([id, r]) => [id, render(r.Properties ?? {})]),
  );
}

/** The README's "AWS permissions" table: feature → actions (bare names take the row's service). */
export function readmeIamTable(): Map<string, string[]> {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const section = readme.split('## AWS permissions')[1]!.split('\n## ')[0]!;
  const rows = section.split('\n').filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l));
  const table = new Map<string, string[]>();
  for (const row of rows.slice(1)) {
    const [feature, actions] = row
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    let service = '';
    const names: string[] = [];
    for (const [, token] of actions!.matchAll(/`([^`]+)`/g)) {
      const full = /^([a-z0-9-]+):([A-Za-z]+)$/.exec(token!);
      if (full) {
        service = full[1]!;
        names.push(token!);
      } else if (/^[A-Z][A-Za-z]+$/.test(token!)) names.push(`${service}:${token}`);
    }
    table.set(feature!, names);
  }
  return table;
}

/** Whether `event` matches `pattern` (rendered JSON with exact-value lists only). */
export function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, want]) => {
    const got = event[key];
    if (Array.isArray(want)) {
      const values = Array.isArray(got) ? got : [got];
      return values.some((v) => want.includes(v));
    }
    return (
      got !== null &&
      typeof got === 'object' &&
      matches(want as Record<string, unknown>, got as Record<string, unknown>)
    );
  });
}
