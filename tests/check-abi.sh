#!/bin/sh
# Compares the built library's ABI with the committed baseline
# abi/libpartnerws.abi (libabigail). Any difference -- additions included --
# fails, so every ABI change comes with a deliberate 'make abi-baseline' in
# the same commit. Skips (77) without abidiff unless PWS_REQUIRE_ABI=1, and
# when PWS_SKIP_ABI=1 (instrumented builds).
set -u
srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
[ "${PWS_SKIP_ABI:-0}" = 1 ] && { echo "ABI check skipped (PWS_SKIP_ABI=1)"; exit 77; }
ABIDIFF=${ABIDIFF:-$(command -v abidiff)}
if [ -z "$ABIDIFF" ]; then
	echo "abidiff not found (Debian: abigail-tools)"
	[ "${PWS_REQUIRE_ABI:-0}" = 1 ] && exit 1
	exit 77
fi
so=$(ls "$top_builddir"/lib/.libs/libpartnerws.so.[0-9]* 2>/dev/null | head -n 1)
[ -n "$so" ] || { echo "no shared library built"; exit 77; }
base="$srcdir/abi/libpartnerws.abi"
[ -f "$base" ] || { echo "FAIL: no ABI baseline $base"; exit 1; }
"$ABIDIFF" --no-show-locs --headers-dir2 "$srcdir/include" "$base" "$so"
rc=$?
if [ $rc -ne 0 ]; then
	echo "FAIL: ABI differs from abi/libpartnerws.abi (abidiff exit $rc)."
	echo "If the change is deliberate, run 'make abi-baseline' and commit the result."
	exit 1
fi
echo "ABI matches the baseline"
