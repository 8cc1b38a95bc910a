#!/bin/sh
# The Python binding's tests (bindings/python/tests), run in place against
# the built shared library: PYTHONPATH=bindings/python and
# PARTNERWS_LIBRARY=lib/.libs/libpartnerws.so.N. Then, when pip is there,
# the package installs offline into a throwaway target directory and imports
# from there. Skipped (77) without python3 or a shared library, or when the
# library was built with AddressSanitizer (python3 cannot dlopen it).
set -u
srcdir=${srcdir:-${top_srcdir:-.}}
top_builddir=${top_builddir:-.}
PYTHON3=${PYTHON3:-python3}
command -v "$PYTHON3" >/dev/null 2>&1 || { echo "python3 not found; skipping"; exit 77; }
so=$(ls "$top_builddir"/lib/.libs/libpartnerws.so.[0-9]* 2>/dev/null | head -n 1)
[ -n "$so" ] || { echo "no shared library built; skipping"; exit 77; }
if command -v ldd >/dev/null 2>&1 && ldd "$so" 2>/dev/null | grep -q libasan; then
	echo "$so is built with AddressSanitizer; skipping"
	exit 77
fi
PARTNERWS_LIBRARY=$(cd "$(dirname "$so")" && pwd)/$(basename "$so")
export PARTNERWS_LIBRARY
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE
cd "$srcdir/bindings/python" || exit 1
PYTHONPATH=. "$PYTHON3" -m unittest discover -s tests -t . || exit 1

# pip install works offline (no build isolation, no dependencies: needs
# setuptools and wheel installed; with network pip fetches them itself).
if "$PYTHON3" -m pip --version >/dev/null 2>&1 && "$PYTHON3" -c 'import setuptools, wheel' 2>/dev/null; then
	tmp=$(mktemp -d) || exit 1
	trap 'rm -rf "$tmp"' EXIT
	cp -R . "$tmp/src" && rm -rf "$tmp/src/build" "$tmp/src"/*.egg-info
	"$PYTHON3" -m pip install -q --no-build-isolation --no-deps --no-index \
		--disable-pip-version-check --target "$tmp/site" "$tmp/src" || { echo "pip install failed"; exit 1; }
	(cd "$tmp" && PYTHONPATH="$tmp/site" "$PYTHON3" -c \
		'import partnerws, sys; sys.exit(0 if partnerws.rule_id(partnerws.Rule.RO6) == "RO6" else 1)') ||
		{ echo "the installed package does not work"; exit 1; }
	echo "pip install ./bindings/python: OK"
else
	echo "pip, setuptools or wheel missing: offline install check skipped"
fi
