#!/usr/bin/env bash
# Loads demo data through the gateway: partners in every state and tier.
set -euo pipefail
CHANNEL="${1:-./channel}"
GW="${CHANNEL_GATEWAY:-http://127.0.0.1:8080}"
MANAGER=$("$CHANNEL" token channel-manager --sub demo-manager)

post() { # path body [token] → prints the response body; fails on HTTP errors other than 409
  local path="$1" body="$2" token="${3:-}" out code
  out=$(mktemp)
  code=$(curl -sS -o "$out" -w '%{http_code}' -X POST "$GW$path" -H 'Content-Type: application/json' \
    ${token:+-H "Authorization: Bearer $token"} -H "X-Forwarded-For: 10.9.$((RANDOM % 250)).$((RANDOM % 250))" -d "$body")
  cat "$out"; rm -f "$out"
  case "$code" in 2*|409) ;; *) echo "POST $path -> $code" >&2; return 1;; esac
}

id_of() { sed -E 's/.*"id":"([0-9a-f-]{36})".*/\1/'; }

apply() { # name domain country region type
  post /api/partners/applications "{\"legalName\":\"$1\",\"country\":\"$3\",\"region\":\"$4\",\"websiteDomain\":\"$2\",\"partnerType\":\"$5\",\"primaryContact\":{\"name\":\"Alex Doe\",\"email\":\"alex@$2\"},\"agreementVersion\":\"2026-01\"}" | id_of
}

existing=$(curl -fsS "$GW/api/partners?pageSize=1" -H "Authorization: Bearer $MANAGER" | sed -E 's/.*"total":([0-9]+).*/\1/')
if [ "${existing:-0}" -gt 0 ]; then echo "demo data already loaded ($existing partners)"; exit 0; fi

i=0
for row in \
  "Summit Networks Inc.|summitnet.example|US|CA|var|platinum" \
  "Bayside Managed IT LLC|baysideit.example|US|TX|msp|gold" \
  "Lakeshore Systems Integration|lakeshore-si.example|US|IL|si|gold" \
  "Pioneer Data Corp|pioneerdata.example|US|NY|var|silver" \
  "Granite State Tech|granitetech.example|US|NH|reseller|silver" \
  "Cascade Cloud Services|cascadecloud.example|US|WA|msp|registered" \
  "Maple Leaf Networks Ltd.|mapleleafnet.example|CA|ON|var|registered" \
  "Rio Grande Integrators|riogrande-int.example|US|NM|si|silver"; do
  IFS='|' read -r name domain country region type tier <<<"$row"
  id=$(apply "$name" "$domain" "$country" "$region" "$type")
  post "/api/partners/$id/approve" "{\"tier\":\"$tier\"}" "$MANAGER" >/dev/null
  i=$((i + 1))
done
apply "Northwind Reseller Co." "northwind-resell.example" US FL reseller >/dev/null
apply "Blue Harbor MSP" "blueharbor.example" US MA msp >/dev/null
id=$(apply "Desert Edge Networks" "desertedge.example" US AZ var)
post "/api/partners/$id/reject" '{"reason":"Does not meet the minimum certified-engineer requirement."}' "$MANAGER" >/dev/null
id=$(apply "Oceanic Shadow Trading" "oshadow-trading.example" US DE reseller)
id=$(apply "Frontier Voice & Data" "frontiervd.example" US MT var)
post "/api/partners/$id/approve" '{"tier":"silver"}' "$MANAGER" >/dev/null
post "/api/partners/$id/suspend" '{"reason":"Overdue certification renewal."}' "$MANAGER" >/dev/null
id=$(apply "Old Mill Computers" "oldmill.example" US VT reseller)
post "/api/partners/$id/approve" '{"tier":"registered"}' "$MANAGER" >/dev/null
post "/api/partners/$id/terminate" '{"reason":"Ceased trading."}' "$MANAGER" >/dev/null
echo "loaded $((i + 6)) demo partners"

# ---- Deals: in every state, registered by the active demo partners ----
token_for() { "$CHANNEL" token partner --partner "$1" --sub "demo-$2"; }
get() { curl -fsS "$GW$1" -H "Authorization: Bearer $2"; }
partner_id() { get "/api/partners?q=$(printf %s "$1" | sed 's/ /%20/g')&status=active" "$MANAGER" | id_of; }
deal() { # partner-id customer region sector families-json value [country]
  local body
  body="{\"customer\":{\"legalName\":\"$2\",\"country\":\"${7:-US}\",\"region\":\"$3\",\"sector\":\"$4\"},\"products\":$5,\"totalValue\":$6,\"currency\":\"USD\",\"expectedClose\":\"$(date -d '+75 days' +%F)\",\"notes\":\"Demo registration.\"}"
  local i
  for i in $(seq 1 40); do # the Deals service learns of newly approved partners from events
    out=$(curl -sS -X POST "$GW/api/deals" -H 'Content-Type: application/json' -H "Authorization: Bearer $(token_for "$1" deals)" -d "$body")
    case "$out" in *'"id"'*) echo "$out" | id_of; return 0;; esac
    sleep 0.25
  done
  echo "registering a deal for $2 failed: $out" >&2; return 1
}
act() { post "/api/deals/$1/$2" "${3:-{\}}" "${4:-$MANAGER}" >/dev/null; }

SUMMIT=$(partner_id "Summit Networks"); BAYSIDE=$(partner_id "Bayside Managed"); LAKESHORE=$(partner_id "Lakeshore Systems")
PIONEER=$(partner_id "Pioneer Data"); GRANITE=$(partner_id "Granite State"); MAPLE=$(partner_id "Maple Leaf")
SW='[{"sku":"SW-9300-48P","quantity":24,"amount":180000}]'
SWWL='[{"sku":"SW-9300-24","quantity":12,"amount":90000},{"sku":"WL-AP9-I","quantity":60,"amount":42000}]'
RT='[{"productFamily":"routing","quantity":4,"amount":64000}]'
FW='[{"sku":"FW-5500","quantity":2,"amount":38000}]'

d=$(deal "$SUMMIT" "Mercy General Hospital" CA healthcare "$SWWL" 132000); act "$d" approve
d=$(deal "$BAYSIDE" "Mercy General Hospital Inc." CA healthcare "$SW" 180000)                    # conflicts with Summit's approved deal
d=$(deal "$LAKESHORE" "Redwood Unified School District" OR education "$SWWL" 132000)              # waiting
d=$(deal "$PIONEER" "Hudson Valley Logistics LLC" NY commercial "$RT" 64000); act "$d" approve
d=$(deal "$GRANITE" "Seacoast Credit Union" NH commercial "$FW" 38000); act "$d" approve; act "$d" won '{"actualAmount":36500}' "$(token_for "$GRANITE" x)"
d=$(deal "$SUMMIT" "Golden Gate Biotech" CA commercial "$SW" 180000); act "$d" approve; act "$d" lost '{"reason":"Lost on price to the incumbent."}' "$(token_for "$SUMMIT" x)"
d=$(deal "$BAYSIDE" "Gulf Coast Shipping" TX commercial "$RT" 64000); act "$d" reject '{"reason":"End customer is a direct named account."}'
d=$(deal "$LAKESHORE" "Prairie State Insurance" IL commercial "$SWWL" 132000); act "$d" return '{"reason":"Which sites, and what is the install date?"}'
d=$(deal "$MAPLE" "Department of Defence" ACT military "$SW" 180000 AU)                           # compliance review
d=$(deal "$PIONEER" "Empire Media Group" NY commercial "$SWWL" 132000); act "$d" approve
act "$d" extension-request '{"reason":"Customer board meets next quarter."}' "$(token_for "$PIONEER" x)"
d=$(deal "$GRANITE" "White Mountain Resorts" NH commercial "$SW" 180000); act "$d" approve
EXPIRE="$d"
d=$(deal "$SUMMIT" "Bay Area Transit Authority" CA government "$RT" 64000)
OVERDUE="$d"
# Time travel for the demo only: the timers then expire one deal and raise one SLA breach the normal way.
if command -v psql >/dev/null && [ -n "${CHANNEL_DEALS_DB:-}" ]; then
  psql "$CHANNEL_DEALS_DB" -qc "update deals set protection_ends_at = now() - interval '1 day' where id = '$EXPIRE';
                               update deals set submitted_at = now() - interval '4 days', sla_due_at = now() - interval '1 day' where id = '$OVERDUE';"
fi
echo "loaded demo deals"
