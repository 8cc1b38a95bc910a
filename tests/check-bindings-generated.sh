#!/bin/sh
# The bindings' generated files (bindings/python/partnerws/_generated.py,
# bindings/node/lib/generated.js and .d.ts, bindings/go/generated.go) must be
# what tools/genbind.py makes of the headers now: regenerate into a temporary
# directory and compare. When it fails, run `make bindings` and commit.
set -u
srcdir=${srcdir:-${top_srcdir:-.}}
PYTHON3=${PYTHON3:-python3}
command -v "$PYTHON3" >/dev/null 2>&1 || { echo "python3 not found; skipping"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$PYTHON3" "$srcdir/tools/genbind.py" --include "$srcdir/include" --out "$tmp" || exit 1
rc=0
for f in bindings/python/partnerws/_generated.py bindings/node/lib/generated.js \
		bindings/node/lib/generated.d.ts bindings/go/generated.go; do
	if ! diff -u "$srcdir/$f" "$tmp/$f"; then
		echo "$f is stale: run 'make bindings' and commit it"
		rc=1
	fi
done
# The generated JavaScript must at least load where node is installed.
if command -v node >/dev/null 2>&1; then
	node -e 'const g = require(process.argv[1]); if (g.Rule.RO6 === undefined) process.exit(1);' \
		"$tmp/bindings/node/lib/generated.js" || { echo "generated.js does not load"; rc=1; }
fi
if command -v gofmt >/dev/null 2>&1 && [ -n "$(gofmt -l "$tmp/bindings/go/generated.go")" ]; then
	echo "generated.go is not gofmt-clean"; rc=1
fi
exit $rc
