#!/usr/bin/env bash
# Line and branch coverage of lib/, gated by tests/coverage-thresholds.
#
#   bash tests/coverage.sh            (or: make coverage)
#
# Builds the tree with gcc --coverage in a separate directory
# ($PWS_COV_BUILDDIR, default build-cov/ in the source tree), runs
# `make check` there (the ABI comparison is skipped: an instrumented
# library is not the released one; the binding and PostgreSQL tests may
# skip), then prints the line and branch coverage of every file of lib/
# (gcovr) and fails when a figure is below its minimum in
# tests/coverage-thresholds.
#
# Branches the compiler adds that no source can take are left out
# (--exclude-unreachable-branches); a branch that cannot be taken is
# marked in the code with GCOVR_EXCL_BR_LINE (or _START/_STOP) and a
# comment saying why.
#
# PWS_COV_REPORT_ONLY=1 measures an existing build again (no rebuild, no
# test run). PWS_COV_HTML=DIR also writes an HTML report with the source
# annotated, to find what is missing.
set -euo pipefail
srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=${PWS_COV_BUILDDIR:-$srcdir/build-cov}
thresholds=$srcdir/tests/coverage-thresholds
jobs=$(nproc 2>/dev/null || echo 2)

command -v gcovr >/dev/null 2>&1 || { echo "gcovr not found (Debian: gcovr)"; exit 1; }
command -v python3 >/dev/null 2>&1 || { echo "python3 not found"; exit 1; }

# A source tree configured in place cannot also be built elsewhere
# (configure refuses): then the sources are copied to $build/src (the
# files git knows, committed or not) and built there.
root=$srcdir
if [ -f "$srcdir/config.status" ]; then
	command -v git >/dev/null 2>&1 && git -C "$srcdir" rev-parse >/dev/null 2>&1 || {
		echo "coverage: $srcdir is configured in place; run 'make distclean' there first"
		exit 1
	}
	root=$build/src
fi

if [ "${PWS_COV_REPORT_ONLY:-0}" != 1 ]; then
	mkdir -p "$build"
	if [ "$root" != "$srcdir" ]; then
		mkdir -p "$root"
		(cd "$srcdir" && git ls-files -z --cached --others --exclude-standard |
			tar --null -T - -cf -) | tar -C "$root" -xf -
	fi
	[ "$root/configure" -nt "$root/configure.ac" ] || (cd "$root" && autoreconf -fi >/dev/null 2>&1)
	# -fprofile-update=atomic: the concurrency tests increment the counters
	# from many threads; plain increments lose updates (negative counts).
	cov="--coverage -fprofile-update=atomic"
	(
		cd "$build"
		if ! grep -q -e '-fprofile-update=atomic' config.status 2>/dev/null; then
			"$root/configure" -q CFLAGS="-O0 -g $cov" CXXFLAGS="-O0 -g $cov" LDFLAGS="--coverage"
		fi
		make -j"$jobs" >/dev/null
		# counts of an earlier run would add up with this one
		find . -name '*.gcda' -delete
		PWS_SKIP_ABI=1 PWS_REQUIRE_ABI=0 make -j"$jobs" check >/dev/null 2>&1 || {
			echo "make check failed in the coverage build:"
			cat test-suite.log 2>/dev/null | tail -n 60
			exit 1
		}
	)
fi

summary=$build/coverage-summary.json
(
	cd "$build"
	args=(--root "$root" --filter "$root/lib/" --exclude-unreachable-branches
	      --exclude-throw-branches --json-summary "$summary")
	[ -n "${PWS_COV_HTML:-}" ] && args+=(--html-details "$PWS_COV_HTML/index.html")
	[ -n "${PWS_COV_HTML:-}" ] && mkdir -p "$PWS_COV_HTML"
	gcovr "${args[@]}" lib
)

python3 - "$summary" "$thresholds" <<'EOF'
import json, sys

summary, thresholds = sys.argv[1], sys.argv[2]
files = {f["filename"]: f for f in json.load(open(summary))["files"]}

def pct(cov, tot):
    return 100.0 if tot == 0 else 100.0 * cov / tot

def fmt(cov, tot):
    return "%6.2f%% %5d/%-5d" % (pct(cov, tot), cov, tot)

print("%-24s %-20s %-20s" % ("file", "lines", "branches"))
tl = cl = tb = cb = 0
for name in sorted(files):
    f = files[name]
    print("%-24s %s %s" % (name, fmt(f["line_covered"], f["line_total"]),
                           fmt(f["branch_covered"], f["branch_total"])))
    tl += f["line_total"]; cl += f["line_covered"]
    tb += f["branch_total"]; cb += f["branch_covered"]
print("%-24s %s %s" % ("total", fmt(cl, tl), fmt(cb, tb)))

# Each line: PATH MIN-BRANCH% [MIN-LINE%]. A PATH ending in '/' is the
# total over the files under it; otherwise it names one file.
failed = 0
for raw in open(thresholds):
    line = raw.split("#", 1)[0].split()
    if not line:
        continue
    path, mins = line[0], [float(x) for x in line[1:]]
    if path.endswith("/"):
        sel = [f for n, f in files.items() if n.startswith(path)]
    else:
        sel = [files[path]] if path in files else []
    if not sel:
        print("coverage: %s: no such file measured" % path)
        failed = 1
        continue
    b = pct(sum(f["branch_covered"] for f in sel), sum(f["branch_total"] for f in sel))
    l = pct(sum(f["line_covered"] for f in sel), sum(f["line_total"] for f in sel))
    # figures are compared as printed, to two decimals
    if round(b, 2) < mins[0]:
        print("coverage: %s: branches %.2f%% < %.2f%%" % (path, b, mins[0]))
        failed = 1
    if len(mins) > 1 and round(l, 2) < mins[1]:
        print("coverage: %s: lines %.2f%% < %.2f%%" % (path, l, mins[1]))
        failed = 1
if failed:
    print("coverage: below the minimums of tests/coverage-thresholds")
    sys.exit(1)
print("coverage: every minimum of tests/coverage-thresholds is met")
EOF
