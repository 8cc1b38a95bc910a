#!/bin/sh
# Runs each fuzz target for SECONDS seconds on a copy of its seed corpus
# (tests/fuzz/corpus/NAME, with tests/fuzz/NAME.dict when there is one).
# Any finding (a crash, a leak, UB, a broken promise, a timeout) fails the
# run: the reproducer's path, its size, its bytes in base64 and hex and the
# tail of the target's log are printed, and the reproducer is kept under
# $FUZZ_ARTIFACTS (default: tests/fuzz/artifacts). Rerun one with
#   tests/fuzz/bin/fuzz_NAME REPRODUCER
#   usage: run.sh SRCDIR BINDIR SECONDS [NAME...]
# SPDX-License-Identifier: MIT
set -u
srcdir=$1 bindir=$2 secs=$3
shift 3
names=${*:-"email bulk snapshot records image scenario api"}
art=${FUZZ_ARTIFACTS:-tests/fuzz/artifacts}
mkdir -p "$art"
work=$(mktemp -d "${TMPDIR:-/tmp}/pws-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
failed=0
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
for n in $names; do
	bin=$bindir/fuzz_$n
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin not built: FAIL"
		failed=1
		continue
	fi
	mkdir -p "$work/$n"
	[ -d "$srcdir/tests/fuzz/corpus/$n" ] && cp "$srcdir/tests/fuzz/corpus/$n/"* "$work/$n/" 2>/dev/null
	dict= d=$n
	[ "$n" = image ] && d=records # the image is records' JSON and binary
	[ -f "$srcdir/tests/fuzz/$d.dict" ] && dict="-dict=$srcdir/tests/fuzz/$d.dict"
	mkdir -p "$art/$n"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len=8192 \
		-print_final_stats=1 -artifact_prefix="$art/$n/" $dict "$work/$n" \
		> "$work/$n.log" 2>&1
	rc=$?
	found=$(ls "$art/$n/" 2>/dev/null)
	stats=$(grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$work/$n.log" | tr '\n' ' ')
	if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
		failed=1
		echo "fuzz: $n: FINDING (exit $rc)"
		tail -n 60 "$work/$n.log"
		for f in $found; do
			echo "fuzz: $n: reproducer $art/$n/$f ($(wc -c < "$art/$n/$f") bytes)"
			echo "  base64: $(base64 -w0 < "$art/$n/$f")"
			echo "  hex:    $(od -An -tx1 -v < "$art/$n/$f" | tr -d ' \n')"
			echo "  rerun:  $bin $art/$n/$f"
		done
	else
		echo "fuzz: $n: ${secs}s, no finding ($stats)"
	fi
done
[ "$failed" = 0 ] && rmdir "$art"/* "$art" 2>/dev/null
exit "$failed"
