// Distributors: staff see every distributor and a channel manager onboards one; a distributor's page shows its
// resellers (authorized by region, revoked with a reason), its users and its status, with the manager's actions.
import { api, send, ApiError, session } from "../api.js";
import { main, esc, day, stageName, isManager, isStaff, toast, rows, showErrors, pager, sortable } from "../ui.js";
import { render } from "../router.js";

const list = (text) => String(text ?? "").split(/[\s,]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);

/** The API's field errors beside the form's fields; any other refusal as a toast. */
function refused(form, err) {
  const loose = showErrors(form, err?.fields ?? {});
  if (!Object.keys(err?.fields ?? {}).length || loose.length) toast(err.message);
}

const pageSize = 25;
const resellersPerPage = 25;

export async function distributors(params) {
  if (!isStaff()) { location.hash = session.user.distributorId ? `#/distributor?id=${session.user.distributorId}` : "#/pipeline"; return; }
  const pageNo = Math.max(1, Number(params.page) || 1);
  const filters = Object.fromEntries(["q", "status", "region"].filter((k) => params[k]).map((k) => [k, params[k]]));
  const shown = { ...filters, sort: params.sort ?? "name", direction: params.direction ?? (params.sort ? "desc" : "asc") };
  const page = await api(`/api/distributors?${new URLSearchParams({ ...shown, page: String(pageNo), pageSize: String(pageSize) })}`);
  const link = (n) => `#/distributors?${new URLSearchParams({ ...shown, page: String(n) })}`;
  main.innerHTML = `<h1>Distributors</h1>
    ${isManager() ? `<form class="card register" id="onboard" novalidate><h2>Onboard a distributor</h2><fieldset>
      <label>Name <input name="name" required></label><span class="field-error" data-error="name"></span>
      <label>Countries <input name="countries" placeholder="US, CA" size="10"></label><span class="field-error" data-error="countries"></span>
      <label>Regions <input name="regions" placeholder="WA, OR, CA" size="14"></label><span class="field-error" data-error="regions"></span>
      <button type="submit">Onboard</button></fieldset></form>` : ""}
    <form class="filters spaced" id="filters" role="search">
      <label>Name <input name="q" value="${esc(params.q ?? "")}"></label>
      <label>Region <input name="region" size="6" value="${esc(params.region ?? "")}"></label>
      <label>Status <select name="status"><option value="">All</option>${["active", "suspended", "terminated"]
        .map((st) => `<option value="${st}"${params.status === st ? " selected" : ""}>${esc(stageName(st))}</option>`).join("")}</select></label>
      <button type="submit">Show</button></form>
    <div class="card table-wrap" tabindex="0">${rows(page.items, "No distributor matches.", `${sortable("#/distributors", shown, "name", "name", "Distributor")}<th>Countries</th><th>Regions</th>
      ${sortable("#/distributors", shown, "name", "status", "Status")}${sortable("#/distributors", shown, "name", "onboarded", "Onboarded")}`,
      (d) => `<tr><td><a href="#/distributor?id=${esc(d.id)}">${esc(d.name)}</a></td><td>${esc(d.countries.join(", "))}</td><td>${esc(d.regions.join(", "))}</td>
        <td><span class="badge ${esc(d.status)}">${esc(stageName(d.status))}</span></td><td>${day(d.createdAt)}</td></tr>`)}
      ${pager(page.total, pageNo, pageSize, link, "Pages of distributors")}</div>`;
  document.getElementById("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    const chosen = [...new FormData(e.target).entries()].filter(([, v]) => String(v).trim());
    location.hash = `#/distributors?${new URLSearchParams([...chosen, ["sort", shown.sort], ["direction", shown.direction]])}`;
  });
  document.getElementById("onboard")?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      const made = await send("/api/distributors", { name: f.get("name") || null, countries: list(f.get("countries")), regions: list(f.get("regions")) });
      toast(`Onboarded ${made.name}`);
      location.hash = `#/distributor?id=${made.id}`;
    } catch (err) { refused(e.target, err); }
  });
}

export async function distributor(params) {
  const id = params.id;
  const [d, resellers, users] = await Promise.all([
    api(`/api/distributors/${encodeURIComponent(id)}`),
    api(`/api/distributors/${encodeURIComponent(id)}/resellers?${new URLSearchParams({ includeRevoked: "true", pageSize: String(resellersPerPage),
      page: String(Math.max(1, Number(params.rpage) || 1)), ...(params.rq ? { q: params.rq } : {}) })}`),
    api(`/api/distributors/${encodeURIComponent(id)}/users`).catch(() => null),
  ]);
  const manager = isManager();
  const own = session.user.role === "distributor" && session.user.distributorId === d.id;
  main.innerHTML = `<h1 data-testid="distributor-title">${esc(d.name)} <span class="badge ${esc(d.status)}">${esc(stageName(d.status))}</span></h1>
    <p class="muted">Countries ${esc(d.countries.join(", "))} · regions ${esc(d.regions.join(", "))} · since ${day(d.createdAt)}${d.statusReason ? ` · ${esc(d.statusReason)}` : ""}</p>
    ${manager ? `<div class="card actions">
      ${d.status === "active" ? '<button type="button" class="secondary" data-dist-act="suspend">Suspend</button>' : ""}
      ${d.status === "suspended" ? '<button type="button" data-dist-act="reinstate">Reinstate</button>' : ""}
      ${d.status !== "terminated" ? '<button type="button" class="danger" data-dist-act="terminate">Terminate</button>' : ""}
      <textarea id="dist-reason" aria-label="Reason" placeholder="Reason (to suspend, terminate or revoke a reseller)"></textarea></div>` : ""}
    <section class="card spaced" data-testid="resellers"><h2>Resellers it serves</h2>
      <form class="filters" id="reseller-filter" role="search"><label>Reseller <input name="rq" value="${esc(params.rq ?? "")}" placeholder="name or id"></label>
        <button type="submit">Find</button></form>
      ${rows(resellers.items, params.rq ? "No reseller matches." : "None yet.", "<th>Reseller</th><th>Regions</th><th>Since</th><th>Status</th><th></th>",
        (a) => `<tr><td>${isStaff() ? `<a href="#/partner?id=${esc(a.partnerId)}">${esc(a.partnerName ?? a.partnerId)}</a>` : esc(a.partnerName ?? a.partnerId)}</td>
          <td>${esc(a.regions.join(", "))}</td><td>${day(a.authorizedAt)}</td>
          <td>${a.active ? '<span class="badge active">Authorized</span>' : `<span class="badge revoked">Revoked</span> <span class="muted">${esc(a.revokeReason ?? "")}</span>`}</td>
          <td>${manager && a.active ? `<button type="button" class="secondary" data-revoke="${esc(a.partnerId)}">Revoke</button>` : ""}</td></tr>`)}
      ${pager(resellers.total, Math.max(1, Number(params.rpage) || 1), resellersPerPage,
        (n) => `#/distributor?${new URLSearchParams({ id, ...(params.rq ? { rq: params.rq } : {}), rpage: String(n) })}`, "Pages of resellers")}
      ${manager ? `<form class="register spaced" id="authorize" novalidate><fieldset><legend>Authorize a reseller</legend>
        <label>Find a reseller <input type="search" id="reseller-search" placeholder="name or domain" aria-controls="reseller-choice"></label>
        <label>Reseller <select name="partnerId" id="reseller-choice"></select></label>
        <span class="field-error" data-error="partnerId"></span><span class="muted" id="reseller-more" aria-live="polite"></span>
        <label>Regions <input name="regions" placeholder="${esc(d.regions.join(", "))}" size="14"></label><span class="field-error" data-error="regions"></span>
        <button type="submit">Authorize</button></fieldset></form>` : ""}</section>
    ${users ? `<section class="card spaced"><h2>Users</h2>${rows(users, "No users yet.", "<th>Name</th><th>E-mail</th><th>Role</th>",
      (u) => `<tr><td>${esc(u.name)}</td><td>${esc(u.email)}</td><td>${esc(u.role)}</td></tr>`)}
      ${manager || own ? `<form class="filters spaced" id="add-user"><label>Name <input name="name" required></label><label>E-mail <input name="email" type="email" required></label>
        <label>Role <select name="role"><option>sales</option><option>operations</option><option>admin</option></select></label><button type="submit">Invite</button></form>` : ""}</section>` : ""}`;

  const act = async (path, body, done) => {
    try {
      await send(path, body);
      toast(done);
      await render();
    } catch (e) { toast(e.message); }
  };
  const reason = () => document.getElementById("dist-reason")?.value || null;
  main.querySelectorAll("[data-dist-act]").forEach((b) => b.addEventListener("click", () =>
    act(`/api/distributors/${d.id}/${b.dataset.distAct}`, { reason: reason() }, `${b.textContent}: ${d.name}`)));
  main.querySelectorAll("[data-revoke]").forEach((b) => b.addEventListener("click", () =>
    act(`/api/distributors/${d.id}/authorizations/${b.dataset.revoke}/revoke`, { reason: reason() }, "Authorization revoked")));
  // The reseller picker asks the API for the active partners matching what is typed (20 at a time), never the whole list.
  const search = document.getElementById("reseller-search");
  let asked = 0;
  const choose = async () => {
    const mine = ++asked;
    const found = await api(`/api/partners?${new URLSearchParams({ status: "active", sort: "name", direction: "asc", pageSize: "20", ...(search.value.trim() ? { q: search.value.trim() } : {}) })}`);
    if (mine !== asked) return; // a later search has been sent: its answer is the one to show
    document.getElementById("reseller-choice").innerHTML = `<option value="">Choose…</option>${found.items
      .map((p) => `<option value="${esc(p.id)}">${esc(p.legalName)} (${esc(p.region)}, ${esc(p.country)})</option>`).join("")}`;
    document.getElementById("reseller-more").textContent = found.total > found.items.length
      ? `${found.items.length} of ${found.total} active partners shown: type more of the name to find the others.` : `${found.total} matching.`;
  };
  if (search) {
    let typing;
    search.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(() => choose().catch((e) => toast(e.message)), 250); });
  }
  document.getElementById("authorize")?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      await send(`/api/distributors/${d.id}/authorizations`, { partnerId: f.get("partnerId") || null, regions: list(f.get("regions")) });
      toast("Reseller authorized");
      await render();
    } catch (err) { if (err instanceof ApiError) refused(e.target, err); else toast(String(err)); }
  });
  document.getElementById("reseller-filter").addEventListener("submit", (e) => {
    e.preventDefault();
    const rq = new FormData(e.target).get("rq").trim();
    location.hash = `#/distributor?${new URLSearchParams({ id, ...(rq ? { rq } : {}) })}`;
  });
  document.getElementById("add-user")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    act(`/api/distributors/${d.id}/users`, { name: f.get("name"), email: f.get("email"), role: f.get("role") }, `Invited ${f.get("email")}`);
  });
  if (search) await choose(); // after every handler is in place: the form works while the first matches load
}
