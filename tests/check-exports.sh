#!/bin/sh
# The exported ABI is exactly what lib/libpartnerws.sym lists, which is
# exactly what include/ declares with PWS_EXTERN. Fails on any extra or
# missing symbol, in either direction (ideas of jansson's check-exports and
# curl's test1279).
set -u
srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
so=$(ls "$top_builddir"/lib/.libs/libpartnerws.so.[0-9]* 2>/dev/null | head -n 1)
[ -n "$so" ] || { echo "no shared library built; skipping"; exit 77; }
NM=${NM:-nm}
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# The version script's global names.
sed -e 's,/\*.*\*/,,' "$srcdir/lib/libpartnerws.sym" | tr -d ' \t;' |
	grep -E '^pws_[a-z0-9_]+$' | sort -u > "$tmp/sym"
# Functions the headers mark PWS_EXTERN (comments stripped; a declaration
# may span lines): the identifier just before the first '('.
cat "$srcdir"/include/partnerws.h "$srcdir"/include/partnerws/*.h |
	perl -0777 -ne 's{/\*.*?\*/}{}gs; s{//[^\n]*}{}g; s{^\s*#[^\n]*}{}gm;
		while (/PWS_EXTERN\b([^;]*?)\(/g) { my $d = $1; print "$1\n" if $d =~ /(\w+)\s*$/ }' |
	grep -v '^PWS_EXTERN$' | sort -u > "$tmp/hdr"
# What the shared library really exports (defined, any section).
$NM -D --defined-only "$so" | awk '$2 ~ /^[TDRBVWiu]$/ { print $3 }' |
	sed 's/@.*//' | sort -u > "$tmp/dyn"

rc=0
if ! diff -u "$tmp/sym" "$tmp/dyn" > "$tmp/d1"; then
	echo "FAIL: exported symbols differ from lib/libpartnerws.sym (- script, + library):"
	cat "$tmp/d1"; rc=1
fi
if ! diff -u "$tmp/sym" "$tmp/hdr" > "$tmp/d2"; then
	echo "FAIL: PWS_EXTERN declarations differ from lib/libpartnerws.sym (- script, + headers):"
	cat "$tmp/d2"; rc=1
fi
# The static archive must not define global non-pws symbols either.
a="$top_builddir/lib/.libs/libpartnerws.a"
if [ -f "$a" ]; then
	leaks=$($NM --defined-only -g "$a" 2>/dev/null | awk 'NF==3 { print $3 }' | grep -v '^pws_' || true)
	if [ -n "$leaks" ]; then
		echo "FAIL: libpartnerws.a defines global symbols outside the pws_ namespace:"
		echo "$leaks"; rc=1
	fi
fi
[ $rc -eq 0 ] && echo "exports OK: $(wc -l < "$tmp/sym") symbols"
exit $rc
