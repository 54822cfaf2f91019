// The group rollback's messages (the render job of src/jobs/group-queue.ts): the group message
// in the first member's channel, and the one approval post in its thread, each posted once and
// then updated. Only the render job (one job id per group, so one at a time) posts: never twice.
// A post Slack cannot take now throws a RetryLater: the render runs again when it can.
import type { GroupStore } from '../store/group-store.js';
import { groupApprovalMessage, groupStatusMessage } from './blocks/group-messages.js';
import type { SlackPoster } from './poster.js';

export function createGroupPosts(deps: {
  store: GroupStore;
  poster: SlackPoster;
  now: () => number;
}) {
  const { store, poster } = deps;
  return {
    /** Post or update the group message and, when there is one, the approval post. */
    async render(id: string): Promise<void> {
      const g = await store.get(id);
      if (!g) return;
      const msg = groupStatusMessage(g);
      let ref = g.message;
      if (ref) await poster.update(ref, msg);
      else {
        const channel = g.plan.channel;
        ref = { channel, ts: await poster.post({ channel, slot: `group|${id}|message` }, msg) };
        await store.setMessage(id, 'message', ref);
      }
      if (!g.approval) return;
      const a = groupApprovalMessage(g, new Date(deps.now()));
      if (g.approvalPost) await poster.update(g.approvalPost, a);
      else {
        const at = { channel: ref.channel, threadTs: ref.ts, slot: `group|${id}|approval` };
        const ts = await poster.post(at, a);
        await store.setMessage(id, 'approvalPost', { channel: ref.channel, ts });
      }
    },
  };
}
