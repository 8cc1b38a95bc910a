/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws.hpp
 * @brief Header-only C++17 wrappers: RAII handles, iterators usable in a
 *        range-for, exceptions carrying the rule id.
 *
 * Nothing here is compiled into the library: it is a thin layer over the C
 * API of partnerws.h (link with <tt>pkg-config partnerws</tt>), so it
 * follows the C library's ABI. Strings go in as std::string_view (copied
 * to a NUL-terminated buffer), come out as std::string. A refused or
 * failed call throws partnerws::error (partnerws::denied for a policy
 * refusal), with the status code, the rule id ("RO6") and the message;
 * checks answer with a partnerws::decision instead of throwing.
 * @code
 * partnerws::policy p;
 * p.team_add("pub", "Publisher", PWS_PLAN_ENTERPRISE);
 * p.user_add("pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, true);
 * p.workspace_create("pm", "hub", "API hub", PWS_VIS_PARTNER);
 * auto d = p.check("pm", PWS_ACT_VIEW, "hub");
 * for (const auto &row : p.members("pm", "hub"))
 *         std::cout << row.str(PWS_COL_ID) << '\n';
 * @endcode
 */
#ifndef PARTNERWS_HPP
#define PARTNERWS_HPP

#include <partnerws.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace partnerws {

/** @brief A failed call: the status code, the deciding rule and the message. */
class error : public std::runtime_error {
public:
	error(int code, int rule, const std::string &message)
		: std::runtime_error(message.empty() ? std::string(pws_strerror(code)) : message),
		  code_(code), rule_(rule) {}
	/** The ::pws_status_code. */
	int code() const noexcept { return code_; }
	/** The ::pws_rule, PWS_RULE_NONE when no rule decided. */
	int rule() const noexcept { return rule_; }
	/** The rule id, such as "RO6" ("" when none). */
	std::string rule_id() const { return pws_rule_id(rule_); }

private:
	int code_, rule_;
};

/** @brief A policy refusal (::PWS_EDENIED); rule() says which rule. */
class denied : public error {
public:
	using error::error;
};

/** @brief The answer of a check. */
struct decision {
	bool allowed;  /**< Whether the action is allowed. */
	int rule;      /**< The deciding ::pws_rule. */
	/** The rule id, such as "WS1". */
	std::string rule_id() const { return pws_rule_id(rule); }
	explicit operator bool() const noexcept { return allowed; }
};

/** @brief The outcome of a mutating call that did not throw. */
struct outcome {
	int rule;        /**< The deciding rule. */
	uint32_t flags;  /**< ::pws_result_flag bits (PWS_RESULT_DOWNGRADED...). */
	std::string message;
};

namespace detail {

/* A NUL-terminated copy of a string_view (or NULL for an absent one). */
class cstr {
public:
	cstr(std::string_view s) : s_(s), null_(false) {}
	cstr(std::nullptr_t) : null_(true) {}
	cstr(const char *s) : s_(s ? s : ""), null_(s == nullptr) {}
	cstr(const std::string &s) : s_(s), null_(false) {}
	const char *c() const noexcept { return null_ ? nullptr : s_.c_str(); }

private:
	std::string s_;
	bool null_;
};

[[noreturn]] inline void raise(int code, int rule, const char *message)
{
	if (code == PWS_EDENIED)
		throw denied(code, rule, message ? message : "");
	throw error(code, rule, message ? message : "");
}

inline void check_rc(int rc)
{
	if (rc != PWS_OK)
		raise(rc, PWS_RULE_NONE, pws_strerror(rc));
}

} // namespace detail

/** @brief One row of a listing, valid until the iterator moves on. */
class row {
public:
	explicit row(const pws_iter *it) : it_(it) {}
	/** A string column ("" if the listing has no such column). */
	std::string str(int column) const
	{
		const char *s = pws_iter_str(it_, column);
		return s ? s : "";
	}
	/** An integer column; throws partnerws::error for a column the
	 *  listing does not have. */
	int64_t integer(int column) const
	{
		int64_t v = 0;
		int rc = pws_iter_int2(it_, column, &v);
		if (rc != PWS_OK)
			detail::raise(rc, PWS_RULE_NONE, "no such integer column in this listing");
		return v;
	}

private:
	const pws_iter *it_;
};

/** @brief A listing: an owning, move-only range over a pws_iter. */
class listing {
public:
	explicit listing(pws_iter *it) : it_(it, &pws_iter_free) {}
	/** Number of rows. */
	std::size_t size() const { return pws_iter_count(it_.get()); }

	/** @brief Input iterator over the rows. */
	class iterator {
	public:
		explicit iterator(pws_iter *it) : it_(it) { advance(); }
		iterator() : it_(nullptr) {}
		row operator*() const { return row(it_); }
		iterator &operator++() { advance(); return *this; }
		bool operator!=(const iterator &o) const { return it_ != o.it_; }
		bool operator==(const iterator &o) const { return it_ == o.it_; }

	private:
		void advance()
		{
			if (it_ && pws_iter_next(it_) != PWS_OK)
				it_ = nullptr;
		}
		pws_iter *it_;
	};
	/** Starts the iteration (a listing is read once). */
	iterator begin() { return iterator(it_.get()); }
	iterator end() { return iterator(); }

private:
	std::unique_ptr<pws_iter, void (*)(pws_iter *)> it_;
};

/** @brief Options of a policy handle (see ::pws_policy_options). */
struct options {
	const pws_storage_ops *storage = nullptr;  /**< Copied at creation. */
	pws_event_cb on_event = nullptr;           /**< The event callback. */
	void *event_payload = nullptr;             /**< Its payload. */
};

/** @brief An owning policy handle (move-only). */
class policy {
public:
	/** Creates a handle (purely in memory unless options give storage). */
	explicit policy(const options &o = options())
	{
		pws_policy_options po = PWS_POLICY_OPTIONS_INIT;
		pws_policy *p = nullptr;

		po.storage = o.storage;
		po.on_event = o.on_event;
		po.event_payload = o.event_payload;
		detail::check_rc(pws_policy_new(&p, &po));
		p_.reset(p);
	}
	/** The C handle, for calls this header does not wrap. */
	pws_policy *get() const noexcept { return p_.get(); }

	/** When true, mutating calls are only asked (::PWS_REQUEST_ASK):
	 *  decided and reported, nothing changed. */
	void set_ask(bool ask) noexcept { ask_ = ask; }

	/* --- the host directory --- */
	outcome team_add(std::string_view id, std::string_view name, int plan, bool sso = false)
	{
		return run([&](pws_result *r) {
			return pws_team_add(get(), detail::cstr(id).c(), detail::cstr(name).c(), plan,
			                    sso, r);
		});
	}
	outcome team_add_domain(std::string_view team, std::string_view domain)
	{
		return run([&](pws_result *r) {
			return pws_team_add_domain(get(), detail::cstr(team).c(), detail::cstr(domain).c(), r);
		});
	}
	/** A user; an empty @p team means none (a legacy individual). */
	outcome user_add(std::string_view id, std::string_view email, std::string_view team,
	                 int team_role, bool partner_manager = false)
	{
		return run([&](pws_result *r) {
			detail::cstr t = team.empty() ? detail::cstr(nullptr) : detail::cstr(team);
			return pws_user_add(get(), detail::cstr(id).c(), detail::cstr(email).c(), t.c(),
			                    team.empty() ? 0 : team_role, partner_manager, r);
		});
	}
	outcome user_set_team(std::string_view user, std::string_view team, int team_role)
	{
		return run([&](pws_result *r) {
			detail::cstr t = team.empty() ? detail::cstr(nullptr) : detail::cstr(team);
			return pws_user_set_team(get(), detail::cstr(user).c(), t.c(), team_role, r);
		});
	}

	/* --- workspaces, members, invites --- */
	outcome workspace_create(std::string_view actor, std::string_view id, std::string_view name,
	                         int visibility)
	{
		return run([&](pws_result *r) {
			return pws_workspace_create(get(), detail::cstr(actor).c(), detail::cstr(id).c(),
			                            detail::cstr(name).c(), visibility, nullptr, r);
		});
	}
	outcome enable_multi_partner(std::string_view actor, std::string_view ws)
	{
		return run([&](pws_result *r) {
			return pws_workspace_enable_multi_partner(get(), detail::cstr(actor).c(),
			                                          detail::cstr(ws).c(), r);
		});
	}
	outcome invite(std::string_view actor, std::string_view ws, std::string_view email,
	               int kind, int role, bool lead = false)
	{
		return run([&](pws_result *r) {
			return pws_invite(get(), detail::cstr(actor).c(), detail::cstr(ws).c(),
			                  detail::cstr(email).c(), kind, role, lead, r);
		});
	}
	outcome invite_accept(std::string_view user, std::string_view ws)
	{
		return run([&](pws_result *r) {
			return pws_invite_accept(get(), detail::cstr(user).c(), detail::cstr(ws).c(),
			                         nullptr, r);
		});
	}
	outcome invite_withdraw(std::string_view actor, std::string_view ws, std::string_view email)
	{
		return run([&](pws_result *r) {
			return pws_invite_withdraw(get(), detail::cstr(actor).c(), detail::cstr(ws).c(),
			                           detail::cstr(email).c(), r);
		});
	}
	outcome member_set_role(std::string_view actor, std::string_view ws, std::string_view user,
	                        int role)
	{
		return run([&](pws_result *r) {
			return pws_member_set_role(get(), detail::cstr(actor).c(), detail::cstr(ws).c(),
			                           detail::cstr(user).c(), role, r);
		});
	}
	outcome member_remove(std::string_view actor, std::string_view ws, std::string_view user)
	{
		return run([&](pws_result *r) {
			return pws_member_remove(get(), detail::cstr(actor).c(), detail::cstr(ws).c(),
			                         detail::cstr(user).c(), r);
		});
	}

	/* --- elements --- */
	outcome element_add(std::string_view actor, std::string_view ws, std::string_view id,
	                    int kind, uint64_t size = 0)
	{
		return run([&](pws_result *r) {
			return pws_element_add(get(), detail::cstr(actor).c(), detail::cstr(ws).c(),
			                       detail::cstr(id).c(), kind, size, nullptr, r);
		});
	}
	outcome element_move(std::string_view actor, std::string_view el, std::string_view target)
	{
		return run([&](pws_result *r) {
			return pws_element_move(get(), detail::cstr(actor).c(), detail::cstr(el).c(),
			                        detail::cstr(target).c(), r);
		});
	}

	/* --- decisions --- */
	/** May @p actor do @p action on the workspace (or one of its
	 *  elements)? Throws only for bad arguments and unknown ids. */
	decision check(std::string_view actor, int action, std::string_view ws,
	               std::string_view element = std::string_view()) const
	{
		int allowed = 0, rule = 0;
		detail::cstr e = element.empty() ? detail::cstr(nullptr) : detail::cstr(element);
		int rc = pws_check(get(), &allowed, &rule, detail::cstr(actor).c(), action,
		                   element.empty() ? detail::cstr(ws).c() : nullptr, e.c());
		detail::check_rc(rc);
		return decision{ allowed != 0, rule };
	}
	/** The ::pws_action bits @p actor is allowed on the workspace. */
	uint64_t allowed_actions(std::string_view actor, std::string_view ws) const
	{
		uint64_t mask = 0;
		detail::check_rc(pws_allowed_actions(get(), &mask, detail::cstr(actor).c(),
		                                     detail::cstr(ws).c(), nullptr));
		return mask;
	}

	/* --- listings --- */
	listing members(std::string_view viewer, std::string_view ws) const
	{
		pws_iter *it = nullptr;
		detail::check_rc(pws_list_members(&it, get(), detail::cstr(viewer).c(),
		                                  detail::cstr(ws).c()));
		return listing(it);
	}
	listing workspaces(std::string_view user) const
	{
		pws_iter *it = nullptr;
		detail::check_rc(pws_list_workspaces(&it, get(), detail::cstr(user).c()));
		return listing(it);
	}
	listing elements(std::string_view viewer, std::string_view ws) const
	{
		pws_iter *it = nullptr;
		detail::check_rc(pws_list_elements(&it, get(), detail::cstr(viewer).c(),
		                                   detail::cstr(ws).c()));
		return listing(it);
	}

	/* --- state --- */
	uint64_t digest() const
	{
		uint64_t d = 0;
		detail::check_rc(pws_policy_digest(get(), &d));
		return d;
	}
	uint64_t revision() const
	{
		uint64_t r = 0;
		detail::check_rc(pws_policy_revision(get(), &r));
		return r;
	}
	/** Catches up with the shared store; returns the revision reached. */
	uint64_t sync()
	{
		uint64_t r = 0;
		detail::check_rc(pws_policy_sync(get(), &r));
		return r;
	}
	/** The whole state as JSON (doc/SNAPSHOT.md). */
	std::string snapshot() const
	{
		char *json = nullptr;
		std::size_t len = 0;
		detail::check_rc(pws_snapshot_export(get(), &json, &len));
		std::string s(json, len);
		pws_snapshot_release(json);
		return s;
	}

	/** Runs any mutating C call given a pws_result; throws on failure. */
	template <typename F> outcome run(F &&call)
	{
		pws_result r = PWS_RESULT_INIT;

		if (ask_)
			r.request = PWS_REQUEST_ASK;
		int rc = call(&r);
		if (rc != PWS_OK)
			detail::raise(rc, r.rule, r.message);
		return outcome{ r.rule, r.flags, r.message };
	}

private:
	std::unique_ptr<pws_policy, void (*)(pws_policy *)> p_{ nullptr, &pws_policy_free };
	bool ask_ = false;
};

} // namespace partnerws

#endif /* PARTNERWS_HPP */
