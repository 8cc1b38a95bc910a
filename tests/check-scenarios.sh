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
# TAP escapes: '#' as '\#', a backslash doubled, a newline as '\n'; no
# test line is cut in two, no description starts a directive.
f=$srcdir/tests/scenarios/bad/tap-escapes.yaml
out=$(run test "$f" 2>/dev/null)
printf '%s\n' "$out" | grep -qxF "ok 1 - $f: issue \\#12 \\# TODO not a directive, back\\\\slash" ||
	{ echo "FAIL: tap-escapes: the '#' and '\\' of an ok line are not escaped"; printf '%s\n' "$out"; rc=1; }
printf '%s\n' "$out" | grep -qxF "not ok 2 - $f: two\\nlines \\# SKIP" ||
	{ echo "FAIL: tap-escapes: the newline and '#' of a not ok line are not escaped"; printf '%s\n' "$out"; rc=1; }
printf '%s\n' "$out" | grep -vqE '^(ok [0-9]+ - |not ok [0-9]+ - |# |1\.\.[0-9]+$)' &&
	{ echo "FAIL: tap-escapes: a line that is not TAP"; printf '%s\n' "$out"; rc=1; }

# Every rule id of the rule book (doc/POLICY.md) is asserted by a scenario
# file: the file is named after it ("VI1-VI3-member-lists.yaml": the ids
# before the first word) or one of its expectations names it ("rule: VI4").
# Every id a file name claims is one of the rule book's.
ids=$(grep -oE '\*\*[A-Z]+[0-9]+\*\*' "$srcdir/doc/POLICY.md" | tr -d '*' | sort -u)
[ "$(printf '%s\n' "$ids" | wc -l)" -ge 50 ] || { echo "FAIL: no rule ids found in doc/POLICY.md"; rc=1; }
for id in $ids; do
	found=
	for f in "$srcdir"/tests/scenarios/*.yaml; do
		if printf '%s\n' "${f##*/}" | grep -qE "^([A-Z]+[0-9]+-)*$id-" ||
		   grep -qE "rule: *$id *([,}]|$)" "$f"; then
			found=${f##*/}
			break
		fi
	done
	[ -n "$found" ] || { echo "FAIL: rule $id of doc/POLICY.md: no scenario in tests/scenarios asserts it"; rc=1; }
done
for f in "$srcdir"/tests/scenarios/*.yaml; do
	for id in $(printf '%s\n' "${f##*/}" | grep -oE '^([A-Z]+[0-9]+-)+' | tr '-' ' '); do
		printf '%s\n' "$ids" | grep -qx "$id" ||
			{ echo "FAIL: ${f##*/} is named after $id, not a rule of doc/POLICY.md"; rc=1; }
	done
done
echo "ok: every rule of doc/POLICY.md has a scenario"

# Hostile files: too large, too deep, too many items or keys, a huge
# string, binary bytes, an alias loop: each is refused (exit 2) with a
# line, or runs (a huge id is an invalid argument the world reports, exit
# 1), and nothing crashes (a crash exits >= 128).
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
hostile() { # NAME EXIT: the file $tmp/NAME.yaml gives EXIT and a line
	out=$(run test "$tmp/$1.yaml" 2>&1); st=$?
	if [ "$st" != "$2" ]; then
		echo "FAIL: hostile $1: exit $st, expected $2"; printf '%s\n' "$out" | cut -c1-300 | head -5; rc=1
	elif ! printf '%s\n' "$out" | grep -q "^# .*line [0-9][0-9]*:"; then
		echo "FAIL: hostile $1: no line in the diagnostic"; printf '%s\n' "$out" | cut -c1-300 | head -5; rc=1
	else
		echo "ok: hostile $1: exit $st, $(printf '%s\n' "$out" | grep -m1 -o 'line [0-9]*:.*' | cut -c1-80)"
	fi
}
awk 'BEGIN { printf "version: 1\nexpect: []\ntitle: \""; for (i = 0; i < 5 * 1024 * 1024; i += 64) printf "%064d", 0; print "\"" }' >"$tmp/too-large.yaml"
hostile too-large 2
awk 'BEGIN { s = ""; for (i = 0; i < 200000; i++) printf "["; for (i = 0; i < 200000; i++) printf "]"; print "" }' |
	{ printf 'version: 1\nexpect: '; cat; } >"$tmp/deep-flow.yaml"
hostile deep-flow 2
awk 'BEGIN { print "version: 1"; print "expect:"; for (i = 0; i < 100; i++) { for (j = 0; j < i + 2; j++) printf "  "; print "- " } }' >"$tmp/deep-block.yaml"
hostile deep-block 2
awk 'BEGIN { printf "version: 1\nexpect:\n  - members: {viewer: a, workspace: b, equals: ["; for (i = 0; i < 100000; i++) printf "u%d,", i; print "u]}" }' >"$tmp/many-items.yaml"
hostile many-items 2
awk 'BEGIN { printf "version: 1\nexpect:\n  - allow: {actor: a, action: view, workspace: b"; for (i = 0; i < 100000; i++) printf ", actor: a"; print "}" }' >"$tmp/many-keys.yaml"
hostile many-keys 2
awk 'BEGIN { printf "version: 1\nworld:\n  - team: {id: \""; for (i = 0; i < 3 * 1024 * 1024; i += 64) printf "%064d", 0; print "\"}\nexpect: []" }' >"$tmp/huge-id.yaml"
hostile huge-id 1
awk 'BEGIN { print "version: 1"; print "world:"; for (i = 0; i < 20000; i++) printf "  - team: {id: t%d}\n", i; print "expect:"; print "  - deny: {actor: t1, action: view, workspace: w}" }' >"$tmp/many-steps.yaml"
hostile many-steps 1
printf 'version: 1\nexpect:\n  - deny: {actor: a, action: view,\n  workspace: \377\376}\n' >"$tmp/binary.yaml"
hostile binary 2
printf 'version: 1\nexpect:\n  - deny: {actor: "a\\0b", action: view, workspace: w}\n' >"$tmp/nul.yaml"
hostile nul 2
printf '\0\0\0\0version: 1\n' >"$tmp/nul-bytes.yaml"
hostile nul-bytes 2
printf 'version: 1\nworld: &w\n  - *w\nexpect: []\n' >"$tmp/alias-loop.yaml"
hostile alias-loop 2
printf 'version: 1\nexpect:\n  - members: &m {viewer: a, workspace: b, equals: *m}\n' >"$tmp/alias-self.yaml"
hostile alias-self 2
printf 'version: 2\nexpect:\n  - reach: {actor: a, team: b, partner: c, equals: [{workspace: [x]}]}\n' >"$tmp/row-type.yaml"
hostile row-type 2

# Every file at once: the worst status wins (2), each file is reported.
run test "$srcdir"/tests/scenarios/bad/*.yaml "$srcdir"/tests/scenarios/*.yaml >/dev/null 2>&1
st=$?
[ $st -eq 2 ] || { echo "FAIL: a mix of good and bad files exits $st, expected 2"; rc=1; }
# A missing file is a bad file, not a crash.
run test "$srcdir"/tests/scenarios/no-such-file.yaml >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: a missing file does not exit 2"; rc=1; }
# The store and snapshot commands, on a SQLite store built from a world
# (tests/check-cli-pg.sh runs the same on PostgreSQL).
. "$srcdir/tests/cli-store.sh"
if run store world "sqlite:$tmp/probe.db" "$srcdir/tests/scenarios/RO6-last-admin.yaml" >/dev/null 2>&1; then
	cli_store_checks "sqlite:$tmp/w.db" "sqlite:$tmp/c.db" sqlite
	[ "$(run store info "sqlite:$tmp/none/x.db" >/dev/null 2>&1; echo $?)" = 2 ] ||
		{ echo "FAIL: a store in a missing directory does not exit 2"; rc=1; }
	# a byte changed in a stored record: its checksum (format 2) refuses it
	if command -v sqlite3 >/dev/null 2>&1; then
		st() { run "$@" >"$tmp/out" 2>&1; echo $?; }
		o() { cat "$tmp/out"; }
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
		echo "ok: a damaged record is named by verify, dump and info"
	fi
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
