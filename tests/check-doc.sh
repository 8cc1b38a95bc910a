#!/bin/sh
# The doxygen reference builds with no warning (WARN_AS_ERROR), which also
# proves every public declaration is documented. Skips without doxygen.
set -u
top_builddir=${top_builddir:-.}
command -v doxygen >/dev/null 2>&1 || { echo "doxygen not found"; exit 77; }
[ -f "$top_builddir/doc/Doxyfile" ] || { echo "doc/Doxyfile not configured"; exit 77; }
out=$(cd "$top_builddir" && doxygen doc/Doxyfile 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
	echo "FAIL: doxygen reported:"; echo "$out"; exit 1
fi
echo "doxygen: no warnings"
