// Special pricing: price authorizations, and distributors' ship-and-debit claims answered line by line.
import { api, send, ApiError, session } from "../api.js";
import { main, esc, money, short, pct, day, stageName, isStaff, isManager, toast, dataTable, barChart, lineChart, claimStatus, reasonName, rows, pager } from "../ui.js";
import { render } from "../router.js";

/** The 849-style answer: each claim line's decision, with its actions for who may take them. */
function claimLines(lines, { dispute = false, resolve = false } = {}) {
  return `<div class="table-wrap" tabindex="0"><table data-testid="claim-lines"><thead><tr><th class="num">Line</th><th>PA</th><th>Invoice</th><th>SKU</th>
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

const linesPerPage = 200;
const at = (params, key, n) => `#/pricing?${new URLSearchParams({ ...params, [key]: String(n) })}`;

async function claimDetail(id, params) {
  const detail = document.getElementById("claim");
  const linePage = Math.max(1, Number(params.linePage) || 1);
  const [{ claim }, lines] = await Promise.all([api(`/api/pricing/claims/${id}`),
    api(`/api/pricing/claims/${id}/lines?page=${linePage}&pageSize=${linesPerPage}`)]);
  const mine = session.user.role === "distributor";
  detail.innerHTML = `<div class="card spaced"><h2>Claim ${esc(claim.claimNumber)} · <span data-testid="claim-status">${esc(claimStatus(claim.status))}</span></h2>
    <p class="muted">${claim.lineCount} lines · claimed ${money(claim.claimedAmount)} · accepted credit <strong data-testid="claim-credit">${money(claim.acceptedCredit)}</strong>
      ${claim.pendingLines ? ` · ${claim.pendingLines} pending` : ""}${claim.disputedLines ? ` · ${claim.disputedLines} disputed` : ""}
      ${claim.creditMemo ? ` · credit memo <strong data-testid="credit-memo">${esc(claim.creditMemo)}</strong>` : ""}</p>
    ${claimLines(lines.items, { dispute: mine && claim.status === "validated", resolve: isManager() && claim.status === "validated" })}
    ${pager(lines.total, linePage, linesPerPage, (n) => at(params, "linePage", n), "Pages of claim lines")}
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


export async function pricing(params) {
  const role = session.user.role;
  const seesClaims = isStaff() || role === "distributor";
  const paPage = Math.max(1, Number(params.paPage) || 1);
  const claimPage = Math.max(1, Number(params.claimPage) || 1);
  const [pas, claims] = await Promise.all([
    api(`/api/pricing/authorizations?page=${paPage}&pageSize=50`),
    seesClaims ? api(`/api/pricing/claims?page=${claimPage}&pageSize=50${params.open ? "&open=true" : ""}`) : Promise.resolve(null),
  ]);
  const costs = role !== "partner";
  main.innerHTML = `<h1>Special pricing</h1>
    <div class="card table-wrap" tabindex="0"><h2>Price authorizations</h2><table data-testid="authorizations"><thead><tr><th>PA</th><th>Customer</th><th>Status</th>
      <th>Valid until</th><th>Lines (SKU or family × quantity, discount off list${costs ? ", net cost" : ""})</th>${costs ? '<th class="num">Credit</th>' : ""}<th></th></tr></thead><tbody>
      ${pas.items.map((a) => `<tr><td>${esc(a.number)}${a.revision > 1 ? ` <span class="muted">rev ${a.revision}</span>` : ""}</td><td><a href="#/deal?id=${esc(a.dealId)}">${esc(a.customerName)}</a></td>
        <td><span class="badge ${esc(a.status)}">${esc(claimStatus(a.status))}</span></td><td>${day(a.validUntil)}</td>
        <td>${a.lines.map((l) => `${esc(l.sku || l.productFamily)} × ${esc(l.maxQuantity)} at ${esc(l.discountPercent)}%${costs && l.netCost !== null ? ` (${money(l.netCost)})` : ""}${l.claimedQuantity > 0 ? ` · ${esc(l.claimedQuantity)} claimed` : ""}`).join("<br>")}</td>
        ${costs ? `<td class="num">${money(a.authorizedCredit)}</td>` : ""}
        <td>${isManager() && a.status === "pending_approval" ? `<button type="button" data-approve-pa="${esc(a.id)}">Approve (second approver)</button>` : ""}</td></tr>`).join("")}
      </tbody></table>${pager(pas.total, paPage, 50, (n) => at(params, "paPage", n), "Pages of price authorizations")}</div>
    ${role === "distributor" ? `<form class="card spaced" id="claim-form"><h2>Submit a claim</h2>
      <p class="muted">CSV with the columns claim_number, pa_number, invoice_number, invoice_date, reseller_id, end_customer_name, vendor_sku, quantity, book_cost, authorized_cost, claimed_amount.</p>
      <label>File <input type="file" id="claim-file" accept=".csv,text/csv"></label>
      <label>or paste it <textarea id="claim-text" rows="5" aria-label="Claim CSV"></textarea></label>
      <button type="submit">Submit claim</button></form><div id="answer"></div>` : ""}
    ${claims ? `<div class="card table-wrap spaced" tabindex="0"><h2>Claims</h2><table data-testid="claims"><thead><tr><th>Claim</th><th>Received</th><th>Status</th>
      <th class="num">Lines</th><th class="num">Pending</th><th class="num">Disputed</th><th class="num">Accepted credit</th></tr></thead><tbody>
      ${claims.items.map((c) => `<tr><td><a href="#/pricing?claim=${esc(c.id)}">${esc(c.claimNumber)}</a></td><td>${day(c.receivedAt)}</td>
        <td><span class="badge ${esc(c.status)}">${esc(claimStatus(c.status))}</span></td><td class="num">${c.lineCount}</td><td class="num">${c.pendingLines}</td>
        <td class="num">${c.disputedLines}</td><td class="num">${money(c.acceptedCredit)}</td></tr>`).join("")}</tbody></table>
      ${pager(claims.total, claimPage, 50, (n) => at(params, "claimPage", n), "Pages of claims")}
      <p class="muted"><a href="#/pricing${params.open ? "" : "?open=true"}">${params.open ? "All claims" : "Only those with pending or disputed lines"}</a></p></div>
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
  if (params.claim && claims) await claimDetail(params.claim, params);
}
