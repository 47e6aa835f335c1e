// Channel dashboard: plain JavaScript over the same API and tokens as everyone else.
"use strict";

const main = document.getElementById("main");
// Who is signed in, as the gateway's session says (GET /session). The page never holds a token: the
// session lives in an HttpOnly cookie the gateway turns into a token for each call.
const session = {
  user: null,
  async load() {
    const response = await fetch("/session", { headers: { "X-CSRF": "1" } });
    session.user = response.ok ? await response.json() : null;
    return session.user;
  },
};

// ---- helpers -------------------------------------------------------------------------------

const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const money = (v) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 }).format(Number(v || 0));
const short = (v) => new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(Number(v || 0));
const pct = (v) => (v === null || v === undefined ? "—" : `${(Number(v) * 100).toFixed(1)}%`);
const day = (v) => (v ? new Date(v).toISOString().slice(0, 10) : "—");
const stageName = (s) => ({ submitted: "Submitted", compliance_review: "Compliance review", approved: "Approved", won: "Won", lost: "Lost",
  rejected: "Rejected", returned: "Returned", expired: "Expired", applied: "Applied", on_hold: "On hold", active: "Active" }[s] || s);
const isStaff = () => ["channel-manager", "admin", "leadership"].includes(session.user?.role);
const isManager = () => ["channel-manager", "admin"].includes(session.user?.role);

function toast(text) {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove("show"), 3500);
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { "Content-Type": "application/json", "X-CSRF": "1", ...(options.headers || {}) },
  });
  if (response.status === 401) { session.user = null; location.hash = "#/sign-in"; throw new Error("signed out"); }
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : await response.text();
  if (!response.ok) {
    const detail = body?.errors ? Object.entries(body.errors).map(([k, v]) => `${k}: ${v.join(", ")}`).join("; ") : body?.detail || body?.title || response.statusText;
    throw new Error(detail);
  }
  return body;
}

// ---- charts: SVG with labelled axes and values, each with its data as a table -----------------

function dataTable(rows, columns) {
  return `<details><summary>Data</summary><div class="table-wrap"><table><thead><tr>${columns.map((c) => `<th${c.num ? ' class="num"' : ""}>${esc(c.title)}</th>`).join("")}</tr></thead>
    <tbody>${rows.map((r) => `<tr>${columns.map((c) => `<td${c.num ? ' class="num"' : ""}>${esc(c.show(r))}</td>`).join("")}</tr>`).join("")}</tbody></table></div></details>`;
}

/** Horizontal bars, one a row, value written at the end of each. */
function barChart(id, title, rows, { format = money, color = "#0b5cad", funnel = false } = {}) {
  if (!rows.length) return `<figure class="card" id="${id}"><figcaption>${esc(title)}</figcaption><p class="muted">Nothing to show yet.</p></figure>`;
  const width = 600, bar = 22, gap = 8, height = rows.length * (bar + gap) + 24;
  const label = Math.min(210, Math.max(60, Math.max(...rows.map((r) => String(r.label).length)) * 6.8 + 12));
  const note = Math.max(...rows.map((r) => `${format(r.value)}${r.note ? ` · ${r.note}` : ""}`.length)) * 6.8 + 12;
  const max = Math.max(...rows.map((r) => Math.abs(r.value)), 1);
  const span = Math.max(80, width - label - note);
  const bars = rows.map((r, i) => {
    const w = Math.max(2, (Math.abs(r.value) / max) * span);
    const x = funnel ? label + (span - w) / 2 : label;
    const y = 8 + i * (bar + gap);
    return `<text x="${label - 8}" y="${y + bar / 2 + 4}" text-anchor="end">${esc(r.label)}</text>
      <rect x="${x}" y="${y}" width="${w}" height="${bar}" rx="3" fill="${r.color || color}"><title>${esc(r.label)}: ${esc(format(r.value))}</title></rect>
      <text x="${funnel ? label + span + 6 : x + w + 6}" y="${y + bar / 2 + 4}">${esc(format(r.value))}${r.note ? ` · ${esc(r.note)}` : ""}</text>`;
  }).join("");
  const summary = rows.map((r) => `${r.label} ${format(r.value)}`).join(", ");
  return `<figure class="card" id="${id}"><figcaption>${esc(title)}</figcaption>
    <svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(`${title}: ${summary}`)}">
      <line class="axis" x1="${label}" y1="4" x2="${label}" y2="${height - 16}"/>${bars}</svg>
    ${dataTable(rows, [{ title: "", show: (r) => r.label }, { title: "Value", num: true, show: (r) => format(r.value) }, ...(rows[0].note !== undefined ? [{ title: "", show: (r) => r.note }] : [])])}</figure>`;
}

/** Lines over months with a labelled y axis; series = [{ name, color, values: [..] }], labels = x labels. */
function lineChart(id, title, labels, series, { format = short } = {}) {
  if (!labels.length) return `<figure class="card" id="${id}"><figcaption>${esc(title)}</figcaption><p class="muted">Nothing to show yet.</p></figure>`;
  const width = 560, height = 240, left = 56, bottom = 36, top = 12, right = 34;
  const all = series.flatMap((s) => s.values);
  const max = Math.max(...all, 1), min = Math.min(0, ...all);
  const x = (i) => left + (labels.length === 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (labels.length - 1));
  const y = (v) => top + (height - top - bottom) * (1 - (v - min) / (max - min || 1));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => min + f * (max - min));
  const grid = ticks.map((t) => `<line class="grid-line" x1="${left}" x2="${width - right}" y1="${y(t)}" y2="${y(t)}"/><text x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${esc(format(t))}</text>`).join("");
  const xs = labels.map((l, i) => `<text x="${x(i)}" y="${height - bottom + 16}" text-anchor="middle">${esc(l)}</text>`).join("");
  const lines = series.map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="2.5" points="${s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ")}"/>` +
    s.values.map((v, i) => `<circle cx="${x(i)}" cy="${y(v)}" r="3.5" fill="${s.color}"><title>${esc(s.name)} ${esc(labels[i])}: ${esc(format(v))}</title></circle>`).join("")).join("");
  const legend = series.map((s, i) => `<rect x="${left + i * 150}" y="${height - 12}" width="12" height="4" fill="${s.color}"/><text x="${left + i * 150 + 16}" y="${height - 8}">${esc(s.name)}</text>`).join("");
  return `<figure class="card" id="${id}"><figcaption>${esc(title)}</figcaption>
    <svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(title)}">${grid}
      <line class="axis" x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}"/>${xs}${lines}${legend}</svg>
    ${dataTable(labels.map((l, i) => ({ l, i })), [{ title: "Month", show: (r) => r.l }, ...series.map((s) => ({ title: s.name, num: true, show: (r) => format(s.values[r.i]) }))])}</figure>`;
}

// ---- pages ---------------------------------------------------------------------------------

const pages = {
  async "sign-in"(params) {
    const back = encodeURIComponent(params.next || "/");
    main.innerHTML = `<h1>Sign in</h1>
      ${params.failed ? '<p class="error" role="alert">Signing in did not complete. Try again; if it keeps failing, ask your Channel administrator.</p>' : ""}
      <p>Partners, distributors and vendor staff sign in with their Channel account (a new user's invitation mail has the link to choose a password).</p>
      <p><a class="button" id="sign-in" href="/session/sign-in?returnUrl=${back}">Sign in</a></p>
      <p class="muted">A Channel on your own machine started with <code>./channel up --demo</code> offers its demo accounts on the sign-in page.
        The API takes tokens from the same provider (<code>./channel token ROLE</code> locally).</p>`;
  },

  async pipeline(params) {
    const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
    const [p, s] = await Promise.all([api(`/api/reports/pipeline?${query}`), api(`/api/reports/sell-through?${query}`)]);
    const t = p.totals;
    const order = ["submitted", "compliance_review", "approved", "won", "lost", "returned", "rejected", "expired"];
    const colors = { won: "#1f8a4c", lost: "#b3402e", rejected: "#b3402e", expired: "#8a6d3b", compliance_review: "#b26b00" };
    const stages = order.map((k) => p.byStage.find((r) => r.key === k)).filter(Boolean)
      .map((r) => ({ label: stageName(r.key), value: r.value, note: `${r.deals} deals`, color: colors[r.key] }));
    const months = p.byMonth.map((r) => r.key);
    const st = s.byMonth;
    main.innerHTML = `<h1>Pipeline${isStaff() ? "" : ` · ${esc(session.user.name)}`}</h1>
      <form class="filters" id="filters">
        <label>From <input type="month" name="from" value="${esc(params.from || "")}"></label>
        <label>To <input type="month" name="to" value="${esc(params.to || "")}"></label>
        <label>Region <input name="region" value="${esc(params.region || "")}" placeholder="e.g. CA"></label>
        <button type="submit">Apply</button> <button type="button" class="secondary" id="export">Export CSV</button>
      </form>
      <section class="kpis" aria-label="Key figures">
        <div class="kpi"><div class="label">Deals</div><div class="value" data-testid="deals">${t.deals}</div></div>
        <div class="kpi"><div class="label">Open pipeline</div><div class="value" data-testid="open-value">${money(t.openValue)}</div></div>
        <div class="kpi"><div class="label">Won</div><div class="value" data-testid="won-value">${money(t.wonValue)}</div></div>
        <div class="kpi"><div class="label">Win rate</div><div class="value" data-testid="win-rate">${pct(t.winRate)}</div></div>
        <div class="kpi"><div class="label">Days to approve</div><div class="value" data-testid="days-to-approve">${t.averageDaysToApprove ?? "—"}</div></div>
        <div class="kpi"><div class="label">Sell-through</div><div class="value" data-testid="sell-through">${money(s.totals.revenue)}</div></div>
      </section>
      <div class="grid">
        ${barChart("funnel", "Deals by stage (value)", stages, { funnel: true })}
        ${barChart("by-region", "Value by region", p.byRegion.map((r) => ({ label: r.key, value: r.value, note: `${r.deals} deals` })))}
        ${barChart("by-distributor", "Value by distributor", p.byDistributor.map((r) => ({ label: r.label || r.key, value: r.value, note: `${r.deals} deals` })))}
        ${lineChart("trend", "Value and wins by month of expected close", months, [
          { name: "All deals", color: "#0b5cad", values: p.byMonth.map((r) => r.value) },
          { name: "Won", color: "#1f8a4c", values: p.byMonth.map((r) => r.wonValue) }], { format: short })}
        ${lineChart("sell-through-chart", `Sell-through vs registered (coverage ${pct(s.totals.coverage)})`, st.map((r) => r.key), [
          { name: "Sell-through", color: "#14213d", values: st.map((r) => r.revenue) },
          { name: "Registered", color: "#1f8a4c", values: st.map((r) => r.registered ?? 0) }], { format: short })}
        ${barChart("ageing", "Open deals by age", p.ageing.map((r) => ({ label: r.key, value: r.deals, note: money(r.value) })), { format: (v) => `${v} deals`, color: "#8a6d3b" })}
      </div>
      <section class="card spaced"><h2>Protection ending in the next 14 days</h2>
        ${p.expiringSoon.length ? `<div class="table-wrap"><table><thead><tr><th>Customer</th><th>Partner</th><th>Region</th><th class="num">Value</th><th>Ends</th></tr></thead><tbody>
          ${p.expiringSoon.map((d) => `<tr><td>${esc(d.customerName)}</td><td>${esc(d.partnerName || d.partnerId)}</td><td>${esc(d.region)}</td><td class="num">${money(d.value)}</td><td>${day(d.protectionEndsAt)}</td></tr>`).join("")}
          </tbody></table></div>` : '<p class="muted">None.</p>'}</section>`;
    document.getElementById("filters").addEventListener("submit", (e) => {
      e.preventDefault();
      const f = new FormData(e.target);
      location.hash = `#/pipeline?${new URLSearchParams([...f.entries()].filter(([, v]) => v))}`;
    });
    document.getElementById("export").addEventListener("click", async () => {
      const response = await fetch(`/api/reports/pipeline/stage?format=csv&${query}`, { headers: { "X-CSRF": "1" } });
      const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(await response.blob()), download: "pipeline-by-stage.csv" });
      link.click();
    });
  },

  async queue(params) {
    const items = await api("/api/deals/queue");
    main.innerHTML = `<h1>Deal approval queue</h1>
      <p class="muted">${items.length} waiting · overdue first, then oldest.</p>
      <div class="card table-wrap"><table><thead><tr><th>Customer</th><th>Partner</th><th class="num">Value</th><th>Submitted</th><th>Due</th><th>Status</th><th>Conflicts</th><th></th></tr></thead><tbody>
      ${items.map((d) => `<tr data-deal="${esc(d.id)}"><td>${esc(d.customerName)}<div class="muted">${esc(d.customerRegion)}, ${esc(d.customerCountry)} · ${esc(d.productFamilies.join(", "))}</div></td>
        <td>${esc(d.partnerName || d.partnerId)}${d.partnerTier ? ` <span class="badge">${esc(d.partnerTier)}</span>` : ""}</td>
        <td class="num">${money(d.totalValue)}</td><td>${day(d.submittedAt)}</td><td>${day(d.slaDueAt)}</td>
        <td>${d.overdue ? '<span class="badge overdue">Overdue</span> ' : ""}<span class="badge ${esc(d.status)}">${esc(stageName(d.status))}</span></td>
        <td class="num">${d.conflictCount}</td><td><button type="button" class="secondary" data-open="${esc(d.id)}">Review</button></td></tr>`).join("")}
      </tbody></table>${items.length ? "" : '<p class="muted">Nothing waiting.</p>'}</div><section id="detail" aria-live="polite"></section>`;
    main.querySelectorAll("[data-open]").forEach((b) => b.addEventListener("click", () => review(b.dataset.open)));
    if (params.deal) review(params.deal);
  },

  async applications() {
    const [applied, held] = await Promise.all([api("/api/partners?status=applied&pageSize=200"), api("/api/partners?status=on_hold&pageSize=200")]);
    const rows = [...held.items, ...applied.items];
    main.innerHTML = `<h1>Partner applications</h1><p class="muted">${rows.length} awaiting review.</p>
      <div class="card table-wrap"><table><thead><tr><th>Organisation</th><th>Where</th><th>Type</th><th>Status</th><th>Decision</th></tr></thead><tbody>
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
  },

  async deals(params) {
    const query = new URLSearchParams({ pageSize: "100", ...(params.status ? { status: params.status } : {}) });
    const page = await api(`/api/deals?${query}`);
    main.innerHTML = `<h1>${session.user.role === "partner" ? "My deals" : "Deals"}</h1>
      <form class="filters" id="filters"><label>Status <select name="status"><option value="">All</option>
        ${["submitted", "compliance_review", "approved", "returned", "won", "lost", "rejected", "expired"].map((s) => `<option value="${s}"${params.status === s ? " selected" : ""}>${stageName(s)}</option>`).join("")}
      </select></label><button type="submit">Show</button></form>
      <div class="card table-wrap"><table data-testid="deal-list"><thead><tr><th>Customer</th><th>Status</th><th class="num">Value</th><th>Expected close</th><th>Protected until</th></tr></thead><tbody>
      ${page.items.map((d) => `<tr><td><a href="#/deal?id=${esc(d.id)}">${esc(d.customerName)}</a><div class="muted">${esc(d.customerRegion)}, ${esc(d.customerCountry)}</div></td>
        <td><span class="badge ${esc(d.status)}">${esc(stageName(d.status))}</span></td><td class="num">${money(d.actualAmount ?? d.totalValue)}</td>
        <td>${esc(d.expectedClose)}</td><td>${day(d.protectionEndsAt)}</td></tr>`).join("")}</tbody></table>
      <p class="muted">${page.total} deals.</p></div>`;
    document.getElementById("filters").addEventListener("submit", (e) => {
      e.preventDefault();
      location.hash = `#/deals?status=${encodeURIComponent(new FormData(e.target).get("status"))}`;
    });
  },
};

// ---- pricing: price authorizations, and ship-and-debit claims -----------------------------------

const claimStatus = (s) => ({ accepted: "Accepted", adjusted: "Adjusted", rejected: "Rejected", pending: "Pending", disputed: "Disputed",
  validated: "Validated", approved: "Approved", settled: "Settled", pending_approval: "Awaiting 2nd approval", active: "Active",
  consumed: "Consumed", expired: "Expired", revoked: "Revoked" }[s] || s);
const reasonName = (r) => (r ? r.replaceAll("_", " ") : "");

/** The 849-style answer: each claim line's decision, with its actions for who may take them. */
function claimLines(lines, { dispute = false, resolve = false } = {}) {
  return `<div class="table-wrap"><table data-testid="claim-lines"><thead><tr><th class="num">Line</th><th>PA</th><th>Invoice</th><th>SKU</th>
    <th class="num">Qty</th><th class="num">Claimed</th><th>Status</th><th>Reason</th><th class="num">Credit</th><th></th></tr></thead><tbody>
    ${lines.map((l) => `<tr data-line="${l.lineNo}"><td class="num">${l.lineNo}</td><td>${esc(l.paNumber)}</td><td>${esc(l.invoiceNumber)}</td><td>${esc(l.vendorSku)}</td>
      <td class="num">${esc(Number(l.quantity))}</td><td class="num">${money(l.claimedAmount)}</td>
      <td><span class="badge ${esc(l.status)}">${esc(claimStatus(l.status))}</span></td><td>${esc(reasonName(l.reason))}${l.disputeComment ? `<div class="muted">“${esc(l.disputeComment)}”</div>` : ""}</td>
      <td class="num">${money(l.credit)}</td>
      <td>${dispute && ["rejected", "adjusted"].includes(l.status) ? `<button type="button" class="secondary" data-dispute="${l.lineNo}">Dispute</button>` : ""}
        ${resolve && l.status === "disputed" ? `<button type="button" data-resolve="accept" data-line-no="${l.lineNo}">Accept</button>
          <button type="button" class="secondary" data-resolve="uphold" data-line-no="${l.lineNo}">Uphold</button>` : ""}</td></tr>`).join("")}
    </tbody></table></div>`;
}

async function claimDetail(id) {
  const detail = document.getElementById("claim");
  const [{ claim }, lines] = await Promise.all([api(`/api/pricing/claims/${id}`), api(`/api/pricing/claims/${id}/lines?pageSize=1000`)]);
  const mine = session.user.role === "distributor";
  detail.innerHTML = `<div class="card spaced"><h2>Claim ${esc(claim.claimNumber)} · <span data-testid="claim-status">${esc(claimStatus(claim.status))}</span></h2>
    <p class="muted">${claim.lineCount} lines · claimed ${money(claim.claimedAmount)} · accepted credit <strong data-testid="claim-credit">${money(claim.acceptedCredit)}</strong>
      ${claim.pendingLines ? ` · ${claim.pendingLines} pending` : ""}${claim.disputedLines ? ` · ${claim.disputedLines} disputed` : ""}
      ${claim.creditMemo ? ` · credit memo <strong data-testid="credit-memo">${esc(claim.creditMemo)}</strong>` : ""}</p>
    ${claimLines(lines.items, { dispute: mine && claim.status === "validated", resolve: isManager() && claim.status === "validated" })}
    <div class="actions"><a href="/api/pricing/claims/${esc(id)}/response.csv" download>Answer as CSV (849)</a>
      ${(mine || isManager()) && claim.status === "validated" ? `<textarea aria-label="Comment" placeholder="Comment (to dispute or resolve a line)" id="comment"></textarea>` : ""}
      ${isManager() && claim.status === "validated" ? `<label>Credit <input id="credit" inputmode="decimal" size="8" placeholder="as authorized"></label>
        <button type="button" data-claim="approve">Approve for payment</button>` : ""}
      ${isManager() && claim.status === "approved" ? '<button type="button" data-claim="settle">Settle</button>' : ""}</div></div>`;
  const act = async (path, body, done) => {
    try {
      await api(path, { method: "POST", body: JSON.stringify(body) });
      toast(done);
      await render(); // the claims list above follows too
    } catch (e) { toast(e.message); }
  };
  const comment = () => document.getElementById("comment")?.value || "";
  detail.querySelectorAll("[data-dispute]").forEach((b) => b.addEventListener("click", () =>
    act(`/api/pricing/claims/${id}/lines/${b.dataset.dispute}/dispute`, { comment: comment() }, `Line ${b.dataset.dispute} disputed`)));
  detail.querySelectorAll("[data-resolve]").forEach((b) => b.addEventListener("click", () => {
    const credit = document.getElementById("credit")?.value;
    const body = { decision: b.dataset.resolve, comment: comment(), ...(b.dataset.resolve === "accept" && credit ? { credit: Number(credit) } : {}) };
    act(`/api/pricing/claims/${id}/lines/${b.dataset.lineNo}/resolve`, body, `Line ${b.dataset.lineNo}: ${b.textContent}`);
  }));
  detail.querySelectorAll("[data-claim]").forEach((b) => b.addEventListener("click", () =>
    act(`/api/pricing/claims/${id}/${b.dataset.claim}`, {}, `Claim ${claim.claimNumber}: ${b.textContent}`)));
}

pages.pricing = async (params) => {
  const role = session.user.role;
  const seesClaims = isStaff() || role === "distributor";
  const [pas, claims] = await Promise.all([
    api("/api/pricing/authorizations?pageSize=100"),
    seesClaims ? api(`/api/pricing/claims?pageSize=100${params.open ? "&open=true" : ""}`) : Promise.resolve(null),
  ]);
  const costs = role !== "partner";
  main.innerHTML = `<h1>Special pricing</h1>
    <div class="card table-wrap"><h2>Price authorizations</h2><table data-testid="authorizations"><thead><tr><th>PA</th><th>Customer</th><th>Status</th>
      <th>Valid until</th><th>Lines (SKU or family × quantity, discount off list${costs ? ", net cost" : ""})</th>${costs ? '<th class="num">Credit</th>' : ""}<th></th></tr></thead><tbody>
      ${pas.items.map((a) => `<tr><td>${esc(a.number)}${a.revision > 1 ? ` <span class="muted">rev ${a.revision}</span>` : ""}</td><td><a href="#/deal?id=${esc(a.dealId)}">${esc(a.customerName)}</a></td>
        <td><span class="badge ${esc(a.status)}">${esc(claimStatus(a.status))}</span></td><td>${day(a.validUntil)}</td>
        <td>${a.lines.map((l) => `${esc(l.sku || l.productFamily)} × ${esc(l.maxQuantity)} at ${esc(l.discountPercent)}%${costs && l.netCost !== null ? ` (${money(l.netCost)})` : ""}${l.claimedQuantity > 0 ? ` · ${esc(l.claimedQuantity)} claimed` : ""}`).join("<br>")}</td>
        ${costs ? `<td class="num">${money(a.authorizedCredit)}</td>` : ""}
        <td>${isManager() && a.status === "pending_approval" ? `<button type="button" data-approve-pa="${esc(a.id)}">Approve (second approver)</button>` : ""}</td></tr>`).join("")}
      </tbody></table><p class="muted">${pas.total} price authorizations.</p></div>
    ${role === "distributor" ? `<form class="card spaced" id="claim-form"><h2>Submit a claim</h2>
      <p class="muted">CSV with the columns claim_number, pa_number, invoice_number, invoice_date, reseller_id, end_customer_name, vendor_sku, quantity, book_cost, authorized_cost, claimed_amount.</p>
      <label>File <input type="file" id="claim-file" accept=".csv,text/csv"></label>
      <label>or paste it <textarea id="claim-text" rows="5" aria-label="Claim CSV"></textarea></label>
      <button type="submit">Submit claim</button></form><div id="answer"></div>` : ""}
    ${claims ? `<div class="card table-wrap spaced"><h2>Claims</h2><table data-testid="claims"><thead><tr><th>Claim</th><th>Received</th><th>Status</th>
      <th class="num">Lines</th><th class="num">Pending</th><th class="num">Disputed</th><th class="num">Accepted credit</th></tr></thead><tbody>
      ${claims.items.map((c) => `<tr><td><a href="#/pricing?claim=${esc(c.id)}">${esc(c.claimNumber)}</a></td><td>${day(c.receivedAt)}</td>
        <td><span class="badge ${esc(c.status)}">${esc(claimStatus(c.status))}</span></td><td class="num">${c.lineCount}</td><td class="num">${c.pendingLines}</td>
        <td class="num">${c.disputedLines}</td><td class="num">${money(c.acceptedCredit)}</td></tr>`).join("")}</tbody></table>
      <p class="muted">${claims.total} claims. <a href="#/pricing${params.open ? "" : "?open=true"}">${params.open ? "All claims" : "Only those with pending or disputed lines"}</a></p></div>
      <div id="claim"></div>` : ""}`;
  main.querySelectorAll("[data-approve-pa]").forEach((b) => b.addEventListener("click", async () => {
    try {
      await api(`/api/pricing/authorizations/${b.dataset.approvePa}/approve`, { method: "POST" });
      toast("Price authorization approved");
      render();
    } catch (e) { toast(e.message); }
  }));
  document.getElementById("claim-form")?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const file = document.getElementById("claim-file").files[0];
    const body = file ? await file.text() : document.getElementById("claim-text").value;
    try {
      const { claim, lines } = await api("/api/pricing/claims", { method: "POST", headers: { "Content-Type": "text/csv" }, body });
      document.getElementById("answer").innerHTML = `<div class="card spaced" data-testid="claim-answer"><h2>Claim ${esc(claim.claimNumber)}: the answer</h2>
        <p class="muted">${claim.acceptedLines} accepted, ${claim.adjustedLines} adjusted, ${claim.rejectedLines} rejected, ${claim.pendingLines} pending ·
          accepted credit ${money(claim.acceptedCredit)} · <a href="#/pricing?claim=${esc(claim.id)}">open the claim</a></p>${claimLines(lines)}</div>`;
    } catch (err) { toast(err.message); }
  });
  if (params.claim && claims) await claimDetail(params.claim);
};

async function review(id) {
  const detail = document.getElementById("detail");
  const { deal, lines, conflicts, history } = await api(`/api/deals/${id}`);
  detail.innerHTML = `<div class="card spaced"><h2>${esc(deal.customerName)} · ${money(deal.totalValue)}</h2>
    <p class="muted">${esc(deal.customerSector)} · ${esc(deal.customerRegion)}, ${esc(deal.customerCountry)} · expected close ${esc(deal.expectedClose)}${deal.complianceReason ? ` · <strong class="error">${esc(deal.complianceReason)}</strong>` : ""}</p>
    <div class="table-wrap"><table><thead><tr><th>SKU</th><th>Family</th><th class="num">Quantity</th><th class="num">Amount</th></tr></thead><tbody>
      ${lines.map((l) => `<tr><td>${esc(l.sku || "—")}</td><td>${esc(l.productFamily)}</td><td class="num">${l.quantity}</td><td class="num">${money(l.amount)}</td></tr>`).join("")}</tbody></table></div>
    <h2 class="spaced">Conflicts</h2>
    ${conflicts?.length ? `<div class="table-wrap"><table data-testid="conflicts"><thead><tr><th>Other registration</th><th>Its status</th><th>Rule</th><th>Products in common</th><th>Found</th></tr></thead><tbody>
      ${conflicts.map((c) => `<tr><td><a href="#/queue?deal=${esc(c.otherDealId)}">${esc(c.otherDealId.slice(-12))}</a> (partner …${esc(c.otherPartnerId.slice(-12))})</td><td>${esc(stageName(c.otherStatus))}</td>
        <td>${esc(c.rule.replaceAll("_", " "))}</td><td>${esc(c.sharedFamilies.join(", "))}</td><td>${esc(c.stage)}</td></tr>`).join("")}</tbody></table></div>` : '<p class="muted">No conflicting registrations.</p>'}
    <p class="muted">${history.map((h) => `${esc(h.action)} by ${esc(h.actor)}`).join(" → ")}</p>
    ${isManager() ? `<div class="actions"><button type="button" data-decide="approve">Approve</button>
      <textarea aria-label="Reason" placeholder="Reason (to reject or return)" id="reason"></textarea>
      <button type="button" class="secondary" data-decide="return">Return for information</button>
      <button type="button" class="danger" data-decide="reject">Reject</button></div>` : ""}</div>`;
  detail.querySelectorAll("[data-decide]").forEach((b) => b.addEventListener("click", async () => {
    try {
      const body = b.dataset.decide === "approve" ? {} : { reason: document.getElementById("reason").value };
      await api(`/api/deals/${id}/${b.dataset.decide}`, { method: "POST", body: JSON.stringify(body) });
      toast(`${b.textContent}: ${deal.customerName}`);
      location.hash = "#/queue";
      render();
    } catch (e) { toast(e.message); }
  }));
  detail.querySelector("h2").scrollIntoView?.({ block: "nearest" });
}

// ---- a deal's page: the registration and its whole chain — PA and its versions, bids, sell-through, claims, credits ----

const rows = (items, empty, head, row) => (items.length
  ? `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${items.map(row).join("")}</tbody></table></div>`
  : `<p class="muted">${empty}</p>`);

/** The inputs of a bid or a counter: one per SKU the PA prices (a family line has several). */
function bidInputs(pa, { counter = null } = {}) {
  return pa.lines.flatMap((l) => l.prices.map((p) => {
    const asked = counter?.lines.find((b) => b.lineNo === l.lineNo && b.sku === p.sku);
    return `<label>${esc(p.sku)} <span class="muted">list ${money(p.listPrice)} · now ${esc(l.discountPercent)}% off</span>
      ${counter ? `<input data-counter-line="${l.lineNo}" data-sku="${esc(p.sku)}" inputmode="decimal" size="9" aria-label="Net cost for ${esc(p.sku)}"
        value="${esc(asked?.requestedNetCost ?? "")}" placeholder="net cost">`
      : `<input data-bid-line="${l.lineNo}" data-sku="${esc(p.sku)}" inputmode="decimal" size="6" aria-label="Discount asked for ${esc(p.sku)}" placeholder="% off list">`}</label>`;
  })).join("");
}

pages.deal = async (params) => {
  const id = params.id;
  const role = session.user.role;
  const [record, pricing] = await Promise.all([
    api(`/api/deals/${encodeURIComponent(id || "")}`),
    api(`/api/pricing/deals/${encodeURIComponent(id || "")}`).catch(() => null),
  ]);
  const { deal, lines, conflictCount, history, sellThrough } = record;
  const pa = pricing?.authorization;
  const costs = role !== "partner";
  const openBid = pricing?.specialBids.find((b) => b.status === "requested");
  const registrant = role === "partner" || role === "distributor";
  main.innerHTML = `<h1 data-testid="deal-title">${esc(deal.customerName)} <span class="badge ${esc(deal.status)}">${esc(stageName(deal.status))}</span></h1>
    <p class="muted">${esc(deal.customerSector)} · ${esc(deal.customerRegion)}, ${esc(deal.customerCountry)} · ${money(deal.actualAmount ?? deal.totalValue)}
      · expected close ${esc(deal.expectedClose)} · protected until ${day(deal.protectionEndsAt)}
      · <a href="${isManager() ? `#/queue?deal=${esc(deal.id)}` : "#/deals"}">${conflictCount} conflicting registrations</a></p>
    <ol class="chain" data-testid="chain">
      <li class="card"><h2>Registration</h2>
        ${rows(lines, "No lines.", '<th>SKU</th><th>Family</th><th class="num">Quantity</th><th class="num">Amount</th>',
          (l) => `<tr><td>${esc(l.sku || "—")}</td><td>${esc(l.productFamily)}</td><td class="num">${esc(l.quantity)}</td><td class="num">${money(l.amount)}</td></tr>`)}
        <p class="muted" data-testid="deal-history">${history.map((h) => `${esc(h.action.replaceAll("_", " "))} by ${esc(h.actor)} ${day(h.at)}${h.reason ? ` (“${esc(h.reason)}”)` : ""}`).join(" → ")}</p>
        <div class="actions">
          ${registrant && deal.status === "approved" ? `<button type="button" class="secondary" data-deal-act="extension-request">Ask for an extension</button>
            <label>Won for <input id="actual" inputmode="decimal" size="10" placeholder="${esc(deal.totalValue)}"></label><button type="button" data-deal-act="won">Close as won</button>` : ""}
          ${registrant && ["approved", "submitted", "returned"].includes(deal.status) ? '<button type="button" class="danger" data-deal-act="lost">Close as lost</button>' : ""}
          ${isManager() && deal.status === "approved" ? '<button type="button" class="secondary" data-deal-act="extension">Grant an extension</button>' : ""}
          ${(registrant && deal.status === "approved") || (isManager() && deal.status === "approved") ? '<textarea id="deal-reason" aria-label="Reason" placeholder="Reason (extension or loss)"></textarea>' : ""}
        </div></li>
      <li class="card" data-testid="chain-authorization"><h2>Price authorization</h2>
        ${!pricing ? '<p class="muted">Pricing has not heard of this deal yet.</p>' : !pa ? `<p class="muted">None: ${esc(pricing.notEligibleReason)}.</p>` : `
          <p><strong data-testid="pa-number">${esc(pa.number)}</strong> <span class="badge ${esc(pa.status)}">${esc(claimStatus(pa.status))}</span>
            revision ${pa.revision} · valid ${day(pa.validFrom)} to ${day(pa.validUntil)} · registered ${money(pa.registeredValue)},
            at net price <strong data-testid="pa-net">${money(pa.netValue)}</strong>${costs ? ` · credit up to ${money(pa.authorizedCredit)}` : ""}</p>
          ${rows(pa.lines, "", `<th>SKU or family</th><th class="num">Max qty</th><th class="num">Claimed</th><th class="num">Discount</th><th class="num">List</th>${costs ? '<th class="num">Book</th><th class="num">Net</th>' : ""}`,
            (l) => `<tr><td>${esc(l.sku || `${l.productFamily} (family)`)}</td><td class="num">${esc(l.maxQuantity)}</td><td class="num">${esc(l.claimedQuantity)}</td>
              <td class="num">${esc(l.discountPercent)}%</td><td class="num">${l.listPrice === null ? "by SKU" : money(l.listPrice)}</td>
              ${costs ? `<td class="num">${l.bookCost === null ? "by SKU" : money(l.bookCost)}</td><td class="num">${l.netCost === null ? "by SKU" : money(l.netCost)}</td>` : ""}</tr>`)}
          <p class="muted" data-testid="pa-versions">Versions: ${pricing.versions.map((v) => `${v.version}. ${esc(v.action.replaceAll("_", " "))} by ${esc(v.actor)} ${day(v.at)}`).join(" · ")}</p>
          ${isManager() && pa.status === "pending_approval" ? '<div class="actions"><button type="button" data-pa-approve>Approve (second approver)</button></div>' : ""}
          <h2 class="spaced">Special bids</h2>
          ${rows(pricing.specialBids, "None asked for.", "<th>Asked</th><th>By</th><th>Competitor</th><th>Prices asked (decided)</th><th>Status</th>",
            (b) => `<tr data-bid="${esc(b.id)}"><td>${day(b.requestedAt)}</td><td>${esc(b.requestedBy)}</td><td>${esc(b.competitor || "—")}<div class="muted">${esc(b.justification)}</div></td>
              <td>${b.lines.map((l) => `${esc(l.sku)} ${esc(l.requestedDiscountPercent)}%${l.decidedDiscountPercent !== null && l.decidedDiscountPercent !== undefined ? ` (${esc(l.decidedDiscountPercent)}%)` : ""}`).join("<br>")}</td>
              <td><span class="badge ${esc(b.status)}">${esc(b.status)}</span>${b.decisionReason ? `<div class="muted">${esc(b.decisionReason)}</div>` : ""}</td></tr>`)}
          ${registrant && pa.status === "active" && !openBid ? `<form class="spaced" id="bid-form" data-testid="bid-form"><h2>Ask for a deeper price</h2>
            <div class="filters">${bidInputs(pa)}</div>
            <div class="filters"><label>Competitor <input name="competitor"></label><label>Why <input name="justification" size="40" required></label>
            <button type="submit">Ask for a special bid</button></div></form>` : ""}
          ${isManager() && openBid ? `<form class="spaced" id="decide-bid" data-testid="decide-bid"><h2>Decide the bid</h2>
            <div class="filters">${bidInputs(pa, { counter: openBid })}</div>
            <div class="actions"><textarea id="bid-reason" aria-label="Reason for the decision" placeholder="Reason (to counter or reject)"></textarea>
              <button type="button" data-bid-act="approve">Approve as asked</button><button type="button" class="secondary" data-bid-act="counter">Counter with these prices</button>
              <button type="button" class="danger" data-bid-act="reject">Reject</button></div></form>` : ""}`}</li>
      <li class="card" data-testid="chain-sell-through"><h2>Sell-through</h2>
        ${rows(sellThrough, "No reported sale linked to this deal yet.", '<th>Report</th><th>Line</th><th>Invoice</th><th>Date</th><th>Matched by</th><th class="num">Amount</th>',
          (s) => `<tr><td>${esc(s.reportNumber)}</td><td>${s.lineNumber}</td><td>${esc(s.invoiceNumber)}</td><td>${esc(s.invoiceDate)}</td><td>${esc(s.rule.replaceAll("_", " "))}</td><td class="num">${money(s.amount)}</td></tr>`)}</li>
      ${role === "partner" ? "" : `<li class="card" data-testid="chain-claims"><h2>Claims and credits</h2>
        ${rows(pricing?.claimLines ?? [], "No claim against this deal's authorization.", '<th>Claim</th><th>Distributor</th><th>Invoice</th><th>SKU</th><th class="num">Qty</th><th>Status</th><th class="num">Credit</th><th>Memo</th>',
          (c) => `<tr><td><a href="#/pricing?claim=${esc(c.claimId)}">${esc(c.claimNumber)}</a> <span class="muted">${esc(claimStatus(c.claimStatus))}</span></td><td>${esc(c.distributorName || c.distributorId)}</td>
            <td>${esc(c.invoiceNumber)} <span class="muted">${esc(c.invoiceDate)}</span></td><td>${esc(c.vendorSku)}</td><td class="num">${esc(c.quantity)}</td>
            <td><span class="badge ${esc(c.status)}">${esc(claimStatus(c.status))}</span> ${esc(reasonName(c.reason))}</td><td class="num">${money(c.credit)}</td><td>${esc(c.creditMemo || "")}</td></tr>`)}
        ${pricing?.authorization ? `<p>Credit granted <strong data-testid="credit-granted">${money(pricing.acceptedCredit)}</strong> · settled <strong data-testid="credit-settled">${money(pricing.settledCredit)}</strong></p>` : ""}</li>`}
    </ol>`;
  const act = async (path, body, done) => {
    try {
      await api(path, { method: "POST", body: JSON.stringify(body) });
      toast(done);
      await render();
    } catch (e) { toast(e.message); }
  };
  const reason = () => document.getElementById("deal-reason")?.value || "";
  main.querySelectorAll("[data-deal-act]").forEach((b) => b.addEventListener("click", () => {
    const what = b.dataset.dealAct;
    const actual = document.getElementById("actual")?.value;
    const body = what === "won" ? (actual ? { actualAmount: Number(actual) } : {}) : what === "extension" ? {} : { reason: reason() };
    act(`/api/deals/${deal.id}/${what}`, body, `${b.textContent}: ${deal.customerName}`);
  }));
  main.querySelector("[data-pa-approve]")?.addEventListener("click", () => act(`/api/pricing/authorizations/${pa.id}/approve`, {}, "Price authorization approved"));
  document.getElementById("bid-form")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const asked = [...e.target.querySelectorAll("[data-bid-line]")].filter((i) => i.value.trim())
      .map((i) => ({ lineNo: Number(i.dataset.bidLine), sku: i.dataset.sku, requestedDiscountPercent: Number(i.value) }));
    act(`/api/pricing/authorizations/${pa.id}/special-bids`, { lines: asked, competitor: f.get("competitor") || null, justification: f.get("justification") },
      "Special bid sent");
  });
  main.querySelectorAll("[data-bid-act]").forEach((b) => b.addEventListener("click", () => {
    const what = b.dataset.bidAct;
    const why = document.getElementById("bid-reason").value;
    const body = what === "counter"
      ? { reason: why, lines: [...main.querySelectorAll("[data-counter-line]")].filter((i) => i.value.trim())
        .map((i) => ({ lineNo: Number(i.dataset.counterLine), sku: i.dataset.sku, netCost: Number(i.value) })) }
      : what === "reject" ? { reason: why } : {};
    act(`/api/pricing/authorizations/${pa.id}/special-bids/${openBid.id}/${what}`, body, `Special bid: ${b.textContent}`);
  }));
};

// ---- shell ---------------------------------------------------------------------------------

function navigation(current) {
  const user = session.user;
  const links = !user ? [] : [
    ["pipeline", "Pipeline"],
    ...(isManager() ? [["queue", "Deal queue"], ["applications", "Applications"]] : []),
    ["deals", user.role === "partner" ? "My deals" : "Deals"],
    ["pricing", "Pricing"],
  ];
  document.getElementById("nav").innerHTML = links.map(([k, t]) => `<a href="#/${k}"${k === current ? ' aria-current="page"' : ""}>${t}</a>`).join("");
  document.getElementById("who").innerHTML = user ? `<span>${esc(user.name)}</span><button type="button" id="sign-out">Sign out</button>` : "";
  document.getElementById("sign-out")?.addEventListener("click", async () => {
    // The gateway ends the session and revokes its refresh token; the provider's end-session page ends the person's sign-in everywhere.
    const { signOutUrl } = await api("/session/sign-out", { method: "POST" });
    session.user = null;
    location.assign(signOutUrl);
  });
}

async function render() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  let search = query;
  if (!session.user) await session.load();
  const signedIn = !!session.user;
  let page = path || (isManager() ? "queue" : "pipeline");
  if (!signedIn && page !== "sign-in") {
    // Back to this page once signed in.
    search = new URLSearchParams({ ...(path ? { next: `/${location.hash}` } : {}) }).toString();
    page = "sign-in";
  }
  if (signedIn && page === "sign-in") page = isManager() ? "queue" : "pipeline";
  if (!pages[page] || ((page === "queue" || page === "applications") && !isManager())) page = signedIn ? "pipeline" : "sign-in";
  navigation(page);
  main.setAttribute("aria-busy", "true");
  try {
    await pages[page](Object.fromEntries(new URLSearchParams(search || "")));
  } catch (e) {
    if (e.message !== "signed out") main.innerHTML = `<h1>Something went wrong</h1><p class="error">${esc(e.message)}</p>`;
  } finally {
    main.removeAttribute("aria-busy");
    main.dataset.page = page;
  }
}

window.addEventListener("hashchange", render);
render();
