// SPDX-License-Identifier: MIT

package partnerws

// #include "shim.h"
import "C"

import (
	"errors"
	"fmt"
)

// Error is the error every call returns when the library refuses or fails:
// the status code, the rule that decided (for a policy refusal, Code is
// StatusCodeEdenied and Rule says why, e.g. "IN3") and the library's
// message. Get at it with errors.As:
//
//	var perr *partnerws.Error
//	if errors.As(err, &perr) && perr.Rule == "RO6" { ... }
type Error struct {
	Op       string     // the C function, e.g. "pws_member_set_role"
	Code     StatusCode // the pws_status_code
	RuleCode Rule       // the deciding pws_rule, RuleNone if none decided
	Rule     string     // its short id ("RO6"), "" if none decided
	Message  string     // the library's English message (may be "")
	Err      error      // the host's error behind a storage failure, if any
}

func (e *Error) Error() string {
	s := "partnerws: " + e.Op + ": " + e.Code.Name()
	if e.Rule != "" {
		s += " (" + e.Rule + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	} else {
		s += ": " + e.Code.String()
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the host's error behind a storage failure.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, partnerws.ErrDenied) (and the other sentinels)
// match any *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Op == "" && t.Code == e.Code
}

// Sentinels for errors.Is; the IsXxx helpers below are shorter.
var (
	ErrDenied   = &Error{Code: StatusCodeEdenied}
	ErrNotFound = &Error{Code: StatusCodeEnotfound}
	ErrExists   = &Error{Code: StatusCodeEexists}
	ErrInvalid  = &Error{Code: StatusCodeEinvalid}
	ErrState    = &Error{Code: StatusCodeEstate}
	ErrStorage  = &Error{Code: StatusCodeEstorage}
	ErrConflict = &Error{Code: StatusCodeEconflict}
	ErrTimeout  = &Error{Code: StatusCodeEtimeout}
	ErrMisuse   = &Error{Code: StatusCodeEmisuse}
)

// ErrClosed is returned by calls on a closed Policy.
var ErrClosed = errors.New("partnerws: policy is closed")

func codeOf(err error) StatusCode {
	var perr *Error
	if errors.As(err, &perr) {
		return perr.Code
	}
	return 0
}

// IsDenied reports whether err is a policy refusal (PWS_EDENIED).
func IsDenied(err error) bool { return codeOf(err) == StatusCodeEdenied }

// IsNotFound reports whether err is PWS_ENOTFOUND (an unknown id).
func IsNotFound(err error) bool { return codeOf(err) == StatusCodeEnotfound }

// IsExists reports whether err is PWS_EEXISTS.
func IsExists(err error) bool { return codeOf(err) == StatusCodeEexists }

// IsInvalid reports whether err is PWS_EINVALID (a malformed argument).
func IsInvalid(err error) bool { return codeOf(err) == StatusCodeEinvalid }

// IsState reports whether err is PWS_ESTATE.
func IsState(err error) bool { return codeOf(err) == StatusCodeEstate }

// IsStorage reports whether err is PWS_ESTORAGE.
func IsStorage(err error) bool { return codeOf(err) == StatusCodeEstorage }

// IsTimeout reports whether err is PWS_ETIMEOUT (Wait).
func IsTimeout(err error) bool { return codeOf(err) == StatusCodeEtimeout }

// RuleOf returns the rule id of a refusal ("IN3"), "" for anything else.
func RuleOf(err error) string {
	var perr *Error
	if errors.As(err, &perr) {
		return perr.Rule
	}
	return ""
}

// statusNames spells the generated StatusCode constants as C names them.
var statusNames = map[StatusCode]string{
	StatusCodeOk: "PWS_OK", StatusCodeError: "PWS_ERROR", StatusCodeEnomem: "PWS_ENOMEM",
	StatusCodeEinvalid: "PWS_EINVALID", StatusCodeEmisuse: "PWS_EMISUSE",
	StatusCodeEnotfound: "PWS_ENOTFOUND", StatusCodeEexists: "PWS_EEXISTS",
	StatusCodeEdenied: "PWS_EDENIED", StatusCodeEstorage: "PWS_ESTORAGE",
	StatusCodeEuser: "PWS_EUSER", StatusCodeEstate: "PWS_ESTATE",
	StatusCodeEconflict: "PWS_ECONFLICT", StatusCodeEtimeout: "PWS_ETIMEOUT",
	StatusCodeIterover: "PWS_ITEROVER",
}

// Name is the C name of the code ("PWS_EDENIED").
func (c StatusCode) Name() string {
	if n, ok := statusNames[c]; ok {
		return n
	}
	return fmt.Sprintf("PWS_STATUS(%d)", int32(c))
}

// String is the library's description of the code (pws_strerror).
func (c StatusCode) String() string { return C.GoString(C.pws_strerror(C.int(c))) }

// ruleIDs caches pws_rule_id() so that Check allocates no rule string.
var ruleIDs = func() []string {
	ids := make([]string, int(RuleCount))
	for r := range ids {
		ids[r] = C.GoString(C.pws_rule_id(C.int(r)))
	}
	return ids
}()

// ID is the rule's short id as POLICY.md names it ("IN3"), "" for RuleNone.
func (r Rule) ID() string {
	if r >= 0 && int(r) < len(ruleIDs) {
		return ruleIDs[r]
	}
	return C.GoString(C.pws_rule_id(C.int(r)))
}

// Text is the rule's one-sentence description.
func (r Rule) Text() string { return C.GoString(C.pws_rule_text(C.int(r))) }

// RuleFromID looks a rule up by its short id; RuleNone if unknown.
func RuleFromID(id string) Rule {
	var a args
	p := a.str(id)
	if a.err != nil {
		return RuleNone
	}
	return Rule(C.pws_rule_from_id(p))
}
