import type { RevisionSummary } from "../applying/history/revision.js";
import type { HostLinks } from "./host-links.js";
import { type Html, html } from "./html.js";
import { link, status, table, time } from "./layout.js";
import type { ObjectDiff } from "./revision-diff.js";

export interface RevisionsView {
  environment: string;
  repository?: string;
  links: HostLinks;
  revisions: RevisionSummary[];
  compare?: { from: number; to: number; diff: ObjectDiff[] };
}

function diffLines(hunks: string): Html[] {
  return hunks.split("\n").map((line) => {
    const tone = line.startsWith("@@")
      ? "hunk"
      : line.startsWith("+")
        ? "add"
        : line.startsWith("-")
          ? "del"
          : "";
    return tone ? html`<span class="${tone}">${line}</span>\n` : html`${line}\n`;
  });
}

function compareForm(view: RevisionsView): Html {
  const numbers = view.revisions.map((r) => r.number);
  const select = (name: string, chosen: number | undefined) =>
    html`<select name="${name}">${numbers.map(
      (n) => html`<option value="${n}"${n === chosen ? html` selected` : ""}>${n}</option>`,
    )}</select>`;
  const from = view.compare?.from ?? numbers[1];
  const to = view.compare?.to ?? numbers[0];
  return html`<form class="inline" method="get" action="/dashboard/environments/${encodeURIComponent(view.environment)}">
<label>From ${select("from", from)}</label><label>To ${select("to", to)}</label>
<button type="submit">Compare</button></form>`;
}

function diffSection(compare: NonNullable<RevisionsView["compare"]>): Html {
  const heading = html`<h2>Changes from revision ${compare.from} to ${compare.to}</h2>`;
  if (compare.diff.length === 0)
    return html`${heading}<p class="empty">The two revisions hold the same objects.</p>`;
  return html`${heading}${compare.diff.map(
    (d) =>
      html`<h3><code>${d.object}</code> ${d.action}</h3><div class="scroll"><pre>${diffLines(d.hunks)}</pre></div>`,
  )}<p><small>Secret values are masked.</small></p>`;
}

/** An environment's revisions, newest first, and the diff between two chosen ones. */
export function revisionsBody(view: RevisionsView): Html {
  const rows = view.revisions.map(
    (r) => html`<tr><td>${r.number}</td><td>${status(r.result)}</td>
<td>${r.trigger}${r.rollbackOf !== undefined ? ` of ${r.rollbackOf}` : ""}</td>
<td>${view.repository ? link(view.links.commit(view.repository, r.sha), r.sha.slice(0, 12)) : r.sha.slice(0, 12)}</td>
<td>${r.ref}</td><td>${r.actor}</td><td>${time(r.startedAt)}</td><td>${time(r.finishedAt)}</td>
<td>${r.objectCount}</td><td class="wrap">${r.message ?? ""}</td></tr>`,
  );
  return html`${view.revisions.length > 1 ? compareForm(view) : ""}
${view.compare ? diffSection(view.compare) : ""}
<h2>Revisions</h2>
${table(
  ["Rev", "Result", "Trigger", "Commit", "Ref", "By", "Started", "Finished", "Objects", "Message"],
  rows,
  `No revisions of ${view.environment} are recorded in the cluster.`,
)}`;
}
