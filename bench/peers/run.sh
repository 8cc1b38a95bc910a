#!/bin/sh
# bench/peers/run.sh [D]: the peer scenario's load and build in one run,
# libpartnerws beside node-casbin and casbin-cpp (issue 15, point 5: the
# bulk load at least 3x faster than the fastest peer's load in the same
# run; the build by invite + accept no slower than casbin-cpp's load).
#
# D workspaces x 100 memberships (default 10000: 1M memberships, 990,001
# distinct users with 8-byte ids). Run from the build directory, after
# make. Not part of make check: it needs the peers, which come from outside
# the project:
#   node-casbin  installed with npm into $PWS_PEERS_DIR/node (the npm
#                registry; skipped without node and npm)
#   casbin-cpp   built from a source tree named by CASBIN_CPP_SRC (a clone
#                of github.com/casbin/casbin-cpp and Debian's
#                nlohmann-json3-dev; skipped without it)
# Each peer runs in a process of its own, one after the other, so they do
# not share the two CPUs. The figures are medians of 3 loads in one
# process (the first load of a process is slower on every side: its pages
# are new); run.sh prints every figure it read, then the ratios.
set -eu

D=${1:-10000}
case $D in '' | *[!0-9]*) echo "usage: $0 [D]" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
top_build=$(pwd)
bench=${BENCH:-$top_build/bench/bench}
dir=${PWS_PEERS_DIR:-${TMPDIR:-/tmp}/pws-peers}
mkdir -p "$dir"
out=$dir/figures.txt
: >"$out"

[ -x "$bench" ] || { echo "run.sh: no $bench (run make first, from the build directory)" >&2; exit 2; }

# --- node-casbin ---------------------------------------------------------
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	if [ ! -d "$dir/node/node_modules/casbin" ]; then
		mkdir -p "$dir/node"
		(cd "$dir/node" && npm init -y >/dev/null && npm install --no-audit --no-fund casbin@5 >/dev/null)
	fi
	echo "== node-casbin ($(node --version))"
	NODE_PATH=$dir/node/node_modules node --expose-gc --max-old-space-size=8192 \
		"$here/casbin-peer.js" "$D" | tee -a "$out"
else
	echo "== node-casbin: skipped (no node or npm)"
fi

# --- casbin-cpp ----------------------------------------------------------
if [ -n "${CASBIN_CPP_SRC:-}" ]; then
	cc_dir=$dir/casbin-cpp
	mkdir -p "$cc_dir/obj"
	# casbin's CMake build fetches nlohmann/json from the network and
	# force-includes casbin/pch.h; this compiles the same sources against
	# Debian's json with that header included the same way (and
	# <stdexcept>, which one of its headers uses without including)
	cxx="${CXX:-g++} -O2 -std=c++17 -I$CASBIN_CPP_SRC/include -include casbin/pch.h -include stdexcept"
	if [ ! -f "$cc_dir/libcasbin.a" ]; then
		echo "== building casbin-cpp from $CASBIN_CPP_SRC (a few minutes)"
		srcs=$(sed -n '/set(CASBIN_SOURCE_FILES/,/^)/p' "$CASBIN_CPP_SRC/casbin/CMakeLists.txt" |
			grep '\.cpp' | tr -d ' ')
		for s in $srcs; do
			o=$cc_dir/obj/$(echo "$s" | tr / _).o
			[ -f "$o" ] || echo "$cxx -c $CASBIN_CPP_SRC/casbin/$s -o $o"
		done | xargs -P2 -I{} sh -c '{}'
		ar rcs "$cc_dir/libcasbin.a" "$cc_dir"/obj/*.o
	fi
	${CXX:-g++} -O2 -std=c++17 -I"$CASBIN_CPP_SRC/include" -include stdexcept \
		"$here/casbin-peer.cpp" "$cc_dir/libcasbin.a" -lpthread -o "$cc_dir/casbin-peer"
	echo "== casbin-cpp ($(git -C "$CASBIN_CPP_SRC" log -1 --format=%h 2>/dev/null || echo source tree))"
	"$cc_dir/casbin-peer" "$D" | tee -a "$out"
else
	echo "== casbin-cpp: skipped (set CASBIN_CPP_SRC to a casbin-cpp source tree)"
fi

# --- libpartnerws --------------------------------------------------------
echo "== libpartnerws"
"$bench" --load-peer "$D" | tee -a "$out"
"$bench" --peer-build-plain $((D * 100)) | tee -a "$out"

# --- the ratios ----------------------------------------------------------
echo "== side by side, D = $D ($((D * 100)) memberships), this run"
awk '
/^(node-casbin|casbin-cpp) load-(file|api) / {
	v = $3 + 0
	if (best == "" || v < best) { best = v; who = $1 " " $2 }
	if ($1 == "casbin-cpp" && (cpp == "" || v < cpp)) cpp = v
}
/^  in memory / { mem = $3 / 1000 }
/^  written through \(one state image\)/ { wt = $6 / 1000 }
/^  a fresh process.s first load, written through:/ { first = $8 / 1000 }
/^peer build by calls:/ { for (i = 2; i <= NF; i++) if ($i == "s") calls = $(i - 1) }
END {
	if (best == "") { print "no peer ran: nothing to compare"; exit 0 }
	printf "fastest peer load: %s, %.3f s (3x faster: <= %.3f s)\n", who, best, best / 3
	printf "libpartnerws bulk load in memory       %.3f s = %.1fx faster\n", mem, best / mem
	printf "libpartnerws bulk load written through %.3f s = %.1fx faster (point 5a: %s)\n", wt,
	       best / wt, (best / wt >= 3 ? "met" : "not met")
	printf "libpartnerws a fresh process, written  %.3f s = %.1fx faster\n", first, best / first
	if (cpp != "")
		printf "libpartnerws built by calls            %.3f s = %.2fx casbin-cpp load %.3f s " \
		       "(point 5b: %s)\n", calls, calls / cpp, cpp, (calls <= cpp ? "met" : "not met")
}' "$out"
