// Sell-through reports: a distributor uploads one (CSV or JSON, dropped or picked) and watches it go up and be
// processed, then reads the counts and the refused lines (downloadable as CSV); its reports, and the resellers it serves.
import { api, upload, session } from "../api.js";
import { main, esc, money, day, isStaff, rows } from "../ui.js";

const csvCell = (v) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));

/** Every refused line of a report, page by page (the report itself shows the first thousand). */
async function allRejections(id) {
  const all = [];
  for (let after = 0; ;) {
    const page = await api(`/api/distributors/reports/${id}/rejections?after=${after}&limit=5000`);
    all.push(...page);
    if (page.length < 5000) return all;
    after = page[page.length - 1].line;
  }
}

function result(report) {
  return `<div class="card spaced" data-testid="report-result"><h2>Report ${esc(report.reportNumber)}</h2>
    <p><span data-testid="report-counts">${report.totalLines} lines: ${report.acceptedLines} accepted, ${report.rejectedLines} refused</span>
      · accepted ${money(report.acceptedAmount)} · period ${esc(report.periodStart)} to ${esc(report.periodEnd)} · received ${day(report.receivedAt)}</p>
    ${report.rejectedLines ? `<p><button type="button" class="secondary" data-download="${esc(report.id)}" data-number="${esc(report.reportNumber)}">Download the refused lines (CSV)</button></p>
      ${rows(report.rejections, "", '<th class="num">Line</th><th>Field</th><th>Why</th>',
        (r) => `<tr><td class="num">${r.line}</td><td>${esc(r.field)}</td><td>${esc(r.reason)}</td></tr>`)}
      ${report.rejectionsTruncated ? '<p class="muted">The first thousand are shown; the download has them all.</p>' : ""}` : ""}</div>`;
}

const linesPerPage = 50;

/** A report's accepted lines, fifty at a time by line number (the API pages by keyset: the lines after a line number). */
function linesSection(report, lines, after) {
  const next = lines.length === linesPerPage ? lines[lines.length - 1].lineNumber : null;
  const at = (n) => `#/reports?${new URLSearchParams({ report: report.id, after: String(n) })}`;
  return `<section class="card spaced" data-testid="report-lines"><h2>Accepted lines${after ? ` after line ${after}` : ""}</h2>
    ${rows(lines, after ? "No more lines." : "No line was accepted.", '<th class="num">Line</th><th>Invoice</th><th>Type</th><th>Reseller</th><th>End customer</th><th>SKU</th><th class="num">Qty</th><th class="num">Amount</th><th>Deal</th>',
      (l) => `<tr><td class="num">${l.lineNumber}</td><td>${esc(l.invoiceNumber)}<div class="muted">${esc(l.invoiceDate)}</div></td><td>${esc(l.transactionType)}</td>
        <td>${esc(l.resellerName ?? l.resellerId)}</td><td>${esc(l.endCustomerName)}<div class="muted">${esc([l.endCustomerDomain, l.endCustomerRegion, l.endCustomerCountry].filter(Boolean).join(" · "))}</div></td>
        <td>${esc(l.vendorSku)}</td><td class="num">${l.quantity}</td><td class="num">${money(l.extendedAmount)}</td>
        <td>${l.dealId ? `<a href="#/deal?id=${esc(l.dealId)}">linked</a>` : '<span class="muted">none</span>'}</td></tr>`)}
    <nav class="pager" aria-label="Pages of lines">${after ? `<a href="${at(0)}">From the first line</a>` : ""}${next ? `<a href="${at(next)}" rel="next">Next ${linesPerPage}</a>` : ""}</nav></section>`;
}

function listSection(list, pageNo, mine) {
  return `<section class="card spaced table-wrap" id="report-list" tabindex="0"><h2>${mine ? "Your reports" : "Every distributor's reports"}</h2>
      ${rows(list, "No report yet.", '<th>Report</th><th>Period</th><th>Received</th><th class="num">Lines</th><th class="num">Accepted</th><th class="num">Refused</th><th class="num">Amount</th>',
        (r) => `<tr><td><a href="#/reports?report=${esc(r.id)}">${esc(r.reportNumber)}</a></td><td>${esc(r.periodStart)} – ${esc(r.periodEnd)}</td><td>${day(r.receivedAt)}</td>
          <td class="num">${r.totalLines}</td><td class="num">${r.acceptedLines}</td><td class="num">${r.rejectedLines}</td><td class="num">${money(r.acceptedAmount)}</td></tr>`)}
      <nav class="pager" aria-label="Pages">${pageNo > 1 ? `<a href="#/reports?page=${pageNo - 1}" rel="prev">Previous</a>` : ""}${list.length === 25 ? `<a href="#/reports?page=${pageNo + 1}" rel="next">Next</a>` : ""}</nav>
    </section>`;
}

export async function reports(params) {
  const role = session.user.role;
  const mine = role === "distributor" ? session.user.distributorId : null;
  if (!mine && !isStaff()) { main.innerHTML = '<h1>Sell-through</h1><p class="muted">Distributors report their sales here.</p>'; return; }
  const pageNo = Math.max(1, Number(params.page) || 1);
  const after = Math.max(0, Number(params.after) || 0);
  const [list, resellers, opened, lines] = await Promise.all([
    api(mine ? `/api/distributors/${mine}/reports?page=${pageNo}&pageSize=25` : `/api/distributors/reports?page=${pageNo}&pageSize=25`),
    mine ? api(`/api/distributors/${mine}/resellers?pageSize=50`) : Promise.resolve(null),
    params.report ? api(`/api/distributors/reports/${encodeURIComponent(params.report)}`) : Promise.resolve(null),
    params.report ? api(`/api/distributors/reports/${encodeURIComponent(params.report)}/lines?after=${after}&limit=${linesPerPage}`) : Promise.resolve(null),
  ]);
  main.innerHTML = `<h1>Sell-through reports</h1>
    ${mine ? `<section class="card" id="upload"><h2>Upload a report</h2>
      <p class="muted">CSV with a header row (report_number, period_start, period_end, invoice_number, invoice_date, transaction_type, reseller_id,
        end_customer_name, end_customer_country, vendor_sku, quantity, unit_price, extended_amount, currency; optional end_customer_domain,
        end_customer_region, end_customer_postal_code, deal_id) or the same as JSON. The same report sent again is taken once.</p>
      <div class="drop" id="drop" tabindex="0">Drop the file here, or <label class="linklike">choose one <input type="file" id="report-file" accept=".csv,.json,text/csv,application/json"></label></div>
      <div id="progress" hidden><progress id="bar" max="1" value="0"></progress> <span id="stage" role="status"></span></div>
    </section>` : ""}
    <div id="outcome">${opened ? result(opened) + linesSection(opened, lines, after) : ""}</div>
    ${listSection(list, pageNo, mine)}
    ${resellers ? `<section class="card spaced"><h2>Resellers you serve</h2>
      ${resellers.total > resellers.items.length ? `<p class="muted">The first ${resellers.items.length} of ${resellers.total}: <a href="#/distributor?id=${esc(mine)}">find the others</a>.</p>` : ""}
      ${rows(resellers.items.filter((r) => r.active), "None yet.", "<th>Reseller</th><th>Regions</th><th>Reseller id (for reports)</th>",
        (r) => `<tr><td>${esc(r.partnerName)}</td><td>${esc(r.regions.join(", "))}</td><td><code>${esc(r.partnerId)}</code></td></tr>`)}</section>` : ""}`;

  document.getElementById("outcome").addEventListener("click", async (e) => {
    const button = e.target.closest("[data-download]");
    if (!button) return;
    const lines = await allRejections(button.dataset.download);
    const csv = ["line,field,reason", ...lines.map((r) => [r.line, r.field, r.reason].map(csvCell).join(","))].join("\r\n") + "\r\n";
    const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(new Blob([csv], { type: "text/csv" })), download: `${button.dataset.number}-refused.csv` });
    link.click();
  });
  if (!mine) return;
  const send = async (file) => {
    if (!file) return;
    const type = file.name.toLowerCase().endsWith(".json") || file.type === "application/json" ? "application/json" : "text/csv";
    const box = document.getElementById("progress");
    const bar = document.getElementById("bar");
    const stage = document.getElementById("stage");
    box.hidden = false;
    try {
      const report = await upload(`/api/distributors/${mine}/reports`, file, type, (share, what) => {
        if (what === "processing") { bar.removeAttribute("value"); stage.textContent = "Checking and storing every line…"; }
        else { bar.value = share ?? 0; stage.textContent = `Uploading ${Math.round((share ?? 0) * 100)}%`; }
      });
      bar.value = 1;
      stage.textContent = "Done.";
      document.getElementById("outcome").innerHTML = result(report);
      document.getElementById("report-list").outerHTML = listSection(await api(`/api/distributors/${mine}/reports?page=1&pageSize=25`), 1, mine);
    } catch (err) {
      bar.value = 0;
      stage.textContent = "";
      document.getElementById("outcome").innerHTML = `<div class="card spaced error" role="alert" data-testid="report-refused">The report was not taken: ${esc(err.message)}</div>`;
    }
  };
  document.getElementById("report-file").addEventListener("change", (e) => send(e.target.files[0]));
  const drop = document.getElementById("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); send(e.dataTransfer.files[0]); });
}
