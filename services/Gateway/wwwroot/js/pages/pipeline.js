// The pipeline: leadership's and everyone's view of the registered deals, with filters and charts.
import { api, download, session } from "../api.js";
import { main, esc, money, pct, plural, day, stageName, isStaff, toast, barChart, lineChart, rows } from "../ui.js";

/** The months before from..to, as many as it spans: the period a figure is compared with. */
function previousPeriod(from, to) {
  if (!from || !to) return null;
  const [fy, fm] = from.split("-").map(Number);
  const [ty, tm] = to.split("-").map(Number);
  const span = (ty - fy) * 12 + (tm - fm) + 1;
  if (span < 1) return null;
  const month = (y, m) => { const d = new Date(Date.UTC(y, m - 1, 1)); return d.toISOString().slice(0, 7); };
  return { from: month(fy, fm - span), to: month(fy, fm - 1) };
}

const change = (now, before) => {
  if (before === undefined || before === null) return "";
  const delta = Number(before) === 0 ? null : (Number(now) - Number(before)) / Math.abs(Number(before));
  return `<div class="muted delta">${delta === null ? "none before" : `${delta >= 0 ? "+" : ""}${(delta * 100).toFixed(0)}% on the period before`}</div>`;
};

/** Where a chart's bar leads: the deals behind it, under the same filters. */
const dealsOf = (params, extra) => `#/deals?${new URLSearchParams({ ...(params.region ? { region: params.region } : {}), ...extra })}`;

/** The open deals whose age (days since submission, as the ageing chart counts it) falls in a bucket ("31-60 days", "over 90 days"). */
const agedIn = (params, bucket) => {
  const [lo, hi] = bucket.startsWith("over") ? [Number(bucket.match(/\d+/)[0]) + 1, null] : bucket.match(/\d+/g).map(Number);
  const daysAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  return dealsOf(params, { open: "true", submittedTo: daysAgo(lo), ...(hi === null ? {} : { submittedFrom: daysAgo(hi) }) });
};

/** The deals expected to close in a month ("2026-11"), and in a status if given. */
const closingIn = (params, month, extra = {}) => {
  const [y, m] = month.split("-").map(Number);
  return dealsOf(params, { closeFrom: `${month}-01`, closeTo: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10), ...extra });
};

export async function pipeline(params) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  const previous = previousPeriod(params.from, params.to);
  const [p, s, before] = await Promise.all([
    api(`/api/reports/pipeline?${query}`),
    api(`/api/reports/sell-through?${query}`),
    previous ? api(`/api/reports/pipeline?${new URLSearchParams({ ...Object.fromEntries(query), ...previous })}`) : Promise.resolve(null),
  ]);
  const t = p.totals;
  const b = before?.totals;
  // The funnel is the way in: open stages in order, then won; what closed without a win is shown apart.
  const open = ["submitted", "compliance_review", "approved", "won"];
  const apart = ["returned", "lost", "rejected", "expired"];
  const colors = { won: "#1f8a4c", lost: "#b3402e", rejected: "#b3402e", expired: "#8a6d3b", compliance_review: "#b26b00", returned: "#8a6d3b" };
  const stageRows = (keys) => keys.map((k) => p.byStage.find((r) => r.key === k)).filter(Boolean)
    .map((r) => ({ label: stageName(r.key), value: r.value, note: plural(r.deals, "deal"), color: colors[r.key], href: dealsOf(params, { status: r.key }) }));
  const stages = stageRows(open);
  const closed = stageRows(apart);
  const sold = Object.fromEntries(s.byPartner.map((r) => [r.key, r.revenue]));
  const board = [...p.byPartner].sort((x, y) => Number(y.wonValue) - Number(x.wonValue) || Number(y.value) - Number(x.value));
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
      <div class="kpi"><div class="label">Deals</div><div class="value" data-testid="deals">${t.deals}</div>${change(t.deals, b?.deals)}</div>
      <div class="kpi"><div class="label">Open pipeline</div><div class="value" data-testid="open-value">${money(t.openValue)}</div>${change(t.openValue, b?.openValue)}</div>
      <div class="kpi"><div class="label">Won</div><div class="value" data-testid="won-value">${money(t.wonValue)}</div>${change(t.wonValue, b?.wonValue)}</div>
      <div class="kpi"><div class="label">Win rate</div><div class="value" data-testid="win-rate">${pct(t.winRate)}</div></div>
      <div class="kpi"><div class="label">Time to approve</div><div class="value" data-testid="days-to-approve">${t.averageDaysToApprove === null || t.averageDaysToApprove === undefined ? "—" : `${t.averageDaysToApprove} days`}</div></div>
      <div class="kpi"><div class="label">Sell-through</div><div class="value" data-testid="sell-through">${money(s.totals.revenue)}</div></div>
    </section>
    <div class="grid">
      ${barChart("funnel", "The funnel: open stages and won (value)", stages, { funnel: true })}
      ${barChart("closed", "Returned, lost, rejected and expired (value)", closed)}
      ${barChart("by-region", "Value by region", p.byRegion.map((r) => ({ label: r.key, value: r.value, note: plural(r.deals, "deal"), href: dealsOf({}, { region: r.key }) })))}
      ${session.user.role === "distributor" ? "" : barChart("by-distributor", "Value by distributor", p.byDistributor.map((r) => ({ label: r.label || r.key, value: r.value, note: plural(r.deals, "deal"),
        href: r.key && r.key !== "00000000-0000-0000-0000-000000000000" ? dealsOf(params, { distributorId: r.key }) : undefined })))}
      ${isStaff() ? barChart("by-tier", "Value by partner tier", p.byTier.map((r) => ({ label: r.label || r.key, value: r.value, note: `${plural(r.deals, "deal")}, ${money(r.wonValue)} won`,
        href: ["registered", "silver", "gold", "platinum"].includes(r.key) ? dealsOf(params, { partnerTier: r.key }) : undefined }))) : ""}
      ${lineChart("trend", "Value and wins by month of expected close", months, [
        { name: "All deals", color: "#0b5cad", values: p.byMonth.map((r) => r.value), href: (i) => closingIn(params, months[i]) },
        { name: "Won", color: "#1f8a4c", values: p.byMonth.map((r) => r.wonValue), href: (i) => closingIn(params, months[i], { status: "won" }) }], { format: money })}
      ${lineChart("sell-through-chart", "Sell-through by month, and the part linked to a registered deal", st.map((r) => r.key), [
        { name: "Sell-through", color: "#14213d", values: st.map((r) => r.revenue) },
        { name: "Linked to a registered deal", color: "#1f8a4c", values: st.map((r) => r.registered ?? 0) }], { format: money })}
      ${params.region ? "" : barChart("coverage", `Coverage: the share of sell-through linked to a registered deal (${pct(s.totals.coverage)} overall)`,
        st.map((r) => ({ label: r.key, value: Number(r.revenue) ? Number(r.registered ?? 0) / Number(r.revenue) : 0, note: `${money(r.registered ?? 0)} of ${money(r.revenue)}` })),
        { format: pct, color: "#1f8a4c" })}
      ${barChart("ageing", "Open deals by age", p.ageing.map((r) => ({ label: r.key, value: r.deals, note: money(r.value), href: agedIn(params, r.key) })), { format: (v) => plural(v, "deal"), color: "#8a6d3b" })}
    </div>
    ${isStaff() ? `<section class="card spaced table-wrap" tabindex="0"><h2>Partner leaderboard</h2>
      ${rows(board, "No partner has registered yet.", '<th>#</th><th>Partner</th><th class="num">Registered</th><th class="num">Deals</th><th class="num">Won</th><th class="num">Win rate</th><th class="num">Sell-through</th>',
        (r, i) => `<tr><td class="num">${i + 1}</td><td><a href="#/partner?id=${esc(r.key)}">${esc(r.label || r.key)}</a></td>
          <td class="num"><a href="${dealsOf(params, { partnerId: r.key })}">${money(r.value)}</a></td><td class="num">${r.deals}</td><td class="num">${money(r.wonValue)}</td>
          <td class="num">${r.won + r.lost ? pct(r.won / (r.won + r.lost)) : "—"}</td><td class="num">${money(sold[r.key] ?? 0)}</td></tr>`)}</section>` : ""}
    <section class="card spaced"><h2>Protection ending in the next 14 days</h2>
      ${p.expiringSoon.length ? `<div class="table-wrap" tabindex="0"><table><thead><tr><th>Customer</th><th>Partner</th><th>Region</th><th class="num">Value</th><th>Ends</th></tr></thead><tbody>
        ${p.expiringSoon.map((d) => `<tr><td>${esc(d.customerName)}</td><td>${esc(d.partnerName || d.partnerId)}</td><td>${esc(d.region)}</td><td class="num">${money(d.value)}</td><td>${day(d.protectionEndsAt)}</td></tr>`).join("")}
        </tbody></table></div>` : '<p class="muted">None.</p>'}</section>`;
  document.getElementById("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    location.hash = `#/pipeline?${new URLSearchParams([...f.entries()].filter(([, v]) => v))}`;
  });
  document.getElementById("export").addEventListener("click", async () => {
    await download(`/api/reports/pipeline/stage?format=csv&${query}`, "pipeline-by-stage.csv").catch((e) => toast(e.message));
  });
}
