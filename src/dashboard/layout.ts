import { type Html, html } from "./html.js";

/** The page frame: navigation and the sign-out button (shown only to a session from the sign-in form). */
export function layout(title: string, body: Html, opts: { signOut: boolean }): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Zakenak</title>
<link rel="stylesheet" href="/dashboard/style.css">
<link rel="icon" href="/dashboard/icon.svg">
</head><body>
<header><strong>Zakenak</strong>
<a href="/dashboard">Environments</a> <a href="/dashboard/queue">Queue</a> <a href="/dashboard/audit">Audit log</a>
${opts.signOut ? html`<form method="post" action="/dashboard/logout"><button type="submit">Sign out</button></form>` : ""}
</header>
<main><h1>${title}</h1>
${body}
</main></body></html>
`.text;
}

/** A table in a box that scrolls by itself, so the page never scrolls sideways on a phone. */
export function table(head: string[], rows: Html[], empty: string): Html {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<div class="scroll"><table><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

export function link(href: string | undefined, text: string): Html {
  return href ? html`<a href="${href}" rel="noreferrer">${text}</a>` : html`${text}`;
}

export function time(d: Date | string | undefined): Html {
  if (d === undefined) return html``;
  const iso = (typeof d === "string" ? new Date(d) : d).toISOString().replace(/\.\d+Z$/, "Z");
  return html`<time datetime="${iso}">${iso.replace("T", " ")}</time>`;
}

const TONES: Record<string, string> = {
  succeeded: "ok",
  "in-sync": "ok",
  failed: "bad",
  drifted: "bad",
  missing: "bad",
  "rolled-back": "warn",
  "in-progress": "warn",
  unknown: "warn",
  active: "warn",
};

export function status(text: string): Html {
  return html`<span class="status ${TONES[text] ?? ""}">${text}</span>`;
}
