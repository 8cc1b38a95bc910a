#!/bin/sh
# The Go binding (bindings/go): go vet, then go test with the cgo pointer
# checks on (GODEBUG=cgocheck=2), against the library of this build tree.
# Skipped (77) without go, without a shared library, or when the library
# was built with a sanitizer (the Go test binary does not link its runtime).
# No network: the package uses the standard library only (GOPROXY=off).
set -u
top_srcdir=${top_srcdir:-${srcdir:-.}}
top_builddir=${top_builddir:-.}
command -v go >/dev/null 2>&1 || { echo "go not found; skipping"; exit 77; }
abs() { (cd "$1" && pwd); }
src=$(abs "$top_srcdir") || exit 1
build=$(abs "$top_builddir") || exit 1
so=$(ls "$build"/lib/.libs/libpartnerws.so.[0-9]* 2>/dev/null | head -n 1)
[ -n "$so" ] || { echo "no shared library built; skipping"; exit 77; }
if command -v ldd >/dev/null 2>&1 && ldd "$so" 2>/dev/null | grep -Eq 'lib(a|ub|t)san'; then
	echo "$so is built with a sanitizer; skipping"
	exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# A writable cache: $HOME may be read-only (distcheck, CI containers).
if [ -z "${GOCACHE:-}" ]; then
	if [ -n "${HOME:-}" ] && [ -w "$HOME" ]; then :; else GOCACHE=$tmp/cache; export GOCACHE; fi
fi
[ -n "${HOME:-}" ] && [ -w "$HOME" ] || { GOPATH=$tmp/gopath; export GOPATH; }
GOPROXY=off GOFLAGS=-mod=readonly GO111MODULE=on CGO_ENABLED=1
# partnerws.pc of the build tree for `#cgo pkg-config`; the -I/-L below
# come first, so this tree's headers and library win over installed ones.
PKG_CONFIG_PATH=$build${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
CGO_CFLAGS="-I$src/include ${CGO_CFLAGS:-}"
CGO_LDFLAGS="-L$build/lib/.libs -lpartnerws ${CGO_LDFLAGS:-}"
LD_LIBRARY_PATH=$build/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export GOPROXY GOFLAGS GO111MODULE CGO_ENABLED PKG_CONFIG_PATH CGO_CFLAGS CGO_LDFLAGS LD_LIBRARY_PATH
tags=
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists partnerws; then
	echo "pkg-config cannot find partnerws: building with -tags partnerws_nopkgconfig"
	tags="-tags partnerws_nopkgconfig"
fi
cd "$src/bindings/go" || exit 1
go version
echo "go vet ./..."
go vet $tags ./... || exit 1
echo "GODEBUG=cgocheck=2 go test ./..."
# -count=1: never a cached pass against a library that changed since.
GODEBUG=cgocheck=2 go test $tags -count=1 ./... || exit 1
