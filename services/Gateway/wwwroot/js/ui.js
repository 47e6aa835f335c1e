// What every page draws with: formatting, badges, tables, toasts and the charts (SVG with labelled axes and values, each
// with its data as a table beneath it for screen readers).
import { session } from "./api.js";

export const main = document.getElementById("main");

export const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
export const money = (v) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 }).format(Number(v || 0));
export const short = (v) => new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(Number(v || 0));
export const pct = (v) => (v === null || v === undefined ? "—" : `${(Number(v) * 100).toFixed(1)}%`);
export const plural = (n, noun) => `${n} ${noun}${Number(n) === 1 ? "" : "s"}`;
export const day = (v) => (v ? new Date(v).toISOString().slice(0, 10) : "—");
export const stageName = (s) => ({ submitted: "Submitted", compliance_review: "Compliance review", approved: "Approved", won: "Won", lost: "Lost",
  rejected: "Rejected", returned: "Returned", expired: "Expired", applied: "Applied", on_hold: "On hold", active: "Active",
  suspended: "Suspended", terminated: "Terminated", revoked: "Revoked" }[s] || s);
export const isStaff = () => ["channel-manager", "admin", "leadership"].includes(session.user?.role);
export const isManager = () => ["channel-manager", "admin"].includes(session.user?.role);
export const isOfficer = () => ["compliance-officer", "admin"].includes(session.user?.role);

export function toast(text) {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove("show"), 3500);
}

export function dataTable(rows, columns) {
  return `<details><summary>Data</summary><div class="table-wrap" tabindex="0"><table><thead><tr>${columns.map((c) => `<th${c.num ? ' class="num"' : ""}>${esc(c.title)}</th>`).join("")}</tr></thead>
    <tbody>${rows.map((r) => `<tr>${columns.map((c) => `<td${c.num ? ' class="num"' : ""}>${esc(c.show(r))}</td>`).join("")}</tr>`).join("")}</tbody></table></div></details>`;
}

/**
 * The width a chart is drawn at: the width of its card in the page's grid (two columns from 1,080 px, one below), so
 * the SVG is shown at its own size and its 12 px text stays 12 px on screen at every width.
 */
export function chartWidth() {
  const page = (main.clientWidth || 1198) - 38; // main's padding
  const columns = page >= 1000 ? 2 : 1;
  return Math.max(280, Math.floor((page - (columns - 1) * 16) / columns - 34));
}

// Scales from d3-scale (vendored under /vendor/d3, loaded before this module): axis ticks at round values (0, 250k, 500k, …).
const d3 = globalThis.d3;

/** The compact form of a figure for an axis tick, in the chart's unit ("$250K", "40%", "12"). */
const tickFormat = (format) => (format === money ? (v) => `$${short(v)}` : format === pct ? (v) => `${Math.round(v * 100)}%` : format);

/** Every other tick dropped until their labels (about 7 px a character) stand apart on the axis. */
function spaced(scale, ticks, label) {
  const room = (list) => list.every((t, i) => i === 0 || Math.abs(scale(t) - scale(list[i - 1])) >= (String(label(t)).length + String(label(list[i - 1])).length) * 3.6 + 10);
  while (ticks.length > 2 && !room(ticks)) ticks = ticks.filter((_, i) => i % 2 === 0);
  return ticks;
}

/** Horizontal bars, one a row, value written at the end of each, over an axis of round values; a row with an href is a link to what is behind it. */
export function barChart(id, title, rows, { format = money, color = "#0b5cad", funnel = false } = {}) {
  if (!rows.length) return `<figure class="card" id="${id}" tabindex="0"><figcaption>${esc(title)}</figcaption><p class="muted">Nothing to show yet.</p></figure>`;
  const width = chartWidth(), bar = 22, gap = 8, axis = funnel ? 0 : 22, height = rows.length * (bar + gap) + 24 + axis;
  const label = Math.min(210, Math.max(60, Math.max(...rows.map((r) => String(r.label).length)) * 6.8 + 12));
  const note = Math.max(...rows.map((r) => `${format(r.value)}${r.note ? ` · ${r.note}` : ""}`.length)) * 6.8 + 12;
  const span = Math.max(80, width - label - note);
  const x = d3.scaleLinear().domain([0, Math.max(...rows.map((r) => Math.abs(r.value)), 1)]).range([0, span]);
  if (!funnel) x.nice(Math.max(2, Math.floor(span / 70)));
  const bottom = height - 16 - axis;
  // Counts get whole ticks only (no "0.5 deals").
  const whole = rows.every((r) => Number.isInteger(Number(r.value)));
  const ticks = funnel ? "" : spaced(x, x.ticks(Math.max(2, Math.floor(span / 70))).filter((t) => !whole || Number.isInteger(t)), tickFormat(format)).map((t) => `<line class="grid-line" x1="${label + x(t)}" x2="${label + x(t)}" y1="4" y2="${bottom}"/>
    <text class="tick" data-tick="${t}" x="${label + x(t)}" y="${bottom + 16}" text-anchor="middle">${esc(tickFormat(format)(t))}</text>`).join("");
  const bars = rows.map((r, i) => {
    const w = Math.max(2, x(Math.abs(r.value)));
    const at = funnel ? label + (span - w) / 2 : label;
    const y = 8 + i * (bar + gap);
    const shapes = `<text x="${label - 8}" y="${y + bar / 2 + 4}" text-anchor="end">${esc(r.label)}</text>
      <rect x="${at}" y="${y}" width="${w}" height="${bar}" rx="3" fill="${r.color || color}"><title>${esc(r.label)}: ${esc(format(r.value))}</title></rect>
      <text x="${funnel ? label + span + 6 : at + w + 6}" y="${y + bar / 2 + 4}">${esc(format(r.value))}${r.note ? ` · ${esc(r.note)}` : ""}</text>`;
    return r.href ? `<a href="${esc(r.href)}" class="bar-link" aria-label="${esc(`${r.label}: ${format(r.value)} — show the deals`)}">${shapes}</a>` : shapes;
  }).join("");
  const linked = rows.some((r) => r.href);
  const summary = rows.map((r) => `${r.label} ${format(r.value)}`).join(", ");
  return `<figure class="card" id="${id}" tabindex="0"><figcaption>${esc(title)}</figcaption>
    <svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="${linked ? "group" : "img"}" aria-label="${esc(`${title}: ${summary}`)}">${ticks}
      <line class="axis" x1="${label}" y1="4" x2="${label}" y2="${bottom}"/>${bars}</svg>
    ${dataTable(rows, [{ title: "", show: (r) => r.label }, { title: "Value", num: true, show: (r) => format(r.value) }, ...(rows[0].note !== undefined ? [{ title: "", show: (r) => r.note }] : [])])}</figure>`;
}

/**
 * Lines over months with a y axis of round values; series = [{ name, color, values: [..], href?: (i) => address }], labels = x labels
 * (thinned so they never overlap). A series with an href makes each of its points a link to what is behind it.
 */
export function lineChart(id, title, labels, series, { format = short } = {}) {
  if (!labels.length) return `<figure class="card" id="${id}" tabindex="0"><figcaption>${esc(title)}</figcaption><p class="muted">Nothing to show yet.</p></figure>`;
  const width = chartWidth(), height = 230, left = 60, bottom = 28, top = 12, right = 34;
  const all = series.flatMap((s) => s.values.map(Number));
  const y = d3.scaleLinear().domain([Math.min(0, ...all), Math.max(...all, 1)]).range([height - bottom, top]).nice(5);
  const x = (i) => left + (labels.length === 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (labels.length - 1));
  const grid = y.ticks(5).map((t) => `<line class="grid-line" x1="${left}" x2="${width - right}" y1="${y(t)}" y2="${y(t)}"/>
    <text class="tick" data-tick="${t}" x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${esc(tickFormat(format)(t))}</text>`).join("");
  const every = Math.max(1, Math.ceil((labels.length * 58) / (width - left - right)));
  const xs = labels.map((l, i) => (i % every === 0 ? `<text x="${x(i)}" y="${height - bottom + 16}" text-anchor="middle">${esc(l)}</text>` : "")).join("");
  const point = (s, v, i) => {
    const dot = `<circle cx="${x(i)}" cy="${y(v)}" r="4" fill="${s.color}"><title>${esc(s.name)} ${esc(labels[i])}: ${esc(format(v))}</title></circle>`;
    return s.href ? `<a href="${esc(s.href(i))}" class="bar-link point-link" aria-label="${esc(`${s.name} ${labels[i]}: ${format(v)} — show the deals`)}">
      <circle cx="${x(i)}" cy="${y(v)}" r="10" fill="transparent"/>${dot}</a>` : dot;
  };
  const lines = series.map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="2.5" points="${s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ")}"/>` +
    s.values.map((v, i) => point(s, v, i)).join("")).join("");
  const legend = `<ul class="legend">${series.map((s) => `<li><svg width="14" height="6" aria-hidden="true"><rect width="14" height="6" rx="2" fill="${s.color}"/></svg> ${esc(s.name)}</li>`).join("")}</ul>`;
  const linked = series.some((s) => s.href);
  return `<figure class="card" id="${id}" tabindex="0"><figcaption>${esc(title)}</figcaption>
    <svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="${linked ? "group" : "img"}" aria-label="${esc(title)}">${grid}
      <line class="axis" x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}"/>${xs}${lines}</svg>${legend}
    ${dataTable(labels.map((l, i) => ({ l, i })), [{ title: "Month", show: (r) => r.l }, ...series.map((s) => ({ title: s.name, num: true, show: (r) => format(s.values[r.i]) }))])}</figure>`;
}

export const claimStatus = (s) => ({ accepted: "Accepted", adjusted: "Adjusted", rejected: "Rejected", pending: "Pending", disputed: "Disputed",
  validated: "Validated", approved: "Approved", settled: "Settled", pending_approval: "Awaiting 2nd approval", active: "Active",
  consumed: "Consumed", expired: "Expired", revoked: "Revoked", suspended: "Suspended (compliance)" }[s] || s);
export const reasonName = (r) => (r ? r.replaceAll("_", " ") : "");

/** Where a paged list stands ("26–50 of 312") with links to the pages before and after; href(n) is page n's address. */
export function pager(total, pageNo, size, href, label = "Pages") {
  const pages = Math.max(1, Math.ceil(total / size));
  const first = total === 0 ? 0 : (pageNo - 1) * size + 1;
  return `<nav class="pager" aria-label="${esc(label)}"><span class="muted">${first}–${Math.min(total, pageNo * size)} of ${total}</span>
    ${pageNo > 1 ? `<a href="${esc(href(pageNo - 1))}" rel="prev">Previous</a>` : ""}${pageNo < pages ? `<a href="${esc(href(pageNo + 1))}" rel="next">Next</a>` : ""}</nav>`;
}

/** Shows each field's messages beside it (and marks it invalid); messages for fields the form has no place for go on top. */
export function showErrors(form, fields) {
  form.querySelectorAll("[data-error]").forEach((e) => { e.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  const loose = [];
  for (const [name, messages] of Object.entries(fields)) {
    const place = form.querySelector(`[data-error="${CSS.escape(name)}"]`);
    if (!place) { loose.push(`${name}: ${messages.join(", ")}`); continue; }
    place.textContent = messages.join(", ");
    form.querySelector(`[aria-describedby~="${place.id}"]`)?.setAttribute("aria-invalid", "true");
  }
  const summary = form.querySelector("#form-errors");
  if (summary) summary.textContent = Object.keys(fields).length ? `Please correct ${Object.keys(fields).length === 1 ? "the field" : "the fields"} marked below.${loose.length ? ` ${loose.join("; ")}` : ""}` : "";
  form.querySelector('[aria-invalid="true"]')?.focus();
  return loose;
}

/**
 * A column header that sorts a list on the server by its key (clicked again: the other way), with aria-sort saying how the
 * list is sorted now. route is the list's address ("#/deals"), filters what it is showing, byDefault its default sort key.
 */
export function sortable(route, filters, byDefault, key, title, cls) {
  const current = (filters.sort ?? byDefault) === key;
  const direction = current && filters.direction !== "asc" ? "asc" : "desc";
  const state = current ? (filters.direction === "asc" ? "ascending" : "descending") : "none";
  const { page: _, ...kept } = filters;
  return `<th${cls ? ` class="${cls}"` : ""} aria-sort="${state}"><a href="${route}?${new URLSearchParams({ ...kept, sort: key, direction })}">${esc(title)}${current ? (state === "ascending" ? " ▲" : " ▼") : ""}</a></th>`;
}

export const rows = (items, empty, head, row) => (items.length
  ? `<div class="table-wrap" tabindex="0"><table><thead><tr>${head}</tr></thead><tbody>${items.map(row).join("")}</tbody></table></div>`
  : `<p class="muted">${empty}</p>`);

