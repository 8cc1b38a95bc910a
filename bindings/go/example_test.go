// SPDX-License-Identifier: MIT

package partnerws_test

import (
	"errors"
	"fmt"
	"log"

	"libpartnerws/bindings/go/partnerws"
)

// The README's example.
func Example() {
	p, err := partnerws.New(partnerws.WithEvents(func(e partnerws.Event) {
		fmt.Println("event:", e.Kind.Name(), e.Recipients)
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	_ = p.TeamAdd("pub", "Publisher", partnerws.PlanEnterprise, false)
	_ = p.UserAdd("alice", "alice@pub.example", "pub", partnerws.TeamRoleSuperAdmin, false)
	_ = p.WorkspaceCreate("alice", "ws", "Partner API", partnerws.VisibilityPartner, "")
	ok, rule, err := p.Check("alice", partnerws.ActionEdit, "ws", "")
	fmt.Println(ok, rule, err)
	err = p.MemberSetRole("alice", "ws", "alice", partnerws.WsRoleViewer, partnerws.Ask())
	var perr *partnerws.Error
	if errors.As(err, &perr) {
		fmt.Println(perr.Code.Name(), perr.Rule)
	}
	// Output:
	// event: partner_manager_assigned []
	// true ED1 <nil>
	// PWS_EDENIED RO5
}
