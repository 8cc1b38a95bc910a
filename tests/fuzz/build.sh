#!/bin/sh
# Builds the fuzz targets (libFuzzer, ASan + UBSan): compiles the library's
# sources once into objects with the fuzzing flags, then links each target.
# Called by `make fuzz`; usable alone from the build directory:
#   sh SRCDIR/tests/fuzz/build.sh SRCDIR lib/a.c lib/b.c ... (headers are skipped)
# Environment: FUZZ_CC (clang), FUZZ_CFLAGS, JANSSON_CFLAGS/LIBS,
# YAML_CFLAGS/LIBS (the scenario target is built when YAML_LIBS is set).
# SPDX-License-Identifier: MIT
set -eu
srcdir=$1; shift
cc=${FUZZ_CC:-clang}
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cflags="-g -O1 -std=c11 -Wall -Wextra -Werror $san ${FUZZ_CFLAGS:-}"
cppflags="-I$srcdir/include -I$srcdir/lib -I. -D_POSIX_C_SOURCE=200809L -DPWS_BUILDING_LIBRARY"
out=tests/fuzz/bin
obj=tests/fuzz/obj
mkdir -p "$out" "$obj"
if ! echo 'int main(void){return 0;}' | "$cc" -x c -fsanitize=fuzzer-no-link - -o /dev/null 2>/dev/null; then
	echo "build.sh: $cc cannot build libFuzzer targets (install clang)" >&2
	exit 1
fi

# newer FILE THAN...: FILE is missing or older than any of the others
newer() {
	nt_=$1; shift
	[ -e "$nt_" ] || return 0
	for f in "$@"; do [ "$f" -nt "$nt_" ] && return 0; done
	return 1
}

headers=$(ls "$srcdir"/lib/*.h "$srcdir"/include/*.h "$srcdir"/include/partnerws/*.h)
objs=
pids=
for src in "$@"; do
	case $src in *.c) ;; *) continue ;; esac
	o=$obj/$(basename "$src" .c).o
	objs="$objs $o"
	if newer "$o" "$srcdir/$src" $headers; then
		echo "  CC (fuzz) $src"
		# shellcheck disable=SC2086
		"$cc" $cppflags $cflags -fsanitize=fuzzer-no-link ${JANSSON_CFLAGS:-} \
			-c "$srcdir/$src" -o "$o" &
		pids="$pids $!"
	fi
done
for p in $pids; do wait "$p"; done

# the tests' in-memory store (fuzz-common.h), linked into every target
memstore="$srcdir/tests/mem-store.c"
common="$srcdir/tests/fuzz/fuzz-common.h $srcdir/tests/fuzz/fuzz-world.h \
	$srcdir/tests/fuzz/fuzz-walk.h $srcdir/tests/fuzz/fuzz-load.h $srcdir/tests/fuzz/fuzz-records.h \
	$memstore $srcdir/tests/mem-store.h"
for t in email bulk snapshot records image api; do
	if newer "$out/fuzz_$t" "$srcdir/tests/fuzz/fuzz_$t.c" $common $objs; then
		echo "  LD (fuzz) $out/fuzz_$t"
		# shellcheck disable=SC2086
		"$cc" $cppflags $cflags -fsanitize=fuzzer "$srcdir/tests/fuzz/fuzz_$t.c" "$memstore" $objs \
			${JANSSON_LIBS:--ljansson} -lpthread -o "$out/fuzz_$t"
	fi
done
# gen-seeds: writes the seed corpora of the records, image and snapshot
# targets (tests/fuzz/gen-seeds.c); not a fuzzer
if newer "$out/gen-seeds" "$srcdir/tests/fuzz/gen-seeds.c" $common $objs; then
	echo "  LD (fuzz) $out/gen-seeds"
	# shellcheck disable=SC2086
	"$cc" $cppflags $cflags "$srcdir/tests/fuzz/gen-seeds.c" "$memstore" $objs \
		${JANSSON_LIBS:--ljansson} -lpthread -o "$out/gen-seeds"
fi
if [ -n "${YAML_LIBS:-}" ]; then
	cli="$srcdir/cli/scenario.c $srcdir/cli/names.c"
	if newer "$out/fuzz_scenario" "$srcdir/tests/fuzz/fuzz_scenario.c" $cli "$srcdir/cli/cli.h" $common $objs; then
		echo "  LD (fuzz) $out/fuzz_scenario"
		# shellcheck disable=SC2086
		"$cc" -I"$srcdir/include" -I"$srcdir/cli" -I"$srcdir/tests/fuzz" -D_POSIX_C_SOURCE=200809L \
			$cflags -fsanitize=fuzzer ${YAML_CFLAGS:-} "$srcdir/tests/fuzz/fuzz_scenario.c" "$memstore" $cli \
			$objs ${JANSSON_LIBS:--ljansson} $YAML_LIBS -lpthread -o "$out/fuzz_scenario"
	fi
else
	echo "build.sh: libyaml not found: no fuzz_scenario" >&2
fi
