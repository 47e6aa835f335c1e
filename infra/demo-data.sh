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
    ${token:+-H "Authorization: Bearer $token"} -d "$body")
  cat "$out"; rm -f "$out"
  case "$code" in 2*|409) ;; *) echo "POST $path -> $code" >&2; return 1;; esac
}

id_of() { sed -E 's/.*"id":"([0-9a-f-]{36})".*/\1/'; }

apply() { # name domain country region type
  post /api/partners/applications "{\"legalName\":\"$1\",\"country\":\"$3\",\"region\":\"$4\",\"websiteDomain\":\"$2\",\"partnerType\":\"$5\",\"primaryContact\":{\"name\":\"Alex Doe\",\"email\":\"alex@$2\"},\"agreementVersion\":\"2026-01\"}" "$MANAGER" | id_of
}

existing=$(curl -fsS "$GW/api/partners?pageSize=1" -H "Authorization: Bearer $MANAGER" | sed -E 's/.*"total":([0-9]+).*/\1/')
if [ "${existing:-0}" -gt 0 ]; then echo "demo data already loaded ($existing partners)"; exit 0; fi

# ---- Pricing's price book first: approved deals are priced from it (list price and distributor cost per SKU) ----
book=$(mktemp); from=$(date -d "$(date +%Y-01-01) -1 year" +%F)
{ echo "sku,product_family,list_price,distributor_cost,currency,effective_from"
  for row in SW-9300-48P:switching:12000:7440 SW-9300-24:switching:9500:5890 WL-AP9-I:wireless:900:558 FW-5500:security:24000:14880 \
             RT-8800:routing:20000:12400 RT-4400:routing:11000:6820 OP-SFP-10G:optics:150:93; do
    IFS=: read -r sku family list cost <<<"$row"; echo "$sku,$family,$list.00,$cost.00,USD,$from"
  done; } >"$book"
curl -fsS -o /dev/null -X POST "$GW/api/pricing/price-lists?name=Demo%20price%20book" -H 'Content-Type: text/csv' \
  -H "Authorization: Bearer $MANAGER" --data-binary @"$book"
rm -f "$book"
echo "loaded the demo price book"

# ---- Compliance first: every application and registration below is screened. The demo's public-sector rules
# (NDAA §889, universal-service funds, foreign government bans) and a small screening list in the consolidated
# screening list's CSV format, loaded by a compliance officer.
OFFICER=$("$CHANNEL" token compliance-officer --sub demo-compliance-officer)
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ "$(curl -fsS "$GW/api/compliance/rules" -H "Authorization: Bearer $OFFICER" | jq '.rules | length')" = 0 ]; then
  jq -c '.[]' "$ROOT_DIR/compliance/demo-rules.json" | while read -r rule; do post /api/compliance/rules "$rule" "$OFFICER" >/dev/null; done
  curl -fsS -o /dev/null -X POST "$GW/api/compliance/lists/imports?name=demo-screening-list.csv" -H 'Content-Type: text/csv' \
    -H "Authorization: Bearer $OFFICER" --data-binary @"$ROOT_DIR/compliance/demo-screening-list.csv"
fi
ATTESTATION=$(curl -fsS "$GW/api/compliance/attestation" -H "Authorization: Bearer $OFFICER" | jq -r .version)
echo "loaded compliance rules and screening list"

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
  # Two users each, who hear about their deals by mail (caught by smtp4dev locally).
  post "/api/partners/$id/users" "{\"name\":\"Alex Doe\",\"email\":\"alex@$domain\",\"role\":\"admin\"}" "$MANAGER" >/dev/null
  post "/api/partners/$id/users" "{\"name\":\"Sam Rivera\",\"email\":\"sam@$domain\",\"role\":\"sales\"}" "$MANAGER" >/dev/null
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
deal() { # partner-id customer region customer-type families-json value [country] [incumbent vendor] [funding source]
  local body attest=""
  # A public-sector customer, or public money, comes with the registrant's attestation (Compliance's current statement).
  case "$4:${9:-own-funds}" in commercial:own-funds|education:own-funds|healthcare:own-funds|critical-infrastructure:own-funds) ;;
    *) attest=",\"attestation\":{\"version\":\"$ATTESTATION\",\"accepted\":true}";; esac
  body="{\"customer\":{\"legalName\":\"$2\",\"country\":\"${7:-US}\",\"region\":\"$3\",\"type\":\"$4\"},\"fundingSource\":\"${9:-own-funds}\"$attest,\"products\":$5,\"totalValue\":$6,\"currency\":\"USD\",\"expectedClose\":\"$(date -d '+75 days' +%F)\",\"notes\":\"Demo registration.\"${8:+,\"incumbentVendor\":\"$8\"}}"
  local i
  for i in $(seq 1 40); do # the Deals service learns of newly approved partners from events
    out=$(curl -sS -X POST "$GW/api/deals" -H 'Content-Type: application/json' -H "Authorization: Bearer $(token_for "$1" deals)" -d "$body")
    case "$out" in *'"id"'*) echo "$out" | id_of; return 0;; esac
    sleep 0.25
  done
  echo "registering a deal for $2 failed: $out" >&2; return 1
}
screened() { # deal: waits until the Compliance service's screening has reached Deals (no deal is approved before)
  local screening
  for _ in $(seq 1 300); do
    screening=$(curl -fsS "$GW/api/deals/$1" -H "Authorization: Bearer $MANAGER" | jq -r .deal.screening)
    [ "$screening" != pending ] && return 0
    sleep 0.1
  done
  echo "deal $1 was not screened within 30 s" >&2; return 1
}
act() { if [ "$2" = approve ]; then screened "$1"; fi; post "/api/deals/$1/$2" "${3:-{\}}" "${4:-$MANAGER}" >/dev/null; }


SUMMIT=$(partner_id "Summit Networks"); BAYSIDE=$(partner_id "Bayside Managed"); LAKESHORE=$(partner_id "Lakeshore Systems")
PIONEER=$(partner_id "Pioneer Data"); GRANITE=$(partner_id "Granite State"); MAPLE=$(partner_id "Maple Leaf")
SW='[{"sku":"SW-9300-48P","quantity":24,"amount":180000}]'
SWWL='[{"sku":"SW-9300-24","quantity":12,"amount":90000},{"sku":"WL-AP9-I","quantity":60,"amount":42000}]'
RT='[{"productFamily":"routing","quantity":4,"amount":64000}]'
FW='[{"sku":"FW-5500","quantity":2,"amount":38000}]'

d=$(deal "$SUMMIT" "Mercy General Hospital" CA healthcare "$SWWL" 132000); act "$d" approve; MERCY="$d"
d=$(deal "$BAYSIDE" "Mercy General Hospital Inc." CA healthcare "$SW" 180000)                    # conflicts with Summit's approved deal
d=$(deal "$LAKESHORE" "Redwood Unified School District" OR usf-recipient "$SWWL" 132000 US "" usf-e-rate) # E-Rate: compliance review
d=$(deal "$PIONEER" "Hudson Valley Logistics LLC" NY commercial "$RT" 64000); act "$d" approve
d=$(deal "$GRANITE" "Seacoast Credit Union" NH commercial "$FW" 38000); act "$d" approve; act "$d" won '{"actualAmount":36500}' "$(token_for "$GRANITE" x)"
d=$(deal "$SUMMIT" "Golden Gate Biotech" CA commercial "$SW" 180000); act "$d" approve; act "$d" lost '{"reason":"Lost on price to the incumbent."}' "$(token_for "$SUMMIT" x)"
d=$(deal "$BAYSIDE" "Gulf Coast Shipping" TX commercial "$RT" 64000); act "$d" reject '{"reason":"End customer is a direct named account."}'
d=$(deal "$LAKESHORE" "Prairie State Insurance" IL commercial "$SWWL" 132000); act "$d" return '{"reason":"Which sites, and what is the install date?"}'
d=$(deal "$MAPLE" "Department of Defence" ACT federal-agency "$SW" 180000 AU)                     # refused: a foreign government ban
d=$(deal "$PIONEER" "U.S. Department of Transportation" DC federal-agency "$RT" 64000 US "" federal-appropriation) # refused: NDAA §889(a)(1)(A)
d=$(deal "$GRANITE" "O.S.T. Middle East Trading" NH commercial "$FW" 38000)                        # held: a screening-list alternate name
d=$(deal "$PIONEER" "Empire Media Group" NY commercial "$SWWL" 132000 US Cisco); act "$d" approve      # a competitive deal: silver + bonus
act "$d" extension-request '{"reason":"Customer board meets next quarter."}' "$(token_for "$PIONEER" x)"
d=$(deal "$GRANITE" "White Mountain Resorts" NH commercial "$SW" 180000); act "$d" approve
EXPIRE="$d"
d=$(deal "$SUMMIT" "Lake Tahoe Medical Center" CA healthcare "$SW" 180000 US Juniper); act "$d" approve # platinum + bonus: its PA waits for a second approver
d=$(deal "$SUMMIT" "Bay Area Transit Authority" CA state-local-government "$RT" 64000 US "" state-local-budget)
OVERDUE="$d"
# Time travel for the demo only: the timers then expire one deal and raise one SLA breach the normal way.
if command -v psql >/dev/null && [ -n "${CHANNEL_DEALS_DB:-}" ]; then
  psql "$CHANNEL_DEALS_DB" -qc "update deals set protection_ends_at = now() - interval '1 day' where id = '$EXPIRE';
                               update deals set submitted_at = now() - interval '4 days', sla_due_at = now() - interval '1 day' where id = '$OVERDUE';"
fi
echo "loaded demo deals"

# ---- Distributors: two of them, their resellers, a deal registered on a reseller's behalf, months of sell-through ----
dist() { # name regions-json
  post /api/distributors "{\"name\":\"$1\",\"countries\":[\"US\",\"CA\"],\"regions\":$2,\"contacts\":[{\"name\":\"Channel Desk\",\"email\":\"channel@$(echo "$1" | tr 'A-Z ' 'a-z-').example\",\"role\":\"partner sales\"}]}" "$MANAGER" | id_of
}
authorize() { # distributor partner regions-json (the Distributors service learns of active partners from events)
  local i
  for i in $(seq 1 40); do
    curl -fsS -o /dev/null -X POST "$GW/api/distributors/$1/authorizations" -H 'Content-Type: application/json' \
      -H "Authorization: Bearer $MANAGER" -d "{\"partnerId\":\"$2\",\"regions\":$3}" && return 0
    sleep 0.25
  done
  echo "authorizing $2 failed" >&2; return 1
}
PACIFIC=$(dist "Pacific Coast Distribution" '["CA","OR","WA","NV","AZ"]')
ATLANTIC=$(dist "Atlantic Tech Supply" '["NY","NJ","MA","NH","VT","FL","ON"]')
post "/api/distributors/$PACIFIC/users" '{"name":"Dana Reyes","email":"dana@pacific-coast-distribution.example","role":"sales"}' "$MANAGER" >/dev/null
post "/api/distributors/$ATLANTIC/users" '{"name":"Jordan Blake","email":"jordan@atlantic-tech-supply.example","role":"admin"}' "$MANAGER" >/dev/null
authorize "$PACIFIC" "$SUMMIT" '["CA","NV"]'; authorize "$PACIFIC" "$LAKESHORE" '["OR","WA"]'
authorize "$ATLANTIC" "$PIONEER" '["NY","NJ"]'; authorize "$ATLANTIC" "$GRANITE" '["NH","MA","VT"]'; authorize "$ATLANTIC" "$MAPLE" '["ON"]'
DIST_PACIFIC=$("$CHANNEL" token distributor --distributor "$PACIFIC" --sub demo-pacific)
DIST_ATLANTIC=$("$CHANNEL" token distributor --distributor "$ATLANTIC" --sub demo-atlantic)
for i in $(seq 1 40); do # on Summit's behalf, once Deals knows of the authorization
  out=$(curl -sS -X POST "$GW/api/deals" -H 'Content-Type: application/json' -H "Authorization: Bearer $DIST_PACIFIC" -d "{\"partnerId\":\"$SUMMIT\",\"customer\":{\"legalName\":\"Sierra Nevada Outfitters\",\"country\":\"US\",\"region\":\"NV\",\"sector\":\"commercial\"},\"products\":$SW,\"totalValue\":180000,\"currency\":\"USD\",\"expectedClose\":\"$(date -d '+40 days' +%F)\"}")
  case "$out" in *'"id"'*) d=$(echo "$out" | id_of); act "$d" approve; SIERRA="$d"; break;; esac
  sleep 0.25
done

# Six monthly reports per distributor; some lines match the approved demo deals (and mark them won).
report() { # distributor-id token name resellers... → uploads one monthly report for each of the last 6 months
  local dist="$1" token="$2" name="$3"; shift 3
  local m start end file n
  for m in 5 4 3 2 1 0; do
    start=$(date -d "$(date +%Y-%m-01) -$m month" +%F); end=$(date -d "$start +1 month -1 day" +%F)
    [ "$m" = 0 ] && end=$(date +%F)
    file=$(mktemp)
    echo "report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_domain,end_customer_country,end_customer_region,end_customer_postal_code,vendor_sku,quantity,unit_price,extended_amount,currency,deal_id" >"$file"
    n=0
    for reseller in "$@"; do
      for c in "Harbor Freight Clinics" "Union Valley Schools" "Cedar Point Logistics" "Bluewater Credit Union" "Mesa Verde Hotels"; do
        for sku in SW-9300-24:7500 WL-AP9-I:700 OP-SFP-10G:120 FW-5500:19000; do
          n=$((n + 1)); q=$(( (n * 7 + m * 3) % 9 + 1 )); p=${sku#*:}
          echo "$name-$(date -d "$start" +%Y-%m),$start,$end,INV-$m$n,$(date -d "$start +$((n % 25)) day" +%F),sale,$reseller,$c,,US,CA,9$((n % 10))000,${sku%%:*},$q,$p.00,$((q * p)).00,USD," >>"$file"
        done
      done
    done
    curl -fsS -o /dev/null -X POST "$GW/api/distributors/$dist/reports" -H 'Content-Type: text/csv' -H "Authorization: Bearer $token" --data-binary @"$file"
    rm -f "$file"
  done
}
report "$PACIFIC" "$DIST_PACIFIC" PCD "$SUMMIT" "$LAKESHORE"
report "$ATLANTIC" "$DIST_ATLANTIC" ATS "$PIONEER" "$GRANITE"
# One report that sells into approved deals: Pioneer's Hudson Valley Logistics (routing) and Summit's Sierra Nevada Outfitters.
file=$(mktemp)
{ echo "report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_country,vendor_sku,quantity,unit_price,extended_amount,currency"
  echo "ATS-MATCH-$(date +%Y%m),$(date +%Y-%m-01),$(date +%F),INV-M1,$(date +%F),sale,$PIONEER,Hudson Valley Logistics,US,RT-8800,4,15500.00,62000.00,USD"; } >"$file"
curl -fsS -o /dev/null -X POST "$GW/api/distributors/$ATLANTIC/reports" -H 'Content-Type: text/csv' -H "Authorization: Bearer $DIST_ATLANTIC" --data-binary @"$file"
{ echo "report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_country,vendor_sku,quantity,unit_price,extended_amount,currency"
  echo "PCD-MATCH-$(date +%Y%m),$(date +%Y-%m-01),$(date +%F),INV-M2,$(date +%F),sale,$SUMMIT,Sierra Nevada Outfitters Inc,US,SW-9300-48P,24,7400.00,177600.00,USD"; } >"$file"
curl -fsS -o /dev/null -X POST "$GW/api/distributors/$PACIFIC/reports" -H 'Content-Type: text/csv' -H "Authorization: Bearer $DIST_PACIFIC" --data-binary @"$file"
# Sales Compliance flags (accepted, counted, and in the compliance queue): one to a customer on the screening list under
# its alternate name, one to a military domain reported as an ordinary sale.
{ echo "report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_domain,end_customer_country,end_customer_region,vendor_sku,quantity,unit_price,extended_amount,currency"
  echo "PCD-FLAGS-$(date +%Y%m),$(date +%Y-%m-01),$(date +%F),INV-X1,$(date +%F),sale,$SUMMIT,Lakeside Foods,lakesidefoods.example,US,CA,SW-9300-24,4,7500.00,30000.00,USD"
  echo "PCD-FLAGS-$(date +%Y%m),$(date +%Y-%m-01),$(date +%F),INV-X2,$(date +%F),sale,$SUMMIT,OST Middle East,,US,CA,SW-9300-48P,12,7400.00,88800.00,USD"
  echo "PCD-FLAGS-$(date +%Y%m),$(date +%Y-%m-01),$(date +%F),INV-X3,$(date +%F),sale,$SUMMIT,Naval Base Ventura County,nbvc.navy.mil,US,CA,FW-5500,2,19000.00,38000.00,USD"; } >"$file"
curl -fsS -o /dev/null -X POST "$GW/api/distributors/$PACIFIC/reports" -H 'Content-Type: text/csv' -H "Authorization: Bearer $DIST_PACIFIC" --data-binary @"$file"
rm -f "$file"
echo "loaded demo distributors and sell-through"

# ---- Ship and debit: Pacific sells into Summit's approved deals and claims the difference, one line in every state ----
pa_of() { # deal-id → its price authorization (JSON), once Pricing has issued it
  local i out
  for i in $(seq 1 80); do
    out=$(curl -fsS "$GW/api/pricing/authorizations?dealId=$1" -H "Authorization: Bearer $MANAGER")
    [ "$(echo "$out" | jq '.total')" -gt 0 ] && { echo "$out" | jq '.items[0]'; return 0; }
    sleep 0.25
  done
  echo "no price authorization for deal $1" >&2; return 1
}
cost() { echo "$1" | jq -r --arg sku "$2" --arg what "$3" '.lines[] | select(.sku == $sku) | .[$what]'; }
SIERRA_PA=$(pa_of "$SIERRA"); MERCY_PA=$(pa_of "$MERCY")
{ echo "report_number,period_start,period_end,invoice_number,invoice_date,transaction_type,reseller_id,end_customer_name,end_customer_country,vendor_sku,quantity,unit_price,extended_amount,currency"
  echo "PCD-MERCY-$(date +%Y%m),$(date +%Y-%m-01),$(date +%F),INV-MG1,$(date +%F),sale,$SUMMIT,Mercy General Hospital,US,SW-9300-24,6,4700.00,28200.00,USD"
  echo "PCD-MERCY-$(date +%Y%m),$(date +%Y-%m-01),$(date +%F),INV-MG2,$(date +%F),sale,$SUMMIT,Mercy General Hospital,US,WL-AP9-I,30,450.00,13500.00,USD"; } >"$file"
curl -fsS -o /dev/null -X POST "$GW/api/distributors/$PACIFIC/reports" -H 'Content-Type: text/csv' -H "Authorization: Bearer $DIST_PACIFIC" --data-binary @"$file"
claim_line() { # pa-json pa-number invoice customer sku quantity book-adjustment amount-adjustment
  local book net
  book=$(cost "$1" "$5" bookCost); net=$(cost "$1" "$5" netCost)
  echo "PCD-SD-$(date +%Y%m),$2,$3,$(date +%F),$SUMMIT,$4,$5,$6,$(jq -n "$book + $7"),$net,$(jq -n "($book - $net) * $6 + $8")"
}
SIERRA_NO=$(echo "$SIERRA_PA" | jq -r .number); MERCY_NO=$(echo "$MERCY_PA" | jq -r .number)
{ echo "claim_number,pa_number,invoice_number,invoice_date,reseller_id,end_customer_name,vendor_sku,quantity,book_cost,authorized_cost,claimed_amount"
  claim_line "$SIERRA_PA" "$SIERRA_NO" INV-M2 "Sierra Nevada Outfitters" SW-9300-48P 10 0 0       # accepted
  claim_line "$MERCY_PA" "$MERCY_NO" INV-MG1 "Mercy General Hospital" SW-9300-24 6 0 250          # adjusted (claimed 250 too much)
  claim_line "$MERCY_PA" "$MERCY_NO" INV-MG3 "Mercy General Hospital" WL-AP9-I 20 0 0             # pending: no sell-through yet
  claim_line "$MERCY_PA" "PA-1999-000001" INV-MG4 "Mercy General Hospital" WL-AP9-I 5 0 0         # rejected: unknown authorization
  claim_line "$MERCY_PA" "$MERCY_NO" INV-MG2 "Mercy General Hospital" WL-AP9-I 30 -50 0           # rejected (cost mismatch), then disputed
} >"$file"
# (Sent at once: a line whose sell-through Pricing has not heard of yet waits as pending and is decided when it arrives.)
claim=$(curl -fsS -X POST "$GW/api/pricing/claims" -H 'Content-Type: text/csv' -H "Authorization: Bearer $DIST_PACIFIC" --data-binary @"$file")
CLAIM=$(echo "$claim" | jq -r .claim.id)
post "/api/pricing/claims/$CLAIM/lines/5/dispute" '{"comment":"Our book cost on INV-MG2 was the promotional cost agreed in March."}' "$DIST_PACIFIC" >/dev/null
rm -f "$file"
echo "loaded demo price authorizations and a ship-and-debit claim"
# ---- A screening-list update a month on: the Unverified List gives a trading name that is one of the live partners'
# names. Compliance screens every live partner and open deal again; Rio Grande Integrators goes on hold (its evidence in
# the compliance queue, the change's impact report listing it), and the price authorization of its approved deal is
# suspended until compliance decides.
RIO=$(partner_id "Rio Grande")
d=$(deal "$RIO" "Santa Fe Regional Medical Center" NM healthcare "$SW" 180000); act "$d" approve; RIO_DEAL="$d"
for _ in $(seq 1 100); do
  [ "$(curl -fsS "$GW/api/pricing/authorizations?dealId=$RIO_DEAL" -H "Authorization: Bearer $MANAGER" | jq '.items | length')" = 1 ] && break
  sleep 0.2
done
{ cat "$ROOT_DIR/compliance/demo-screening-list.csv"
  echo 'demo-uvl-4001,Unverified List (UVL) - Bureau of Industry and Security,,Entity,,Rio Bravo Electronics Trading S.A. de C.V.,,"Avenida Juarez 1800, Ciudad Juarez, MX",91 FR 2026,2026-11-02,,,,,,,,,,,Demo entry: end use could not be verified.,,Rio Grande Integrators; RBET Trading,,,,,,'
} | curl -fsS -o /dev/null -X POST "$GW/api/compliance/lists/imports?name=demo-screening-list-2026-11.csv" -H 'Content-Type: text/csv' \
    -H "Authorization: Bearer $OFFICER" --data-binary @-
for _ in $(seq 1 100); do
  [ "$(curl -fsS "$GW/api/partners/$RIO" -H "Authorization: Bearer $MANAGER" | jq -r .status)" = on_hold ] && break
  sleep 0.2
done
for _ in $(seq 1 100); do
  [ "$(curl -fsS "$GW/api/pricing/authorizations?dealId=$RIO_DEAL" -H "Authorization: Bearer $MANAGER" | jq -r '.items[0].status')" = suspended ] && break
  sleep 0.2
done
echo "imported a screening-list update: Rio Grande Integrators is on hold for compliance review, its price authorization suspended"
