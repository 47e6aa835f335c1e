// Registering a deal (a partner for itself, a distributor for a reseller it serves), and editing a returned one before
// sending it again. Field errors from the API are shown beside their fields; a customer that looks like one of the
// registrant's own open registrations is pointed out before anything is sent.
import { api, send, ApiError, session } from "../api.js";
import { main, esc, money, stageName, toast, showErrors } from "../ui.js";

const open = ["submitted", "compliance_review", "approved", "returned"];

function lineRow(i, families, line = {}) {
  return `<fieldset class="line" data-line="${i}"><legend>Line ${i + 1}</legend>
    <label>SKU <input name="sku" list="skus" autocomplete="off" value="${esc(line.sku ?? "")}" aria-describedby="e-products-${i}-sku"></label>
    <span class="field-error" id="e-products-${i}-sku" data-error="products[${i}].sku"></span>
    <label>Family <select name="productFamily" aria-describedby="e-products-${i}-productFamily"><option value="">—</option>
      ${families.map((f) => `<option${line.productFamily === f ? " selected" : ""}>${esc(f)}</option>`).join("")}</select></label>
    <span class="field-error" id="e-products-${i}-productFamily" data-error="products[${i}].productFamily"></span>
    <label>Quantity <input name="quantity" inputmode="decimal" size="6" value="${esc(line.quantity ?? "")}" aria-describedby="e-products-${i}-quantity"></label>
    <span class="field-error" id="e-products-${i}-quantity" data-error="products[${i}].quantity"></span>
    <label>Amount <input name="amount" inputmode="decimal" size="10" value="${esc(line.amount ?? "")}" aria-describedby="e-products-${i}-amount"></label>
    <span class="field-error" id="e-products-${i}-amount" data-error="products[${i}].amount"></span>
    <button type="button" class="secondary" data-remove-line="${i}" aria-label="Remove line ${i + 1}">Remove</button></fieldset>`;
}

const field = (name, label, input) => `<label>${label} ${input.replace("<input", `<input aria-describedby="e-${name.replaceAll(".", "-")}"`)
  .replace("<select", `<select aria-describedby="e-${name.replaceAll(".", "-")}"`)}</label>
  <span class="field-error" id="e-${name.replaceAll(".", "-")}" data-error="${name}"></span>`;

/** The active resellers this distributor serves whose name (or id) matches, 50 at a time. */
const resellersMatching = (q) => api(`/api/distributors/${session.user.distributorId}/resellers?${new URLSearchParams({ pageSize: "50", ...(q ? { q } : {}) })}`);
const resellerOptions = (served, chosen) => `<option value="">Choose…</option>${served.map((r) => `<option value="${esc(r.partnerId)}" data-regions="${esc(r.regions.join(","))}"${chosen === r.partnerId ? " selected" : ""}>${esc(r.partnerName)} (${esc(r.regions.join(", "))})</option>`).join("")}`;
const resellersShown = (page) => (page.total > page.items.length ? `${page.items.length} of ${page.total} shown: type more of the name to find the others.` : "");

export async function register(params) {
  const role = session.user.role;
  if (!["partner", "distributor"].includes(role)) {
    main.innerHTML = '<h1>Register a deal</h1><p class="muted">Partners register their own deals, and distributors register deals for the resellers they serve.</p>';
    return;
  }
  const editing = params.edit ? await api(`/api/deals/${encodeURIComponent(params.edit)}`) : null;
  // Compliance's public-sector statement, for the attestation a public-sector customer or public money needs.
  const [form, prices, resellers, statement] = await Promise.all([
    api("/api/deals/registration-form"),
    api("/api/pricing/prices?pageSize=500").catch(() => ({ items: [] })),
    role === "distributor" ? resellersMatching(editing?.deal?.partnerId ?? "") : Promise.resolve({ items: [], total: 0 }),
    api("/api/compliance/attestation").catch(() => null),
  ]);
  const served = resellers.items.filter((r) => r.active);
  const deal = editing?.deal;
  const lines = editing ? editing.lines : [{}];
  const familyOf = (sku) => form.skuPrefixes[sku.split("-")[0].toUpperCase()] ?? null;
  main.innerHTML = `<h1>${deal ? `Edit and resubmit: ${esc(deal.customerName)}` : "Register a deal"}</h1>
    ${deal?.statusReason ? `<p class="notice">Returned: ${esc(deal.statusReason)}</p>` : ""}
    <p class="muted">An approved registration protects the deal for ${form.protectionDays} days (extendable ${form.maxExtensions}× by ${form.extensionDays} days) and earns special pricing.</p>
    <form id="register" class="card register" novalidate>
      <p id="form-errors" class="error" role="alert"></p>
      ${role === "distributor" ? `<fieldset><legend>Reseller</legend>
        <label>Find a reseller you serve <input type="search" id="reseller-search" placeholder="name or id" aria-controls="reseller-choice"></label>
        ${field("partnerId", "Reseller", `<select name="partnerId" id="reseller-choice" required>${resellerOptions(served, deal?.partnerId)}</select>`)}
        <span class="muted" id="reseller-more" aria-live="polite">${resellersShown(resellers)}</span>
        </fieldset>` : ""}
      <fieldset><legend>End customer</legend>
        ${field("customer.legalName", "Legal name", `<input name="customer.legalName" required autocomplete="off" value="${esc(deal?.customerName ?? "")}">`)}
        ${field("customer.domain", "Web domain", `<input name="customer.domain" placeholder="example.com" value="${esc(deal?.customerDomain ?? "")}">`)}
        ${field("customer.country", "Country", `<input name="customer.country" size="3" maxlength="2" placeholder="US" value="${esc(deal?.customerCountry ?? "US")}">`)}
        ${field("customer.region", "Region", `<input name="customer.region" size="6" placeholder="CA" value="${esc(deal?.customerRegion ?? "")}">`)}
        ${field("customer.type", "Customer type", `<select name="customer.type">${form.customerTypes.map((t) => `<option value="${esc(t)}"${(deal?.customerType ?? "commercial") === t ? " selected" : ""}>${esc(t.replaceAll("-", " "))}</option>`).join("")}</select>`)}
        ${field("fundingSource", "Paid with", `<select name="fundingSource">${form.fundingSources.map((f) => `<option value="${esc(f)}"${(deal?.fundingSource ?? "own-funds") === f ? " selected" : ""}>${esc(f.replaceAll("-", " "))}</option>`).join("")}</select>`)}
      </fieldset>
      <fieldset id="attestation" hidden><legend>Public-sector attestation</legend>
        <p class="muted" id="attestation-text"></p>
        <label><input type="checkbox" name="attestation.accepted" aria-describedby="e-attestation-accepted"> I attest to the statement above.</label>
        <span class="field-error" id="e-attestation-accepted" data-error="attestation.accepted"></span>
      </fieldset>
      <datalist id="skus">${prices.items.map((p) => `<option value="${esc(p.sku)}">${esc(p.productFamily)} · list ${money(p.listPrice)}</option>`).join("")}</datalist>
      <div id="lines">${lines.map((l, i) => lineRow(i, form.productFamilies, l)).join("")}</div>
      <span class="field-error" data-error="products"></span>
      <p><button type="button" class="secondary" id="add-line">Add a line</button></p>
      <fieldset><legend>The deal</legend>
        ${field("totalValue", "Total value", `<input name="totalValue" inputmode="decimal" size="12" value="${esc(deal?.totalValue ?? "")}">`)}
        ${field("currency", "Currency", `<input name="currency" size="4" maxlength="3" value="${esc(deal?.currency ?? "USD")}">`)}
        ${field("expectedClose", "Expected close", `<input name="expectedClose" type="date" value="${esc(deal?.expectedClose ?? "")}">`)}
        ${field("incumbentVendor", "Incumbent vendor", `<input name="incumbentVendor" placeholder="the vendor you are displacing" value="${esc(deal?.incumbentVendor ?? "")}">`)}
        ${field("notes", "Notes", `<input name="notes" size="40" value="${esc(deal?.notes ?? "")}">`)}
      </fieldset>
      <div id="lookalike" aria-live="polite"></div>
      <p><button type="submit" id="submit">${deal ? "Save and resubmit" : "Register the deal"}</button></p>
    </form>`;
  const el = document.getElementById("register");
  const linesBox = document.getElementById("lines");
  const renumber = () => {
    const current = collectLines();
    linesBox.innerHTML = current.map((l, i) => lineRow(i, form.productFamilies, l)).join("");
  };
  function collectLines() {
    return [...linesBox.querySelectorAll(".line")].map((f) => ({
      sku: f.querySelector('[name="sku"]').value.trim(),
      productFamily: f.querySelector('[name="productFamily"]').value,
      quantity: f.querySelector('[name="quantity"]').value.trim(),
      amount: f.querySelector('[name="amount"]').value.trim(),
    }));
  }
  const total = el.querySelector('[name="totalValue"]');
  let totalTouched = !!deal;
  total.addEventListener("input", () => { totalTouched = true; });
  linesBox.addEventListener("input", (e) => {
    const line = e.target.closest(".line");
    if (e.target.name === "sku") {
      const family = familyOf(e.target.value.trim());
      if (family) line.querySelector('[name="productFamily"]').value = family;
    }
    if (!totalTouched) {
      const sum = collectLines().reduce((s, l) => s + (Number(l.amount) || 0), 0);
      total.value = sum ? String(sum) : "";
    }
  });
  linesBox.addEventListener("click", (e) => {
    const i = e.target.dataset?.removeLine;
    if (i === undefined || linesBox.querySelectorAll(".line").length === 1) return;
    linesBox.querySelector(`[data-line="${i}"]`).remove();
    renumber();
  });
  document.getElementById("add-line").addEventListener("click", () => {
    const current = collectLines();
    linesBox.insertAdjacentHTML("beforeend", lineRow(current.length, form.productFamilies));
    linesBox.querySelector(`[data-line="${current.length}"] [name="sku"]`).focus();
  });

  // A public-sector customer, or public money, needs the registrant's attestation (its statement's version is kept).
  const needsAttestation = () => form.publicSectorTypes.includes(el.querySelector('[name="customer.type"]').value)
    || form.publicFunds.includes(el.querySelector('[name="fundingSource"]').value);
  const attestationBox = document.getElementById("attestation");
  document.getElementById("attestation-text").textContent = statement ? `${statement.text} (statement ${statement.version})` : "The attestation statement cannot be read now.";
  const showAttestation = () => { attestationBox.hidden = !needsAttestation(); };
  el.querySelector('[name="customer.type"]').addEventListener("change", showAttestation);
  el.querySelector('[name="fundingSource"]').addEventListener("change", showAttestation);
  showAttestation();

  const num = (v) => (v === "" ? null : Number(v));
  const body = () => {
    const v = (name) => el.querySelector(`[name="${name}"]`)?.value.trim() ?? "";
    return {
      ...(role === "distributor" ? { partnerId: v("partnerId") || null } : {}),
      customer: { legalName: v("customer.legalName") || null, domain: v("customer.domain") || null, country: v("customer.country") || null,
        region: v("customer.region") || null, type: v("customer.type") || null },
      fundingSource: v("fundingSource") || null,
      ...(needsAttestation() ? { attestation: { version: statement?.version ?? null, accepted: el.querySelector('[name="attestation.accepted"]').checked } } : {}),
      products: collectLines().map((l) => ({ sku: l.sku || null, productFamily: l.productFamily || null, quantity: num(l.quantity), amount: num(l.amount) })),
      totalValue: num(v("totalValue")),
      currency: v("currency") || null,
      expectedClose: v("expectedClose") || null,
      incumbentVendor: v("incumbentVendor") || null,
      notes: v("notes") || null,
    };
  };

  // The registrant's own open registrations for a customer of (nearly) this name: pointed out once before sending.
  let warnedFor = null;
  async function lookalikes(name) {
    if (name.length < 3) return [];
    const words = name.toLowerCase().replace(/[^a-z0-9 ]/g, " ").split(/\s+/).filter((w) => w.length > 2 && !["inc", "llc", "ltd", "the", "corp"].includes(w));
    if (!words.length) return [];
    const found = await api(`/api/deals?customer=${encodeURIComponent(words[0])}&pageSize=50`);
    return found.items.filter((d) => open.includes(d.status) && d.id !== deal?.id);
  }
  const key = crypto.randomUUID(); // one registration however often the button is pressed or the answer lost
  // A distributor serving many resellers finds one by typing (the API answers 50 matches at a time).
  const search = document.getElementById("reseller-search");
  let asked = 0, typing;
  search?.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(async () => {
      const mine = ++asked;
      const found = await resellersMatching(search.value.trim()).catch((err) => { toast(err.message); return null; });
      if (!found || mine !== asked) return;
      const choice = document.getElementById("reseller-choice");
      choice.innerHTML = resellerOptions(found.items.filter((r) => r.active), choice.value);
      document.getElementById("reseller-more").textContent = resellersShown(found) || `${found.total} matching.`;
    }, 250);
  });
  el.addEventListener("submit", async (e) => {
    e.preventDefault();
    const request = body();
    const name = request.customer.legalName ?? "";
    if (!deal && warnedFor !== name) {
      const similar = await lookalikes(name);
      if (similar.length) {
        warnedFor = name;
        document.getElementById("lookalike").innerHTML = `<div class="notice" data-testid="lookalike"><strong>You already have an open registration that looks like this customer:</strong>
          <ul>${similar.map((d) => `<li><a href="#/deal?id=${esc(d.id)}">${esc(d.customerName)}</a> — ${esc(stageName(d.status))}, ${money(d.totalValue)}</li>`).join("")}</ul>
          Press the button again to register it anyway.</div>`;
        return;
      }
    }
    const button = document.getElementById("submit");
    button.disabled = true;
    try {
      let saved;
      if (deal) {
        await send(`/api/deals/${deal.id}`, request, "PUT");
        saved = await send(`/api/deals/${deal.id}/resubmit`, {});
      } else {
        saved = await api("/api/deals", { method: "POST", body: JSON.stringify(request), headers: { "Idempotency-Key": key } });
      }
      toast(deal ? `Resubmitted: ${saved.customerName}` : `Registered: ${saved.customerName}`);
      location.hash = `#/deal?id=${saved.id}`;
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length) showErrors(el, err.fields);
      else { el.querySelector("#form-errors").textContent = err.message; toast(err.message); }
    } finally {
      button.disabled = false;
    }
  });
}
