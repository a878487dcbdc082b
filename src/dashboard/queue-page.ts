import type { QueuedJob } from "./dashboard-data.js";
import { type Html, html } from "./html.js";
import { status, table, time } from "./layout.js";

/** Active, waiting, delayed and failed jobs, with the reason each failed job gave. */
export function queueBody(jobs: QueuedJob[]): Html {
  const rows = jobs.map(
    (j) => html`<tr><td>${status(j.state)}</td><td>${j.name}</td><td>${j.repository ?? ""}</td>
<td>${j.environment ?? ""}</td><td>${j.sha?.slice(0, 12) ?? ""}</td><td>${time(j.at)}</td>
<td>${j.attempts}</td><td class="wrap">${j.reason ?? ""}</td><td><small>${j.id}</small></td></tr>`,
  );
  return table(
    ["State", "Job", "Repository", "Environment", "Commit", "When", "Attempts", "Reason", "Id"],
    rows,
    "The queue is empty.",
  );
}
