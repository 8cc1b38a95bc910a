//go:build !partnerws_nopkgconfig
// +build !partnerws_nopkgconfig

package partnerws

// Compiler and linker flags come from pkg-config: set PKG_CONFIG_PATH to the
// directory of an installed partnerws.pc (or to the build tree, which holds
// one) when it is not in the default search path. Build with
// -tags partnerws_nopkgconfig to take them from CGO_CFLAGS / CGO_LDFLAGS
// alone.

// #cgo pkg-config: partnerws
import "C"
