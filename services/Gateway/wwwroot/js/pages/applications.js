// Partner applications awaiting a channel manager's decision.
import { api, send, ApiError, session } from "../api.js";
import { main, esc, money, short, pct, day, stageName, isStaff, isManager, toast, dataTable, barChart, lineChart, claimStatus, reasonName, rows } from "../ui.js";
import { render } from "../router.js";

export async function applications() {
  const [applied, held] = await Promise.all([api("/api/partners?status=applied&pageSize=200"), api("/api/partners?status=on_hold&pageSize=200")]);
  const rows = [...held.items, ...applied.items];
  main.innerHTML = `<h1>Partner applications</h1><p class="muted">${rows.length} awaiting review.</p>
    <div class="card table-wrap" tabindex="0"><table><thead><tr><th>Organisation</th><th>Where</th><th>Type</th><th>Status</th><th>Decision</th></tr></thead><tbody>
    ${rows.map((p) => `<tr data-partner="${esc(p.id)}"><td>${esc(p.legalName)}<div class="muted">${esc(p.websiteDomain)} · ${esc(p.contactName)}</div></td>
      <td>${esc(p.region)}, ${esc(p.country)}</td><td>${esc(p.partnerType.toUpperCase())}</td>
      <td><span class="badge ${esc(p.status)}">${esc(stageName(p.status))}</span>${p.holdReason ? `<div class="muted">${esc(p.holdReason)}</div>` : ""}</td>
      <td><div class="actions">
        ${p.status === "applied" ? `<label class="muted">Tier <select aria-label="Tier for ${esc(p.legalName)}" data-tier>${["registered", "silver", "gold", "platinum"].map((t) => `<option>${t}</option>`).join("")}</select></label>
          <button type="button" data-act="approve">Approve</button>` : `<button type="button" class="secondary" data-act="clear-hold">Clear hold</button>`}
        <textarea aria-label="Reason for ${esc(p.legalName)}" placeholder="Reason" data-reason></textarea>
        <button type="button" class="danger" data-act="reject">Reject</button></div></td></tr>`).join("")}
    </tbody></table>${rows.length ? "" : '<p class="muted">No applications waiting.</p>'}</div>`;
  main.querySelectorAll("[data-act]").forEach((b) => b.addEventListener("click", async () => {
    const row = b.closest("tr");
    const body = b.dataset.act === "approve" ? { tier: row.querySelector("[data-tier]").value } : { reason: row.querySelector("[data-reason]").value };
    try {
      await api(`/api/partners/${row.dataset.partner}/${b.dataset.act}`, { method: "POST", body: JSON.stringify(body) });
      toast(`${b.textContent}: done`);
      render();
    } catch (e) { toast(e.message); }
  }));
}
