import type { StoredAuditEntry } from "../audit/audit-log.js";
import type { HostLinks } from "./host-links.js";
import { type Html, html } from "./html.js";
import { link, status, table, time } from "./layout.js";

/** The newest audit entries: who did what to which environment, with links to the PR or commit. */
export function auditBody(entries: StoredAuditEntry[], links: (e: StoredAuditEntry) => HostLinks): Html {
  const rows = entries.map((e) => {
    const l = links(e);
    return html`<tr><td>${time(e.at)}</td><td>${e.actor}</td><td>${e.action}</td><td>${status(e.result)}</td>
<td>${e.repo}</td><td>${e.environment ?? ""}</td>
<td>${e.sha ? link(l.commit(e.repo, e.sha), e.sha.slice(0, 12)) : ""}</td>
<td>${e.pullRequest !== undefined ? link(l.pullRequest(e.repo, e.pullRequest), `#${e.pullRequest}`) : ""}</td>
<td class="wrap">${e.detail ?? ""}</td></tr>`;
  });
  return table(
    ["When", "Who", "Action", "Result", "Repository", "Environment", "Commit", "Pull request", "Detail"],
    rows,
    "Nothing has been recorded yet.",
  );
}
