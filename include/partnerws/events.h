/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws/events.h
 * @brief Events: who must be told what, after a committed change.
 * @defgroup events Events
 *
 * After a change commits, the host's ::pws_event_cb receives one event per
 * notice, with its resolved recipients, coalesced as TT3 says. Nothing is
 * sent for a refused or failed call. The callback runs on the calling
 * thread after the handle's lock is released, so it may call back into
 * the library. Events and the strings they return are borrowed for the
 * duration of the callback.
 *
 * Isolation holds in notices too (::PWS_RULE_EV1): the recipients of one
 * event never span two partner organizations of a multi-partner
 * workspace, nor a partner organization and the publisher side. A change
 * to a multi-partner workspace that concerns several organizations is
 * reported as several events of the same kind and rule, one for the
 * publisher side (team members, Partner Managers, admins; delivered even
 * with no recipient, like the single event of other workspaces) and one
 * per partner organization that has a recipient (the team a partner is on
 * in the team-to-team model, the email domain in the legacy model). So a
 * host may put one event's recipients on one To: line.
 * @{
 */
#ifndef PARTNERWS_EVENTS_H
#define PARTNERWS_EVENTS_H

#include "common.h"
#include "policy.h"

PWS_BEGIN_DECL

/** Event kinds. Values are ABI. */
typedef enum pws_event_kind {
	PWS_EV_REQUEST_CREATED = 1,     /**< A partner workspace was requested:
	                                     Partner Managers and Admins, one notice
	                                     per team (CR1, TT3). */
	PWS_EV_REQUEST_REVIEWED = 2,    /**< The requester learns the outcome (CR3). */
	PWS_EV_WORKSPACE_CONVERTED = 3, /**< Every member (CR4); never spans two
	                                     organizations (EV1). */
	PWS_EV_WORKSPACE_DELETED = 4,   /**< Every member (DL2); never spans two
	                                     organizations (EV1). */
	PWS_EV_INVITED = 5,             /**< An invitee, one notice per workspace
	                                     (IN1, IN2, TT3); the recipient is an email. */
	PWS_EV_MULTI_PARTNER_ENABLED = 6, /**< Every member (MP1): one event for
	                                     the publisher side and one per partner
	                                     organization (EV1). */
	PWS_EV_ROLES_DOWNGRADED = 7,    /**< Partners turned into Viewers (RO2, PL4):
	                                     one event per partner organization (EV1). */
	PWS_EV_UPDATE_POSTED = 8,       /**< Every member but the author (UP1, VI5);
	                                     in a multi-partner workspace one event for
	                                     the publisher side and one per partner
	                                     organization (EV1). */
	PWS_EV_MIGRATED = 9,            /**< Managers, team admins and workspace
	                                     admins: one per team (TT2, TT3). */
	PWS_EV_PARTNER_UPGRADED = 10,   /**< Each partner, one per workspace (TT3):
	                                     one recipient, so never two organizations. */
	PWS_EV_PARTNER_MANAGER_ASSIGNED = 11, /**< Admins made Partner Managers (CR8). */
	PWS_EV_ACCESS_ENDED = 12,       /**< A partner's relation with a team ended (RM2). */
	PWS_EV_INVITE_WITHDRAWN = 13,   /**< An open invite was withdrawn (IN7); the
	                                     recipient is the invitee's email. @since 0.2 */
	PWS_EV_INTEGRATION_DISABLED = 14 /**< Converting to partner visibility turned
	                                     the workspace's integration off (INT1);
	                                     Workspace Admins. @since 0.2 */
} pws_event_kind;

/** What a recipient of an event is (pws_event_recipient_kind()). Values
 *  are ABI. @since 0.2 */
typedef enum pws_recipient_kind {
	PWS_RECIPIENT_USER = 1, /**< A user id of the directory. */
	PWS_RECIPIENT_EMAIL = 2 /**< An email address (the invitee of ::PWS_EV_INVITED
	                             and ::PWS_EV_INVITE_WITHDRAWN), who may not be a
	                             user yet: the host mails it. */
} pws_recipient_kind;

/** Delivery channels of an event (bits). */
enum pws_event_channel {
	PWS_CHANNEL_IN_APP = 1u << 0, /**< In-app notice. */
	PWS_CHANNEL_EMAIL = 1u << 1   /**< Email. */
};

/**
 * @brief The kind of an event.
 * @param event the event.
 * @return a ::pws_event_kind, 0 for NULL.
 * @par Example
 * @code
 * #include <partnerws.h>
 * #include <stdio.h>
 *
 * // Sends each email notice: one line per recipient.
 * static void on_event(const pws_event *ev, void *payload)
 * {
 *	size_t i;
 *
 *	(void)payload;
 *	if (!(pws_event_channels(ev) & PWS_CHANNEL_EMAIL))
 *		return;
 *	for (i = 0; i < pws_event_recipient_count(ev); i++)
 *		printf("to %s: %s by %s in team %s (rule %s, revision %llu)\n",
 *		       pws_event_recipient(ev, i), pws_event_kind_name(pws_event_kind_of(ev)),
 *		       pws_event_actor(ev), pws_event_team(ev), pws_rule_id(pws_event_rule(ev)),
 *		       (unsigned long long)pws_event_revision(ev));
 * }
 *
 * int main(void)
 * {
 *	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
 *	pws_policy *p = NULL;
 *
 *	o.on_event = on_event;
 *	if (pws_policy_new(&p, &o) != PWS_OK)
 *		return 1;
 *	// ... every committed change now calls on_event ...
 *	pws_policy_free(p);
 *	return 0;
 * }
 * @endcode
 * @since 0.1
 */
PWS_EXTERN int pws_event_kind_of(const pws_event *event);

/**
 * @brief The rule behind an event.
 * @param event the event.
 * @return a ::pws_rule, 0 for NULL.
 * @since 0.1
 */
PWS_EXTERN int pws_event_rule(const pws_event *event);

/**
 * @brief The channels an event is meant for (::pws_event_channel bits).
 * @param event the event.
 * @return the bits, 0 for NULL.
 * @since 0.1
 */
PWS_EXTERN uint32_t pws_event_channels(const pws_event *event);

/**
 * @brief The team the event concerns (the publisher team).
 * @param event the event.
 * @return a borrowed team id, or NULL.
 * @since 0.1
 */
PWS_EXTERN const char *pws_event_team(const pws_event *event);

/**
 * @brief The user whose action caused the event.
 * @param event the event.
 * @return a borrowed user id, or NULL (host calls).
 * @since 0.1
 */
PWS_EXTERN const char *pws_event_actor(const pws_event *event);

/**
 * @brief The subject of the event: the invitee's email, the update id,
 *        the partner whose access ended...
 * @param event the event.
 * @return a borrowed string, or NULL.
 * @since 0.1
 */
PWS_EXTERN const char *pws_event_subject(const pws_event *event);

/**
 * @brief Number of workspaces the notice covers (one per team notices may
 *        cover several).
 * @param event the event.
 * @return the count, 0 for NULL.
 * @par Example
 * @code
 * #include <partnerws.h>
 * #include <stdio.h>
 *
 * // One invitation mail per notice, naming every workspace it covers.
 * static void on_event(const pws_event *ev, void *payload)
 * {
 *	size_t i;
 *
 *	(void)payload;
 *	if (pws_event_kind_of(ev) != PWS_EV_INVITED)
 *		return;
 *	printf("%s, you are invited to:", pws_event_subject(ev));
 *	for (i = 0; i < pws_event_workspace_count(ev); i++)
 *		printf(" %s", pws_event_workspace(ev, i));
 *	printf("\n");
 * }
 *
 * int main(void)
 * {
 *	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
 *	pws_policy *p = NULL;
 *
 *	o.on_event = on_event;
 *	if (pws_policy_new(&p, &o) != PWS_OK)
 *		return 1;
 *	pws_policy_free(p);
 *	return 0;
 * }
 * @endcode
 * @since 0.1
 */
PWS_EXTERN size_t pws_event_workspace_count(const pws_event *event);

/**
 * @brief One workspace of the notice.
 * @param event the event.
 * @param index 0 to pws_event_workspace_count() - 1.
 * @return a borrowed workspace id, or NULL for a bad index.
 * @since 0.1
 */
PWS_EXTERN const char *pws_event_workspace(const pws_event *event, size_t index);

/**
 * @brief The revision of the change that caused the event
 *        (pws_policy_revision()).
 * @param event the event, or NULL.
 * @return the revision; 0 for NULL or when the handle has no storage.
 * @since 0.2
 */
PWS_EXTERN uint64_t pws_event_revision(const pws_event *event);

/**
 * @brief Number of recipients.
 * @param event the event.
 * @return the count, 0 for NULL.
 * @since 0.1
 */
PWS_EXTERN size_t pws_event_recipient_count(const pws_event *event);

/**
 * @brief One recipient: a user id, or an email address for
 *        ::PWS_EV_INVITED and ::PWS_EV_INVITE_WITHDRAWN
 *        (pws_event_recipient_kind() tells which).
 * @param event the event.
 * @param index 0 to pws_event_recipient_count() - 1.
 * @return a borrowed string, or NULL for a bad index.
 * @since 0.1
 */
PWS_EXTERN const char *pws_event_recipient(const pws_event *event, size_t index);

/**
 * @brief What one recipient is: a user id or an email address.
 *
 * Lets a host address every recipient without knowing, per event kind,
 * which kinds carry addresses: ::PWS_RECIPIENT_USER for a user id,
 * ::PWS_RECIPIENT_EMAIL for an address (an invitee, possibly not a user
 * yet).
 * @param event the event.
 * @param index 0 to pws_event_recipient_count() - 1.
 * @return a ::pws_recipient_kind; 0 for NULL or a bad index.
 * @par Example
 * @code
 * // in the host's event callback: address each recipient without switching
 * // on the event kind
 * const pws_event *e = NULL; // the callback's argument
 * size_t i;
 *
 * for (i = 0; e && i < pws_event_recipient_count(e); i++)
 * 	printf("%s %s\n",
 * 	       pws_event_recipient_kind(e, i) == PWS_RECIPIENT_EMAIL ? "mail" : "user",
 * 	       pws_event_recipient(e, i));
 * @endcode
 * @since 0.2
 */
PWS_EXTERN int pws_event_recipient_kind(const pws_event *event, size_t index);

/**
 * @brief The name of an event kind, for logs and bindings.
 * @param kind a ::pws_event_kind.
 * @return a static lowercase string, the constant's name without its
 *         prefix ("invited", "update_posted", ...); "" for unknown values.
 *         Never NULL.
 * @since 0.2
 */
PWS_EXTERN const char *pws_event_kind_name(int kind);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_EVENTS_H */
