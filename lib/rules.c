/*
 * Rule ids and texts (POLICY.md), and action names.
 * SPDX-License-Identifier: MIT
 */
#include "pws-int.h"

#include <string.h>

static const struct {
	const char *id, *text;
} rules[PWS_RULE_COUNT] = {
	[PWS_RULE_NONE] = { "", "" },
	[PWS_RULE_PL1] = { "PL1", "Partner workspaces can be created only by teams on professional or enterprise." },
	[PWS_RULE_PL2] = { "PL2", "Partner Viewers are free; Partner Editors are billed seats, counted per publisher team." },
	[PWS_RULE_PL3] = { "PL3", "Deleted APIs and environments are not recoverable; collections under 30 MB are recoverable for 90 days on enterprise." },
	[PWS_RULE_PL4] = { "PL4", "A partner uses a Partner Editor seat; with no free seat an Editor invite becomes a Viewer invite." },
	[PWS_RULE_CR1] = { "CR1", "A super admin or Partner Manager creates a partner workspace at once; anyone else creates a request for a Partner Manager." },
	[PWS_RULE_CR2] = { "CR2", "Converting a workspace to partner is asked by its Workspace Admin and follows CR1." },
	[PWS_RULE_CR3] = { "CR3", "Requests are reviewed by Partner Managers and super admins; the requester is notified." },
	[PWS_RULE_CR4] = { "CR4", "On conversion every member is notified." },
	[PWS_RULE_CR5] = { "CR5", "New partner workspaces are team-to-team." },
	[PWS_RULE_CR6] = { "CR6", "Partners never create workspaces in the publisher's team." },
	[PWS_RULE_CR7] = { "CR7", "The Partner Manager role exists on enterprise only; on professional anyone allowed to create workspaces creates partner workspaces directly." },
	[PWS_RULE_CR8] = { "CR8", "If an enterprise team has no Partner Manager when its first partner workspace is created, its Admin becomes one." },
	[PWS_RULE_WS1] = { "WS1", "A partner workspace is visible only to its members and to the owning team's Partner Managers." },
	[PWS_RULE_WS2] = { "WS2", "A partner reaches only the partner workspaces they were invited to." },
	[PWS_RULE_WS3] = { "WS3", "In the team-to-team model a partner reaches the workspace from their own team, as external." },
	[PWS_RULE_WS4] = { "WS4", "Access follows team membership: a partner who leaves their team loses access at once." },
	[PWS_RULE_LC1] = { "LC1", "A pending workspace allows nothing but the review of its request; a deleted one allows nothing." },
	[PWS_RULE_RO1] = { "RO1", "Partners are editor or viewer, never admin." },
	[PWS_RULE_RO2] = { "RO2", "In multi-partner mode partners are viewers only." },
	[PWS_RULE_RO3] = { "RO3", "Only Workspace Admins and Partner Managers give or take the Partner Lead flag." },
	[PWS_RULE_RO4] = { "RO4", "Workspace Admins and Partner Managers manage members and roles; Partner Leads only for their own organization." },
	[PWS_RULE_RO5] = { "RO5", "Nobody changes their own workspace role or Partner Lead flag." },
	[PWS_RULE_RO6] = { "RO6", "A workspace always keeps at least one Admin from the owning team." },
	[PWS_RULE_IN1] = { "IN1", "Workspace Admins, Partner Managers and Partner Leads can invite partners." },
	[PWS_RULE_IN2] = { "IN2", "Only Workspace Admins and Partner Managers can invite team members." },
	[PWS_RULE_IN3] = { "IN3", "A Partner Lead invites only people of their own partner organization." },
	[PWS_RULE_IN4] = { "IN4", "Partners must be external to the publisher team and its domains." },
	[PWS_RULE_IN5] = { "IN5", "Bulk invites report every bad line with its line number." },
	[PWS_RULE_IN6] = { "IN6", "In team-to-team, a partner accepts through their own team." },
	[PWS_RULE_AC1] = { "AC1", "Every member may view, send requests, run collections, generate code and export." },
	[PWS_RULE_ED1] = { "ED1", "Editors and Admins edit and import; never partners in multi-partner mode." },
	[PWS_RULE_MV1] = { "MV1", "An element is moved by an Editor on it, the Workspace Admin, or a super admin who reaches it, into a workspace they reach." },
	[PWS_RULE_MV2] = { "MV2", "Moving an element does not carry its monitors and mock servers along." },
	[PWS_RULE_RM1] = { "RM1", "An element is removed or deleted by an Editor on it, the Workspace Admin, or a super admin who reaches it." },
	[PWS_RULE_RM2] = { "RM2", "Removing a partner from their last partner workspace of a team ends their partner relation with that team." },
	[PWS_RULE_FK1] = { "FK1", "Partners fork into their own paid team; on free they need Editor; the target needs Editor or Admin." },
	[PWS_RULE_CM1] = { "CM1", "Members comment on elements, but nobody in multi-partner mode." },
	[PWS_RULE_UP1] = { "UP1", "Team members with Editor or Admin post workspace updates." },
	[PWS_RULE_UP2] = { "UP2", "Members reply to updates in single-partner mode; nobody in multi-partner mode." },
	[PWS_RULE_DT1] = { "DT1", "Workspace Admins and Partner Managers edit name, summary and description." },
	[PWS_RULE_MP1] = { "MP1", "Workspace Admins and Partner Managers enable multi-partner mode, once and for good." },
	[PWS_RULE_INT1] = { "INT1", "Slack and Teams integrations are not available in partner workspaces." },
	[PWS_RULE_DL1] = { "DL1", "Visibility changes away from partner only when no partner is left." },
	[PWS_RULE_DL2] = { "DL2", "Workspace Admins and Partner Managers delete the workspace once it is no longer partner; members are notified." },
	[PWS_RULE_VI1] = { "VI1", "Publisher team members see every member, partners grouped by organization." },
	[PWS_RULE_VI2] = { "VI2", "In multi-partner mode a partner sees the publisher's members and their own organization only." },
	[PWS_RULE_VI3] = { "VI3", "In single-partner mode every member sees every member." },
	[PWS_RULE_VI4] = { "VI4", "History is private: a user sees only their own entries." },
	[PWS_RULE_VI5] = { "VI5", "Updates are broadcast to all members; multi-partner mode has no replies." },
	[PWS_RULE_VI6] = { "VI6", "Each member has an unread-updates count since their last visit." },
	[PWS_RULE_VI7] = { "VI7", "Partner members are marked external in every list." },
	[PWS_RULE_VI8] = { "VI8", "The view as a partner organization equals that of its Viewer partners." },
	[PWS_RULE_VI9] = { "VI9", "A Partner Manager lists what one partner reaches across the team, with roles." },
	[PWS_RULE_TT1] = { "TT1", "The partnerships page lists each partner team, its SSO, and the workspaces it reaches." },
	[PWS_RULE_TT2] = { "TT2", "Migration turns a legacy partner workspace into a team-to-team one; members keep their roles." },
	[PWS_RULE_TT3] = { "TT3", "Notices: one per team for managers and admins, one per workspace for partners." },
	[PWS_RULE_EV1] = { "EV1", "In a multi-partner workspace one notice never addresses partners of two organizations: one per organization, one for the publisher side." },
};

PWS_EXTERN const char *pws_rule_id(int rule)
{
	return rule > 0 && rule < PWS_RULE_COUNT ? rules[rule].id : "";
}

PWS_EXTERN const char *pws_rule_text(int rule)
{
	return rule > 0 && rule < PWS_RULE_COUNT ? rules[rule].text : "";
}

PWS_EXTERN int pws_rule_from_id(const char *id)
{
	int i;

	if (!id || !id[0])
		return PWS_RULE_NONE;
	for (i = 1; i < PWS_RULE_COUNT; i++)
		if (strcmp(rules[i].id, id) == 0)
			return i;
	return PWS_RULE_NONE;
}

static const char *const actions[PWS_ACT_COUNT] = {
	"", "view", "send_request", "run", "generate_code", "export", "edit",
	"import", "move", "delete_element", "fork", "comment", "post_update",
	"reply", "edit_details", "enable_multi_partner", "integration",
	"change_visibility", "delete_workspace", "review_request",
	"invite_partner", "invite_member", "manage_members", "set_partner_lead",
	"view_members", "convert"
};

PWS_EXTERN const char *pws_action_name(int action)
{
	return action > 0 && action < PWS_ACT_COUNT ? actions[action] : "";
}
