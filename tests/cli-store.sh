# Sourced by tests/check-scenarios.sh (SQLite) and tests/check-cli-pg.sh
# (PostgreSQL): the store and snapshot commands of partnerws(1) on a real
# store. Needs run() (the command through libtool), $srcdir, $tmp, rc.
#   cli_store_checks SPEC COPY_SPEC NAME
# builds the world of tests/scenarios/IN7-withdraw.yaml on SPEC, then
# checks check, explain, list, store info/dump/verify/compact and snapshot
# export/import (into COPY_SPEC, an empty store) against it; a failure
# sets rc=1 and says which.
cli_store_checks() {
	_db=$1 _copy=$2 _name=$3
	_st() { run "$@" >"$tmp/out" 2>&1; echo $?; }
	_o() { cat "$tmp/out"; }
	_fail() { echo "FAIL: $_name: $*"; rc=1; }
	if ! run store world "$_db" "$srcdir/tests/scenarios/IN7-withdraw.yaml" >"$tmp/out" 2>&1; then
		_fail "store world: $(_o)"
		return
	fi
	[ "$(_st check --store "$_db" a1 edit hub)" = 0 ] && [ "$(_o)" = "allow ED1" ] ||
		_fail "check a1 edit hub: $(_o)"
	[ "$(_st check --store "$_db" dev view hub)" = 1 ] && [ "$(_o)" = "deny WS1" ] ||
		_fail "check dev view hub: $(_o)"
	_st explain --store "$_db" dev view hub >/dev/null
	_o | grep -q '^rule: WS1: ' || _fail "explain: $(_o)"
	[ "$(_st check --store "$_db" a1 fly hub)" = 2 ] || _fail "unknown action: $(_o)"
	_st list members --store "$_db" pm hub >/dev/null
	[ "$(_o | cut -f1 | sort | tr '\n' ' ')" = "a1 pm " ] || _fail "list members: $(_o)"
	_st store info "$_db" >/dev/null
	_o | grep -q '^records: 17 ' || _fail "store info: $(_o)"
	_st store dump "$_db" >/dev/null
	_o | grep -Eq '^000000000000000e invite "pm" "hub" "a1@acme.com" 1 2 1 crc=[0-9a-f]{8}$' ||
		_fail "store dump: $(_o)"
	_digest=$(run store info "$_db" | sed -n 's/^digest: //p')
	[ -n "$_digest" ] || _fail "store info gives no digest"
	[ "$(_st store verify "$_db")" = 0 ] || _fail "verify: $(_o)"
	[ "$(_st store compact "$_db")" = 0 ] || _fail "compact: $(_o)"
	[ "$(_st store verify "$_db")" = 0 ] || _fail "verify after compact: $(_o)"
	[ "$(run store info "$_db" | sed -n 's/^digest: //p')" = "$_digest" ] ||
		_fail "compaction changed the state"
	[ "$(_st check --store "$_db" a1 edit hub)" = 0 ] || _fail "check after compact: $(_o)"
	[ "$(_st snapshot export "$_db" "$tmp/s-$_name.json")" = 0 ] || _fail "export: $(_o)"
	[ "$(_st snapshot import "$_copy" "$tmp/s-$_name.json")" = 0 ] || _fail "import: $(_o)"
	[ "$(run store info "$_copy" | sed -n 's/^digest: //p')" = "$_digest" ] ||
		_fail "export/import changed the state"
	[ "$(_st store verify "$_copy")" = 0 ] || _fail "verify the imported copy: $(_o)"
	[ "$(_st check --snapshot "$tmp/s-$_name.json" a1 edit hub)" = 0 ] || _fail "--snapshot: $(_o)"
	# A bad snapshot is refused and changes nothing.
	printf '{"not": "a snapshot"' >"$tmp/bad.json"
	[ "$(_st snapshot import "$_copy" "$tmp/bad.json")" = 2 ] || _fail "a bad snapshot: $(_o)"
	[ "$(run store info "$_copy" | sed -n 's/^digest: //p')" = "$_digest" ] ||
		_fail "a refused import changed the state"
	echo "ok: $_name: check, explain, list, store info/dump/verify/compact, snapshot export/import"
}
