// A deal's page: the registration and its whole chain — PA and its versions, bids, sell-through, claims, credits.
import { api, send, ApiError, session } from "../api.js";
import { main, esc, money, short, pct, day, stageName, isStaff, isManager, toast, dataTable, barChart, lineChart, claimStatus, reasonName, rows } from "../ui.js";
import { render } from "../router.js";

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

export async function deal(params) {
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
    <p data-testid="screening" class="${deal.screening === "clear" ? "muted" : "notice"}">Compliance screening: ${esc({ pending: "waiting for compliance screening", clear: "clear", review: "held for compliance review", block: "refused" }[deal.screening] ?? deal.screening)}${deal.complianceReason ? ` — ${esc(deal.complianceReason)}` : ""}</p>
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
          ${registrant && deal.status === "returned" ? `<a class="button" href="#/register?edit=${esc(deal.id)}">Edit and resubmit</a>` : ""}
          ${isManager() && ["submitted", "compliance_review"].includes(deal.status) ? `${deal.screening === "clear" ? '<button type="button" data-deal-act="approve">Approve</button>' : ""}
            <button type="button" class="secondary" data-deal-act="return">Return for information</button>
            <button type="button" class="danger" data-deal-act="reject">Reject</button>` : ""}
          ${(registrant && deal.status === "approved") || (isManager() && ["approved", "submitted", "compliance_review"].includes(deal.status))
            ? '<textarea id="deal-reason" aria-label="Reason" placeholder="Reason (to return, reject, extend or close as lost)"></textarea>' : ""}
        </div></li>
      <li class="card" data-testid="chain-authorization"><h2>Price authorization</h2>
        ${!pricing ? '<p class="muted">Pricing has not heard of this deal yet.</p>' : !pa ? `<p class="muted">None: ${esc(pricing.notEligibleReason)}.</p>` : `
          <p><strong data-testid="pa-number">${esc(pa.number)}</strong> <span class="badge ${esc(pa.status)}">${esc(claimStatus(pa.status))}</span>
            revision ${pa.revision} · valid ${day(pa.validFrom)} to ${day(pa.validUntil)} · registered ${money(pa.registeredValue)},
            at net price <strong data-testid="pa-net">${money(pa.netValue)}</strong>${costs ? ` · credit up to ${money(pa.authorizedCredit)}` : ""}</p>
          ${pa.status === "suspended" ? `<p class="notice" data-testid="pa-suspended">Suspended since ${day(pa.suspendedAt)}: ${esc(pa.suspendedReason)}. Nothing may be sold or claimed against it until compliance clears it.</p>` : ""}
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
    const body = what === "won" ? (actual ? { actualAmount: Number(actual) } : {}) : ["extension", "approve"].includes(what) ? {} : { reason: reason() };
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
}
