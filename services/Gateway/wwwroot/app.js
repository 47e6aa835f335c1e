// Channel dashboard: plain JavaScript (ES modules, no build step) over the same API and tokens as everyone else.
// One module per page under js/pages; js/api.js talks to the API; js/ui.js draws; js/router.js picks the page.
import { pages, render } from "./js/router.js";
import { signIn } from "./js/pages/sign-in.js";
import { pipeline } from "./js/pages/pipeline.js";
import { queue } from "./js/pages/queue.js";
import { applications } from "./js/pages/applications.js";
import { deals } from "./js/pages/deals.js";
import { deal } from "./js/pages/deal.js";
import { pricing } from "./js/pages/pricing.js";
import { register } from "./js/pages/register.js";
import { reports } from "./js/pages/reports.js";
import { partners, partner } from "./js/pages/partners.js";
import { distributors, distributor } from "./js/pages/distributors.js";
import { compliance, complianceChange } from "./js/pages/compliance.js";

Object.assign(pages, { "sign-in": signIn, pipeline, queue, applications, deals, deal, pricing, register, reports, partners, partner, distributors, distributor,
  compliance, "compliance-change": complianceChange });

window.addEventListener("hashchange", render);
render();
