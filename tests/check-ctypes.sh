#!/bin/sh
# The Python ctypes binding test: tests/test_ctypes.py loads the built
# shared library and checks a few decisions through the raw C ABI.
# Skipped (77) without a shared library, without python3, or when the
# library was built with AddressSanitizer.
set -u
srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
so=$(ls "$top_builddir"/lib/.libs/libpartnerws.so.[0-9]* 2>/dev/null | head -n 1)
[ -n "$so" ] || { echo "no shared library built; skipping"; exit 77; }
PYTHON3=${PYTHON3:-python3}
command -v "$PYTHON3" >/dev/null 2>&1 || { echo "python3 not found; skipping"; exit 77; }
if command -v ldd >/dev/null 2>&1 && ldd "$so" 2>/dev/null | grep -q libasan; then
	echo "$so is built with AddressSanitizer: python3 cannot dlopen it unless"
	echo "libasan is LD_PRELOADed into the interpreter; skipping"
	exit 77
fi
exec "$PYTHON3" "$srcdir/tests/test_ctypes.py" "$so"
