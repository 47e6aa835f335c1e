// Signing in: the gateway runs the OpenID Connect sign-in and keeps the session.
import { api, send, ApiError, session } from "../api.js";
import { main, esc, money, short, pct, day, stageName, isStaff, isManager, toast, dataTable, barChart, lineChart, claimStatus, reasonName, rows } from "../ui.js";
import { render } from "../router.js";

export async function signIn(params) {
  const back = encodeURIComponent(params.next || "/");
  main.innerHTML = `<h1>Sign in</h1>
    ${params.failed ? '<p class="error" role="alert">Signing in did not complete. Try again; if it keeps failing, ask your Channel administrator.</p>' : ""}
    <p>Partners, distributors and vendor staff sign in with their Channel account (a new user's invitation mail has the link to choose a password).</p>
    <p><a class="button" id="sign-in" href="/session/sign-in?returnUrl=${back}">Sign in</a></p>
    <p class="muted">A Channel on your own machine started with <code>./channel up --demo</code> offers its demo accounts on the sign-in page.
      The API takes tokens from the same provider (<code>./channel token ROLE</code> locally).</p>`;
}
