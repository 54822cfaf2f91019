// DisableStageTransition accepts 1–300 characters of [a-zA-Z0-9!@ ().*?-] only; anything else
// (commas, colons, underscores, slashes, quotes, newlines) makes AWS reject the call.

const MAX = 300;
const FALLBACK = 'Locked by rollback-bot';

export function sanitiseTransitionReason(text: string): string {
  const cleaned = text
    .replace(/[^a-zA-Z0-9!@ ().*?-]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, MAX)
    .trim();
  return cleaned.length > 0 ? cleaned : FALLBACK;
}
