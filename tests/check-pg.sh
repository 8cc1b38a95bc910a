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
if [ -n "$so" ]; then
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
	# HOOK (multi-process driver, tests/check_multi.c + tests/multi-store.c
	# of the SQLite branch): every test of the driver must start from an
	# empty log; it gets a fresh database here, and may make more with
	# "CREATE DATABASE" on PWS_PG_CONNINFO.
	"$PWS_PG_BINDIR/createdb" -h "$PWS_PG_DIR" -p "${PWS_PG_PORT:-5432}" -U pws pws_multi ||
		exit 99
	PWS_MULTI_STORE="pg:host=$PWS_PG_DIR port=${PWS_PG_PORT:-5432} dbname=pws_multi user=pws" \
		"$multi" || rc=1
else
	echo "tests/check_multi is not built: the multi-process driver did not run on PostgreSQL"
fi
exit $rc
