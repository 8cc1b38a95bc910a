// SPDX-License-Identifier: MIT

package partnerws

// #include "shim.h"
import "C"

// Member is one row of a members listing (VI1-VI3, VI7).
type Member struct {
	ID        string
	Email     string // the identity key of the address
	Role      WsRole
	Lead      bool   // Partner Lead
	External  bool   // a partner (VI7)
	Org       string // the partner organization, "" for team members
	Suspended bool   // a suspended membership (WS4), publisher side only
}

// Workspace is one row of the workspaces a user reaches (WS1-WS3).
type Workspace struct {
	ID         string
	Team       string // the owning team
	Role       WsRole // 0 when reached without a membership
	External   bool   // owned by another team
	Visibility Visibility
	Mode       Mode // 0 if not a partner workspace
	Unread     int  // unread updates (VI6)
}

// Element is one row of an elements listing, with the viewer's actions.
type Element struct {
	ID      string
	Kind    ElementKind
	Actions ActionSet
	Parent  string // the collection a monitor or mock server serves
}

// row reads the current row of an iterator.
type row struct{ it *C.pws_iter }

func (r row) str(c Column) string { return gostr(C.pws_iter_str(r.it, C.int(c))) }
func (r row) int(c Column) int64  { return int64(C.pws_iter_int(r.it, C.int(c))) }
func (r row) bool(c Column) bool  { return r.int(c) != 0 }

// list opens a listing, copies every row out with each, and frees it.
func (p *Policy) list(op string, a *args, open func(out **C.pws_iter) C.int, each func(row)) error {
	var it *C.pws_iter
	err := p.query(op, a, func() C.int { return open(&it) })
	if err != nil {
		return err
	}
	defer C.pws_iter_free(it)
	for C.pws_iter_next(it) == 0 {
		each(row{it})
	}
	return nil
}

func memberOf(r row) Member {
	return Member{ID: r.str(ColumnId), Email: r.str(ColumnEmail), Role: WsRole(r.int(ColumnRole)),
		Lead: r.bool(ColumnLead), External: r.bool(ColumnExternal), Org: r.str(ColumnOrg),
		Suspended: r.bool(ColumnSuspended)}
}

// Members lists the members of a workspace as viewer sees them: in
// multi-partner mode a partner sees the publisher's members and their own
// organization only (VI2). A viewer who may not see them gets IsDenied.
func (p *Policy) Members(viewer, ws string) ([]Member, error) {
	var a args
	cv, cws := a.str(viewer), a.str(ws)
	var out []Member
	err := p.list("pws_list_members", &a, func(it **C.pws_iter) C.int {
		return C.pws_list_members(it, p.p, cv, cws)
	}, func(r row) { out = append(out, memberOf(r)) })
	return out, err
}

// MembersAsOrg lists the members as a partner organization sees them (VI8).
func (p *Policy) MembersAsOrg(org, ws string) ([]Member, error) {
	var a args
	co, cws := a.str(org), a.str(ws)
	var out []Member
	err := p.list("pws_list_members_as_org", &a, func(it **C.pws_iter) C.int {
		return C.pws_list_members_as_org(it, p.p, co, cws)
	}, func(r row) { out = append(out, memberOf(r)) })
	return out, err
}

// Workspaces lists the workspaces user reaches, by id.
func (p *Policy) Workspaces(user string) ([]Workspace, error) {
	var a args
	cu := a.str(user)
	var out []Workspace
	err := p.list("pws_list_workspaces", &a, func(it **C.pws_iter) C.int {
		return C.pws_list_workspaces(it, p.p, cu)
	}, func(r row) {
		out = append(out, Workspace{ID: r.str(ColumnId), Team: r.str(ColumnTeam),
			Role: WsRole(r.int(ColumnRole)), External: r.bool(ColumnExternal),
			Visibility: Visibility(r.int(ColumnVisibility)), Mode: Mode(r.int(ColumnMode)),
			Unread: int(r.int(ColumnUnread))})
	})
	return out, err
}

// Elements lists the elements of a workspace viewer sees, with the actions
// allowed on each, in the workspace's order.
func (p *Policy) Elements(viewer, ws string) ([]Element, error) {
	var a args
	cv, cws := a.str(viewer), a.str(ws)
	var out []Element
	err := p.list("pws_list_elements", &a, func(it **C.pws_iter) C.int {
		return C.pws_list_elements(it, p.p, cv, cws)
	}, func(r row) {
		out = append(out, Element{ID: r.str(ColumnId), Kind: ElementKind(r.int(ColumnKind)),
			Actions: ActionSet(r.int(ColumnActions)), Parent: r.str(ColumnParent)})
	})
	return out, err
}
