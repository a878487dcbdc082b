import type { EnvironmentRow } from "./dashboard-data.js";
import type { HostLinks } from "./host-links.js";
import { type Html, html } from "./html.js";
import { link, status, table, time } from "./layout.js";

function driftCell(row: EnvironmentRow): Html {
  const d = row.drift;
  if (!d) return html`<span class="empty">not checked</span>`;
  const objects = d.objects.map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`);
  return html`${status(d.status)} ${time(d.checkedAt)}${
    objects.length ? html`<br><small>${objects.join(", ")}</small>` : ""
  }${d.error ? html`<br><small>${d.error}</small>` : ""}`;
}

/** Per environment: what is deployed, by whom and when, its health, drift and who holds its lock. */
export function environmentsBody(rows: EnvironmentRow[], links: (row: EnvironmentRow) => HostLinks): Html {
  const body = rows.map((row) => {
    const deployed = row.deployed;
    const repo = row.repository;
    const sha = deployed?.sha;
    const commit = repo && sha ? links(row).commit(repo, sha) : undefined;
    return html`<tr>
<td><a href="/dashboard/environments/${encodeURIComponent(row.environment)}">${row.environment}</a></td>
<td>${repo ?? ""}</td>
<td>${sha ? link(commit, sha.slice(0, 12)) : html`<span class="empty">nothing deployed</span>`}</td>
<td>${deployed?.ref ?? ""}</td>
<td>${time(deployed?.finishedAt ?? deployed?.startedAt)}</td>
<td>${deployed?.actor ?? ""}</td>
<td>${row.latest ? html`${status(row.latest.result)} <small>rev ${row.latest.number}</small>` : ""}</td>
<td class="wrap">${driftCell(row)}</td>
<td class="wrap">${row.lock ? html`${row.lock.description}<br><small>since ${time(row.lock.acquiredAt)}</small>` : html`<span class="empty">free</span>`}</td>
</tr>`;
  });
  return table(
    ["Environment", "Repository", "Deployed", "Ref", "When", "By", "Last revision", "Drift", "Lock"],
    body,
    "No environment has been deployed yet.",
  );
}
