// The shell: the navigation for who is signed in, and the page the location's hash names.
import { api, session } from "./api.js";
import { main, esc, isManager, isStaff, isOfficer } from "./ui.js";

/** Every page by its hash name: filled by app.js. */
export const pages = {};

function navigation(current) {
  const user = session.user;
  const links = !user ? [] : user.role === "compliance-officer" ? [["compliance", "Compliance queue"]] : [
    ["pipeline", "Pipeline"],
    ...(isManager() ? [["queue", "Deal queue"], ["applications", "Applications"]] : []),
    ...(isStaff() ? [["partners", "Partners"], ["distributors", "Distributors"]] : []),
    ["deals", user.role === "partner" ? "My deals" : "Deals"],
    ...(["partner", "distributor"].includes(user.role) ? [["register", "Register a deal"]] : []),
    ...(user.role === "distributor" || isStaff() ? [["reports", "Sell-through"]] : []),
    ["pricing", "Pricing"],
    ...(user.role === "partner" && user.partnerId ? [[`partner?id=${user.partnerId}`, "Our company"]] : []),
    ...(user.role === "distributor" && user.distributorId ? [[`distributor?id=${user.distributorId}`, "Our company"]] : []),
    ...(isOfficer() ? [["compliance", "Compliance"]] : []),
  ];
  document.getElementById("nav").innerHTML = links.map(([k, t]) => `<a href="#/${k}"${k.split("?")[0] === current ? ' aria-current="page"' : ""}>${t}</a>`).join("");
  document.getElementById("who").innerHTML = user ? `<span>${esc(user.name)}</span><button type="button" id="sign-out">Sign out</button>` : "";
  document.getElementById("sign-out")?.addEventListener("click", async () => {
    // The gateway ends the session and revokes its refresh token; the provider's end-session page ends the person's sign-in everywhere.
    const { signOutUrl } = await api("/session/sign-out", { method: "POST" });
    session.user = null;
    location.assign(signOutUrl);
  });
}

export async function render() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  let search = query;
  if (!session.user) await session.load();
  const signedIn = !!session.user;
  const home = () => (isManager() ? "queue" : session.user?.role === "compliance-officer" ? "compliance" : "pipeline");
  let page = path || home();
  if (!signedIn && page !== "sign-in") {
    // Back to this page once signed in.
    search = new URLSearchParams({ ...(path ? { next: `/${location.hash}` } : {}) }).toString();
    page = "sign-in";
  }
  if (signedIn && page === "sign-in") page = home();
  if (!pages[page] || ((page === "queue" || page === "applications") && !isManager())
      || (page.startsWith("compliance") && !isOfficer())) page = signedIn ? home() : "sign-in";
  navigation(page);
  main.setAttribute("aria-busy", "true");
  try {
    await pages[page](Object.fromEntries(new URLSearchParams(search || "")));
  } catch (e) {
    if (e.message !== "signed out") main.innerHTML = `<h1>Something went wrong</h1><p class="error">${esc(e.message)}</p>`;
  } finally {
    main.removeAttribute("aria-busy");
    main.dataset.page = page;
  }
}
