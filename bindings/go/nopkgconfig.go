//go:build partnerws_nopkgconfig
// +build partnerws_nopkgconfig

package partnerws

// Without pkg-config: CGO_CFLAGS must name the include directory and
// CGO_LDFLAGS the library directory (-L...).

// #cgo LDFLAGS: -lpartnerws
import "C"
