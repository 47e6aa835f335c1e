// Partners: staff search and page through every partner; a partner's page shows its record, users, history, the
// distributors serving it and its deals, with every lifecycle action a channel manager may take from where it stands.
// A partner's own users see their record here too and manage their own users.
import { api, send, download, ApiError, session } from "../api.js";
import { main, esc, money, day, stageName, isManager, isStaff, toast, rows, pager, sortable } from "../ui.js";
import { render } from "../router.js";

const tiers = ["registered", "silver", "gold", "platinum"];
const pageSize = 25;

export async function partners(params) {
  if (!isStaff()) { location.hash = session.user.partnerId ? `#/partner?id=${session.user.partnerId}` : "#/pipeline"; return; }
  const pageNo = Math.max(1, Number(params.page) || 1);
  const filters = Object.fromEntries(["q", "status", "tier", "sort", "direction"].filter((k) => params[k]).map((k) => [k, params[k]]));
  const page = await api(`/api/partners?${new URLSearchParams({ ...filters, page: String(pageNo), pageSize: String(pageSize) })}`);
  const link = (n) => `#/partners?${new URLSearchParams({ ...filters, page: String(n) })}`;
  main.innerHTML = `<h1>Partners</h1>
    <form class="filters" id="filters" role="search">
      <label>Name or domain <input name="q" value="${esc(params.q ?? "")}"></label>
      <label>Status <select name="status"><option value="">All</option>${["applied", "on_hold", "active", "suspended", "terminated", "rejected"]
        .map((s) => `<option value="${s}"${params.status === s ? " selected" : ""}>${esc(stageName(s))}</option>`).join("")}</select></label>
      <label>Tier <select name="tier"><option value="">All</option>${tiers.map((t) => `<option${params.tier === t ? " selected" : ""}>${t}</option>`).join("")}</select></label>
      <button type="submit">Show</button>
      <button type="button" class="secondary" data-export="csv">Export CSV</button><button type="button" class="secondary" data-export="xlsx">Export Excel</button></form>
    <div class="card table-wrap" tabindex="0">${rows(page.items, "No partner matches.", [["name", "Partner"], ["region", "Where"], ["type", "Type"], ["tier", "Tier"], ["status", "Status"], ["applied", "Applied"]]
      .map(([key, title]) => sortable("#/partners", filters, "applied", key, title)).join(""),
      (p) => `<tr><td><a href="#/partner?id=${esc(p.id)}">${esc(p.legalName)}</a><div class="muted">${esc(p.websiteDomain)}</div></td>
        <td>${esc(p.region)}, ${esc(p.country)}</td><td>${esc(p.partnerType.toUpperCase())}</td><td>${esc(p.tier ?? "—")}</td>
        <td><span class="badge ${esc(p.status)}">${esc(stageName(p.status))}</span></td><td>${day(p.appliedAt)}</td></tr>`)}
      ${pager(page.total, pageNo, pageSize, link, "Pages of partners")}</div>`;
  // Every partner the filters give, in the list's order, as the API writes it.
  main.querySelectorAll("[data-export]").forEach((b) => b.addEventListener("click", () =>
    download(`/api/partners/export?${new URLSearchParams({ ...filters, format: b.dataset.export })}`, `partners.${b.dataset.export}`).catch((e) => toast(e.message))));
  document.getElementById("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    const chosen = [...new FormData(e.target).entries(), ...["sort", "direction"].filter((k) => filters[k]).map((k) => [k, filters[k]])];
    location.hash = `#/partners?${new URLSearchParams(chosen.filter(([, v]) => String(v).trim()))}`;
  });
}

/** What a channel manager may do to a partner in this status. */
function actions(p) {
  const reason = '<textarea id="partner-reason" aria-label="Reason" placeholder="Reason (required to reject, suspend, terminate or change the tier)"></textarea>';
  const tier = (label, act) => `<label>Tier <select id="partner-tier">${tiers.map((t) => `<option${(p.tier ?? "silver") === t ? " selected" : ""}>${t}</option>`).join("")}</select></label>
    <button type="button" data-partner-act="${act}">${label}</button>`;
  switch (p.status) {
    case "applied": return `${tier("Approve", "approve")}${reason}<button type="button" class="danger" data-partner-act="reject">Reject</button>`;
    case "on_hold": return `<button type="button" data-partner-act="clear-hold">Clear the hold</button>${reason}<button type="button" class="danger" data-partner-act="reject">Reject</button>`;
    case "active": return `${tier("Change tier", "tier")}${reason}<button type="button" class="secondary" data-partner-act="suspend">Suspend</button>
      <button type="button" class="danger" data-partner-act="terminate">Terminate</button>`;
    case "suspended": return `<button type="button" data-partner-act="reinstate">Reinstate</button>${reason}<button type="button" class="danger" data-partner-act="terminate">Terminate</button>`;
    default: return "";
  }
}

export async function partner(params) {
  const id = params.id;
  const [p, users, history, serving, deals] = await Promise.all([
    api(`/api/partners/${encodeURIComponent(id)}`),
    api(`/api/partners/${encodeURIComponent(id)}/users`).catch(() => null),
    api(`/api/partners/${encodeURIComponent(id)}/history`).catch(() => null),
    api(`/api/distributors/partners/${encodeURIComponent(id)}`).catch(() => []),
    api(`/api/deals?partnerId=${encodeURIComponent(id)}&pageSize=25`).catch(() => ({ items: [], total: 0 })),
  ]);
  const own = session.user.role === "partner" && session.user.partnerId === p.id;
  const manageUsers = isManager() || own;
  const open = deals.items.filter((d) => ["submitted", "compliance_review", "approved", "returned"].includes(d.status));
  main.innerHTML = `<h1 data-testid="partner-title">${esc(p.legalName)} <span class="badge ${esc(p.status)}">${esc(stageName(p.status))}</span></h1>
    <p class="muted">${esc(p.partnerType.toUpperCase())} · ${esc(p.region)}, ${esc(p.country)} · ${esc(p.websiteDomain)} · tier <strong data-testid="partner-tier">${esc(p.tier ?? "none")}</strong>
      ${p.contactName ? ` · contact ${esc(p.contactName)} &lt;${esc(p.contactEmail)}&gt;` : ""}${p.holdReason ? ` · <strong class="error">held: ${esc(p.holdReason)}</strong>` : ""}
      ${p.statusReason ? ` · ${esc(p.statusReason)}` : ""}</p>
    ${isManager() ? `<div class="card actions" data-testid="partner-actions">${actions(p) || '<span class="muted">No action from here.</span>'}</div>` : ""}
    <div class="grid spaced">
      <section class="card"><h2>Deals</h2><p class="muted">${deals.total} registrations, ${open.length} open on this page worth ${money(open.reduce((s, d) => s + Number(d.totalValue), 0))}.
        <a href="#/deals?${new URLSearchParams({ partnerId: p.id })}">All of them</a></p>
        ${rows(deals.items.slice(0, 10), "None yet.", "<th>Customer</th><th>Status</th><th class=\"num\">Value</th>",
          (d) => `<tr><td><a href="#/deal?id=${esc(d.id)}">${esc(d.customerName)}</a></td><td><span class="badge ${esc(d.status)}">${esc(stageName(d.status))}</span></td><td class="num">${money(d.actualAmount ?? d.totalValue)}</td></tr>`)}</section>
      <section class="card"><h2>Distributors serving it</h2>
        ${rows(serving, "None yet.", "<th>Distributor</th><th>Regions</th><th>Since</th>",
          (a) => `<tr><td>${isStaff() ? `<a href="#/distributor?id=${esc(a.distributorId)}">${esc(a.distributorName)}</a>` : esc(a.distributorName)}${a.active ? "" : ' <span class="badge revoked">revoked</span>'}</td>
            <td>${esc(a.regions.join(", "))}</td><td>${day(a.authorizedAt)}</td></tr>`)}</section>
    </div>
    ${users ? `<section class="card spaced"><h2>Users</h2>
      ${rows(users, "No users yet.", "<th>Name</th><th>E-mail</th><th>Role</th><th></th>",
        (u) => `<tr data-user="${esc(u.id)}"><td>${esc(u.name)}</td><td>${esc(u.email)}</td>
          <td>${manageUsers ? `<select aria-label="Role of ${esc(u.name)}" data-role-of="${esc(u.id)}">${["admin", "sales", "viewer"].map((r) => `<option${u.role === r ? " selected" : ""}>${r}</option>`).join("")}</select>` : esc(u.role)}</td>
          <td>${manageUsers ? `<button type="button" class="secondary" data-remove-user="${esc(u.id)}">Remove</button>` : ""}</td></tr>`)}
      ${manageUsers ? `<form class="filters spaced" id="add-user"><label>Name <input name="name" required></label><label>E-mail <input name="email" type="email" required></label>
        <label>Role <select name="role"><option>sales</option><option>admin</option><option>viewer</option></select></label><button type="submit">Invite</button></form>` : ""}</section>` : ""}
    ${history ? `<section class="card spaced"><h2>History</h2>${rows(history, "", "<th>When</th><th>What</th><th>Who</th><th>Why</th>",
      (h) => `<tr><td>${day(h.at)}</td><td>${esc(h.action.replaceAll("_", " "))}</td><td>${esc(h.actor)}</td><td>${esc(h.reason ?? "")}</td></tr>`)}</section>` : ""}`;

  const act = async (path, body, method, done) => {
    try {
      await send(path, body, method);
      toast(done);
      await render();
    } catch (e) { toast(e instanceof ApiError ? e.message : String(e)); }
  };
  main.querySelectorAll("[data-partner-act]").forEach((b) => b.addEventListener("click", () => {
    const what = b.dataset.partnerAct;
    const reason = document.getElementById("partner-reason")?.value || null;
    const body = what === "approve" ? { tier: document.getElementById("partner-tier").value }
      : what === "tier" ? { tier: document.getElementById("partner-tier").value, reason } : { reason };
    act(`/api/partners/${p.id}/${what}`, body, "POST", `${b.textContent}: ${p.legalName}`);
  }));
  main.querySelectorAll("[data-role-of]").forEach((s) => s.addEventListener("change", () =>
    act(`/api/partners/${p.id}/users/${s.dataset.roleOf}/role`, { role: s.value }, "PUT", "Role changed")));
  main.querySelectorAll("[data-remove-user]").forEach((b) => b.addEventListener("click", () =>
    act(`/api/partners/${p.id}/users/${b.dataset.removeUser}`, undefined, "DELETE", "User removed")));
  document.getElementById("add-user")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    act(`/api/partners/${p.id}/users`, { name: f.get("name"), email: f.get("email"), role: f.get("role") }, "POST", `Invited ${f.get("email")}`);
  });
}
