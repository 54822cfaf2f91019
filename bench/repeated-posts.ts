// "Repeated posts" for the storm's duplicate-reactions figure: chat.postMessage calls that post
// again a message already posted in that channel and thread. A message is its text and the
// fleet's releases its blocks name: the deploy feed's text ("Deploying: p001 bench-001 / Deploy")
// is the same for every release of an environment, and its blocks say which release it is about.
import type { ApiCall } from '../src/sandbox/slack/index.js';
import type { Fleet } from './fleet.js';

export interface RepeatedText {
  channel: string;
  /** The thread's parent ts, or '' for the channel itself. */
  thread: string;
  /** The text, cut at 200 characters. */
  text: string;
  /** Successful chat.postMessage calls with this text here (the first one included). */
  posts: number;
  /** Of those, the ones about the releases an earlier one was about: real repeats. */
  repeats: number;
  /** Epoch ms of each of those posts. */
  at: number[];
  /** Per post, the fleet's releases its blocks name (execution ids, first 8 characters). */
  releases: string[][];
}

export interface RepeatedPosts {
  /** Posts of a message already posted in that channel and thread (same text, same releases). */
  repeatedPosts: number;
  /** Posts of a text already posted there, but about other releases: different messages. */
  sameTextOtherReleases: number;
  /** Each text posted more than once in one channel and thread, real repeats first. */
  repeatedTexts: RepeatedText[];
}

interface TextPosts {
  calls: ApiCall[];
  releases: string[][];
  repeats: number;
}

/** Counts over successful chat.postMessage calls, in the order they were made. */
export function repeatedPostCounter(fleet: Fleet): (calls: ApiCall[]) => RepeatedPosts {
  // Per channel, how each release shows in a message: its short commit, or its execution id.
  const marks = new Map<string, { id: string; marks: string[] }[]>();
  for (const p of fleet.pipelines) {
    const list = marks.get(p.channel) ?? [];
    marks.set(p.channel, list);
    for (const e of p.executions)
      list.push({ id: e.id, marks: [e.sha.slice(0, 7), e.id.slice(0, 12)] });
  }
  const releasesNamed = (channel: string, blocks: unknown): string[] => {
    const json = JSON.stringify(blocks ?? null);
    return (marks.get(channel) ?? [])
      .filter((r) => r.marks.some((m) => json.includes(m)))
      .map((r) => r.id.slice(0, 8));
  };
  return (calls) => {
    const byText = new Map<string, TextPosts>();
    let repeatedPosts = 0;
    let sameTextOtherReleases = 0;
    for (const c of calls) {
      const channel = typeof c.args.channel === 'string' ? c.args.channel : undefined;
      if (c.method !== 'chat.postMessage' || !c.ok || !channel) continue;
      const key = `${channel}\u0000${String(c.args.thread_ts ?? '')}\u0000${String(c.args.text ?? '')}`;
      const releases = releasesNamed(channel, c.args.blocks);
      const posts = byText.get(key) ?? { calls: [], releases: [], repeats: 0 };
      byText.set(key, posts);
      if (posts.releases.some((r) => r.join() === releases.join())) {
        posts.repeats += 1;
        repeatedPosts += 1;
      } else if (posts.calls.length > 0) sameTextOtherReleases += 1;
      posts.calls.push(c);
      posts.releases.push(releases);
    }
    return { repeatedPosts, sameTextOtherReleases, repeatedTexts: listed(byText) };
  };
}

function listed(byText: Map<string, TextPosts>): RepeatedText[] {
  const out: RepeatedText[] = [];
  for (const { calls, releases, repeats } of byText.values()) {
    const first = calls[0];
    if (!first || calls.length < 2) continue;
    out.push({
      channel: String(first.args.channel),
      thread: String(first.args.thread_ts ?? ''),
      text: String(first.args.text ?? '').slice(0, 200),
      posts: calls.length,
      repeats,
      at: calls.map((c) => c.at),
      releases,
    });
  }
  return out.sort((a, b) => b.repeats - a.repeats || b.posts - a.posts);
}
