// The compliance officer's desk: the queue of held partners, distributors, registrations, price authorizations and sales with their evidence (the list entry,
// the field and score of each hit, the rules and their citations), cleared or confirmed with a reason; the changes to the
// lists and rules, each with what it touched.
import { api } from "../api.js";
import { main, esc, day, toast, pager } from "../ui.js";
import { render } from "../router.js";

const pageSize = 25;
const kinds = { partner: "Partner", distributor: "Distributor", deal: "Registration", price_authorization: "Price authorization", sale: "Sale" };

// Officers see the subject by name: the partner, deal and report pages are the channel team's.
const subjectLink = (kind, id, name) => `<span title="${esc(kind)} ${esc(id)}">${esc(name)}</span>`;

function evidence(item) {
  const hits = (item.hits || []).map((h) => `<li>List hit: <strong>${esc(h.entryName)}</strong> (${esc(h.sourceList)}) — “${esc(h.screened)}”
    matched its ${esc(h.field.replaceAll("_", " "))} “${esc(h.listed)}”, score ${h.score}</li>`);
  const rules = (item.appliedRules || []).filter((r) => r.action !== "allow")
    .map((r) => `<li>Rule: <strong>${esc(r.citation)}</strong> (${esc(r.action)}) — ${esc(r.description)}</li>`);
  const other = (item.evidence || []).filter((e) => !e.startsWith("list:") && !e.startsWith("rule:"))
    .map((e) => `<li>${esc({ "domain:government": "A government domain on a customer not declared public sector",
      "attestation:missing": "No current public-sector attestation" }[e] ?? e)}</li>`);
  return `<ul class="evidence">${[...hits, ...rules, ...other].join("")}</ul>`;
}

export async function compliance(params) {
  const pageNo = Math.max(1, Number(params.page) || 1);
  const kind = kinds[params.kind] ? params.kind : "";
  const query = new URLSearchParams({ ...(kind ? { kind } : {}), page: String(pageNo), pageSize: String(pageSize) });
  const [queue, changes] = await Promise.all([api(`/api/compliance/queue?${query}`), api("/api/compliance/changes?pageSize=10")]);
  const link = (n) => `#/compliance?${new URLSearchParams({ ...(kind ? { kind } : {}), page: String(n) })}`;
  main.innerHTML = `<h1>Compliance queue</h1><p class="muted" data-testid="held">${queue.total} held for a decision.</p>
    <form class="filters" id="filters" role="search"><label>What <select name="kind"><option value="">Everything</option>
      ${Object.entries(kinds).map(([k, t]) => `<option value="${k}"${k === kind ? " selected" : ""}>${t}</option>`).join("")}</select></label>
      <button type="submit">Show</button></form>
    <div class="card table-wrap" tabindex="0"><table data-testid="compliance-queue"><thead><tr><th>Held</th><th>Why</th><th>Evidence</th><th>Since</th><th>Decision</th></tr></thead><tbody>
    ${queue.items.map((i) => `<tr data-kind="${esc(i.kind)}" data-id="${esc(i.id)}"><td>${esc(kinds[i.kind] ?? i.kind)}<div>${subjectLink(i.kind, i.id, i.name)}</div></td>
      <td>${esc(i.reason)}</td><td>${evidence(i)}</td><td>${day(i.since)}</td>
      <td><div class="actions"><textarea aria-label="Reason for ${esc(i.name)}" placeholder="Reason (kept in the audit)" data-reason></textarea>
        <button type="button" data-act="clear">Clear</button><button type="button" class="danger" data-act="confirm">Confirm</button></div></td></tr>`).join("")}
    </tbody></table>${queue.items.length ? "" : '<p class="muted">Nothing is waiting.</p>'}
    ${pager(queue.total, pageNo, pageSize, link, "Pages of the compliance queue")}</div>
    <h2 class="spaced">Changes to the lists and rules</h2>
    <div class="card table-wrap" tabindex="0"><table data-testid="compliance-changes"><thead><tr><th>Change</th><th>By</th><th>When</th><th class="num">Screened again</th><th>Impact</th></tr></thead><tbody>
    ${changes.items.map((c) => `<tr><td>${esc(c.kind)} v${c.version}: ${esc(c.summary)}</td><td>${esc(c.madeBy)}</td><td>${day(c.madeAt)}</td>
      <td class="num">${c.rescreened}${c.waiting ? ` (${c.waiting} waiting)` : ""}</td><td><a href="#/compliance-change?id=${esc(c.id)}">What it touched</a></td></tr>`).join("")}
    </tbody></table></div>`;
  document.getElementById("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    const k = new FormData(e.target).get("kind");
    location.hash = `#/compliance${k ? `?kind=${encodeURIComponent(k)}` : ""}`;
  });
  main.querySelectorAll("[data-act]").forEach((b) => b.addEventListener("click", async () => {
    const row = b.closest("tr");
    try {
      await api(`/api/compliance/queue/${encodeURIComponent(row.dataset.kind)}/${encodeURIComponent(row.dataset.id)}/${b.dataset.act}`,
        { method: "POST", body: JSON.stringify({ reason: row.querySelector("[data-reason]").value }) });
      toast(b.dataset.act === "clear" ? "Cleared" : "Confirmed");
      render();
    } catch (e) { toast(e.message); }
  }));
}

export async function complianceChange(params) {
  const pageNo = Math.max(1, Number(params.page) || 1);
  const impact = await api(`/api/compliance/changes/${encodeURIComponent(params.id)}/impact?page=${pageNo}&pageSize=${pageSize}`);
  const link = (n) => `#/compliance-change?${new URLSearchParams({ id: params.id, page: String(n) })}`;
  main.innerHTML = `<h1>${esc(impact.kind)} v${impact.version}: ${esc(impact.summary)}</h1>
    <p class="muted" data-testid="impact-summary">${impact.finished ? "Screening again finished" : `Screening again: ${impact.waiting} waiting`} ·
      ${impact.rescreened} screened again · ${impact.total} changed</p>
    <div class="card table-wrap" tabindex="0"><table data-testid="impact"><thead><tr><th>What</th><th>Before</th><th>After</th><th>Why</th></tr></thead><tbody>
    ${impact.touched.map((t) => `<tr><td>${esc(kinds[t.kind] ?? t.kind)}<div>${subjectLink(t.kind, t.subjectId, t.name)}</div></td>
      <td>${esc(t.before ?? "—")}</td><td>${esc(t.after)}</td><td>${esc(t.reason)}</td></tr>`).join("")}
    </tbody></table>${impact.touched.length ? "" : '<p class="muted">It changed no decision.</p>'}
    ${pager(impact.total, pageNo, pageSize, link, "Pages of the impact report")}</div>
    <p><a href="#/compliance">Back to the queue</a></p>`;
}
