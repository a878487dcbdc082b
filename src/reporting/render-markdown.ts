import type { Plan } from "../planning/types.js";
import { buildMarkdownDoc } from "./build-markdown-doc.js";
import { fitMarkdown } from "./fit-markdown.js";
import { serializeMarkdown } from "./serialize-markdown.js";

export interface RenderMarkdownOptions {
  /** Maximum length in characters (GitHub: 65,536; GitLab: about 1,000,000). Diffs are trimmed to fit. */
  limit?: number;
  /** A hidden HTML comment such as `<!-- zakenak:plan -->`, put first so the bot can find its comment. */
  marker?: string;
}

/** The plan as a pull-request comment: summary table, validation findings, one `<details>` per release. */
export function renderMarkdown(plan: Plan, opts: RenderMarkdownOptions = {}): string {
  const doc = buildMarkdownDoc(plan, opts.marker);
  return opts.limit === undefined ? serializeMarkdown(doc) : fitMarkdown(doc, opts.limit);
}
