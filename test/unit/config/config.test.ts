import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../../src/config/env.js';
import { ConfigError } from '../../../src/config/errors.js';
import { parseConfig } from '../../../src/config/load.js';

const example = readFileSync(
  new URL('../../../rollback.config.example.yml', import.meta.url),
  'utf8',
);

function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'test.yml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

const base = (envs: string, rest = '') => `environments:\n${envs}\n${rest}`;
const stageEnv = (name: string, extra = '', stage = 'Deploy') =>
  `  ${name}:\n    channel: C0TEST0001\n    pipeline: web-app\n    stages: { ${stage}: {} }\n${extra}`;

describe('configuration', () => {
  it('parses the example config with defaults applied', () => {
    const config = parseConfig(example, 'example');
    expect(Object.keys(config.environments)).toEqual(['staging', 'prod-us', 'prod-eu']);
    const prod = config.environments['prod-us']!;
    expect(prod.bakeMs).toBe(15 * 60_000);
    expect(prod.approval).toMatchObject({
      required: 1,
      approvers: ['S0MGRS01'],
      expiresAfterMs: 1_800_000,
    });
    expect(prod.target).toEqual({
      kind: 'stage',
      pipeline: 'web-app',
      stages: { Deploy: { lockAfterRollback: true } },
    });
    expect(prod.windows.allow).toEqual([{ cron: '0 9 * * MON-THU', durationMs: 7 * 3_600_000 }]);
    expect(config.environments['prod-eu']!.target).toMatchObject({
      kind: 'deployment-group',
      application: 'billing-api',
    });
    expect(config.environments['prod-eu']!.region).toBe('eu-west-1');
    expect(config.groups.prod).toEqual({
      name: 'prod',
      members: ['prod-us', 'prod-eu'],
      onMemberFailure: 'halt',
    });
  });

  it('codedeploy.duringBlock: announce by default, stop when asked, nothing else', () => {
    const group = (extra = '') =>
      base(
        `  billing:\n    channel: C0TEST0001\n    codedeploy:\n      application: billing-api\n      deploymentGroup: prod-eu\n${extra}`,
      );
    expect(parseConfig(group(), 'test.yml').environments.billing!.target).toMatchObject({
      kind: 'deployment-group',
      duringBlock: 'announce',
    });
    expect(
      parseConfig(group('      duringBlock: stop\n'), 'test.yml').environments.billing!.target,
    ).toMatchObject({ duringBlock: 'stop' });
    expect(problemsOf(group('      duringBlock: pause\n'))[0]).toMatch(
      /^environments\.billing\.codedeploy\.duringBlock: /,
    );
  });

  it('names a missing channel', () => {
    expect(
      problemsOf(base('  staging:\n    pipeline: web-app\n    stages: { Deploy: {} }')),
    ).toEqual(['environments.staging.channel: is required']);
  });

  it('names an unknown environment in a group, with a suggestion', () => {
    expect(problemsOf(base(stageEnv('prod-us'), 'groups:\n  prod: [prod-us, prdo-eu]\n'))).toEqual([
      'groups.prod[1]: unknown environment "prdo-eu"',
    ]);
    expect(
      problemsOf(
        base(
          stageEnv('prod-us') + stageEnv('prod-eu', '', 'Deploy-EU'),
          'groups:\n  prod: { members: [prod-us, prdo-eu] }\n',
        ),
      ),
    ).toEqual(['groups.prod.members[1]: unknown environment "prdo-eu": did you mean prod-eu?']);
  });

  it('names a bad cron expression with its key path', () => {
    const windows = '    windows:\n      allow:\n        - { cron: "0 25 * * *", duration: 7h }\n';
    expect(problemsOf(base(stageEnv('prod-us', windows)))).toEqual([
      'environments.prod-us.windows.allow[0].cron: invalid cron expression "0 25 * * *"',
    ]);
  });

  it('names a bad duration', () => {
    expect(problemsOf(base(stageEnv('prod-us', '    bake: soon\n')))).toEqual([
      'environments.prod-us.bake: invalid duration "soon": use a number and a unit, e.g. 30s, 15m, 4h, 2d',
    ]);
  });

  it('names an unknown key', () => {
    expect(problemsOf(base(stageEnv('prod-us', '    autoRolback: on-failure\n')))).toEqual([
      'environments.prod-us: unknown key "autoRolback"',
    ]);
  });

  it('refuses two environments claiming the same pipeline stage', () => {
    expect(problemsOf(base(stageEnv('staging') + stageEnv('prod-us')))).toEqual([
      'environments.prod-us.stages.Deploy: pipeline stage web-app/Deploy in (AWS_REGION) is already guarded by environment "staging"; one owner per stage',
    ]);
  });

  it('reports every problem, one line each', () => {
    const problems = problemsOf(
      base(
        '  prod-us:\n    channel: general\n    pipeline: web-app\n    stages: { Deploy: {} }\n    autoRollback: sometimes\n    bake: 5 parsecs',
      ),
    );
    expect(problems).toEqual([
      'environments.prod-us.channel: must be a Slack channel id such as C0123ABCD (not a #name)',
      'environments.prod-us.bake: invalid duration "5 parsecs": use a number and a unit, e.g. 30s, 15m, 4h, 2d',
      'environments.prod-us.autoRollback: must be one of "off", "on-failure", "on-alarm", "on-failure-and-alarm"',
    ]);
  });

  it('reads autoRollbackGrace per environment (default none) and names a bad one', () => {
    const config = parseConfig(example, 'example');
    expect(config.environments['prod-us']!.autoRollbackGraceMs).toBe(30_000);
    expect(config.environments.staging!.autoRollbackGraceMs).toBeUndefined();
    expect(problemsOf(base(stageEnv('prod', '    autoRollbackGrace: soon\n')))).toEqual([
      'environments.prod.autoRollbackGrace: invalid duration "soon": use a number and a unit, e.g. 30s, 15m, 4h, 2d',
    ]);
  });

  it('suppressedAlarms: block by default, defaults.suppressedAlarms next, ignore when asked, nothing else', () => {
    const config = parseConfig(example, 'example');
    expect(config.environments['prod-us']!.suppressedAlarms).toBe('block');
    expect(config.environments.staging!.suppressedAlarms).toBe('block');
    const envs = `${stageEnv('a')}${stageEnv('b', '    suppressedAlarms: ignore\n', 'Other')}`;
    const plain = parseConfig(base(envs), 'test.yml').environments;
    expect([plain.a!.suppressedAlarms, plain.b!.suppressedAlarms]).toEqual(['block', 'ignore']);
    const fromDefaults = parseConfig(
      `defaults:\n  suppressedAlarms: ignore\n${base(`${stageEnv('a')}${stageEnv('b', '    suppressedAlarms: block\n', 'Other')}`)}`,
      'test.yml',
    ).environments;
    expect([fromDefaults.a!.suppressedAlarms, fromDefaults.b!.suppressedAlarms]).toEqual([
      'ignore',
      'block',
    ]);
    expect(problemsOf(base(stageEnv('prod', '    suppressedAlarms: never\n')))).toEqual([
      'environments.prod.suppressedAlarms: must be one of "block", "ignore"',
    ]);
  });

  it('events.startupLookBack: 1h by default, a duration up to 24h, or off', () => {
    const lookBack = (events: string) =>
      parseConfig(`events:\n${events}\n${base(stageEnv('a'))}`, 'test.yml').events
        .startupLookBackMs;
    expect(parseConfig(base(stageEnv('a')), 'test.yml').events.startupLookBackMs).toBe(3_600_000);
    expect(lookBack('  startupLookBack: 6h')).toBe(6 * 3_600_000);
    expect(lookBack('  startupLookBack: off')).toBe(0);
    expect(problemsOf(`events:\n  startupLookBack: 3d\n${base(stageEnv('a'))}`)).toEqual([
      'events.startupLookBack: at most 24h',
    ]);
  });

  it('reports YAML syntax errors with a line number', () => {
    const problems = problemsOf('environments:\n  prod: [unclosed\n');
    expect(problems[0]).toMatch(/^line \d+: /);
  });
});

describe('environment variables', () => {
  const good = {
    SLACK_BOT_TOKEN: 'xoxb-123-abc',
    SLACK_SIGNING_SECRET: 'a-signing-secret',
    REDIS_URL: 'redis://127.0.0.1:6379',
    ROLLBACK_CONFIG: 'rollback.config.yml',
  };

  it('applies documented defaults', () => {
    const env = loadEnv(good);
    expect(env).toMatchObject({
      REDIS_PREFIX: '{rollback}',
      PORT: 3000,
      ROLE: 'all',
      LOG_LEVEL: 'info',
    });
  });

  it('names each missing required variable without echoing any value', () => {
    const { SLACK_SIGNING_SECRET: _s, REDIS_URL: _r, ...rest } = good;
    try {
      loadEnv({ ...rest, SLACK_BOT_TOKEN: 'not-a-token-supersecret' });
      expect.unreachable('loadEnv should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toEqual([
        'SLACK_BOT_TOKEN: must be a bot token starting with xoxb-',
        'SLACK_SIGNING_SECRET: is required when Slack reaches the bot over HTTP (/slack/events): the signing secret from Basic Information (or set SLACK_APP_TOKEN for Socket Mode)',
        'REDIS_URL: is required',
      ]);
      expect(problems.join('\n')).not.toContain('supersecret');
    }
  });

  it('needs no signing secret in Socket Mode, where nothing arrives at /slack/events', () => {
    const { SLACK_SIGNING_SECRET: _s, ...rest } = good;
    expect(() => loadEnv(rest)).toThrow(/SLACK_SIGNING_SECRET: is required when Slack reaches/);
    const env = loadEnv({ ...rest, SLACK_APP_TOKEN: 'xapp-1-A0ROLLBACK-1-abc' });
    expect(env.SLACK_SIGNING_SECRET).toBeUndefined();
    expect(env.SLACK_APP_TOKEN).toBe('xapp-1-A0ROLLBACK-1-abc');
  });

  it('rejects an unknown ROLE', () => {
    expect(() => loadEnv({ ...good, ROLE: 'both' })).toThrow(
      /ROLE: must be one of "all", "web", "worker"/,
    );
  });
});

describe('permissions', () => {
  const perms = (yaml: string) => `    permissions:\n${yaml}`;

  it('keeps environments that say nothing open to their channel; the example restricts prod', () => {
    const config = parseConfig(example, 'example');
    expect(config.environments.staging!.permissions).toEqual({
      request: ['channel'],
      cancel: ['requester', 'approvers'],
    });
    expect(config.environments['prod-us']!.permissions.request).toEqual(['S0ONCALL01']);
    expect(config.environments['prod-eu']!.permissions.request).toEqual(['S0ONCALL01']);
  });

  it('names a bad entry with its key path, and suggests a keyword', () => {
    expect(
      problemsOf(base(stageEnv('prod-us', perms('      request: [oncall, "@olivia", aprovers]')))),
    ).toEqual([
      'environments.prod-us.permissions.request[0]: "oncall" must be a Slack user id (U…/W…), a user-group id (S…), or one of channel, requester, approvers; not a name or @handle',
      'environments.prod-us.permissions.request[1]: "@olivia" must be a Slack user id (U…/W…), a user-group id (S…), or one of channel, requester, approvers; not a name or @handle',
      'environments.prod-us.permissions.request[2]: "aprovers" must be a Slack user id (U…/W…), a user-group id (S…), or one of channel, requester, approvers; not a name or @handle: did you mean approvers?',
    ]);
  });

  it('says a channel id is not a person, requester cannot request, and an entry counts once', () => {
    expect(
      problemsOf(
        base(
          stageEnv(
            'prod-us',
            perms('      request: [C0PROD01, requester]\n      cancel: [S0ONCALL, S0ONCALL]'),
          ),
        ),
      ),
    ).toEqual([
      'environments.prod-us.permissions.request[0]: "C0PROD01" is a channel id; permissions name people (U…/W… users, S… user groups) or channel, requester, approvers ("channel" is the environment\'s own channel)',
      'environments.prod-us.permissions.request[1]: "requester" applies to cancel only: a rollback has no requester before it is requested',
      'environments.prod-us.permissions.cancel[1]: "S0ONCALL" is listed twice',
    ]);
  });

  it('names an unknown permission and a bad default', () => {
    expect(
      problemsOf(
        base(
          stageEnv('prod-us', perms('      approve: [S0MGRS]')),
          'defaults:\n  permissions:\n    cancel: [everyone]\n',
        ),
      ),
    ).toEqual([
      'defaults.permissions.cancel[0]: "everyone" must be a Slack user id (U…/W…), a user-group id (S…), or one of channel, requester, approvers; not a name or @handle',
      'environments.prod-us.permissions: unknown key "approve"',
    ]);
  });

  it('refuses allowedUsers with what to write instead', () => {
    expect(problemsOf(base(stageEnv('prod-us', '    allowedUsers: [U0LEAD]\n')))).toEqual([
      'environments.prod-us.allowedUsers: was replaced by permissions.request: write `permissions: { request: [channel, U…] }` for what allowedUsers meant (anyone in the channel, plus these users from anywhere); cancel and unlock are permissions.cancel',
    ]);
  });
});
