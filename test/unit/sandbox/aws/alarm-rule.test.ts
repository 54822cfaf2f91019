import { describe, expect, it } from 'vitest';
import {
  alarmsIn,
  evaluateAlarmRule,
  parseAlarmRule,
} from '../../../../src/sandbox/aws/cloudwatch/alarm-rule.js';

const states: Record<string, string> = { a: 'ALARM', b: 'OK', c: 'INSUFFICIENT_DATA' };
const evaluate = (rule: string) => evaluateAlarmRule(parseAlarmRule(rule), (n) => states[n]);

describe('composite alarm rules', () => {
  it.each([
    ['ALARM(a)', true],
    ['ALARM(b)', false],
    ['OK(b) AND INSUFFICIENT_DATA(c)', true],
    ['ALARM(b) OR ALARM(a)', true],
    ['NOT ALARM(a)', false],
    ['ALARM(b) OR ALARM(a) AND ALARM(b)', false],
    ['(ALARM(b) OR ALARM(a)) AND OK(b)', true],
    ['TRUE AND NOT FALSE', true],
    ['ALARM("a") AND ALARM(arn:aws:cloudwatch:us-east-1:111122223333:alarm:a)', true],
  ])('%s is %s', (rule, expected) => {
    expect(evaluate(rule)).toBe(expected);
  });

  it('lists the alarms a rule reads', () => {
    expect(alarmsIn(parseAlarmRule('ALARM(a) OR (OK(b) AND NOT ALARM("c"))'))).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it.each(['ALARM(a', 'ALARM(a) OR', 'ALARM(a) XOR ALARM(b)', 'ALARM(a) ALARM(b)', '$'])(
    'rejects %s',
    (rule) => {
      expect(() => parseAlarmRule(rule)).toThrow();
    },
  );
});
