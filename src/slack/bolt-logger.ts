import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../log.js';

/** Bolt's logger interface on top of our pino logger (same redaction, same JSON). */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  let level: LogLevel = LogLevel.INFO;
  const text = (msgs: unknown[]) =>
    msgs.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  // Formatted only when the level is on: Bolt and its WebClient log at debug on every request
  // and call, and formatting those (objects as JSON) cost real time on the ack path.
  return {
    debug: (...m) => void (child.isLevelEnabled('debug') && child.debug(text(m))),
    info: (...m) => void (child.isLevelEnabled('info') && child.info(text(m))),
    warn: (...m) => void (child.isLevelEnabled('warn') && child.warn(text(m))),
    error: (...m) => void (child.isLevelEnabled('error') && child.error(text(m))),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
