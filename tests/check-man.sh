#!/bin/sh
# Every exported symbol has a man(3) page with an EXAMPLES section, the
# overview page exists, no doxygen or HTML markup leaked into a page, and
# the committed generated pages match the headers (when python3 is there to
# regenerate them).
set -u
srcdir=${srcdir:-.}
rc=0
[ -f "$srcdir/man/partnerws.7" ] || { echo "FAIL: man/partnerws.7 missing"; rc=1; }
# partnerws(1), the command's hand-written page, is in section 1.
if [ ! -f "$srcdir/man/partnerws.1" ]; then
	echo "FAIL: man/partnerws.1 missing"; rc=1
elif ! grep -q '^\.TH PARTNERWS 1 ' "$srcdir/man/partnerws.1"; then
	echo "FAIL: man/partnerws.1 is not a section 1 page"; rc=1
fi
for s in $(sed -e 's,/\*.*\*/,,' "$srcdir/lib/libpartnerws.sym" | tr -d ' \t;' |
		grep -E '^pws_[a-z0-9_]+$'); do
	if [ ! -f "$srcdir/man/$s.3" ]; then
		echo "FAIL: exported symbol $s has no man page man/$s.3"; rc=1
	elif ! grep -q "^\.TH $(echo "$s" | tr a-z A-Z) 3" "$srcdir/man/$s.3"; then
		echo "FAIL: man/$s.3 does not document $s"; rc=1
	fi
	[ -f "$srcdir/man/$s.3" ] && ! grep -q '^\.SH EXAMPLES' "$srcdir/man/$s.3" &&
		{ echo "FAIL: man/$s.3 has no EXAMPLES section"; rc=1; }
	grep -qw "$s" "$srcdir/man/partnerws.7" ||
		{ echo "FAIL: partnerws(7) does not list $s"; rc=1; }
done
# Doxygen commands, HTML tags and entities, and C++-style "::" references
# are markup the generator must translate; none may reach a page.
for f in "$srcdir"/man/*.1 "$srcdir"/man/*.3 "$srcdir"/man/*.7; do
	leak=$(grep -nE '</?(tt|b|i|em|code|br|p|a)>|&(lt|gt|amp|quot|apos|nbsp|ndash|mdash|copy);|&#[0-9]+;|(^|[^A-Za-z0-9])@(p|c|a|b|e|ref|code|endcode|par|brief|param|return|since|note|see|li|def|defgroup|file|mainpage|ingroup)\b|::' "$f")
	if [ -n "$leak" ]; then
		echo "FAIL: markup leaked into $f:"; printf '%s\n' "$leak"; rc=1
	fi
done
if command -v python3 >/dev/null 2>&1; then
	tmp=$(mktemp -d) || exit 99
	version=$(sed -n 's/^#define PWS_VERSION_STRING "\(.*\)"/\1/p' "$srcdir/include/partnerws/version.h")
	python3 "$srcdir/tools/genman.py" "$srcdir/include" "$tmp" "$version"
	for f in "$tmp"/*; do
		b=$(basename "$f")
		if ! cmp -s "$f" "$srcdir/man/$b"; then
			echo "FAIL: man/$b is stale or missing; run 'make man' and commit"; rc=1
		fi
	done
	rm -rf "$tmp"
fi
[ $rc -eq 0 ] && echo "man pages OK"
exit $rc
