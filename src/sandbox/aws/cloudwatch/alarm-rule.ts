// Composite alarm rules: ALARM(x) | OK(x) | INSUFFICIENT_DATA(x) | TRUE | FALSE, combined with
// NOT > AND > OR and parentheses. Names may be bare, double-quoted, or alarm ARNs.

export type AlarmRule =
  | { kind: 'state'; state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA'; alarm: string }
  | { kind: 'const'; value: boolean }
  | { kind: 'not'; rule: AlarmRule }
  | { kind: 'and' | 'or'; left: AlarmRule; right: AlarmRule };

type Token = { t: 'word'; v: string } | { t: '(' } | { t: ')' } | { t: 'name'; v: string };

function tokenize(rule: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const c = rule[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ t: c });
      i++;
    } else {
      let j = i;
      while (j < rule.length && /[A-Za-z_]/.test(rule[j]!)) j++;
      if (j === i) throw new Error(`unexpected '${c}' at ${i} in alarm rule`);
      out.push({ t: 'word', v: rule.slice(i, j) });
      i = j;
      // A state function takes one alarm name, read raw up to its closing parenthesis.
      const word = out[out.length - 1] as { v: string };
      if (['ALARM', 'OK', 'INSUFFICIENT_DATA'].includes(word.v)) {
        while (i < rule.length && /\s/.test(rule[i]!)) i++;
        if (rule[i] !== '(') throw new Error(`expected '(' after ${word.v}`);
        const close = rule.indexOf(')', i);
        if (close < 0) throw new Error(`unclosed ${word.v}(`);
        let name = rule.slice(i + 1, close).trim();
        if (name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1);
        out.push({ t: 'name', v: name });
        i = close + 1;
      }
    }
  }
  return out;
}

export function parseAlarmRule(rule: string): AlarmRule {
  const tokens = tokenize(rule);
  let pos = 0;
  const peekWord = () => {
    const t = tokens[pos];
    return t?.t === 'word' ? t.v : undefined;
  };
  const parseOr = (): AlarmRule => {
    let left = parseAnd();
    while (peekWord() === 'OR') {
      pos++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): AlarmRule => {
    let left = parseNot();
    while (peekWord() === 'AND') {
      pos++;
      left = { kind: 'and', left, right: parseNot() };
    }
    return left;
  };
  const parseNot = (): AlarmRule => {
    if (peekWord() === 'NOT') {
      pos++;
      return { kind: 'not', rule: parseNot() };
    }
    return parseAtom();
  };
  const parseAtom = (): AlarmRule => {
    const t = tokens[pos++];
    if (!t) throw new Error('alarm rule ends early');
    if (t.t === '(') {
      const inner = parseOr();
      if (tokens[pos++]?.t !== ')') throw new Error("expected ')' in alarm rule");
      return inner;
    }
    if (t.t === 'word' && (t.v === 'TRUE' || t.v === 'FALSE'))
      return { kind: 'const', value: t.v === 'TRUE' };
    if (t.t === 'word' && (t.v === 'ALARM' || t.v === 'OK' || t.v === 'INSUFFICIENT_DATA')) {
      const name = tokens[pos++];
      if (name?.t !== 'name') throw new Error(`expected an alarm name after ${t.v}`);
      return { kind: 'state', state: t.v, alarm: alarmNameOf(name.v) };
    }
    throw new Error(
      `unexpected token in alarm rule: ${t.t === 'word' || t.t === 'name' ? t.v : t.t}`,
    );
  };
  const rule0 = parseOr();
  if (pos !== tokens.length) throw new Error('unexpected text after the end of the alarm rule');
  return rule0;
}

/** `arn:aws:cloudwatch:us-east-1:1111:alarm:web-prod-5xx` → `web-prod-5xx`. */
export function alarmNameOf(nameOrArn: string): string {
  const m = /^arn:aws[a-z-]*:cloudwatch:[^:]*:\d*:alarm:(.+)$/.exec(nameOrArn);
  return m ? m[1]! : nameOrArn;
}

export function alarmsIn(rule: AlarmRule): string[] {
  switch (rule.kind) {
    case 'state':
      return [rule.alarm];
    case 'const':
      return [];
    case 'not':
      return alarmsIn(rule.rule);
    default:
      return [...alarmsIn(rule.left), ...alarmsIn(rule.right)];
  }
}

export function evaluateAlarmRule(
  rule: AlarmRule,
  stateOf: (alarm: string) => string | undefined,
): boolean {
  switch (rule.kind) {
    case 'state':
      return stateOf(rule.alarm) === rule.state;
    case 'const':
      return rule.value;
    case 'not':
      return !evaluateAlarmRule(rule.rule, stateOf);
    case 'and':
      return evaluateAlarmRule(rule.left, stateOf) && evaluateAlarmRule(rule.right, stateOf);
    case 'or':
      return evaluateAlarmRule(rule.left, stateOf) || evaluateAlarmRule(rule.right, stateOf);
  }
}
