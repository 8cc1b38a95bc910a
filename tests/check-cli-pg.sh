#!/bin/sh
# partnerws(1)'s store and snapshot commands (store world, check, explain,
# list, store info/dump/verify/compact, snapshot export/import) on a real
# PostgreSQL server: a throwaway cluster from tests/pg-cluster.sh, each
# store in a schema of its own of its "postgres" database. The same checks
# as on SQLite (tests/cli-store.sh). Skips (77) without PostgreSQL or
# without the command; with PWS_REQUIRE_PG=1 a skip is a failure.
set -u
srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
prog=$top_builddir/cli/partnerws
skip() {
	if [ "${PWS_REQUIRE_PG:-0}" = 1 ]; then
		echo "FAIL: $1, and PWS_REQUIRE_PG=1"; exit 1
	fi
	echo "SKIP: $1"; exit 77
}
[ -x "$prog" ] || skip "cli/partnerws not built (configure found no libyaml)"
run() { ${LIBTOOL:-$top_builddir/libtool} --mode=execute "$prog" "$@"; }
if [ "${1:-}" != "--under-cluster" ]; then
	run --help 2>&1 | grep -q 'pg:CONNINFO' || skip "partnerws built without the PostgreSQL adapter"
	sh "$srcdir/tests/pg-cluster.sh" run sh "$0" --under-cluster
	st=$?
	[ $st -eq 77 ] && skip "no PostgreSQL server programs (tests/pg-cluster.sh)"
	exit $st
fi
rc=0
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
. "$srcdir/tests/cli-store.sh"
cli_store_checks "pg:$PWS_PG_CONNINFO options=-csearch_path=cli_world" \
	"pg:$PWS_PG_CONNINFO options=-csearch_path=cli_copy" pg
# A server that is not there: a clear error (exit 2), no crash, no hang.
[ "$(run store info "pg:host=$tmp port=1 dbname=none connect_timeout=2" >/dev/null 2>&1; echo $?)" = 2 ] ||
	{ echo "FAIL: pg: a store that does not open does not exit 2"; rc=1; }
exit $rc
