#!/bin/sh
# Regenerates lib/libpartnerws.sym from the PWS_EXTERN declarations of
# include/ (all in node PARTNERWS_0.1 until the first release). Run by
# 'make sym'; review the diff: the list is the exported ABI.
set -eu
srcdir=${1:-.}
syms=$(cat "$srcdir"/include/partnerws.h "$srcdir"/include/partnerws/*.h |
	perl -0777 -ne 's{/\*.*?\*/}{}gs; s{^\s*#[^\n]*}{}gm;
		while (/PWS_EXTERN\b([^;]*?)\(/g) { my $d = $1; print "$1\n" if $d =~ /(\w+)\s*$/ }' |
	sort -u)
{
	cat <<'HDR'
/* Exported symbols of libpartnerws.
 *
 * One node per release that adds API, each inheriting the previous one;
 * functions added in a node carry a matching @since tag in the headers.
 * tests/check-exports.sh fails when this list, the PWS_EXTERN declarations
 * of include/ and the symbols of the built library disagree. */
PARTNERWS_0.1 {
global:
HDR
	for s in $syms; do printf '\t%s;\n' "$s"; done
	printf 'local:\n\t*;\n};\n'
} > "$srcdir/lib/libpartnerws.sym"
