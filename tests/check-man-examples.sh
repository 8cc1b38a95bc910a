#!/bin/sh
# Every example of the man(3) pages (the "@par Example" @code blocks of the
# public headers, see tools/genman.py) compiles without a warning and links
# against the built libraries. Fragments are compiled as the body of
# int ex_NAME(pws_policy *p) with a pws_result res in scope, all in one
# translation unit; whole programs (they define main) are built and run.
# The quick example of doc/mainpage.md is built and run as well. Skips
# without python3.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
CC=${CC:-cc}
LIBTOOL=${LIBTOOL:-$top_builddir/libtool}
command -v python3 >/dev/null 2>&1 || { echo "python3 not found"; exit 77; }
[ -f "$top_builddir/lib/libpartnerws.la" ] || { echo "library not built"; exit 99; }
sqlite_la="$top_builddir/sqlite/libpartnerws-sqlite.la"
[ -f "$sqlite_la" ] || sqlite_la=
pg_la="$top_builddir/pg/libpartnerws-pg.la"
[ -f "$pg_la" ] || pg_la=
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
python3 "$top_srcdir/tools/genman.py" --examples "$top_srcdir/include" "$tmp/ex" || exit 99
# The quick example of the HTML reference's main page is a program too.
sed -n '/^```c$/,/^```$/p' "$top_srcdir/doc/mainpage.md" | sed '1d;$d' > "$tmp/ex/mainpage.c"

# the build's own CFLAGS/LDFLAGS too: a sanitized library needs sanitized programs
flags="-std=c99 -pedantic -Wall -Wextra -Werror -Wno-unused-variable
 -Wno-unused-but-set-variable -Wno-unused-parameter -I$top_srcdir/include ${CFLAGS:-}"
rc=0 n=0

# build NAME SOURCE [LIBS...]: compiles and links one program.
build() {
	name=$1 src=$2
	shift 2
	# shellcheck disable=SC2086
	$CC $flags -c -o "$tmp/$name.o" "$src" &&
	$LIBTOOL --tag=CC --mode=link --quiet $CC ${LDFLAGS:-} -o "$tmp/$name" "$tmp/$name.o" "$@"
}

{
	printf '#include <partnerws.h>\n'
	[ -n "$sqlite_la" ] && printf '#include <partnerws-sqlite.h>\n'
	[ -n "$pg_la" ] && printf '#include <partnerws-pg.h>\n'
	printf '#include <inttypes.h>\n#include <stdio.h>\n#include <stdlib.h>\n'
	printf '#include <string.h>\n#include <time.h>\n'
	for f in "$tmp"/ex/*.frag; do
		[ -f "$f" ] || continue
		name=$(basename "$f" .frag)
		if [ -f "$tmp/ex/$name.sqlite" ] && [ -z "$sqlite_la" ]; then
			echo "SKIP: $name example (SQLite adapter not built)" >&2
			continue
		fi
		if [ -f "$tmp/ex/$name.pg" ] && [ -z "$pg_la" ]; then
			echo "SKIP: $name example (PostgreSQL adapter not built)" >&2
			continue
		fi
		printf 'int ex_%s(pws_policy *p);\nint ex_%s(pws_policy *p)\n{\n' "$name" "$name"
		printf '\tpws_result res = PWS_RESULT_INIT;\n\n\t(void)p;\n\t(void)res;\n\t{\n'
		printf '#line 1 "%s example"\n' "$name"
		cat "$f"
		printf '\t}\n\treturn 0;\n}\n\n'
		n=$((n + 1))
	done
	printf 'int main(void)\n{\n\treturn 0;\n}\n'
} > "$tmp/fragments.c"
if ! build fragments "$tmp/fragments.c" "$top_builddir/lib/libpartnerws.la" $sqlite_la $pg_la; then
	echo "FAIL: a man page example fragment does not compile or link (above)"; rc=1
fi

for f in "$tmp"/ex/*.c; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .c)
	libs="$top_builddir/lib/libpartnerws.la"
	if [ -f "$tmp/ex/$name.sqlite" ]; then
		[ -n "$sqlite_la" ] || { echo "SKIP: $name example (no SQLite adapter)"; continue; }
		libs="$sqlite_la $libs"
	fi
	if [ -f "$tmp/ex/$name.pg" ]; then
		[ -n "$pg_la" ] || { echo "SKIP: $name example (no PostgreSQL adapter)"; continue; }
		libs="$pg_la $libs"
	fi
	n=$((n + 1))
	# shellcheck disable=SC2086
	if ! build "$name" "$f" $libs; then
		echo "FAIL: the example of $name does not compile or link"; rc=1
	elif ! (cd "$tmp" && ./"$name" >/dev/null); then
		echo "FAIL: the example program of $name fails"; rc=1
	fi
done
[ $n -gt 0 ] || { echo "FAIL: no example found"; rc=1; }
[ $rc -eq 0 ] && echo "man page examples: $n compile and link"
exit $rc
