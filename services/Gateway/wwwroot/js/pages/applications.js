// Partner applications awaiting a channel manager's decision (applied, or held for compliance): searched, sorted and
// paged on the server, the oldest first, each decided from its row.
import { api } from "../api.js";
import { main, esc, day, stageName, toast, pager, sortable } from "../ui.js";
import { render } from "../router.js";

const pageSize = 25;

export async function applications(params) {
  const pageNo = Math.max(1, Number(params.page) || 1);
  const filters = Object.fromEntries(["q", "sort", "direction"].filter((k) => params[k]).map((k) => [k, params[k]]));
  const order = { sort: filters.sort ?? "applied", direction: filters.direction ?? (filters.sort ? "desc" : "asc") };
  const query = new URLSearchParams([["status", "on_hold"], ["status", "applied"], ...Object.entries({ ...filters, ...order }),
    ["page", String(pageNo)], ["pageSize", String(pageSize)]]);
  const page = await api(`/api/partners?${query}`);
  const shown = { ...filters, ...order };
  const link = (n) => `#/applications?${new URLSearchParams({ ...shown, page: String(n) })}`;
  main.innerHTML = `<h1>Partner applications</h1><p class="muted" data-testid="waiting">${page.total} awaiting review.</p>
    <form class="filters" id="filters" role="search"><label>Name or domain <input name="q" value="${esc(params.q ?? "")}"></label>
      <button type="submit">Show</button></form>
    <div class="card table-wrap" tabindex="0"><table><thead><tr>${[["name", "Organisation"], ["region", "Where"], ["type", "Type"], ["status", "Status"], ["applied", "Applied"]]
      .map(([key, title]) => sortable("#/applications", shown, "applied", key, title)).join("")}<th>Decision</th></tr></thead><tbody>
    ${page.items.map((p) => `<tr data-partner="${esc(p.id)}"><td><a href="#/partner?id=${esc(p.id)}">${esc(p.legalName)}</a><div class="muted">${esc(p.websiteDomain)} · ${esc(p.contactName)}</div></td>
      <td>${esc(p.region)}, ${esc(p.country)}</td><td>${esc(p.partnerType.toUpperCase())}</td>
      <td><span class="badge ${esc(p.status)}">${esc(stageName(p.status))}</span>${p.holdReason ? `<div class="muted">${esc(p.holdReason)}</div>` : ""}</td>
      <td>${day(p.appliedAt)}</td>
      <td><div class="actions">
        ${p.status === "applied" ? `<label class="muted">Tier <select aria-label="Tier for ${esc(p.legalName)}" data-tier>${["registered", "silver", "gold", "platinum"].map((t) => `<option>${t}</option>`).join("")}</select></label>
          <button type="button" data-act="approve">Approve</button>` : ["review", "block"].includes(p.screening)
          ? '<span class="muted" data-testid="compliance-hold">Held by compliance: a compliance officer decides</span>'
          : `<button type="button" class="secondary" data-act="clear-hold">Clear hold</button>`}
        <textarea aria-label="Reason for ${esc(p.legalName)}" placeholder="Reason" data-reason></textarea>
        <button type="button" class="danger" data-act="reject">Reject</button></div></td></tr>`).join("")}
    </tbody></table>${page.items.length ? "" : '<p class="muted">No applications waiting.</p>'}
    ${pager(page.total, pageNo, pageSize, link, "Pages of applications")}</div>`;
  document.getElementById("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = new FormData(e.target).get("q").trim();
    location.hash = `#/applications?${new URLSearchParams({ ...(q ? { q } : {}), ...order })}`;
  });
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
