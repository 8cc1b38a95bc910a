#!/bin/sh
# partnerws(1) runs every scenario of tests/scenarios (all must hold), and
# each deliberately bad one of tests/scenarios/bad gives the exit status and
# the line number its header names ("# expect-exit:", "# expect-line:"),
# and never crashes. Skips (77) only when the command was not built (no
# libyaml at configure time).
set -u
srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
prog=$top_builddir/cli/partnerws
[ -x "$prog" ] || { echo "SKIP: cli/partnerws not built (configure found no libyaml)"; exit 77; }
run() { ${LIBTOOL:-$top_builddir/libtool} --mode=execute "$prog" "$@"; }
rc=0
out=$(run test "$srcdir"/tests/scenarios/*.yaml 2>&1); st=$?
printf '%s\n' "$out"
if [ $st -ne 0 ] || printf '%s\n' "$out" | grep -q '^not ok'; then
	echo "FAIL: the scenarios of tests/scenarios do not all hold (exit $st)"; rc=1
fi
printf '%s\n' "$out" | grep -q '^1\.\.[1-9]' || { echo "FAIL: no TAP plan"; rc=1; }
for f in "$srcdir"/tests/scenarios/bad/*.yaml; do
	want=$(sed -n 's/^# expect-exit: *//p' "$f")
	line=$(sed -n 's/^# expect-line: *//p' "$f")
	out=$(run test "$f" 2>&1); st=$?
	if [ "$st" != "$want" ]; then
		echo "FAIL: $f: exit $st, expected $want"; printf '%s\n' "$out"; rc=1
	elif ! printf '%s\n' "$out" | grep -q "^# .*line $line:"; then
		echo "FAIL: $f: no 'line $line:' in the diagnostic"; printf '%s\n' "$out"; rc=1
	else
		echo "ok: $f: exit $st, line $line"
	fi
done
# Every file at once: the worst status wins (2), each file is reported.
run test "$srcdir"/tests/scenarios/bad/*.yaml "$srcdir"/tests/scenarios/*.yaml >/dev/null 2>&1
st=$?
[ $st -eq 2 ] || { echo "FAIL: a mix of good and bad files exits $st, expected 2"; rc=1; }
# A missing file is a bad file, not a crash.
run test "$srcdir"/tests/scenarios/no-such-file.yaml >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: a missing file does not exit 2"; rc=1; }
# The store and snapshot commands, on a SQLite store built from a world.
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
st() { run "$@" >"$tmp/out" 2>&1; echo $?; }
o() { cat "$tmp/out"; }
if run store world "sqlite:$tmp/w.db" "$srcdir/tests/scenarios/IN7-withdraw.yaml" >/dev/null 2>&1; then
	db=sqlite:$tmp/w.db
	[ "$(st check --store "$db" a1 edit hub)" = 0 ] && [ "$(o)" = "allow ED1" ] ||
		{ echo "FAIL: check a1 edit hub: $(o)"; rc=1; }
	[ "$(st check --store "$db" dev view hub)" = 1 ] && [ "$(o)" = "deny WS1" ] ||
		{ echo "FAIL: check dev view hub: $(o)"; rc=1; }
	st explain --store "$db" dev view hub >/dev/null
	o | grep -q '^rule: WS1: ' || { echo "FAIL: explain: $(o)"; rc=1; }
	[ "$(st check --store "$db" a1 fly hub)" = 2 ] || { echo "FAIL: unknown action: $(o)"; rc=1; }
	st list members --store "$db" pm hub >/dev/null
	[ "$(o | cut -f1 | sort | tr '\n' ' ')" = "a1 pm " ] ||
		{ echo "FAIL: list members: $(o)"; rc=1; }
	st store info "$db" >/dev/null
	o | grep -q '^records: 17 ' || { echo "FAIL: store info: $(o)"; rc=1; }
	st store dump "$db" >/dev/null
	o | grep -Eq '^000000000000000e invite "pm" "hub" "a1@acme.com" 1 2 1 crc=[0-9a-f]{8}$' ||
		{ echo "FAIL: store dump: $(o)"; rc=1; }
	digest=$(run store info "$db" | sed -n 's/^digest: //p')
	[ "$(st store verify "$db")" = 0 ] || { echo "FAIL: verify: $(o)"; rc=1; }
	[ "$(st store compact "$db")" = 0 ] || { echo "FAIL: compact: $(o)"; rc=1; }
	[ "$(st store verify "$db")" = 0 ] || { echo "FAIL: verify after compact: $(o)"; rc=1; }
	[ "$(run store info "$db" | sed -n 's/^digest: //p')" = "$digest" ] ||
		{ echo "FAIL: compaction changed the state"; rc=1; }
	[ "$(st snapshot export "$db" "$tmp/s.json")" = 0 ] || { echo "FAIL: export: $(o)"; rc=1; }
	[ "$(st snapshot import "sqlite:$tmp/c.db" "$tmp/s.json")" = 0 ] || { echo "FAIL: import: $(o)"; rc=1; }
	[ "$(run store info "sqlite:$tmp/c.db" | sed -n 's/^digest: //p')" = "$digest" ] ||
		{ echo "FAIL: export/import changed the state"; rc=1; }
	[ "$(st check --snapshot "$tmp/s.json" a1 edit hub)" = 0 ] || { echo "FAIL: --snapshot: $(o)"; rc=1; }
	# a byte changed in a stored record: its checksum (format 2) refuses it
	if command -v sqlite3 >/dev/null 2>&1; then
		sqlite3 "$tmp/c.db" "UPDATE pws_records SET data = substr(data, 1, 10) || X'7a' ||
			substr(data, 12) WHERE key = CAST('0000000000000001' AS BLOB);" ||
			{ echo "FAIL: sqlite3 could not damage a record"; rc=1; }
		[ "$(st store verify "sqlite:$tmp/c.db")" = 1 ] &&
			o | grep -q 'under key 0000000000000001: checksum mismatch$' ||
			{ echo "FAIL: verify of a damaged record: $(o)"; rc=1; }
		st store dump "sqlite:$tmp/c.db" >/dev/null
		o | grep -q '^0000000000000001 <checksum mismatch: stored [0-9a-f]*, computed [0-9a-f]*>$' ||
			{ echo "FAIL: dump of a damaged record: $(o)"; rc=1; }
		[ "$(st store info "sqlite:$tmp/c.db")" = 2 ] || { echo "FAIL: info of a damaged store: $(o)"; rc=1; }
	fi
	[ "$(st store info "sqlite:$tmp/none/x.db")" = 2 ] || { echo "FAIL: a missing store: $(o)"; rc=1; }
	echo "ok: check, explain, list, store info/dump/verify/compact, snapshot export/import"
else
	echo "note: no SQLite adapter: store commands not tested"
fi
# Every scenario file is distributed (listed in Makefile.am's EXTRA_DIST).
for f in "$srcdir"/tests/scenarios/*.yaml "$srcdir"/tests/scenarios/bad/*.yaml; do
	rel=tests/scenarios/${f#"$srcdir"/tests/scenarios/}
	grep -q "^[[:space:]]*$rel" "$srcdir/Makefile.am" ||
		{ echo "FAIL: $rel is not in Makefile.am's EXTRA_DIST"; rc=1; }
done
exit $rc
