#!/bin/sh
# bench/peers/run.sh [D]: the peer scenario's loads, builds and checks in
# one run, libpartnerws beside node-casbin, casbin-cpp, go-casbin and
# (checks only) cedar-wasm
# (issue 15, point 5: the bulk load at least 3x faster than the fastest
# peer's load in the same run; the build by invite + accept no slower
# than casbin-cpp's load).
#
# D workspaces x 100 memberships (default 10000: 1M memberships, 990,001
# distinct users with 8-byte ids). Run from the build directory, after
# make. Not part of make check: it needs the peers, which come from outside
# the project:
#   node-casbin  installed with npm into $PWS_PEERS_DIR/node (the npm
#                registry; skipped without node and npm)
#   cedar-wasm   the same way, into $PWS_PEERS_DIR/cedar; checks only
#   casbin-cpp   built from a source tree named by CASBIN_CPP_SRC (a clone
#                of github.com/casbin/casbin-cpp and Debian's
#                nlohmann-json3-dev; skipped without it)
#   go-casbin    built with Debian's Go from source trees in GO_CASBIN_SRC:
#                casbin, govaluate, doublestar and uuid, clones of
#                github.com/casbin/casbin, casbin/govaluate,
#                bmatcuk/doublestar and google/uuid (skipped without it)
# Casbin runs two models (PWS_PEERS_MODELS, default both; rbac-*.conf
# hold them): "shared", its best case for a check, and
# "domains", its RBAC-with-domains example, whose check walks 6 * D rules.
# Each peer runs in a process of its own, one after the other, so they do
# not share the two CPUs. The figures are medians of 3 loads in one
# process (the first load of a process is slower on every side: its pages
# are new); run.sh prints every figure it read, then the ratios.
set -eu

D=${1:-10000}
models=${PWS_PEERS_MODELS:-shared domains}
case $D in '' | *[!0-9]* | 0) echo "usage: $0 [D], D >= 1 workspaces" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
top_build=$(pwd)
bench=${BENCH:-$top_build/bench/bench}
dir=${PWS_PEERS_DIR:-${TMPDIR:-/tmp}/pws-peers}
mkdir -p "$dir"
out=$dir/figures.txt
: >"$out"

[ -x "$bench" ] || { echo "run.sh: no $bench (run make first, from the build directory)" >&2; exit 2; }

# Runs a measuring program, then shows and keeps what it printed; stops
# the script when it fails (a pipe into tee would hide its status).
measure() {
	"$@" >"$dir/last.txt" || { echo "run.sh: $1 failed" >&2; exit 1; }
	cat "$dir/last.txt" >>"$out"
	cat "$dir/last.txt"
}

# per_model LABEL PROGRAM...: a casbin peer under each model, given D,
# the model's name and its text's file.
per_model() {
	label=$1
	shift
	for m in $models; do
		echo "== $label, model $m"
		measure "$@" "$D" "$m" "$here/rbac-$m.conf"
	done
}

# A source tree's commit, for the headings.
commit_of() {
	git -C "$1" log -1 --format=%h 2>/dev/null || echo source tree
}

# --- node-casbin ---------------------------------------------------------
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	if [ ! -d "$dir/node/node_modules/casbin" ]; then
		mkdir -p "$dir/node"
		(cd "$dir/node" && npm init -y >/dev/null && npm install --no-audit --no-fund casbin@5 >/dev/null)
	fi
	per_model "node-casbin ($(node --version))" env NODE_PATH="$dir/node/node_modules" \
		node --expose-gc --max-old-space-size=8192 "$here/casbin-peer.js"
	# cedar-wasm: the checks only (Cedar keeps no store of memberships)
	if [ ! -d "$dir/cedar/node_modules/@cedar-policy/cedar-wasm" ]; then
		mkdir -p "$dir/cedar"
		(cd "$dir/cedar" && npm init -y >/dev/null &&
			npm install --no-audit --no-fund @cedar-policy/cedar-wasm@4 >/dev/null)
	fi
	echo "== cedar-wasm"
	measure env NODE_PATH="$dir/cedar/node_modules" node "$here/cedar-peer.js" "$D"
else
	echo "== node-casbin and cedar-wasm: skipped (no node or npm)"
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
	per_model "casbin-cpp ($(commit_of "$CASBIN_CPP_SRC"))" "$cc_dir/casbin-peer"
else
	echo "== casbin-cpp: skipped (set CASBIN_CPP_SRC to a casbin-cpp source tree)"
fi

# --- go-casbin -----------------------------------------------------------
if [ -n "${GO_CASBIN_SRC:-}" ] && command -v go >/dev/null 2>&1; then
	gd=$dir/go-casbin
	mkdir -p "$gd"
	cp "$here/go-casbin/main.go" "$gd/main.go"
	# the module proxy is not reachable here: casbin and its three
	# modules come from source trees, one directory each
	cat >"$gd/go.mod" <<EOF
module pwspeer

go 1.19

require github.com/casbin/casbin/v3 v3.0.0

replace (
	github.com/casbin/casbin/v3 => $GO_CASBIN_SRC/casbin
	github.com/casbin/govaluate => $GO_CASBIN_SRC/govaluate
	github.com/bmatcuk/doublestar/v4 => $GO_CASBIN_SRC/doublestar
	github.com/google/uuid => $GO_CASBIN_SRC/uuid
)
EOF
	(cd "$gd" && GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off go build -o go-casbin-peer .)
	per_model "go-casbin ($(commit_of "$GO_CASBIN_SRC/casbin"))" "$gd/go-casbin-peer"
else
	echo "== go-casbin: skipped (set GO_CASBIN_SRC to a directory of source trees: casbin," \
		"govaluate, doublestar, uuid)"
fi

# --- libpartnerws --------------------------------------------------------
echo "== libpartnerws"
measure "$bench" --load-peer "$D"
measure "$bench" --peer-build-plain $((D * 100))
# the checks: bench --peer measures D = 100, 1,000 and 10,000
measure "$bench" --peer

# --- the ratios ----------------------------------------------------------
echo "== side by side, D = $D ($((D * 100)) memberships), this run"
awk -v D="$D" '
function row(name, first, med) {
	printf "  %-40s %9s %9s\n", name, first == "" ? "-" : sprintf("%.3f s", first),
	       med == "" ? "-" : sprintf("%.3f s", med)
}
/^(node-casbin|casbin-cpp|go-casbin|cedar-wasm) model / { model = $3 }
/^(node-casbin|casbin-cpp|go-casbin) load-(file|api) / {
	k = $1 " " $2 " (" model ")"
	v = $3 + 0
	f = $6; sub(/,.*/, "", f); sub(/\)/, "", f)
	# a peer process loads its file first: that run is the first load of
	# the process (fresh memory, as bench --load-first); a file read once
	# (node-casbin) has no median
	file = $2 == "load-file"
	names[++n] = k; first[k] = file ? f + 0 : ""; med[k] = $6 ~ /,/ ? v : ""
	if (med[k] != "" && (best == "" || v < best)) { best = v; who = k }
	if (file && (bestf == "" || f + 0 < bestf)) { bestf = f + 0; whof = k }
	if ($1 == "casbin-cpp") {
		if (cpp == "" || v < cpp) { cpp = v; cppwho = k }
		if (file && (cppf == "" || f + 0 < cppf)) cppf = f + 0
	}
}
/^(node-casbin|casbin-cpp|go-casbin|cedar-wasm) check-p50 / { pc[++np] = $1 " " model; pv[np] = $3 / 1000 }
/^ D = [0-9]+: / { blk = $3 + 0 }
blk == D && /^  pws_check by id +p50/ { byid = $5 / 1000 }
blk == D && /^  by id, ids in a request buffer p50/ { bybuf = $9 / 1000 }
blk == D && /^  pws_check_ref +p50/ { byref = $3 / 1000 }
/^  in memory / { mem = $3 / 1000 }
/^  written through \(one state image\)/ { wt = $6 / 1000 }
/^  a fresh process.s first load, written through:/ { fresh = $8 / 1000 }
# the copy by the host store of the record, inside the written-through times
# (the median runs, then the fresh process), and the floor of the load
/^    of which the host store.s put \(/ { put = $(NF - 1) / 1000 }
/^    of which the host store.s put [0-9]/ { putf = $(NF - 1) / 1000 }
/^  the load.s floor / { for (i = 2; i <= NF; i++) if ($i == "(slowest") lf = $(i - 2) / 1000 }
/^  the floor.s first load in a fresh process:/ { lff = $9 / 1000 }
/^go-casbin build-calls / && model == "shared" { gocalls = $3; gon = substr($5, 2); gof = $7 }
/^peer build by calls:/ { for (i = 2; i <= NF; i++) if ($i == "s") calls = $(i - 1) }
END {
	if (n == 0) { print "no peer ran: nothing to compare"; exit 0 }
	printf "  %-40s %9s %9s\n", "load of the peer world", "first", "median"
	for (i = 1; i <= n; i++) row(names[i], first[names[i]], med[names[i]])
	row("libpartnerws pws_load_state, in memory", "", mem)
	row("libpartnerws pws_load_state, written", fresh, wt)
	if (put != "")
		row("  the same less the host store put", fresh - putf, wt - put)
	if (lf != "")
		row("the load floor (bench/load-floor.c)", lff, lf)
	printf "point 5a, the bulk load at least 3x faster than the fastest peer'"'"'s load:\n"
	printf "  median: %s %.3f s / written through %.3f s = %.1fx (%s)\n", who, best, wt,
	       best / wt, (best / wt >= 3 ? "met" : "not met")
	printf "  first load of a process: %s %.3f s / %.3f s = %.1fx (%s)\n", whof, bestf, fresh,
	       bestf / fresh, (bestf / fresh >= 3 ? "met" : "not met")
	if (put != "")
		printf "  the library part alone (less the host store put): median %.1fx, first load %.1fx\n",
		       best / (wt - put), bestf / (fresh - putf)
	if (lf != "")
		printf "  3x the fastest load is %.3f s = %.1fx the load floor of this run (%.3f s); " \
		       "written through %.1fx, in memory %.1fx\n", best / 3, best / 3 / lf, lf, wt / lf, mem / lf
	if (cpp != "")
		printf "point 5b, built by calls (invite + accept) %.3f s against casbin-cpp'"'"'s " \
		       "load (%s, median %.3f s; its first load %.3f s): %s\n", calls, cppwho, cpp, cppf,
		       (calls <= cpp ? "met" : (calls <= cppf ? "met against its first load only" : "not met"))
	if (gocalls != "")
		printf "  go-casbin built by calls (AddGroupingPolicy, %s of %s rules): %.3f s; " \
		       "libpartnerws by invite + accept %.3f s\n", gon, gof, gocalls, calls
	if (byid == "") { print "checks: bench --peer measures no block of D = " D; exit 0 }
	printf "checks, p50 (1 in 4 on a workspace the user is not in):\n"
	printf "  libpartnerws pws_check by id %.3f us (ids in a request buffer %.3f us), " \
	       "pws_check_ref %.3f us\n", byid, bybuf, byref
	for (i = 1; i <= np; i++)
		printf "  %-20s %12.1f us = %8.0fx pws_check by id\n", pc[i], pv[i], pv[i] / byid
}' "$out"
