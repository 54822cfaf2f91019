import { describe, expect, it } from 'vitest';
import { type CommandCatalog, parseCommand } from '../../../commands/grammar.js';

const catalog: CommandCatalog = {
  environments: {
    staging: ['Deploy-Staging'],
    'prod-us': ['Deploy'],
    'prod-eu': [],
    multi: ['Canary', 'Deploy'],
  },
  groups: ['prod'],
};
const ok = (text: string) => {
  const r = parseCommand(text, catalog);
  if (!r.ok) throw new Error(`expected ${text} to parse: ${r.error}`);
  return r.command;
};
const err = (text: string) => {
  const r = parseCommand(text, catalog);
  if (r.ok) throw new Error(`expected ${text} to be refused`);
  return r;
};

describe('/rollback grammar', () => {
  it('parses a rollback with stage, target and reason', () => {
    expect(ok('prod-us deploy to 8f14e45f because 5xx after deploy')).toEqual({
      kind: 'rollback',
      target: { kind: 'environment', name: 'prod-us' },
      stage: 'Deploy',
      to: '8f14e45f',
      reason: '5xx after deploy',
    });
  });

  it('lets the stage be left out and keeps environment case from the config', () => {
    expect(ok('PROD-US')).toEqual({
      kind: 'rollback',
      target: { kind: 'environment', name: 'prod-us' },
    });
    expect(ok('prod because  it  broke')).toEqual({
      kind: 'rollback',
      target: { kind: 'group', name: 'prod' },
      reason: 'it broke',
    });
  });

  it('suggests the closest environment for a typo, with help', () => {
    expect(err('prdo-us deploy')).toEqual({
      ok: false,
      error: "no environment or command 'prdo-us': did you mean prod-us?",
      showHelp: true,
    });
    expect(err('prdo')).toMatchObject({
      error: "no environment or command 'prdo': did you mean prod?",
    });
    expect(err('statsu')).toMatchObject({
      error: "no environment or command 'statsu': did you mean status?",
    });
    expect(err('diff prdo-eu').error).toBe("no environment 'prdo-eu': did you mean prod-eu?");
  });

  it('names the stages an environment guards when the stage is wrong', () => {
    expect(err('multi deplyo').error).toBe(
      "no stage 'deplyo' in multi: did you mean Deploy? (it guards: Canary, Deploy)",
    );
    expect(err('prod-eu Deploy').error).toBe(
      "prod-eu is a CodeDeploy deployment group and has no stages: drop 'Deploy'",
    );
  });

  it('refuses malformed targets and dangling words', () => {
    expect(err('prod-us deploy to').error).toBe(
      "'to' needs an execution id or a commit sha, e.g. to 8f14e45",
    );
    expect(err('prod-us deploy to <@U123>').error).toMatch(/is not an execution id or commit sha/);
    expect(err('prod-us deploy now please').error).toBe(
      "did not understand 'now': put a reason after 'because'",
    );
    expect(err('prod-us deploy because').error).toMatch(/'because' needs a reason/);
  });

  it('parses the subcommands', () => {
    expect(ok('')).toEqual({ kind: 'help' });
    expect(ok('help')).toEqual({ kind: 'help' });
    expect(ok('status')).toEqual({ kind: 'status' });
    expect(ok('status prod-us')).toEqual({ kind: 'status', environment: 'prod-us' });
    expect(ok('history prod-us 5')).toEqual({ kind: 'history', environment: 'prod-us', limit: 5 });
    expect(ok('history 500')).toEqual({ kind: 'history', limit: 50 });
    expect(ok('diff prod-us deploy to abc1234')).toEqual({
      kind: 'diff',
      environment: 'prod-us',
      stage: 'Deploy',
      to: 'abc1234',
    });
    expect(ok('unlock prod-us Deploy')).toEqual({
      kind: 'unlock',
      environment: 'prod-us',
      stage: 'Deploy',
    });
    expect(ok('freeze prod 4h Holiday freeze')).toEqual({
      kind: 'freeze',
      target: { kind: 'group', name: 'prod' },
      until: { durationMs: 4 * 3_600_000 },
      reason: 'Holiday freeze',
    });
    expect(ok('freeze prod-us until 2026-12-24T18:00 because release party')).toMatchObject({
      until: { at: '2026-12-24T18:00' },
      reason: 'release party',
    });
    expect(ok('unfreeze prod-us')).toEqual({
      kind: 'unfreeze',
      target: { kind: 'environment', name: 'prod-us' },
    });
    expect(ok('cancel 01jd5x7k9m2n3p4q5r6s7t8v9w')).toEqual({
      kind: 'cancel',
      requestId: '01JD5X7K9M2N3P4Q5R6S7T8V9W',
    });
  });

  it('parses mark-bad and mark-good, with an optional stage and reason', () => {
    expect(ok('mark-bad prod-us 8f14e45 because breaks checkout')).toEqual({
      kind: 'mark',
      standing: 'bad',
      environment: 'prod-us',
      release: '8f14e45',
      reason: 'breaks checkout',
    });
    expect(ok('mark-good multi canary 8f14e45')).toEqual({
      kind: 'mark',
      standing: 'good',
      environment: 'multi',
      stage: 'Canary',
      release: '8f14e45',
    });
    expect(err('mark-bad prod-us').error).toMatch(/^say which release: mark-bad prod-us/);
    expect(err('mark-bad prod-us 8f14e45 now').error).toMatch(/did not understand 'now'/);
    expect(err('mark-bda prod-us 8f14e45').error).toMatch(/did you mean .*mark-bad/i);
  });

  it('explains subcommand mistakes', () => {
    expect(err('freeze prod-us forever no').error).toBe(
      "'forever' is not a duration: use e.g. 30m, 4h, 2d",
    );
    expect(err('freeze prod-us 4h').error).toMatch(/needs a reason/);
    expect(err('diff').error).toBe('say which environment to diff');
    expect(err('unlock prod-us Deploy to abc1234').error).toBe("unlock takes no 'to'");
    expect(err('cancel 42').error).toBe('cancel takes the request id shown on the request');
  });
});
