#!/bin/sh
# One command from a fresh clone on Debian 12: install the missing build
# packages, build, and run the demo. Re-running it is cheap.
set -eu
cd "$(dirname "$0")"
PKGS="build-essential autoconf automake libtool pkg-config check libjansson-dev libsqlite3-dev libyaml-dev doxygen abigail-tools valgrind python3"
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing Debian packages:$missing"
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc 2>/dev/null || echo 2)"
echo
./examples/demo
# The same kind of world as a scenario file a security reviewer can read
# (doc/SCENARIOS.md), run by the `partnerws` command (TAP output).
if [ -x cli/partnerws ]; then
	echo
	echo "\$ ./cli/partnerws test tests/scenarios/VI2-isolation.yaml"
	./cli/partnerws test tests/scenarios/VI2-isolation.yaml
fi
