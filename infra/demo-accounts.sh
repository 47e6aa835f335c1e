#!/usr/bin/env bash
# ./channel up --demo: the demo accounts the sign-in page offers (to this machine only), all with one
# password: the vendor's channel manager, leader, compliance officer and admin, a partner's user and a distributor's user.
# Partner and distributor users become accounts when the Identity service hears of them: retried until then.
set -euo pipefail
IDENTITY="${CHANNEL_IDENTITY:-http://127.0.0.1:8086}"
PASSWORD="${CHANNEL_DEMO_PASSWORD:-channel demo lantern 2026}"
body=$(cat <<JSON
{"password":"$PASSWORD","accounts":[
  {"email":"morgan@vendor.example","name":"Morgan Reid","role":"channel-manager","label":"Morgan (channel manager)","description":"Reviews partners, works the deal queue"},
  {"email":"lee@vendor.example","name":"Lee Park","role":"leadership","label":"Lee (sales leadership)","description":"Pipeline and sell-through across the channel"},
  {"email":"ada@vendor.example","name":"Ada Admin","role":"admin","label":"Ada (administrator)","description":"Accounts, keys and the operators' endpoints"},
  {"email":"riley@vendor.example","name":"Riley Chen","role":"compliance-officer","label":"Riley (compliance officer)","description":"Screening lists, rules and the compliance queue"},
  {"email":"sam@summitnet.example","label":"Sam at Summit Networks","description":"A reseller: its own deals and figures"},
  {"email":"dana@pacific-coast-distribution.example","label":"Dana at Pacific Coast Distribution","description":"A distributor: its resellers, registrations and sell-through"}]}
JSON
)
post() {
  curl -sS -o /tmp/channel-demo-accounts.out -w '%{http_code}' -X POST "$IDENTITY/identity/dev/demo-accounts" \
    -H 'Content-Type: application/json' -d "$1" || true
}
for _ in $(seq 1 60); do
  code=$(post "$body")
  case "$code" in
    200) echo "demo accounts ready (password: $PASSWORD)"; exit 0;;
    404) sleep 0.5;;
    *) cat /tmp/channel-demo-accounts.out >&2; echo "demo accounts: HTTP $code" >&2; exit 1;;
  esac
done
# Demo data loaded by an older version may lack one of the users: offer the others.
code=$(post "${body%\}},\"skipMissing\":true}")
cat /tmp/channel-demo-accounts.out; echo
[ "$code" = 200 ] || { echo "demo accounts: HTTP $code" >&2; exit 1; }
