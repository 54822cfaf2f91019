// A body the intake cannot read is never dropped silently: each is counted in
// rollback_bot_events_unreadable_total{route,shape}, and each shape is logged at warn once per
// process. A shape is its source, detail-type and top-level keys (not its values), so one
// misrouted rule is one warning however many events it sends.
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

export type IntakeRoute = 'eventbridge' | 'sns';

export interface UnreadableShapesDeps {
  log: Logger;
  metrics?: Pick<Metrics, 'eventsUnreadable'>;
  /** Distinct shapes named in the metric and logged; later ones count as `other`. Default 50. */
  maxShapes?: number;
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** source|detail-type|sorted top-level keys; `text`, `array`, … for a body that is no object. */
export function shapeOf(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'array';
  if (typeof raw !== 'object') return typeof raw === 'string' ? 'text' : typeof raw;
  const o = raw as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? cut(v, 60) : '-');
  const detailType = str(o['detail-type'] ?? o.detailType);
  const keys = Object.keys(o)
    .sort()
    .slice(0, 16)
    .map((k) => cut(k, 30));
  return cut(`${str(o.source)}|${detailType}|${keys.join(',')}`, 240);
}

export function createUnreadableShapes(deps: UnreadableShapesDeps) {
  const maxShapes = deps.maxShapes ?? 50;
  const warned = new Set<string>();
  let overflowed = false;

  return {
    /** Counts one unreadable body; the first of its shape (per route) is logged at warn. */
    note(
      route: IntakeRoute,
      raw: unknown,
      about: { reason: string; eventId?: string; snsMessageId?: string },
    ) {
      let shape = shapeOf(raw);
      const seenKey = `${route} ${shape}`;
      if (!warned.has(seenKey) && warned.size >= maxShapes) shape = 'other';
      deps.metrics?.eventsUnreadable.inc({ route, shape });
      if (shape === 'other' && !overflowed) {
        overflowed = true;
        deps.log.warn(
          { route, maxShapes, ...about },
          'more unreadable AWS event shapes than are logged; the rest count as shape "other"',
        );
      }
      if (shape === 'other' || warned.has(seenKey)) return;
      warned.add(seenKey);
      deps.log.warn(
        { route, shape, ...about },
        'AWS event of a shape the bot cannot read (logged once per shape; counted in rollback_bot_events_unreadable_total)',
      );
    },
  };
}

export type UnreadableShapes = ReturnType<typeof createUnreadableShapes>;
