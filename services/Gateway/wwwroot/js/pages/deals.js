// The deals a caller may see (the API scopes them), searched, filtered and paged on the server, each linked to its page.
import { api, download, session } from "../api.js";
import { main, esc, money, day, stageName, toast, pager, sortable } from "../ui.js";

const pageSize = 25;
/** Filters a chart or another page chose, kept when the form is submitted and dropped by "Show all". */
const chosenElsewhere = ["partnerId", "distributorId", "closeFrom", "closeTo", "open", "submittedFrom", "submittedTo", "partnerTier"];

/** The filters a chart or another page chose, in words. */
function described(f) {
  const parts = [f.open ? "the open deals" : "the deals"];
  if (f.partnerId) parts.push("of one partner");
  if (f.distributorId) parts.push("of one distributor");
  if (f.partnerTier) parts.push(`of ${f.partnerTier} partners`);
  if (f.closeFrom || f.closeTo) parts.push(`expected to close${f.closeFrom ? ` from ${f.closeFrom}` : ""}${f.closeTo ? ` to ${f.closeTo}` : ""}`);
  if (f.submittedFrom || f.submittedTo) parts.push(`submitted${f.submittedFrom ? ` from ${f.submittedFrom}` : ""}${f.submittedTo ? ` to ${f.submittedTo}` : ""}`);
  return parts.join(" ");
}

export async function deals(params) {
  const pageNo = Math.max(1, Number(params.page) || 1);
  const filters = Object.fromEntries(["status", "customer", "region", ...chosenElsewhere, "sort", "direction"].filter((k) => params[k]).map((k) => [k, params[k]]));
  const page = await api(`/api/deals?${new URLSearchParams({ ...filters, page: String(pageNo), pageSize: String(pageSize) })}`);
  const link = (n) => `#/deals?${new URLSearchParams({ ...filters, page: String(n) })}`;
  main.innerHTML = `<h1>${session.user.role === "partner" ? "My deals" : "Deals"}</h1>
    <form class="filters" id="filters" role="search">
      <label>Customer <input name="customer" value="${esc(params.customer ?? "")}" placeholder="name or domain"></label>
      <label>Region <input name="region" size="6" value="${esc(params.region ?? "")}"></label>
      <label>Status <select name="status"><option value="">All</option>
      ${["submitted", "compliance_review", "approved", "returned", "won", "lost", "rejected", "expired"].map((s) => `<option value="${s}"${params.status === s ? " selected" : ""}>${stageName(s)}</option>`).join("")}
      </select></label><button type="submit">Show</button>
      <button type="button" class="secondary" data-export="csv">Export CSV</button><button type="button" class="secondary" data-export="xlsx">Export Excel</button></form>
    ${chosenElsewhere.some((k) => filters[k]) ? `<p class="notice" data-testid="deal-filter">Only ${esc(described(filters))}
      (from the chart or list you came from). <a href="#/deals?${new URLSearchParams(Object.entries(filters).filter(([k]) => !chosenElsewhere.includes(k)))}">Show all</a></p>` : ""}
    <div class="card table-wrap" tabindex="0"><table data-testid="deal-list"><thead><tr>${[["customer", "Customer"], ["status", "Status"], ["value", "Value", "num"], ["close", "Expected close"], ["protection", "Protected until"]]
      .map(([key, title, cls]) => sortable("#/deals", filters, "submitted", key, title, cls)).join("")}</tr></thead><tbody>
    ${page.items.map((d) => `<tr><td><a href="#/deal?id=${esc(d.id)}">${esc(d.customerName)}</a><div class="muted">${esc(d.customerRegion)}, ${esc(d.customerCountry)}</div></td>
      <td><span class="badge ${esc(d.status)}">${esc(stageName(d.status))}</span></td><td class="num">${money(d.actualAmount ?? d.totalValue)}</td>
      <td>${esc(d.expectedClose)}</td><td>${day(d.protectionEndsAt)}</td></tr>`).join("")}</tbody></table>
    ${pager(page.total, pageNo, pageSize, link, "Pages of deals")}</div>`;
  // Every deal the filters give (not only this page), as the API writes it; fetched with the CSRF header, then saved.
  main.querySelectorAll("[data-export]").forEach((b) => b.addEventListener("click", async () => {
    const format = b.dataset.export;
    await download(`/api/deals/export?${new URLSearchParams({ ...filters, format })}`, `deals.${format}`).catch((e) => toast(e.message));
  }));
  document.getElementById("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    const chosen = [...new FormData(e.target).entries(), ...[...chosenElsewhere, "sort", "direction"].filter((k) => filters[k]).map((k) => [k, filters[k]])]
      .filter(([, v]) => String(v).trim());
    location.hash = `#/deals?${new URLSearchParams(chosen)}`;
  });
}
