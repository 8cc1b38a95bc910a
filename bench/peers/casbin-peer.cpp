// The peer scenario of bench/bench.c --peer, built and checked by
// casbin-cpp, so that the bench's figures can be set beside a peer's
// measured in the same run (issue 15, point 5). Built and run by
// bench/peers/run.sh against a casbin-cpp source tree; by hand:
//   g++ -O2 -std=c++17 -I<casbin-cpp>/include -include stdexcept
//       casbin-peer.cpp libcasbin.a -lpthread
//   ./a.out D shared|domains rbac-<model>.conf
//
// The same world, models and lines out as casbin-peer.js (node-casbin):
// D workspaces, "pm" admin of each and 99 users "q<d>_<k>" with admin,
// editor or viewer by k % 3, as grouping policies g(user, role, workspace)
// of casbin's RBAC model with domains; six p rules give each role its
// actions, for all workspaces ("shared") or for each ("domains").
//   load-file    the policy file read into a new enforcer (its
//                BatchFileAdapter): the peer's load from its own store
//   load-api     the same rules given to AddGroupingPolicies in one call
//   build-calls  the first CALLS rules, one AddGroupingPolicy call each
//   check-p50/99 Enforce, 1 in 4 on a workspace the user is not in
#include <casbin/casbin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

// the two models of casbin-peer.js, in rbac-shared.conf and rbac-domains.conf
static const char *ACTS[6][2] = {{"admin", "read"},  {"admin", "write"},  {"admin", "manage"},
                                 {"editor", "read"}, {"editor", "write"}, {"viewer", "read"}};
static const char *ROLES[3] = {"admin", "editor", "viewer"};
static const unsigned USERS = 99, RUNS = 3, CALLS = 5000;

static double now()
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
	    .count();
}

static double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	return v[v.size() / 2];
}

static std::string runs(const std::vector<double> &v)
{
	std::string s;
	char b[32];

	for (size_t i = 0; i < v.size(); i++) {
		snprintf(b, sizeof b, "%s%.3f", i ? "," : "", v[i]);
		s += b;
	}
	return s;
}

// xorshift64: the same checks on every run
static unsigned long long seed = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

int main(int argc, char **argv)
{
	unsigned D = argc > 1 ? (unsigned)strtoul(argv[1], nullptr, 10) : 10000u;
	std::string model_name = argc > 2 ? argv[2] : "shared";
	if (D == 0 || argc != 4 || (model_name != "shared" && model_name != "domains")) {
		fprintf(stderr, "usage: casbin-peer D shared|domains model.conf\n");
		return 2;
	}
	bool shared = model_name == "shared";
	const std::string model = argv[3];
	PoliciesValues P_RULES;
	for (unsigned d = 0; d < (shared ? 1u : D); d++)
		for (auto &a : ACTS) {
			if (shared)
				P_RULES.emplace({a[0], a[1]});
			else
				P_RULES.emplace({a[0], "w" + std::to_string(d), a[1]});
		}
	// a check under "domains" walks 6 * D rules: fewer checks
	const unsigned CHECKS = shared ? 200000u : 200u;
	std::vector<std::vector<std::string>> g;
	g.reserve((size_t)D * (USERS + 1));
	for (unsigned d = 0; d < D; d++) {
		std::string w = "w" + std::to_string(d);
		g.push_back({"pm", "admin", w});
		for (unsigned k = 0; k < USERS; k++)
			g.push_back({"q" + std::to_string(d) + "_" + std::to_string(k), ROLES[k % 3], w});
	}
	char dir[] = "/tmp/pws-casbin-cpp-XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	std::string file = std::string(dir) + "/policy.csv";
	{
		std::ofstream f(file);
		for (auto &r : P_RULES) {
			f << "p";
			for (auto &x : r)
				f << ", " << x;
			f << "\n";
		}
		for (auto &r : g)
			f << "g, " << r[0] << ", " << r[1] << ", " << r[2] << "\n";
	}

	// the rules as casbin takes them, built before the clock starts
	PoliciesValues gv(g.size());
	for (auto &r : g)
		gv.emplace(r);

	std::vector<double> tf, ta;
	std::unique_ptr<casbin::Enforcer> e;
	for (unsigned i = 0; i < RUNS; i++) {
		e.reset();
		double t0 = now();
		e.reset(new casbin::Enforcer(model, file));
		tf.push_back(now() - t0);
		e.reset();
		e.reset(new casbin::Enforcer(casbin::Model::NewModelFromFile(model)));
		e->AddPolicies(P_RULES);
		t0 = now();
		if (!e->AddGroupingPolicies(gv)) {
			fprintf(stderr, "casbin-peer: AddGroupingPolicies refused\n");
			return 1;
		}
		ta.push_back(now() - t0);
	}
	// one call per rule, as a host adds a role link when it happens (the
	// shape of bench's build by calls), on a fresh enforcer. Only the
	// first CALLS rules: each call costs more as the rules grow (10k rules
	// took 5.4 s, 30k 57 s on the bench's VM), so 1M would take days.
	double tc;
	size_t nc = std::min(g.size(), (size_t)CALLS);
	{
		casbin::Enforcer c(casbin::Model::NewModelFromFile(model));
		c.AddPolicies(P_RULES);
		double t0 = now();
		for (size_t i = 0; i < nc; i++)
			if (!c.AddGroupingPolicy(g[i])) {
				fprintf(stderr, "casbin-peer: AddGroupingPolicy refused\n");
				return 1;
			}
		tc = now() - t0;
	}
	unlink(file.c_str());
	rmdir(dir);

	// the checks, on the last enforcer: a member's role in its workspace,
	// or (1 in 4) a workspace it is not in, which must be refused
	std::vector<double> lat(CHECKS);
	unsigned allowed = 0;
	for (unsigned i = 0; i < CHECKS; i++) {
		unsigned d = rnd(D), k = rnd(USERS);
		bool other = rnd(4) == 0;
		unsigned dd = other && D > 1 ? (d + 1 + rnd(D - 1)) % D : d;
		std::string sub = "q" + std::to_string(d) + "_" + std::to_string(k);
		std::string dom = "w" + std::to_string(dd);
		double t0 = now();
		bool ok = e->Enforce({sub, dom, std::string("read")});
		lat[i] = (now() - t0) * 1e9;
		if (ok)
			allowed++;
		else if (dd == d) {
			fprintf(stderr, "casbin-peer: member %s refused in %s\n", sub.c_str(), dom.c_str());
			return 1;
		}
	}
	std::sort(lat.begin(), lat.end());
	printf("casbin-cpp model %s (%zu p rules)\n", model_name.c_str(), P_RULES.size());
	printf("casbin-cpp memberships %zu count\n", g.size());
	printf("casbin-cpp load-file %.3f s (runs %s)\n", median(tf), runs(tf).c_str());
	printf("casbin-cpp load-api %.3f s (runs %s)\n", median(ta), runs(ta).c_str());
	printf("casbin-cpp build-calls %.3f s (the first %zu rules, one AddGroupingPolicy each: "
	       "%.0f us a call)\n",
	       tc, nc, tc * 1e6 / (double)nc);
	printf("casbin-cpp check-p50 %.0f ns\n", lat[CHECKS / 2]);
	printf("casbin-cpp check-p99 %.0f ns\n", lat[CHECKS * 99 / 100]);
	printf("casbin-cpp allowed %u of %u\n", allowed, CHECKS);
	return 0;
}
