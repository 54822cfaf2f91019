// Every step of a group rollback lands in the audit stream, named by the group.
import type { AttemptAudit } from '../../store/audit-stream.js';
import type { GroupPlan } from '../../store/group-store.js';

export type GroupRecorder = (
  g: GroupPlan,
  by: string,
  event: string,
  extra?: { env?: string; request?: string; detail?: string },
) => Promise<void>;

export function groupRecorder(audit: AttemptAudit): GroupRecorder {
  return async (g, by, event, extra = {}) => {
    await audit.record({ by, event, detail: `group ${g.group} ${g.id}`, ...extra });
  };
}
