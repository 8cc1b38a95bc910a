#!/bin/sh
# The Node binding's tests (bindings/node/test/*.test.js, node --test), run
# in place against the built shared library through PARTNERWS_LIBRARY.
# Skipped (77) without node, without koffi installed in
# bindings/node/node_modules, without a shared library, or when the library
# was built with AddressSanitizer (node cannot dlopen it). CI requires it
# not to skip (.ci/run, step "bindings: node").
set -u
srcdir=${srcdir:-${top_srcdir:-.}}
top_builddir=${top_builddir:-.}
NODE=${NODE:-node}
command -v "$NODE" >/dev/null 2>&1 || { echo "node not found; skipping (install Node.js >= 18)"; exit 77; }
if [ ! -f "$srcdir/bindings/node/node_modules/koffi/package.json" ]; then
	echo "koffi is not installed in $srcdir/bindings/node/node_modules; skipping"
	echo "  install it with: (cd $srcdir/bindings/node && npm ci --no-audit --no-fund)"
	exit 77
fi
so=$(ls "$top_builddir"/lib/.libs/libpartnerws.so.[0-9]* 2>/dev/null | head -n 1)
[ -n "$so" ] || { echo "no shared library built; skipping"; exit 77; }
if command -v ldd >/dev/null 2>&1 && ldd "$so" 2>/dev/null | grep -q libasan; then
	echo "$so is built with AddressSanitizer; skipping"
	exit 77
fi
PARTNERWS_LIBRARY=$(cd "$(dirname "$so")" && pwd)/$(basename "$so")
export PARTNERWS_LIBRARY
cd "$srcdir/bindings/node" || exit 1
"$NODE" --test test/*.test.js
