// The committed plain CloudFormation (deploy/cloudformation) is what `npm run deploy:synth`
// writes from rollback.config.example.yml today: a change to deploy/, the example config or
// aws-cdk-lib that alters it fails here until the templates are regenerated.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  EXAMPLE_CONFIG,
  renderTemplates,
  TEMPLATES_DIR,
  templateFileName,
} from '../../../deploy/synth-templates.js';

let rendered: Map<string, string>;

beforeAll(async () => {
  rendered = await renderTemplates({ configPath: EXAMPLE_CONFIG });
}, 60_000);

describe('deploy/cloudformation', () => {
  it('holds exactly the templates the script writes', () => {
    const committed = readdirSync(TEMPLATES_DIR)
      .filter((f) => f.endsWith('.yml'))
      .sort();
    expect(committed).toEqual([...rendered.keys()].sort());
  });

  it('has not drifted from deploy/ (run npm run deploy:synth)', () => {
    for (const [name, text] of rendered) {
      const committed = readFileSync(join(TEMPLATES_DIR, name), 'utf8');
      expect(committed, `${name} drifted: run npm run deploy:synth`).toBe(text);
    }
  });

  it('is plain CloudFormation: parameters people fill, no CDK bootstrap, no CDK metadata', () => {
    const events = parse(rendered.get('rollback-bot-events.yml')!);
    expect(Object.keys(events.Parameters)).toEqual([
      'BotUrl',
      'BotSecretArn',
      'BotSecretJsonKey',
      'InvocationRateLimitPerSecond',
    ]);
    expect(events.Parameters.BotUrl.Default).toBeUndefined();
    expect(events.Parameters.BotSecretArn.Default).toBeUndefined();
    for (const text of rendered.values()) {
      expect(text).not.toMatch(/BootstrapVersion|AWS::CDK::Metadata|aws:cdk:path|cdk-hnb659fds/);
    }
  });

  it('names files after their stacks', () => {
    expect(templateFileName('RollbackBotForward-Home-eu-west-1')).toBe(
      'rollback-bot-forward-home-eu-west-1.yml',
    );
  });
});
