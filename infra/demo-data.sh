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
