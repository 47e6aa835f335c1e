// The deal approval queue: overdue first, then oldest; a deal reviewed with its conflicts in view.
import { api } from "../api.js";
import { main, esc, money, day, stageName, isManager, toast, pager } from "../ui.js";
import { render } from "../router.js";

const pageSize = 25;

export async function queue(params) {
  const pageNo = Math.max(1, Number(params.page) || 1);
  const filters = Object.fromEntries(["q", "region", "queue", "overdue", "partnerId"].filter((k) => params[k]).map((k) => [k, params[k]]));
  const page = await api(`/api/deals/queue?${new URLSearchParams({ ...filters, page: String(pageNo), pageSize: String(pageSize) })}`);
  const items = page.items;
  const link = (n) => `#/queue?${new URLSearchParams({ ...filters, page: String(n) })}`;
  main.innerHTML = `<h1>Deal approval queue</h1>
    <p class="muted" data-testid="waiting">${page.total} waiting · overdue first, then oldest.</p>
    <form class="filters" id="filters" role="search">
      <label>Customer or partner <input name="q" value="${esc(params.q ?? "")}"></label>
      <label>Region <input name="region" size="6" value="${esc(params.region ?? "")}"></label>
      <label>Queue <select name="queue"><option value="">All</option><option value="normal"${params.queue === "normal" ? " selected" : ""}>Normal</option>
        <option value="compliance"${params.queue === "compliance" ? " selected" : ""}>Compliance review</option></select></label>
      <label class="check"><input type="checkbox" name="overdue" value="true"${params.overdue === "true" ? " checked" : ""}> Overdue only</label>
      <button type="submit">Show</button></form>
    ${filters.partnerId ? `<p class="notice">Only one partner's registrations. <a href="#/queue">Show all</a></p>` : ""}
    <div class="card table-wrap" tabindex="0"><table data-testid="queue"><thead><tr><th>Customer</th><th>Partner</th><th class="num">Value</th><th>Submitted</th><th>Due</th><th>Status</th><th>Conflicts</th><th></th></tr></thead><tbody>
    ${items.map((d) => `<tr data-deal="${esc(d.id)}"><td><a href="#/deal?id=${esc(d.id)}">${esc(d.customerName)}</a><div class="muted">${esc(d.customerRegion)}, ${esc(d.customerCountry)} · ${esc(d.productFamilies.join(", "))}</div></td>
      <td>${d.partnerName ? `<a href="#/queue?${new URLSearchParams({ partnerId: d.partnerId })}">${esc(d.partnerName)}</a>` : esc(d.partnerId)}${d.partnerTier ? ` <span class="badge">${esc(d.partnerTier)}</span>` : ""}</td>
      <td class="num">${money(d.totalValue)}</td><td>${day(d.submittedAt)}</td><td>${day(d.slaDueAt)}</td>
      <td>${d.overdue ? '<span class="badge overdue">Overdue</span> ' : ""}<span class="badge ${esc(d.status)}">${esc(stageName(d.status))}</span></td>
      <td class="num">${d.conflictCount}</td><td><button type="button" class="secondary" data-open="${esc(d.id)}">Review</button></td></tr>`).join("")}
    </tbody></table>${items.length ? "" : '<p class="muted">Nothing waiting.</p>'}
    ${pager(page.total, pageNo, pageSize, link, "Pages of the queue")}</div><section id="detail" aria-live="polite"></section>`;
  document.getElementById("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    const chosen = [...new FormData(e.target).entries(), ...(filters.partnerId ? [["partnerId", filters.partnerId]] : [])].filter(([, v]) => String(v).trim());
    location.hash = `#/queue?${new URLSearchParams(chosen)}`;
  });
  main.querySelectorAll("[data-open]").forEach((b) => b.addEventListener("click", () => review(b.dataset.open)));
  if (params.deal) review(params.deal);
}

async function review(id) {
  const detail = document.getElementById("detail");
  const { deal, lines, conflicts, history } = await api(`/api/deals/${id}`);
  detail.innerHTML = `<div class="card spaced"><h2>${esc(deal.customerName)} · ${money(deal.totalValue)}</h2>
    <p class="muted">${esc(deal.customerSector)} · ${esc(deal.customerRegion)}, ${esc(deal.customerCountry)} · expected close ${esc(deal.expectedClose)}${deal.complianceReason ? ` · <strong class="error">${esc(deal.complianceReason)}</strong>` : ""}</p>
    <div class="table-wrap" tabindex="0"><table><thead><tr><th>SKU</th><th>Family</th><th class="num">Quantity</th><th class="num">Amount</th></tr></thead><tbody>
      ${lines.map((l) => `<tr><td>${esc(l.sku || "—")}</td><td>${esc(l.productFamily)}</td><td class="num">${l.quantity}</td><td class="num">${money(l.amount)}</td></tr>`).join("")}</tbody></table></div>
    <h2 class="spaced">Conflicts</h2>
    ${conflicts?.length ? `<div class="table-wrap" tabindex="0"><table data-testid="conflicts"><thead><tr><th>Other registration</th><th>Its status</th><th>Rule</th><th>Products in common</th><th>Found</th></tr></thead><tbody>
      ${conflicts.map((c) => `<tr><td><a href="#/deal?id=${esc(c.otherDealId)}">${esc(c.otherCustomerName || "another registration")}</a>
        <div class="muted">by <a href="#/partner?id=${esc(c.otherPartnerId)}">${esc(c.otherPartnerName || "a partner not yet known here")}</a></div></td><td>${esc(stageName(c.otherStatus))}</td>
        <td>${esc(c.rule.replaceAll("_", " "))}</td><td>${esc(c.sharedFamilies.join(", "))}</td><td>${esc(c.stage)}</td></tr>`).join("")}</tbody></table></div>` : '<p class="muted">No conflicting registrations.</p>'}
    <p class="muted">${history.map((h) => `${esc(h.action)} by ${esc(h.actor)}`).join(" → ")}</p>
    ${deal.screening === "pending" ? '<p class="notice" data-testid="screening">Waiting for compliance screening: it can be approved once it is clear.</p>' : ""}
    ${isManager() ? `<div class="actions">${deal.screening === "clear" ? '<button type="button" data-decide="approve">Approve</button>' : ""}
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

