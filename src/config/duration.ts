// Durations as the config file writes them (`30s`, `15m`, `4h`) and as messages show them.
import ms from 'ms';
import { z } from 'zod';

/** A human duration such as `15m`, `4h`, `1d`, parsed by the `ms` library into milliseconds. */
export const duration = z.string().transform((text, ctx) => {
  const value = ms(text as ms.StringValue);
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid duration "${text}": use a number and a unit, e.g. 30s, 15m, 4h, 2d`,
    });
    return z.NEVER;
  }
  return value;
});

export function formatDuration(msValue: number): string {
  return ms(msValue, { long: false });
}
