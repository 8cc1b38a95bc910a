#!/bin/sh
# The PostgreSQL storage adapter on a real server: starts a throwaway
# cluster (tests/pg-cluster.sh; skips, 77, without PostgreSQL unless
# PWS_REQUIRE_PG=1), then runs
#  1. tests/check_pg (the adapter, a policy on it, two handles, NOTIFY,
#     a server restart in the middle of a stream, bad connection strings);
#  2. tests/check_multi, the generic multi-process driver, on PostgreSQL
#     (PWS_MULTI_STORE="pg:CONNINFO"), when it is built.
# The exported symbols of libpartnerws-pg are checked too.
set -u
srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
NM=${NM:-nm}

# Exactly the PWS_EXTERN functions of partnerws-pg.h are exported.
so=$(ls "$top_builddir"/pg/.libs/libpartnerws-pg.so.[0-9]* 2>/dev/null | head -n 1)
if [ -n "$so" ] && [ "${1:-}" != "--under-cluster" ]; then
	hdr=$(perl -0777 -ne 's{/\*.*?\*/}{}gs; s{^\s*#[^\n]*}{}gm;
		while (/PWS_EXTERN\b([^;]*?)\(/g) { my $d = $1; print "$1\n" if $d =~ /(\w+)\s*$/ }' \
		"$srcdir/include/partnerws-pg.h" | sort -u | tr '\n' ' ')
	dyn=$($NM -D --defined-only "$so" | awk '$2 ~ /^[TDRBVWiu]$/ { print $3 }' |
		sed 's/@.*//' | grep -v '^PARTNERWS_PG_' | sort -u | tr '\n' ' ')
	if [ "$hdr" != "$dyn" ]; then
		echo "FAIL: libpartnerws-pg exports '$dyn', partnerws-pg.h declares '$hdr'"
		exit 1
	fi
	echo "libpartnerws-pg exports OK: $dyn"
fi

# Runs under the cluster: the tests, then the multi-process driver.
if [ "${1:-}" != "--under-cluster" ]; then
	exec sh "$srcdir/tests/pg-cluster.sh" run sh "$0" --under-cluster
fi
rc=0
"$top_builddir/tests/check_pg" || rc=1
multi="$top_builddir/tests/check_multi"
if [ -x "$multi" ]; then
	# The multi-process driver (tests/check_multi.c, tests/multi-store.c):
	# every round of its tests replaces {name} by a name of its own, so each
	# starts on an empty log in a schema of its own (the adapter creates the
	# first schema of search_path when missing).
	PWS_MULTI_STORE="pg:$PWS_PG_CONNINFO options=-csearch_path={name}" "$multi" || rc=1
else
	echo "tests/check_multi is not built: the multi-process driver did not run on PostgreSQL"
fi
exit $rc
