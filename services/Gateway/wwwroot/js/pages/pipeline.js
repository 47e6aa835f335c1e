// The pipeline: leadership's and everyone's view of the registered deals, with filters and charts.
import { api, send, ApiError, session } from "../api.js";
import { main, esc, money, short, pct, day, stageName, isStaff, isManager, toast, dataTable, barChart, lineChart, claimStatus, reasonName, rows } from "../ui.js";
import { render } from "../router.js";

export async function pipeline(params) {
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
}
