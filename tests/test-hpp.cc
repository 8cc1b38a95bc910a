// The C++ wrappers (include/partnerws.hpp), compiled as C++17 and C++20:
// the bindings' common scenario. A publisher team, a multi-partner
// workspace, two partner organizations, invites and accepts, a denial with
// its rule id, what a partner sees, events received, a state round trip,
// concurrent checks from two threads.
// SPDX-License-Identifier: MIT
#include <partnerws.hpp>

#include "mem-store.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

static int failures;

#define EXPECT(cond)                                                                  \
	do {                                                                          \
		if (!(cond)) {                                                        \
			std::fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                                   \
		}                                                                     \
	} while (0)

struct recorder {
	std::vector<int> kinds;
	std::vector<std::string> recipients;
};

static void on_event(const pws_event *e, void *payload)
{
	auto *r = static_cast<recorder *>(payload);

	r->kinds.push_back(pws_event_kind_of(e));
	for (std::size_t i = 0; i < pws_event_recipient_count(e); i++)
		r->recipients.emplace_back(pws_event_recipient(e, i));
}

static void build(partnerws::policy &p)
{
	p.team_add("pub", "Publisher", PWS_PLAN_ENTERPRISE);
	p.team_add_domain("pub", "pub.com");
	p.user_add("pm", "pm@pub.com", "pub", PWS_TEAM_MEMBER, true);
	p.team_add("acme", "Acme", PWS_PLAN_PROFESSIONAL);
	p.team_add_domain("acme", "acme.com");
	p.user_add("alice", "alice@acme.com", "acme", PWS_TEAM_MEMBER);
	p.user_add("al2", "al2@acme.com", "acme", PWS_TEAM_MEMBER);
	p.team_add("globex", "Globex", PWS_PLAN_PROFESSIONAL);
	p.team_add_domain("globex", "globex.com");
	p.user_add("bob", "bob@globex.com", "globex", PWS_TEAM_MEMBER);
	p.workspace_create("pm", "hub", "API hub", PWS_VIS_PARTNER);
	p.enable_multi_partner("pm", "hub");
	p.invite("pm", "hub", "alice@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER, true);
	p.invite_accept("alice", "hub");
	p.invite("pm", "hub", "bob@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	p.invite_accept("bob", "hub");
}

int main()
{
	recorder rec;
	mem_store store = {}; // the tests' in-memory store (tests/mem-store.h)
	pws_storage_ops ops = mem_store_ops(&store);
	partnerws::options o;
	o.on_event = on_event;
	o.event_payload = &rec;
	o.storage = &ops;
	partnerws::policy p(o);

	build(p);

	// a denial carries its rule id: a Partner Lead invites only their own
	// organization (IN3)
	try {
		p.invite("alice", "hub", "carol@globex.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
		EXPECT(!"the invite should have been refused");
	} catch (const partnerws::denied &e) {
		EXPECT(e.code() == PWS_EDENIED);
		EXPECT(e.rule_id() == "IN3");
		EXPECT(std::string(e.what()).find("IN3") != std::string::npos);
	}
	// an unknown id is an error, not a denial
	try {
		p.invite_accept("nobody", "hub");
		EXPECT(!"unknown user accepted");
	} catch (const partnerws::denied &) {
		EXPECT(!"not a policy refusal");
	} catch (const partnerws::error &e) {
		EXPECT(e.code() == PWS_ENOTFOUND);
	}

	// checks answer without throwing
	auto d = p.check("bob", PWS_ACT_EDIT, "hub");
	EXPECT(!d.allowed);
	EXPECT(d.rule_id() == "ED1");
	EXPECT(p.check("alice", PWS_ACT_VIEW, "hub"));
	EXPECT(p.allowed_actions("pm", "hub") & (uint64_t(1) << PWS_ACT_EDIT_DETAILS));

	// what a partner sees: never the other organization (VI2)
	std::set<std::string> seen;
	for (const auto &row : p.members("alice", "hub"))
		seen.insert(row.str(PWS_COL_ID));
	EXPECT(seen.count("alice") == 1);
	EXPECT(seen.count("pm") == 1);
	EXPECT(seen.count("bob") == 0);
	auto all = p.members("pm", "hub");
	EXPECT(all.size() == 3);
	for (const auto &row : all)
		if (row.str(PWS_COL_ID) == "bob")
			EXPECT(row.integer(PWS_COL_EXTERNAL) == 1);

	// events were received, with their recipients
	EXPECT(!rec.kinds.empty());
	bool invited = false;
	for (const auto &r : rec.recipients)
		invited = invited || r == "alice@acme.com";
	EXPECT(invited);

	// ask before doing: decided, nothing changed
	uint64_t before = p.digest();
	p.set_ask(true);
	auto asked = p.invite("pm", "hub", "al2@acme.com", PWS_INVITE_PARTNER, PWS_ROLE_VIEWER);
	EXPECT(asked.flags & PWS_RESULT_ASKED);
	p.set_ask(false);
	EXPECT(p.digest() == before);

	// a store round trip: a handle opened on the records equals this one
	EXPECT(store.n != 0);
	{
		partnerws::options o2;
		pws_storage_ops ops2 = mem_store_ops(&store);
		o2.storage = &ops2;
		partnerws::policy again(o2);
		EXPECT(again.digest() == p.digest());
		EXPECT(again.revision() == p.revision());
	}

	// a state round trip: the snapshot imported into a fresh handle
	std::string json = p.snapshot();
	partnerws::policy q;
	q.run([&](pws_result *r) { return pws_snapshot_import(q.get(), json.data(), json.size(), r); });
	EXPECT(q.digest() == p.digest());

	// concurrent checks from two threads
	std::atomic<int> bad{ 0 };
	auto checker = [&]() {
		for (int i = 0; i < 20000; i++) {
			if (p.check("bob", PWS_ACT_VIEW, "hub").allowed != true)
				bad++;
			if (p.check("alice", PWS_ACT_EDIT, "hub").allowed != false)
				bad++;
		}
	};
	std::thread t1(checker), t2(checker);
	t1.join();
	t2.join();
	EXPECT(bad == 0);

	mem_store_clear(&store); // p only calls close on it from now on
	if (failures)
		std::fprintf(stderr, "%d failure(s)\n", failures);
	else
		std::printf("1 passed, 0 failed\n");
	return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
