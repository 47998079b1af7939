/* Unit tests for policy/login.c: AllowUsers, DenyUsers, AllowGroups,
 * DenyGroups in OpenSSH's order and wording, and PermitRootLogin. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "login.h"

#define MAXL	5	/* entries per list in a case, NULL-terminated */

struct login_case {
	const char *name;
	const char *allow_users[MAXL];
	const char *deny_users[MAXL];
	const char *allow_groups[MAXL];
	const char *deny_groups[MAXL];
	const char *user;
	const char *host;	/* NULL: the address */
	const char *addr;
	const char *groups[MAXL];
	int allowed;
	enum policy_login_rule rule;
	const char *reason;	/* exact */
};

#define U_DENY(u, f) \
	"User " u " from " f " not allowed because listed in DenyUsers"
#define U_ALLOW(u, f) \
	"User " u " from " f " not allowed because not listed in AllowUsers"
#define G_DENY(u, f) \
	"User " u " from " f " not allowed because a group is listed in " \
	"DenyGroups"
#define G_ALLOW(u, f) \
	"User " u " from " f " not allowed because none of user's groups " \
	"are listed in AllowGroups"
#define G_NONE(u, f) \
	"User " u " from " f " not allowed because not in any group"
#define OK(u, f)	"User " u " from " f " allowed"

static const struct login_case login_cases[] = {
	/* No lists: everyone. */
	{ "empty lists", {0}, {0}, {0}, {0}, "alice", NULL, "127.0.0.1",
	    { "alice" }, 1, POLICY_RULE_NONE, OK("alice", "127.0.0.1") },
	{ "empty lists, no groups", {0}, {0}, {0}, {0}, "alice", NULL,
	    "127.0.0.1", {0}, 1, POLICY_RULE_NONE,
	    OK("alice", "127.0.0.1") },
	/* DenyUsers alone. */
	{ "deny listed", {0}, { "bob", "alice" }, {0}, {0}, "alice", NULL,
	    "127.0.0.1", { "alice" }, 0, POLICY_RULE_DENY_USERS,
	    U_DENY("alice", "127.0.0.1") },
	{ "deny other", {0}, { "bob" }, {0}, {0}, "alice", NULL,
	    "127.0.0.1", { "alice" }, 1, POLICY_RULE_NONE,
	    OK("alice", "127.0.0.1") },
	{ "deny wildcard", {0}, { "a*" }, {0}, {0}, "alice", NULL,
	    "10.0.0.1", { "alice" }, 0, POLICY_RULE_DENY_USERS,
	    U_DENY("alice", "10.0.0.1") },
	{ "deny ? wildcard", {0}, { "alic?" }, {0}, {0}, "alice", NULL,
	    "10.0.0.1", { "alice" }, 0, POLICY_RULE_DENY_USERS,
	    U_DENY("alice", "10.0.0.1") },
	{ "user names are case-sensitive", {0}, { "Alice" }, {0}, {0},
	    "alice", NULL, "10.0.0.1", { "alice" }, 1, POLICY_RULE_NONE,
	    OK("alice", "10.0.0.1") },
	/* A USER entry is one pattern: a comma is literal, '!' too. */
	{ "user entry is not a list", {0}, { "bob,alice" }, {0}, {0},
	    "alice", NULL, "10.0.0.1", { "alice" }, 1, POLICY_RULE_NONE,
	    OK("alice", "10.0.0.1") },
	{ "user entry '!' is literal", { "!bob" }, {0}, {0}, {0}, "alice",
	    NULL, "10.0.0.1", { "alice" }, 0, POLICY_RULE_ALLOW_USERS,
	    U_ALLOW("alice", "10.0.0.1") },
	/* AllowUsers alone. */
	{ "allow listed", { "bob", "alice" }, {0}, {0}, {0}, "alice", NULL,
	    "127.0.0.1", { "alice" }, 1, POLICY_RULE_NONE,
	    OK("alice", "127.0.0.1") },
	{ "allow not listed", { "bob" }, {0}, {0}, {0}, "alice", NULL,
	    "127.0.0.1", { "alice" }, 0, POLICY_RULE_ALLOW_USERS,
	    U_ALLOW("alice", "127.0.0.1") },
	/* user@host with an address, a CIDR network, a host name. */
	{ "allow user@addr hit", { "alice@192.0.2.7" }, {0}, {0}, {0},
	    "alice", NULL, "192.0.2.7", { "alice" }, 1, POLICY_RULE_NONE,
	    OK("alice", "192.0.2.7") },
	{ "allow user@addr miss", { "alice@192.0.2.7" }, {0}, {0}, {0},
	    "alice", NULL, "192.0.2.8", { "alice" }, 0,
	    POLICY_RULE_ALLOW_USERS, U_ALLOW("alice", "192.0.2.8") },
	{ "allow user@CIDR hit", { "alice@10.0.0.0/8" }, {0}, {0}, {0},
	    "alice", NULL, "10.9.8.7", { "alice" }, 1, POLICY_RULE_NONE,
	    OK("alice", "10.9.8.7") },
	{ "allow user@CIDR miss", { "alice@10.0.0.0/8" }, {0}, {0}, {0},
	    "alice", NULL, "11.0.0.1", { "alice" }, 0,
	    POLICY_RULE_ALLOW_USERS, U_ALLOW("alice", "11.0.0.1") },
	{ "allow user@v6 CIDR", { "alice@2001:db8::/32" }, {0}, {0}, {0},
	    "alice", NULL, "2001:db8::5", { "alice" }, 1, POLICY_RULE_NONE,
	    OK("alice", "2001:db8::5") },
	{ "allow v4-mapped address", { "alice@10.0.0.0/8" }, {0}, {0}, {0},
	    "alice", NULL, "::ffff:10.1.2.3", { "alice" }, 1,
	    POLICY_RULE_NONE, OK("alice", "::ffff:10.1.2.3") },
	{ "allow user@wildcard addr", { "alice@10.0.0.*" }, {0}, {0}, {0},
	    "alice", NULL, "10.0.0.99", { "alice" }, 1, POLICY_RULE_NONE,
	    OK("alice", "10.0.0.99") },
	{ "allow user@hostname", { "alice@*.example.com" }, {0}, {0}, {0},
	    "alice", "ws1.EXAMPLE.com", "192.0.2.1", { "alice" }, 1,
	    POLICY_RULE_NONE, OK("alice", "ws1.EXAMPLE.com") },
	{ "allow user@hostname miss", { "alice@*.example.com" }, {0}, {0},
	    {0}, "alice", "ws1.example.org", "192.0.2.1", { "alice" }, 0,
	    POLICY_RULE_ALLOW_USERS, U_ALLOW("alice", "ws1.example.org") },
	{ "allow wrong user right host", { "bob@10.0.0.0/8" }, {0}, {0},
	    {0}, "alice", NULL, "10.0.0.1", { "alice" }, 0,
	    POLICY_RULE_ALLOW_USERS, U_ALLOW("alice", "10.0.0.1") },
	{ "allow *@net", { "*@10.0.0.0/8" }, {0}, {0}, {0}, "carol", NULL,
	    "10.0.0.1", { "carol" }, 1, POLICY_RULE_NONE,
	    OK("carol", "10.0.0.1") },
	{ "user part up to the last @", { "a@b@10.0.0.1" }, {0}, {0}, {0},
	    "a@b", NULL, "10.0.0.1", { "x" }, 1, POLICY_RULE_NONE,
	    OK("a@b", "10.0.0.1") },
	/* Host lists: several entries, negation. */
	{ "host list second entry", { "alice@192.0.2.1,10.0.0.0/8" }, {0},
	    {0}, {0}, "alice", NULL, "10.0.0.1", { "alice" }, 1,
	    POLICY_RULE_NONE, OK("alice", "10.0.0.1") },
	{ "negated network wins", { "alice@10.0.0.0/8,!10.1.0.0/16" }, {0},
	    {0}, {0}, "alice", NULL, "10.1.2.3", { "alice" }, 0,
	    POLICY_RULE_ALLOW_USERS, U_ALLOW("alice", "10.1.2.3") },
	{ "negated network first", { "alice@!10.1.0.0/16,10.0.0.0/8" },
	    {0}, {0}, {0}, "alice", NULL, "10.1.2.3", { "alice" }, 0,
	    POLICY_RULE_ALLOW_USERS, U_ALLOW("alice", "10.1.2.3") },
	{ "negated network elsewhere", { "alice@10.0.0.0/8,!10.1.0.0/16" },
	    {0}, {0}, {0}, "alice", NULL, "10.2.0.1", { "alice" }, 1,
	    POLICY_RULE_NONE, OK("alice", "10.2.0.1") },
	{ "negated host name", { "alice@*.example.com,!bad.example.com" },
	    {0}, {0}, {0}, "alice", "bad.example.com", "192.0.2.1",
	    { "alice" }, 0, POLICY_RULE_ALLOW_USERS,
	    U_ALLOW("alice", "bad.example.com") },
	{ "only negated entry", { "alice@!10.0.0.0/8" }, {0}, {0}, {0},
	    "alice", NULL, "192.0.2.1", { "alice" }, 0,
	    POLICY_RULE_ALLOW_USERS, U_ALLOW("alice", "192.0.2.1") },
	/* DenyUsers with user@host. */
	{ "deny user@net hit", {0}, { "alice@10.0.0.0/8" }, {0}, {0},
	    "alice", NULL, "10.0.0.1", { "alice" }, 0,
	    POLICY_RULE_DENY_USERS, U_DENY("alice", "10.0.0.1") },
	{ "deny user@net miss", {0}, { "alice@10.0.0.0/8" }, {0}, {0},
	    "alice", NULL, "192.0.2.1", { "alice" }, 1, POLICY_RULE_NONE,
	    OK("alice", "192.0.2.1") },
	/* DenyUsers before AllowUsers. */
	{ "deny beats allow", { "alice" }, { "alice" }, {0}, {0}, "alice",
	    NULL, "10.0.0.1", { "alice" }, 0, POLICY_RULE_DENY_USERS,
	    U_DENY("alice", "10.0.0.1") },
	{ "allow and deny other", { "alice" }, { "bob" }, {0}, {0}, "alice",
	    NULL, "10.0.0.1", { "alice" }, 1, POLICY_RULE_NONE,
	    OK("alice", "10.0.0.1") },
	/* Groups alone. */
	{ "deny group", {0}, {0}, {0}, { "wheel" }, "alice", NULL,
	    "10.0.0.1", { "alice", "wheel" }, 0, POLICY_RULE_DENY_GROUPS,
	    G_DENY("alice", "10.0.0.1") },
	{ "deny group other", {0}, {0}, {0}, { "wheel" }, "alice", NULL,
	    "10.0.0.1", { "alice", "users" }, 1, POLICY_RULE_NONE,
	    OK("alice", "10.0.0.1") },
	{ "allow group", {0}, {0}, { "users" }, {0}, "alice", NULL,
	    "10.0.0.1", { "alice", "users" }, 1, POLICY_RULE_NONE,
	    OK("alice", "10.0.0.1") },
	{ "allow group primary", {0}, {0}, { "alice" }, {0}, "alice", NULL,
	    "10.0.0.1", { "alice", "users" }, 1, POLICY_RULE_NONE,
	    OK("alice", "10.0.0.1") },
	{ "allow group miss", {0}, {0}, { "staff", "adm" }, {0}, "alice",
	    NULL, "10.0.0.1", { "alice", "users" }, 0,
	    POLICY_RULE_ALLOW_GROUPS, G_ALLOW("alice", "10.0.0.1") },
	{ "allow group wildcard", {0}, {0}, { "us*" }, {0}, "alice", NULL,
	    "10.0.0.1", { "alice", "users" }, 1, POLICY_RULE_NONE,
	    OK("alice", "10.0.0.1") },
	{ "allow group list entry", {0}, {0}, { "staff,users" }, {0},
	    "alice", NULL, "10.0.0.1", { "users" }, 1, POLICY_RULE_NONE,
	    OK("alice", "10.0.0.1") },
	/* A negated group in an entry: that group never matches it. */
	{ "allow group negated", {0}, {0}, { "*,!users" }, {0}, "alice",
	    NULL, "10.0.0.1", { "users" }, 0, POLICY_RULE_ALLOW_GROUPS,
	    G_ALLOW("alice", "10.0.0.1") },
	{ "allow group negated, other group", {0}, {0}, { "*,!users" }, {0},
	    "alice", NULL, "10.0.0.1", { "users", "staff" }, 1,
	    POLICY_RULE_NONE, OK("alice", "10.0.0.1") },
	{ "deny group negated", {0}, {0}, {0}, { "*,!users" }, "alice",
	    NULL, "10.0.0.1", { "users" }, 1, POLICY_RULE_NONE,
	    OK("alice", "10.0.0.1") },
	{ "group lists, no groups", {0}, {0}, { "users" }, {0}, "alice",
	    NULL, "10.0.0.1", {0}, 0, POLICY_RULE_NO_GROUPS,
	    G_NONE("alice", "10.0.0.1") },
	{ "deny group list, no groups", {0}, {0}, {0}, { "users" }, "alice",
	    NULL, "10.0.0.1", {0}, 0, POLICY_RULE_NO_GROUPS,
	    G_NONE("alice", "10.0.0.1") },
	/* Groups: DenyGroups before AllowGroups. */
	{ "deny group beats allow group", {0}, {0}, { "users" },
	    { "wheel" }, "alice", NULL, "10.0.0.1", { "users", "wheel" }, 0,
	    POLICY_RULE_DENY_GROUPS, G_DENY("alice", "10.0.0.1") },
	{ "both group lists pass", {0}, {0}, { "users" }, { "wheel" },
	    "alice", NULL, "10.0.0.1", { "users" }, 1, POLICY_RULE_NONE,
	    OK("alice", "10.0.0.1") },
	/* User lists before group lists. */
	{ "allow user, deny group", { "alice" }, {0}, {0}, { "users" },
	    "alice", NULL, "10.0.0.1", { "users" }, 0,
	    POLICY_RULE_DENY_GROUPS, G_DENY("alice", "10.0.0.1") },
	{ "not allowed user, allowed group", { "bob" }, {0}, { "users" },
	    {0}, "alice", NULL, "10.0.0.1", { "users" }, 0,
	    POLICY_RULE_ALLOW_USERS, U_ALLOW("alice", "10.0.0.1") },
	{ "denied user, allowed group", {0}, { "alice" }, { "users" }, {0},
	    "alice", NULL, "10.0.0.1", { "users" }, 0,
	    POLICY_RULE_DENY_USERS, U_DENY("alice", "10.0.0.1") },
	{ "all four pass", { "alice@10.0.0.0/8" }, { "bob" }, { "users" },
	    { "wheel" }, "alice", NULL, "10.0.0.1", { "users" }, 1,
	    POLICY_RULE_NONE, OK("alice", "10.0.0.1") },
	{ "all four, group denied", { "alice" }, { "bob" }, { "users" },
	    { "wheel" }, "alice", NULL, "10.0.0.1", { "users", "wheel" }, 0,
	    POLICY_RULE_DENY_GROUPS, G_DENY("alice", "10.0.0.1") },
	/* With no host name, the address is named, as with UseDNS no. */
	{ "no host, no addr", { "alice" }, {0}, {0}, {0}, "bob", NULL, NULL,
	    { "bob" }, 0, POLICY_RULE_ALLOW_USERS,
	    U_ALLOW("bob", "UNKNOWN") },
	{ "user@host without addr never matches", { "alice@*" }, {0}, {0},
	    {0}, "alice", "h", NULL, { "alice" }, 0,
	    POLICY_RULE_ALLOW_USERS, U_ALLOW("alice", "h") },
};

static size_t
count(const char *const *v)
{
	size_t n = 0;

	while (n < MAXL && v[n] != NULL) {
		n++;
	}
	return n;
}

static void
test_login_table(void **state)
{
	const struct login_case *c;
	struct policy_login_cfg cfg;
	struct policy_login_subject s;
	struct policy_decision d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(login_cases) / sizeof(login_cases[0]); i++) {
		c = &login_cases[i];
		cfg.allow_users = c->allow_users;
		cfg.n_allow_users = count(c->allow_users);
		cfg.deny_users = c->deny_users;
		cfg.n_deny_users = count(c->deny_users);
		cfg.allow_groups = c->allow_groups;
		cfg.n_allow_groups = count(c->allow_groups);
		cfg.deny_groups = c->deny_groups;
		cfg.n_deny_groups = count(c->deny_groups);
		s.user = c->user;
		s.host = c->host != NULL ? c->host : c->addr;
		s.addr = c->addr;
		s.groups = c->groups;
		s.ngroups = count(c->groups);
		memset(&d, 0x5a, sizeof(d));
		if (policy_login_allowed(&cfg, &s, &d) != 0) {
			fail_msg("%s: error", c->name);
		}
		if (d.allowed != c->allowed || d.rule != c->rule ||
		    strcmp(d.reason, c->reason) != 0) {
			fail_msg("%s: got %d rule %d \"%s\", want %d rule %d "
			    "\"%s\"", c->name, d.allowed, d.rule, d.reason,
			    c->allowed, c->rule, c->reason);
		}
	}
}

static void
test_login_bad_pattern(void **state)
{
	const char *bad[] = { "alice@10.0.0.0/33" };
	const char *good[] = { "alice" };
	const char *groups[] = { "alice" };
	struct policy_login_cfg cfg;
	struct policy_login_subject s = { "alice", "10.0.0.1", "10.0.0.1",
	    groups, 1 };
	struct policy_decision d;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.deny_users = bad;
	cfg.n_deny_users = 1;
	assert_int_equal(policy_login_allowed(&cfg, &s, &d),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(d.allowed, 0);
	assert_string_equal(d.reason,
	    "Invalid DenyUsers pattern \"alice@10.0.0.0/33\"");
	memset(&cfg, 0, sizeof(cfg));
	cfg.deny_users = good;
	cfg.n_deny_users = 0;
	cfg.allow_users = bad;
	cfg.n_allow_users = 1;
	assert_int_equal(policy_login_allowed(&cfg, &s, &d),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(d.allowed, 0);
	/* NULL arguments. */
	assert_int_equal(policy_login_allowed(NULL, &s, &d),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(d.allowed, 0);
	assert_int_equal(policy_login_allowed(&cfg, NULL, &d),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(policy_login_allowed(&cfg, &s, NULL),
	    PC_ERR_INVALID_ARGUMENT);
	s.user = NULL;
	assert_int_equal(policy_login_allowed(&cfg, &s, &d),
	    PC_ERR_INVALID_ARGUMENT);
	s.user = "alice";
	s.groups = NULL;
	assert_int_equal(policy_login_allowed(&cfg, &s, &d),
	    PC_ERR_INVALID_ARGUMENT);
}

/* Long peer-supplied names are cut to 100 bytes, as OpenSSH's %.100s. */
static void
test_login_long_name(void **state)
{
	char user[300], want[400];
	const char *allow[] = { "alice" };
	struct policy_login_cfg cfg;
	struct policy_login_subject s;
	struct policy_decision d;

	(void)state;
	memset(user, 'x', sizeof(user) - 1);
	user[sizeof(user) - 1] = '\0';
	memset(&cfg, 0, sizeof(cfg));
	cfg.allow_users = allow;
	cfg.n_allow_users = 1;
	memset(&s, 0, sizeof(s));
	s.user = user;
	s.addr = "10.0.0.1";
	s.host = "10.0.0.1";
	assert_int_equal(policy_login_allowed(&cfg, &s, &d), 0);
	assert_int_equal(d.allowed, 0);
	snprintf(want, sizeof(want), "User %.100s from 10.0.0.1 not allowed "
	    "because not listed in AllowUsers", user);
	assert_string_equal(d.reason, want);
}

static const struct {
	const char *pattern;
	int ok;
} pattern_cases[] = {
	{ "alice", 1 }, { "a*", 1 }, { "alice@10.0.0.1", 1 },
	{ "alice@10.0.0.0/8", 1 }, { "alice@2001:db8::/32", 1 },
	{ "alice@*.example.com", 1 }, { "alice@host,!10.0.0.0/8", 1 },
	{ "a@b@c", 1 }, { "@host", 1 }, { "*@10.*", 1 },
	{ "alice@", 0 }, { "alice@10.0.0.0/33", 0 }, { "alice@10.0.0.1/8", 0 },
	{ "alice@10.0.0.0/8,", 0 }, { "alice@,10.0.0.1", 0 },
	{ "alice@!", 0 }, { "alice@2001:db8::1/32", 0 },
	{ "alice@::/129", 0 }, { "", 0 },
};

static void
test_user_pattern_check(void **state)
{
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(pattern_cases) / sizeof(pattern_cases[0]);
	    i++) {
		r = policy_login_user_pattern_check(pattern_cases[i].pattern);
		if ((r == 0) != pattern_cases[i].ok) {
			fail_msg("\"%s\": got %d", pattern_cases[i].pattern,
			    r);
		}
		if (r != 0) {
			assert_int_equal(r, PC_ERR_INVALID_FORMAT);
		}
	}
	assert_int_equal(policy_login_user_pattern_check(NULL),
	    PC_ERR_INVALID_FORMAT);
}

#define REFUSED	"ROOT LOGIN REFUSED"
#define FORCED	"Root login accepted for forced command."

static const struct {
	int prl;
	const char *method;
	int forced;
	int allowed;
	const char *reason;
} root_cases[] = {
	{ POLICY_ROOT_YES, "publickey", 0, 1, "PermitRootLogin yes" },
	{ POLICY_ROOT_YES, "password", 0, 1, "PermitRootLogin yes" },
	{ POLICY_ROOT_YES, "keyboard-interactive", 0, 1,
	    "PermitRootLogin yes" },
	{ POLICY_ROOT_YES, "none", 0, 1, "PermitRootLogin yes" },
	{ POLICY_ROOT_YES, "publickey", 1, 1, "PermitRootLogin yes" },
	{ POLICY_ROOT_NO, "publickey", 0, 0, REFUSED },
	{ POLICY_ROOT_NO, "publickey", 1, 0, REFUSED },
	{ POLICY_ROOT_NO, "password", 0, 0, REFUSED },
	{ POLICY_ROOT_NO, "keyboard-interactive", 0, 0, REFUSED },
	{ POLICY_ROOT_NO, "none", 0, 0, REFUSED },
	{ POLICY_ROOT_PROHIBIT_PASSWORD, "publickey", 0, 1,
	    "PermitRootLogin prohibit-password allows publickey" },
	{ POLICY_ROOT_PROHIBIT_PASSWORD, "publickey", 1, 1,
	    "PermitRootLogin prohibit-password allows publickey" },
	{ POLICY_ROOT_PROHIBIT_PASSWORD, "hostbased", 0, 1,
	    "PermitRootLogin prohibit-password allows hostbased" },
	{ POLICY_ROOT_PROHIBIT_PASSWORD, "gssapi-with-mic", 0, 1,
	    "PermitRootLogin prohibit-password allows gssapi-with-mic" },
	{ POLICY_ROOT_PROHIBIT_PASSWORD, "password", 0, 0, REFUSED },
	{ POLICY_ROOT_PROHIBIT_PASSWORD, "password", 1, 0, REFUSED },
	{ POLICY_ROOT_PROHIBIT_PASSWORD, "keyboard-interactive", 0, 0,
	    REFUSED },
	{ POLICY_ROOT_PROHIBIT_PASSWORD, "none", 0, 0, REFUSED },
	{ POLICY_ROOT_PROHIBIT_PASSWORD, "Publickey", 0, 0, REFUSED },
	{ POLICY_ROOT_FORCED_ONLY, "publickey", 1, 1, FORCED },
	{ POLICY_ROOT_FORCED_ONLY, "publickey", 0, 0, REFUSED },
	/* As OpenSSH: only the forced command counts, not the method
	 * (it can come from an earlier publickey step). */
	{ POLICY_ROOT_FORCED_ONLY, "password", 1, 1, FORCED },
	{ POLICY_ROOT_FORCED_ONLY, "password", 0, 0, REFUSED },
	{ POLICY_ROOT_FORCED_ONLY, "keyboard-interactive", 0, 0, REFUSED },
	{ POLICY_ROOT_FORCED_ONLY, "none", 0, 0, REFUSED },
};

static void
test_root_table(void **state)
{
	struct policy_decision d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(root_cases) / sizeof(root_cases[0]); i++) {
		memset(&d, 0x5a, sizeof(d));
		assert_int_equal(policy_root_login(root_cases[i].prl,
		    root_cases[i].method, root_cases[i].forced, &d), 0);
		if (d.allowed != root_cases[i].allowed ||
		    d.rule != POLICY_RULE_PERMIT_ROOT_LOGIN ||
		    strcmp(d.reason, root_cases[i].reason) != 0) {
			fail_msg("case %zu (%d, %s, %d): got %d \"%s\"", i,
			    root_cases[i].prl, root_cases[i].method,
			    root_cases[i].forced, d.allowed, d.reason);
		}
	}
}

static void
test_root_bad_args(void **state)
{
	struct policy_decision d;

	(void)state;
	assert_int_equal(policy_root_login(POLICY_ROOT_YES, NULL, 0, &d),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(d.allowed, 0);
	assert_int_equal(policy_root_login(7, "publickey", 1, &d),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(d.allowed, 0);
	assert_int_equal(policy_root_login(-1, "publickey", 1, &d),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(d.allowed, 0);
	assert_int_equal(policy_root_login(POLICY_ROOT_YES, "publickey", 0,
	    NULL), PC_ERR_INVALID_ARGUMENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_table),
		cmocka_unit_test(test_login_bad_pattern),
		cmocka_unit_test(test_login_long_name),
		cmocka_unit_test(test_user_pattern_check),
		cmocka_unit_test(test_root_table),
		cmocka_unit_test(test_root_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
