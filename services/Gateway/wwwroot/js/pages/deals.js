// The deals a caller may see, each linked to its page.
import { api, send, ApiError, session } from "../api.js";
import { main, esc, money, short, pct, day, stageName, isStaff, isManager, toast, dataTable, barChart, lineChart, claimStatus, reasonName, rows } from "../ui.js";
import { render } from "../router.js";

export async function deals(params) {
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
}
