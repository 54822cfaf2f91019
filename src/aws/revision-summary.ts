// CodePipeline's revisionSummary is free text for most sources, but JSON for CodeConnections
// sources ({"ProviderType":"GitHub","CommitMessage":"…"}). People want the first line.

export function parseRevisionSummary(summary: string | undefined): {
  message?: string;
  author?: string;
} {
  if (!summary) return {};
  let message = summary;
  let author: string | undefined;
  if (summary.trimStart().startsWith('{')) {
    try {
      const j = JSON.parse(summary) as Record<string, unknown>;
      if (typeof j.CommitMessage === 'string') message = j.CommitMessage;
      for (const k of ['AuthorName', 'Author', 'CommitAuthor']) {
        if (typeof j[k] === 'string') author = j[k] as string;
      }
    } catch {
      // Not JSON after all: keep the text.
    }
  }
  const first = message.split(/\r?\n/)[0]?.trim() ?? '';
  return { ...(first ? { message: first } : {}), ...(author ? { author } : {}) };
}
