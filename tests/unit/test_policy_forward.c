/*
 * Unit tests for policy/forward.c: the forwarding decisions of OpenSSH's
 * serverloop.c / channels.c / session.c and SSH Tectia's per-user and
 * per-group switches, and the GatewayPorts bind-address table.
 *
 * (1) The whole TCP matrix of the forwarding issue, its expectation
 *     computed by a small oracle, which a hand-written table checks in
 *     turn; the key restrictions are built with authopts_parse,
 *     authopts_cert_defaults / authopts_cert_extension and
 *     authopts_merge as the daemon builds them.
 * (2) The GatewayPorts table.
 * (3) Unix sockets, agent, X11, tunnels, the Tectia lists, privileged
 *     ports, port 0, PermitListen / PermitOpen host matching, reasons
 *     cut to size, bad arguments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "authopts.h"
#include "forward.h"
#include "login.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Where the matrix says the rules' values came from.  AllowTcpForwarding
 * yes is the default (origin NULL, printed "default"). */
#define O_DISABLE	"/etc/ssh/sshd_config line 2"
#define O_ATF		"/etc/ssh/sshd_config line 4"
#define O_POPEN		"/etc/ssh/sshd_config line 6"
#define O_PLISTEN	"/etc/ssh/sshd_config line 7"
#define O_KEYLINE	"/home/alice/.ssh/authorized_keys:3"
#define O_CERT		"certificate ID \"alice\" serial 5"
#define O_KEYCERT	"/home/alice/.ssh/authorized_keys:3, " O_CERT

/* ------------------------------------------------------------------ */
/* (1) The TCP matrix. */

enum atf_dim { ATF_YES, ATF_ALL, ATF_NO, ATF_LOCAL, ATF_REMOTE, N_ATF };
static const int atf_value[N_ATF] = {
	POLICY_FWD_ALL, POLICY_FWD_ALL, POLICY_FWD_NO, POLICY_FWD_LOCAL,
	POLICY_FWD_REMOTE
};
/* As sshd -T (and the reason) prints the value. */
static const char *const atf_print[N_ATF] = {
	"yes", "yes", "no", "local", "remote"
};

/* PermitOpen (direct-tcpip) or PermitListen (tcpip-forward). */
enum cl_dim {
	CL_EMPTY,	/* not set: any */
	CL_ANY,		/* "any" */
	CL_NONE,	/* "none" */
	CL_MATCH,	/* the second entry matches */
	CL_NOMATCH,	/* wrong port, wrong host */
	CL_WILDHOST,	/* "*:8080" */
	CL_WILDPORT,	/* "host:*" */
	N_CL
};

enum kl_dim { KL_ABSENT, KL_MATCH, KL_NOMATCH, N_KL };

enum kf_dim {
	KF_NOKEY,	/* password login; with a certificate: a
			 * TrustedUserCAKeys login, no authorized_keys line */
	KF_PLAIN,	/* a line without options */
	KF_NOPF,	/* no-port-forwarding */
	KF_RESTRICT,	/* restrict */
	KF_RESTRICT_PF,	/* restrict,port-forwarding */
	N_KF
};
static const char *const kf_opts[N_KF] = {
	NULL, NULL, "no-port-forwarding", "restrict",
	"restrict,port-forwarding"
};

enum ce_dim { CE_NONE, CE_PPF, CE_NOPPF, N_CE };

/* The request of each kind: ssh -L to 127.0.0.1:8080, ssh -R on
 * localhost:8080 (with want-reply, by a non-root user). */
#define REQ_OPEN_HOST	"127.0.0.1"
#define REQ_LISTEN_HOST	"localhost"
#define REQ_PORT	8080

struct cl_lists {
	const char *v[2];
	size_t n;
	size_t hit;	/* the matching entry (CL_MATCH and wildcards) */
};

/* Indexed [listen][cl]. */
static const struct cl_lists cl_table[2][N_CL] = {
	{
		{ { NULL }, 0, 0 },
		{ { "any" }, 1, 0 },
		{ { "none" }, 1, 0 },
		{ { "10.0.0.1:22", "127.0.0.1:8080" }, 2, 1 },
		{ { "127.0.0.1:8081", "10.0.0.1:8080" }, 2, 0 },
		{ { "*:8080" }, 1, 0 },
		{ { "127.0.0.1:*" }, 1, 0 },
	},
	{
		{ { NULL }, 0, 0 },
		{ { "any" }, 1, 0 },
		{ { "none" }, 1, 0 },
		{ { "127.0.0.1:22", "localhost:8080" }, 2, 1 },
		{ { "localhost:8081", "127.0.0.1:8080" }, 2, 0 },
		{ { "*:8080" }, 1, 0 },
		{ { "localhost:*" }, 1, 0 },
	},
};

/* The key's permitopen= / permitlisten= value, [listen][kl]; the listen
 * mismatch is a bare port (any address, another port). */
static const char *const kl_value[2][N_KL] = {
	{ NULL, "127.0.0.1:8080", "127.0.0.1:9" },
	{ NULL, "localhost:8080", "8081" },
};

struct combo {
	enum policy_fwd_kind kind;
	enum atf_dim atf;
	enum cl_dim cl;
	enum kl_dim kl;
	enum kf_dim kf;
	enum ce_dim ce;
	int disable;
};

/*
 * The oracle: sshd's checks as a few boolean lines (serverloop.c gates,
 * then both permission lists of channels.c), first failure named.
 */
static int
oracle(const struct combo *c, enum policy_fwd_rule *rule)
{
	int listen = c->kind == POLICY_FWD_LISTEN_TCP;
	int cfg_bit = (atf_value[c->atf] &
	    (listen ? POLICY_FWD_REMOTE : POLICY_FWD_LOCAL)) != 0;
	int line_ok = c->kf == KF_NOKEY || c->kf == KF_PLAIN ||
	    c->kf == KF_RESTRICT_PF;
	int key_flag = line_ok && c->ce != CE_NOPPF;
	int key_list = c->kl != KL_NOMATCH;
	int cfg_list = c->cl != CL_NONE && c->cl != CL_NOMATCH;

	*rule = c->disable ? POLICY_FWD_RULE_DISABLE_FORWARDING :
	    !cfg_bit ? POLICY_FWD_RULE_ALLOW_TCP_FORWARDING :
	    !key_flag ? POLICY_FWD_RULE_KEY_PORT_FORWARDING :
	    !key_list ? (listen ? POLICY_FWD_RULE_KEY_PERMITLISTEN :
	    POLICY_FWD_RULE_KEY_PERMITOPEN) :
	    !cfg_list ? (listen ? POLICY_FWD_RULE_PERMIT_LISTEN :
	    POLICY_FWD_RULE_PERMIT_OPEN) : POLICY_FWD_RULE_NONE;
	return *rule == POLICY_FWD_RULE_NONE;
}

/* A key line with its options joined by commas. */
static void
line_add(char *line, size_t len, const char *opt)
{
	size_t used = strlen(line);

	assert_true(used + strlen(opt) + 2 < len);
	if (used > 0) {
		line[used++] = ',';
	}
	memcpy(line + used, opt, strlen(opt) + 1);
}

/*
 * The key's restrictions as the daemon builds them: the authorized_keys
 * line parsed; a certificate's from its defaults and extensions; a
 * certificate accepted by a cert-authority line merged with that line
 * (the line primary), by TrustedUserCAKeys taken alone.  NULL: no key.
 */
static struct auth_opts *
key_build(const struct combo *c)
{
	int listen = c->kind == POLICY_FWD_LISTEN_TCP;
	struct auth_opts *lo = NULL, *co = NULL, *m = NULL;
	const char *errstr = NULL;
	char line[256], opt[64];

	if (c->ce != CE_NONE) {
		assert_int_equal(authopts_cert_defaults(&co), 0);
		assert_int_equal(authopts_cert_extension(co, "permit-pty"), 0);
		if (c->ce == CE_PPF) {
			assert_int_equal(authopts_cert_extension(co,
			    "permit-port-forwarding"), 0);
		}
	}
	if (c->kf == KF_NOKEY) {
		return co;
	}
	line[0] = '\0';
	if (c->ce != CE_NONE) {
		line_add(line, sizeof(line), "cert-authority");
	}
	if (kf_opts[c->kf] != NULL) {
		line_add(line, sizeof(line), kf_opts[c->kf]);
	}
	if (c->kl != KL_ABSENT) {
		(void)snprintf(opt, sizeof(opt), "%s=\"%s\"", listen ?
		    "permitlisten" : "permitopen", kl_value[listen][c->kl]);
		line_add(line, sizeof(line), opt);
	}
	if (authopts_parse(line, strlen(line), &lo, NULL, &errstr) != 0) {
		fail_msg("authopts_parse(%s): %s", line, errstr);
	}
	if (co == NULL) {
		return lo;
	}
	assert_int_equal(authopts_merge(lo, co, &m, &errstr), 0);
	authopts_free(lo);
	authopts_free(co);
	return m;
}

static const char *
key_origin(const struct combo *c)
{
	if (c->ce == CE_NONE) {
		return O_KEYLINE;
	}
	return c->kf == KF_NOKEY ? O_CERT : O_KEYCERT;
}

/* The exact reason the decision must give. */
static void
expected_reason(const struct combo *c, enum policy_fwd_rule rule,
    char *buf, size_t len)
{
	int listen = c->kind == POLICY_FWD_LISTEN_TCP;
	const struct cl_lists *l = &cl_table[listen][c->cl];
	const char *kw = listen ? "PermitListen" : "PermitOpen";
	const char *kopt = listen ? "permitlisten" : "permitopen";
	const char *co = listen ? O_PLISTEN : O_POPEN;
	const char *ao = c->atf == ATF_YES ? "default" : O_ATF;
	char list[128];
	int n;

	switch (rule) {
	case POLICY_FWD_RULE_DISABLE_FORWARDING:
		n = snprintf(buf, len, "DisableForwarding yes (%s)",
		    O_DISABLE);
		break;
	case POLICY_FWD_RULE_ALLOW_TCP_FORWARDING:
		n = snprintf(buf, len, "AllowTcpForwarding %s (%s)",
		    atf_print[c->atf], ao);
		break;
	case POLICY_FWD_RULE_KEY_PORT_FORWARDING:
		n = snprintf(buf, len, "key restriction: port forwarding not "
		    "permitted (%s)", key_origin(c));
		break;
	case POLICY_FWD_RULE_KEY_PERMITOPEN:
	case POLICY_FWD_RULE_KEY_PERMITLISTEN:
		n = snprintf(buf, len, "%s=\"%s\" (%s)", kopt,
		    kl_value[listen][c->kl], key_origin(c));
		break;
	case POLICY_FWD_RULE_PERMIT_OPEN:
	case POLICY_FWD_RULE_PERMIT_LISTEN:
		(void)snprintf(list, sizeof(list), "%s%s%s", l->v[0],
		    l->n > 1 ? " " : "", l->n > 1 ? l->v[1] : "");
		n = snprintf(buf, len, "%s %s (%s)", kw, list, co);
		break;
	case POLICY_FWD_RULE_NONE:
		if (c->kl != KL_ABSENT) {
			(void)snprintf(list, sizeof(list),
			    ", %s=\"%s\" (%s)", kopt,
			    kl_value[listen][c->kl], key_origin(c));
		} else {
			list[0] = '\0';
		}
		n = snprintf(buf, len, "AllowTcpForwarding %s (%s)%s, "
		    "%s %s (%s)", atf_print[c->atf], ao, list, kw,
		    c->cl == CL_EMPTY || c->cl == CL_ANY ? "any" :
		    l->v[l->hit], co);
		break;
	default:
		fail_msg("no reason for rule %d", (int)rule);
		return;
	}
	assert_true(n > 0 && (size_t)n < len);
}

/* Run one combination; the result must be the oracle's (or, from the
 * hand table, the row's).  Returns 1 if it was run, 0 if impossible
 * (key options without a key line). */
static int
run_combo(const struct combo *c, int want_allowed,
    enum policy_fwd_rule want_rule, const char *label)
{
	static const char *const none_list[] = { "none" };
	int listen = c->kind == POLICY_FWD_LISTEN_TCP;
	const struct cl_lists *l = &cl_table[listen][c->cl];
	struct policy_fwd_cfg cfg;
	struct policy_fwd_subject s;
	struct policy_fwd_request req;
	struct policy_fwd_decision d;
	char want[POLICY_FWD_REASON_MAX];
	const char *ko;
	int i;

	if (c->kf == KF_NOKEY && c->kl != KL_ABSENT) {
		return 0;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.allow_tcp = atf_value[c->atf];
	cfg.allow_streamlocal = POLICY_FWD_ALL;
	cfg.allow_agent = 1;
	cfg.x11_forwarding = 1;
	cfg.disable_forwarding = c->disable;
	/* The list of the other kind says "none": it must not matter. */
	if (listen) {
		cfg.permit_listen = l->v;
		cfg.npermit_listen = l->n;
		cfg.permit_open = none_list;
		cfg.npermit_open = 1;
	} else {
		cfg.permit_open = l->v;
		cfg.npermit_open = l->n;
		cfg.permit_listen = none_list;
		cfg.npermit_listen = 1;
	}
	cfg.origin[POLICY_FWD_RULE_DISABLE_FORWARDING] = O_DISABLE;
	cfg.origin[POLICY_FWD_RULE_ALLOW_TCP_FORWARDING] =
	    c->atf == ATF_YES ? NULL : O_ATF;
	cfg.origin[POLICY_FWD_RULE_PERMIT_OPEN] = O_POPEN;
	cfg.origin[POLICY_FWD_RULE_PERMIT_LISTEN] = O_PLISTEN;
	ko = key_origin(c);
	cfg.origin[POLICY_FWD_RULE_KEY_PORT_FORWARDING] = ko;
	cfg.origin[POLICY_FWD_RULE_KEY_AGENT_FORWARDING] = ko;
	cfg.origin[POLICY_FWD_RULE_KEY_X11_FORWARDING] = ko;
	cfg.origin[POLICY_FWD_RULE_KEY_PERMITOPEN] = ko;
	cfg.origin[POLICY_FWD_RULE_KEY_PERMITLISTEN] = ko;

	memset(&s, 0, sizeof(s));
	s.who.user = "alice";
	s.who.addr = "192.0.2.10";
	s.who.host = s.who.addr;
	s.is_root = 0;
	s.key = (c->kf == KF_NOKEY && c->ce == CE_NONE) ? NULL : key_build(c);

	memset(&req, 0, sizeof(req));
	req.kind = c->kind;
	req.host = listen ? REQ_LISTEN_HOST : REQ_OPEN_HOST;
	req.port = REQ_PORT;
	req.want_reply = 1;

	memset(&d, 0x5a, sizeof(d));
	i = policy_forward(&cfg, &s, &req, &d);
	authopts_free((struct auth_opts *)s.key);
	if (i != 0 || d.allowed != want_allowed || d.rule != want_rule) {
		fail_msg("%s: kind %d atf %d cl %d kl %d kf %d ce %d dis %d: "
		    "r %d allowed %d rule %d (want %d, %d) \"%s\"", label,
		    (int)c->kind, (int)c->atf, (int)c->cl, (int)c->kl,
		    (int)c->kf, (int)c->ce, c->disable, i, d.allowed,
		    (int)d.rule, want_allowed, (int)want_rule, d.reason);
	}
	expected_reason(c, want_rule, want, sizeof(want));
	if (strcmp(d.reason, want) != 0) {
		fail_msg("%s: kind %d atf %d cl %d kl %d kf %d ce %d dis %d: "
		    "reason \"%s\", want \"%s\"", label, (int)c->kind,
		    (int)c->atf, (int)c->cl, (int)c->kl, (int)c->kf,
		    (int)c->ce, c->disable, d.reason, want);
	}
	return 1;
}

static void
test_matrix(void **state)
{
	static const enum policy_fwd_kind kinds[] = {
		POLICY_FWD_DIRECT_TCP, POLICY_FWD_LISTEN_TCP
	};
	struct combo c;
	enum policy_fwd_rule rule;
	size_t run = 0, skipped = 0, allowed = 0, k;
	size_t by_rule[POLICY_FWD_RULE_COUNT];
	int a, cl, kl, kf, ce, dis, ok;

	(void)state;
	memset(by_rule, 0, sizeof(by_rule));
	for (k = 0; k < NELEM(kinds); k++)
	for (a = 0; a < N_ATF; a++)
	for (cl = 0; cl < N_CL; cl++)
	for (kl = 0; kl < N_KL; kl++)
	for (kf = 0; kf < N_KF; kf++)
	for (ce = 0; ce < N_CE; ce++)
	for (dis = 0; dis < 2; dis++) {
		c.kind = kinds[k];
		c.atf = (enum atf_dim)a;
		c.cl = (enum cl_dim)cl;
		c.kl = (enum kl_dim)kl;
		c.kf = (enum kf_dim)kf;
		c.ce = (enum ce_dim)ce;
		c.disable = dis;
		ok = oracle(&c, &rule);
		if (run_combo(&c, ok, rule, "matrix")) {
			run++;
			allowed += (size_t)ok;
			by_rule[rule]++;
		} else {
			skipped++;
		}
	}
	printf("policy_forward matrix: %zu combinations run (%zu allowed, "
	    "%zu refused); %zu of the %zu-cell product skipped (key "
	    "options without a key)\n", run, allowed, run - allowed,
	    skipped, run + skipped);
	/* 2 kinds x 5 x 7 x (4 key lines x 3 key lists + no line) x 3 x 2 */
	assert_int_equal(run, 2 * N_ATF * N_CL * (4 * N_KL + 1) * N_CE * 2);
	/* Every rule the matrix can reach was reached. */
	assert_true(by_rule[POLICY_FWD_RULE_NONE] > 0);
	assert_true(by_rule[POLICY_FWD_RULE_DISABLE_FORWARDING] > 0);
	assert_true(by_rule[POLICY_FWD_RULE_ALLOW_TCP_FORWARDING] > 0);
	assert_true(by_rule[POLICY_FWD_RULE_KEY_PORT_FORWARDING] > 0);
	assert_true(by_rule[POLICY_FWD_RULE_KEY_PERMITOPEN] > 0);
	assert_true(by_rule[POLICY_FWD_RULE_KEY_PERMITLISTEN] > 0);
	assert_true(by_rule[POLICY_FWD_RULE_PERMIT_OPEN] > 0);
	assert_true(by_rule[POLICY_FWD_RULE_PERMIT_LISTEN] > 0);
}

/* Hand-written rows: what sshd does, to check the oracle as well. */
struct hand_row {
	struct combo c;
	int allowed;
	enum policy_fwd_rule rule;
};

#define D	POLICY_FWD_DIRECT_TCP
#define L	POLICY_FWD_LISTEN_TCP
#define R_OK	POLICY_FWD_RULE_NONE
#define R_DIS	POLICY_FWD_RULE_DISABLE_FORWARDING
#define R_ATF	POLICY_FWD_RULE_ALLOW_TCP_FORWARDING
#define R_KPF	POLICY_FWD_RULE_KEY_PORT_FORWARDING
#define R_KPO	POLICY_FWD_RULE_KEY_PERMITOPEN
#define R_KPL	POLICY_FWD_RULE_KEY_PERMITLISTEN
#define R_PO	POLICY_FWD_RULE_PERMIT_OPEN
#define R_PL	POLICY_FWD_RULE_PERMIT_LISTEN

static const struct hand_row hand_rows[] = {
	/* Defaults: a password login forwards both ways. */
	{ { D, ATF_YES, CL_EMPTY, KL_ABSENT, KF_NOKEY, CE_NONE, 0 }, 1, R_OK },
	{ { L, ATF_YES, CL_EMPTY, KL_ABSENT, KF_NOKEY, CE_NONE, 0 }, 1, R_OK },
	{ { D, ATF_ALL, CL_ANY, KL_ABSENT, KF_PLAIN, CE_NONE, 0 }, 1, R_OK },
	{ { L, ATF_ALL, CL_ANY, KL_ABSENT, KF_PLAIN, CE_NONE, 0 }, 1, R_OK },
	/* AllowTcpForwarding: local is -L only, remote -R only. */
	{ { D, ATF_NO, CL_EMPTY, KL_ABSENT, KF_NOKEY, CE_NONE, 0 }, 0, R_ATF },
	{ { L, ATF_NO, CL_EMPTY, KL_ABSENT, KF_NOKEY, CE_NONE, 0 }, 0, R_ATF },
	{ { D, ATF_LOCAL, CL_EMPTY, KL_ABSENT, KF_PLAIN, CE_NONE, 0 }, 1,
	    R_OK },
	{ { L, ATF_LOCAL, CL_EMPTY, KL_ABSENT, KF_PLAIN, CE_NONE, 0 }, 0,
	    R_ATF },
	{ { D, ATF_REMOTE, CL_EMPTY, KL_ABSENT, KF_PLAIN, CE_NONE, 0 }, 0,
	    R_ATF },
	{ { L, ATF_REMOTE, CL_EMPTY, KL_ABSENT, KF_PLAIN, CE_NONE, 0 }, 1,
	    R_OK },
	/* DisableForwarding beats everything, and is tried first. */
	{ { D, ATF_YES, CL_EMPTY, KL_ABSENT, KF_NOKEY, CE_NONE, 1 }, 0, R_DIS },
	{ { L, ATF_NO, CL_NONE, KL_NOMATCH, KF_NOPF, CE_NONE, 1 }, 0, R_DIS },
	{ { D, ATF_ALL, CL_MATCH, KL_MATCH, KF_RESTRICT_PF, CE_PPF, 1 }, 0,
	    R_DIS },
	/* Key flags. */
	{ { D, ATF_YES, CL_EMPTY, KL_ABSENT, KF_NOPF, CE_NONE, 0 }, 0, R_KPF },
	{ { L, ATF_YES, CL_EMPTY, KL_ABSENT, KF_NOPF, CE_NONE, 0 }, 0, R_KPF },
	{ { D, ATF_YES, CL_EMPTY, KL_ABSENT, KF_RESTRICT, CE_NONE, 0 }, 0,
	    R_KPF },
	{ { L, ATF_YES, CL_EMPTY, KL_MATCH, KF_RESTRICT, CE_NONE, 0 }, 0,
	    R_KPF },
	{ { D, ATF_YES, CL_EMPTY, KL_ABSENT, KF_RESTRICT_PF, CE_NONE, 0 }, 1,
	    R_OK },
	{ { L, ATF_YES, CL_EMPTY, KL_MATCH, KF_RESTRICT_PF, CE_NONE, 0 }, 1,
	    R_OK },
	/* The configuration is tried before the key. */
	{ { L, ATF_LOCAL, CL_EMPTY, KL_ABSENT, KF_NOPF, CE_NONE, 0 }, 0,
	    R_ATF },
	/* Certificates: TrustedUserCAKeys (no line) and cert-authority. */
	{ { D, ATF_YES, CL_EMPTY, KL_ABSENT, KF_NOKEY, CE_PPF, 0 }, 1, R_OK },
	{ { D, ATF_YES, CL_EMPTY, KL_ABSENT, KF_NOKEY, CE_NOPPF, 0 }, 0,
	    R_KPF },
	{ { L, ATF_YES, CL_EMPTY, KL_ABSENT, KF_NOKEY, CE_NOPPF, 0 }, 0,
	    R_KPF },
	{ { L, ATF_YES, CL_EMPTY, KL_ABSENT, KF_PLAIN, CE_PPF, 0 }, 1, R_OK },
	{ { D, ATF_YES, CL_EMPTY, KL_ABSENT, KF_PLAIN, CE_NOPPF, 0 }, 0,
	    R_KPF },
	{ { D, ATF_YES, CL_EMPTY, KL_ABSENT, KF_NOPF, CE_PPF, 0 }, 0, R_KPF },
	{ { D, ATF_YES, CL_EMPTY, KL_ABSENT, KF_RESTRICT, CE_PPF, 0 }, 0,
	    R_KPF },
	{ { L, ATF_YES, CL_EMPTY, KL_ABSENT, KF_RESTRICT_PF, CE_PPF, 0 }, 1,
	    R_OK },
	{ { L, ATF_YES, CL_EMPTY, KL_ABSENT, KF_RESTRICT_PF, CE_NOPPF, 0 }, 0,
	    R_KPF },
	{ { D, ATF_YES, CL_EMPTY, KL_MATCH, KF_PLAIN, CE_PPF, 0 }, 1, R_OK },
	{ { D, ATF_YES, CL_EMPTY, KL_NOMATCH, KF_PLAIN, CE_PPF, 0 }, 0,
	    R_KPO },
	/* The key's lists. */
	{ { D, ATF_YES, CL_EMPTY, KL_MATCH, KF_PLAIN, CE_NONE, 0 }, 1, R_OK },
	{ { D, ATF_YES, CL_EMPTY, KL_NOMATCH, KF_PLAIN, CE_NONE, 0 }, 0,
	    R_KPO },
	{ { L, ATF_YES, CL_EMPTY, KL_MATCH, KF_PLAIN, CE_NONE, 0 }, 1, R_OK },
	{ { L, ATF_YES, CL_ANY, KL_NOMATCH, KF_PLAIN, CE_NONE, 0 }, 0, R_KPL },
	/* Both lists must allow; the key's is tried first. */
	{ { D, ATF_YES, CL_NONE, KL_MATCH, KF_PLAIN, CE_NONE, 0 }, 0, R_PO },
	{ { D, ATF_YES, CL_NONE, KL_NOMATCH, KF_PLAIN, CE_NONE, 0 }, 0,
	    R_KPO },
	{ { L, ATF_YES, CL_NOMATCH, KL_MATCH, KF_PLAIN, CE_NONE, 0 }, 0,
	    R_PL },
	{ { L, ATF_YES, CL_MATCH, KL_NOMATCH, KF_PLAIN, CE_NONE, 0 }, 0,
	    R_KPL },
	{ { L, ATF_YES, CL_MATCH, KL_MATCH, KF_PLAIN, CE_NONE, 0 }, 1, R_OK },
	/* PermitOpen / PermitListen. */
	{ { D, ATF_YES, CL_NONE, KL_ABSENT, KF_NOKEY, CE_NONE, 0 }, 0, R_PO },
	{ { L, ATF_YES, CL_NONE, KL_ABSENT, KF_NOKEY, CE_NONE, 0 }, 0, R_PL },
	{ { D, ATF_YES, CL_MATCH, KL_ABSENT, KF_NOKEY, CE_NONE, 0 }, 1, R_OK },
	{ { D, ATF_YES, CL_NOMATCH, KL_ABSENT, KF_NOKEY, CE_NONE, 0 }, 0,
	    R_PO },
	{ { L, ATF_YES, CL_NOMATCH, KL_ABSENT, KF_NOKEY, CE_NONE, 0 }, 0,
	    R_PL },
	{ { D, ATF_YES, CL_WILDHOST, KL_ABSENT, KF_NOKEY, CE_NONE, 0 }, 1,
	    R_OK },
	{ { L, ATF_YES, CL_WILDHOST, KL_ABSENT, KF_NOKEY, CE_NONE, 0 }, 1,
	    R_OK },
	{ { D, ATF_YES, CL_WILDPORT, KL_MATCH, KF_PLAIN, CE_NONE, 0 }, 1,
	    R_OK },
	{ { L, ATF_REMOTE, CL_WILDPORT, KL_ABSENT, KF_NOKEY, CE_NONE, 0 }, 1,
	    R_OK },
	/* The list of the other direction plays no part. */
	{ { D, ATF_LOCAL, CL_ANY, KL_ABSENT, KF_NOKEY, CE_NONE, 0 }, 1, R_OK },
	/* Several refusals: the first rule in order decides. */
	{ { D, ATF_REMOTE, CL_NONE, KL_NOMATCH, KF_RESTRICT, CE_NOPPF, 0 }, 0,
	    R_ATF },
	{ { L, ATF_ALL, CL_NONE, KL_NOMATCH, KF_NOPF, CE_PPF, 0 }, 0, R_KPF },
	{ { L, ATF_ALL, CL_NONE, KL_NOMATCH, KF_RESTRICT_PF, CE_PPF, 0 }, 0,
	    R_KPL },
};

static void
test_hand_table(void **state)
{
	enum policy_fwd_rule rule;
	size_t i;
	int ok;

	(void)state;
	assert_true(NELEM(hand_rows) >= 40);
	for (i = 0; i < NELEM(hand_rows); i++) {
		ok = oracle(&hand_rows[i].c, &rule);
		if (ok != hand_rows[i].allowed ||
		    rule != hand_rows[i].rule) {
			fail_msg("row %zu: the oracle says %d rule %d", i, ok,
			    (int)rule);
		}
		if (!run_combo(&hand_rows[i].c, hand_rows[i].allowed,
		    hand_rows[i].rule, "hand row")) {
			fail_msg("row %zu is impossible", i);
		}
	}
	printf("policy_forward hand table: %zu rows\n", NELEM(hand_rows));
}

/* ------------------------------------------------------------------ */
/* (2) GatewayPorts. */

#define B_LO	POLICY_BIND_LOOPBACK
#define B_ANY	POLICY_BIND_WILDCARD
#define B_ADDR	POLICY_BIND_ADDRESS

static const struct {
	int gw;
	const char *requested;
	enum policy_bind_kind kind;
	int overridden;
} gw_rows[] = {
	/* no: only the explicit loopback addresses bind as asked. */
	{ POLICY_GW_NO, "", B_LO, 0 },
	{ POLICY_GW_NO, "*", B_LO, 0 },
	{ POLICY_GW_NO, "localhost", B_LO, 0 },
	{ POLICY_GW_NO, "127.0.0.1", B_ADDR, 0 },
	{ POLICY_GW_NO, "::1", B_ADDR, 0 },
	{ POLICY_GW_NO, "0.0.0.0", B_LO, 0 },
	{ POLICY_GW_NO, "192.0.2.7", B_LO, 0 },
	/* yes: the wildcard, and the client is told when it asked for
	 * something narrower. */
	{ POLICY_GW_YES, "", B_ANY, 0 },
	{ POLICY_GW_YES, "*", B_ANY, 0 },
	{ POLICY_GW_YES, "localhost", B_ANY, 1 },
	{ POLICY_GW_YES, "127.0.0.1", B_ANY, 1 },
	{ POLICY_GW_YES, "::1", B_ANY, 1 },
	{ POLICY_GW_YES, "0.0.0.0", B_ANY, 0 },
	{ POLICY_GW_YES, "192.0.2.7", B_ANY, 1 },
	/* clientspecified: as asked; "localhost" is both loopbacks. */
	{ POLICY_GW_CLIENTSPECIFIED, "", B_ANY, 0 },
	{ POLICY_GW_CLIENTSPECIFIED, "*", B_ANY, 0 },
	{ POLICY_GW_CLIENTSPECIFIED, "localhost", B_LO, 0 },
	{ POLICY_GW_CLIENTSPECIFIED, "127.0.0.1", B_ADDR, 0 },
	{ POLICY_GW_CLIENTSPECIFIED, "::1", B_ADDR, 0 },
	{ POLICY_GW_CLIENTSPECIFIED, "0.0.0.0", B_ADDR, 0 },
	{ POLICY_GW_CLIENTSPECIFIED, "192.0.2.7", B_ADDR, 0 },
};

static void
test_gateway_ports(void **state)
{
	struct policy_bind b;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(gw_rows); i++) {
		memset(&b, 0x5a, sizeof(b));
		assert_int_equal(policy_fwd_bind_address(gw_rows[i].gw,
		    gw_rows[i].requested, &b), 0);
		if (b.kind != gw_rows[i].kind ||
		    b.overridden != gw_rows[i].overridden) {
			fail_msg("GatewayPorts %d \"%s\": kind %d overridden "
			    "%d", gw_rows[i].gw, gw_rows[i].requested,
			    (int)b.kind, b.overridden);
		}
	}
	/* Case matters: "LOCALHOST" is not the keyword, so it is an
	 * address to resolve. */
	assert_int_equal(policy_fwd_bind_address(POLICY_GW_CLIENTSPECIFIED,
	    "LOCALHOST", &b), 0);
	assert_int_equal(b.kind, B_ADDR);
	assert_int_equal(policy_fwd_bind_address(POLICY_GW_NO, "127.0.0.2",
	    &b), 0);
	assert_int_equal(b.kind, B_LO);
	/* Bad arguments. */
	assert_int_equal(policy_fwd_bind_address(3, "", &b),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(policy_fwd_bind_address(-1, "", &b),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(policy_fwd_bind_address(POLICY_GW_YES, NULL, &b),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(b.kind, B_LO);
	assert_int_equal(b.overridden, 0);
	assert_int_equal(policy_fwd_bind_address(POLICY_GW_YES, "", NULL),
	    PC_ERR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------------ */
/* (3) The other kinds and rules. */

/* Everything allowed, no key, user alice from 192.0.2.10 in groups
 * alice and users. */
static const char *const base_groups[] = { "alice", "users" };

static void
base_init(struct policy_fwd_cfg *cfg, struct policy_fwd_subject *s,
    struct policy_fwd_request *req, enum policy_fwd_kind kind)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->allow_tcp = POLICY_FWD_ALL;
	cfg->allow_streamlocal = POLICY_FWD_ALL;
	cfg->allow_agent = 1;
	cfg->x11_forwarding = 1;
	memset(s, 0, sizeof(*s));
	s->who.user = "alice";
	s->who.addr = "192.0.2.10";
	/* UseDNS no: the host is the address, as the daemon passes it. */
	s->who.host = s->who.addr;
	s->who.groups = base_groups;
	s->who.ngroups = NELEM(base_groups);
	memset(req, 0, sizeof(*req));
	req->kind = kind;
	req->host = kind == POLICY_FWD_LISTEN_TCP ? "localhost" :
	    "127.0.0.1";
	req->port = 8080;
	req->path = "/tmp/sock";
	req->want_reply = 1;
}

/* Decide; check the return, the verdict, the rule, and (if want_sub is
 * not NULL) that the reason contains want_sub. */
static void
expect(const struct policy_fwd_cfg *cfg, const struct policy_fwd_subject *s,
    const struct policy_fwd_request *req, int allowed,
    enum policy_fwd_rule rule, const char *want_sub, const char *label)
{
	struct policy_fwd_decision d;
	int r;

	memset(&d, 0x5a, sizeof(d));
	r = policy_forward(cfg, s, req, &d);
	if (r != 0 || d.allowed != allowed || d.rule != rule) {
		fail_msg("%s: r %d allowed %d rule %d (want %d, %d): \"%s\"",
		    label, r, d.allowed, (int)d.rule, allowed, (int)rule,
		    d.reason);
	}
	assert_true(memchr(d.reason, '\0', sizeof(d.reason)) != NULL);
	if (want_sub != NULL && strstr(d.reason, want_sub) == NULL) {
		fail_msg("%s: reason \"%s\" lacks \"%s\"", label, d.reason,
		    want_sub);
	}
}

static struct auth_opts *
opts(const char *line)
{
	struct auth_opts *o = NULL;
	const char *errstr = NULL;

	if (authopts_parse(line, strlen(line), &o, NULL, &errstr) != 0) {
		fail_msg("authopts_parse(%s): %s", line, errstr);
	}
	return o;
}

static void
test_streamlocal(void **state)
{
	static const enum policy_fwd_kind kinds[] = {
		POLICY_FWD_DIRECT_STREAMLOCAL, POLICY_FWD_LISTEN_STREAMLOCAL
	};
	static const char *const none_list[] = { "none" };
	struct policy_fwd_cfg cfg;
	struct policy_fwd_subject s;
	struct policy_fwd_request req;
	struct auth_opts *o;
	size_t k;
	int local, v;
	const enum policy_fwd_rule slrule =
	    POLICY_FWD_RULE_ALLOW_STREAMLOCAL_FORWARDING;

	(void)state;
	for (k = 0; k < NELEM(kinds); k++) {
		local = kinds[k] == POLICY_FWD_DIRECT_STREAMLOCAL;
		/* AllowStreamLocalForwarding: the LOCAL / REMOTE bit. */
		for (v = POLICY_FWD_NO; v <= POLICY_FWD_ALL; v++) {
			base_init(&cfg, &s, &req, kinds[k]);
			cfg.allow_streamlocal = v;
			cfg.origin[slrule] = "f line 9";
			if ((v & (local ? POLICY_FWD_LOCAL :
			    POLICY_FWD_REMOTE)) != 0) {
				expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE,
				    "AllowStreamLocalForwarding ", "sl yes");
			} else {
				expect(&cfg, &s, &req, 0, slrule,
				    "(f line 9)", "sl no");
			}
		}
		base_init(&cfg, &s, &req, kinds[k]);
		cfg.allow_streamlocal = local ? POLICY_FWD_LOCAL :
		    POLICY_FWD_REMOTE;
		expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE,
		    local ? "AllowStreamLocalForwarding local (default)" :
		    "AllowStreamLocalForwarding remote (default)", "sl bit");
		/*
		 * The TCP permissions OpenSSH's sshd also applies to paths
		 * (measured with its sshd 9.2; see decide_streamlocal):
		 * direct needs AllowTcpForwarding local and, where a
		 * permitopen= or PermitOpen list exists, a "*:*" entry;
		 * listen needs AllowTcpForwarding remote or a permitlisten=
		 * list.  Never the Tectia lists, PermitListen or the
		 * privileged-port rule.
		 */
		{
			static const char *const l_none[] = { "none" };
			static const char *const l_h1[] = { "h:1" };
			static const char *const l_h1any[] = { "h:1", "*:*" };
			static const char *const l_any[] = { "any" };
			static const struct {
				int allow_tcp;
				const char *key;	/* NULL: no key */
				const char *const *popen;
				size_t npopen;
				int allowed_direct, allowed_listen;
				enum policy_fwd_rule rule_direct, rule_listen;
			} t[] = {
#define R(x)	POLICY_FWD_RULE_##x
			{ POLICY_FWD_NO, NULL, NULL, 0, 0, 0,
			    R(ALLOW_TCP_FORWARDING), R(ALLOW_TCP_FORWARDING) },
			{ POLICY_FWD_REMOTE, NULL, NULL, 0, 0, 1,
			    R(ALLOW_TCP_FORWARDING), R(NONE) },
			{ POLICY_FWD_LOCAL, NULL, NULL, 0, 1, 0,
			    R(NONE), R(ALLOW_TCP_FORWARDING) },
			{ POLICY_FWD_LOCAL, "permitlisten=\"2\"", NULL, 0, 1,
			    1, R(NONE), R(NONE) },
			{ POLICY_FWD_NO, "permitlisten=\"2\"", NULL, 0, 0, 1,
			    R(ALLOW_TCP_FORWARDING), R(NONE) },
			{ POLICY_FWD_ALL, "permitopen=\"h:1\"", NULL, 0, 0,
			    1, R(KEY_PERMITOPEN), R(NONE) },
			{ POLICY_FWD_ALL, "permitopen=\"h:1\",permitopen="
			    "\"*:*\"", NULL, 0, 1, 1, R(NONE), R(NONE) },
			{ POLICY_FWD_ALL, NULL, l_none, 1, 0, 1, R(PERMIT_OPEN), R(NONE) },
			{ POLICY_FWD_ALL, NULL, l_h1, 1, 0, 1, R(PERMIT_OPEN), R(NONE) },
			{ POLICY_FWD_ALL, NULL, l_h1any, 2, 1, 1, R(NONE), R(NONE) },
			{ POLICY_FWD_ALL, NULL, l_any, 1, 1, 1, R(NONE), R(NONE) },
#undef R
			};
			size_t i;

			for (i = 0; i < NELEM(t); i++) {
				base_init(&cfg, &s, &req, kinds[k]);
				cfg.allow_tcp = t[i].allow_tcp;
				cfg.permit_open = t[i].popen;
				cfg.npermit_open = t[i].npopen;
				cfg.permit_listen = none_list;
				cfg.npermit_listen = 1;
				cfg.deny_tcp_users =
				    (const char *const[]){ "alice" };
				cfg.n_deny_tcp_users = 1;
				req.port = 22;
				o = NULL;
				if (t[i].key != NULL) {
					s.key = o = opts(t[i].key);
				}
				expect(&cfg, &s, &req, local ?
				    t[i].allowed_direct : t[i].allowed_listen,
				    local ? t[i].rule_direct : t[i].rule_listen,
				    NULL, "sl tcp permissions");
				authopts_free(o);
			}
		}
		/* DisableForwarding, before AllowStreamLocalForwarding. */
		base_init(&cfg, &s, &req, kinds[k]);
		cfg.disable_forwarding = 1;
		cfg.allow_streamlocal = POLICY_FWD_NO;
		expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_DISABLE_FORWARDING,
		    "DisableForwarding yes (default)", "sl disable");
		/* The key's port-forwarding flag. */
		base_init(&cfg, &s, &req, kinds[k]);
		cfg.origin[POLICY_FWD_RULE_KEY_PORT_FORWARDING] = "ak:1";
		s.key = o = opts("no-port-forwarding");
		expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_KEY_PORT_FORWARDING,
		    "port forwarding not permitted (ak:1)", "sl key");
		authopts_free(o);
		s.key = o = opts("restrict");
		expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_KEY_PORT_FORWARDING,
		    NULL, "sl restrict");
		authopts_free(o);
		s.key = o = opts("restrict,port-forwarding");
		expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL,
		    "sl restrict,pf");
		authopts_free(o);
		s.key = o = opts("no-agent-forwarding,no-X11-forwarding");
		expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL,
		    "sl other flags");
		authopts_free(o);
	}
}

/* Agent and X11 share a shape: the setting, the key flag, disable. */
static void
session_kind_checks(enum policy_fwd_kind kind)
{
	const int agent = kind == POLICY_FWD_AGENT;
	const enum policy_fwd_rule crule = agent ?
	    POLICY_FWD_RULE_ALLOW_AGENT_FORWARDING :
	    POLICY_FWD_RULE_X11_FORWARDING;
	const enum policy_fwd_rule krule = agent ?
	    POLICY_FWD_RULE_KEY_AGENT_FORWARDING :
	    POLICY_FWD_RULE_KEY_X11_FORWARDING;
	static const struct {
		const char *line;	/* NULL: no key */
		int agent_ok, x11_ok;
	} keys[] = {
		{ NULL, 1, 1 },
		{ "", 1, 1 },
		{ "no-agent-forwarding", 0, 1 },
		{ "no-x11-forwarding", 1, 0 },
		{ "no-port-forwarding", 1, 1 },
		{ "restrict", 0, 0 },
		{ "restrict,agent-forwarding", 1, 0 },
		{ "restrict,x11-forwarding", 0, 1 },
		{ "restrict,port-forwarding", 0, 0 },
	};
	struct policy_fwd_cfg cfg;
	struct policy_fwd_subject s;
	struct policy_fwd_request req;
	struct auth_opts *o;
	size_t i;
	int setting, dis, key_ok;
	char label[96];

	for (i = 0; i < NELEM(keys); i++)
	for (setting = 0; setting < 2; setting++)
	for (dis = 0; dis < 2; dis++) {
		base_init(&cfg, &s, &req, kind);
		if (agent) {
			cfg.allow_agent = setting;
		} else {
			cfg.x11_forwarding = setting;
		}
		cfg.disable_forwarding = dis;
		/* Port forwarding switched off must not matter. */
		cfg.allow_tcp = POLICY_FWD_NO;
		cfg.deny_tcp_users = (const char *const[]){ "*" };
		cfg.n_deny_tcp_users = 1;
		cfg.origin[crule] = "cfg line 3";
		cfg.origin[krule] = "ak:5";
		o = keys[i].line != NULL ? opts(keys[i].line) : NULL;
		s.key = o;
		key_ok = agent ? keys[i].agent_ok : keys[i].x11_ok;
		(void)snprintf(label, sizeof(label), "%s key \"%s\" %d %d",
		    agent ? "agent" : "x11",
		    keys[i].line ? keys[i].line : "(none)", setting, dis);
		if (dis) {
			expect(&cfg, &s, &req, 0,
			    POLICY_FWD_RULE_DISABLE_FORWARDING,
			    "DisableForwarding yes", label);
		} else if (!setting) {
			expect(&cfg, &s, &req, 0, crule, agent ?
			    "AllowAgentForwarding no (cfg line 3)" :
			    "X11Forwarding no (cfg line 3)", label);
		} else if (!key_ok) {
			expect(&cfg, &s, &req, 0, krule, agent ?
			    "key restriction: agent forwarding not "
			    "permitted (ak:5)" :
			    "key restriction: X11 forwarding not permitted "
			    "(ak:5)", label);
		} else {
			expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, agent ?
			    "AllowAgentForwarding yes (cfg line 3)" :
			    "X11Forwarding yes (cfg line 3)", label);
		}
		authopts_free(o);
	}
}

static void
test_agent_x11(void **state)
{
	struct auth_opts *co = NULL;
	struct policy_fwd_cfg cfg;
	struct policy_fwd_subject s;
	struct policy_fwd_request req;

	(void)state;
	session_kind_checks(POLICY_FWD_AGENT);
	session_kind_checks(POLICY_FWD_X11);
	/* A certificate grants only its extensions. */
	base_init(&cfg, &s, &req, POLICY_FWD_AGENT);
	assert_int_equal(authopts_cert_defaults(&co), 0);
	assert_int_equal(authopts_cert_extension(co,
	    "permit-X11-forwarding"), 0);
	s.key = co;
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_KEY_AGENT_FORWARDING, NULL,
	    "cert agent");
	req.kind = POLICY_FWD_X11;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL, "cert x11");
	assert_int_equal(authopts_cert_extension(co,
	    "permit-agent-forwarding"), 0);
	req.kind = POLICY_FWD_AGENT;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL, "cert agent 2");
	authopts_free(co);
}

static void
test_tunnel(void **state)
{
	struct policy_fwd_cfg cfg;
	struct policy_fwd_subject s;
	struct policy_fwd_request req;
	struct auth_opts *o;

	(void)state;
	/* Refused whatever is allowed, root or not, key or not. */
	base_init(&cfg, &s, &req, POLICY_FWD_TUNNEL);
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_PERMIT_TUNNEL,
	    "tun devices are not supported (default)", "tunnel");
	s.is_root = 1;
	s.key = o = opts("tunnel=\"0\"");
	cfg.origin[POLICY_FWD_RULE_PERMIT_TUNNEL] = "cfg line 8";
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_PERMIT_TUNNEL,
	    "PermitTunnel: tun devices are not supported (cfg line 8)",
	    "tunnel root");
	authopts_free(o);
	/* Even with DisableForwarding the rule is the tunnel's. */
	cfg.disable_forwarding = 1;
	s.key = NULL;
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_PERMIT_TUNNEL, NULL,
	    "tunnel disable");
}

/* SSH Tectia's lists. */
static const struct tectia_row {
	const char *label;
	const char *allow_users[4];
	const char *allow_groups[4];
	const char *deny_users[4];
	const char *deny_groups[4];
	const char *user;
	const char *addr;
	const char *groups[4];
	int allowed;
	enum policy_fwd_rule rule;
	const char *sub;	/* in the reason */
} tectia_rows[] = {
	{ "no lists", {0}, {0}, {0}, {0}, "alice", "10.0.0.1",
	    { "alice" }, 1, POLICY_FWD_RULE_NONE,
	    "AllowTcpForwarding yes (default), PermitOpen any (default)" },
	{ "allow users hit", { "bob", "alice" }, {0}, {0}, {0}, "alice",
	    "10.0.0.1", { "alice" }, 1, POLICY_FWD_RULE_NONE,
	    "AllowTcpForwardingForUsers alice (t line 3)" },
	{ "allow users miss", { "bob", "carol" }, {0}, {0}, {0}, "alice",
	    "10.0.0.1", { "alice" }, 0, POLICY_FWD_RULE_ALLOW_TCP_USERS,
	    "AllowTcpForwardingForUsers bob carol (t line 3)" },
	{ "allow users wildcard", { "a*" }, {0}, {0}, {0}, "alice",
	    "10.0.0.1", { "alice" }, 1, POLICY_FWD_RULE_NONE, NULL },
	{ "allow users ?", { "alic?" }, {0}, {0}, {0}, "alice", "10.0.0.1",
	    { "alice" }, 1, POLICY_FWD_RULE_NONE, NULL },
	{ "allow users case", { "Alice" }, {0}, {0}, {0}, "alice",
	    "10.0.0.1", { "alice" }, 0, POLICY_FWD_RULE_ALLOW_TCP_USERS,
	    NULL },
	{ "allow user@CIDR hit", { "alice@10.0.0.0/8" }, {0}, {0}, {0},
	    "alice", "10.9.8.7", { "alice" }, 1, POLICY_FWD_RULE_NONE,
	    "AllowTcpForwardingForUsers alice@10.0.0.0/8" },
	{ "allow user@CIDR miss", { "alice@10.0.0.0/8" }, {0}, {0}, {0},
	    "alice", "192.0.2.1", { "alice" }, 0,
	    POLICY_FWD_RULE_ALLOW_TCP_USERS, NULL },
	{ "allow user@v6 CIDR", { "alice@2001:db8::/32" }, {0}, {0}, {0},
	    "alice", "2001:db8::7", { "alice" }, 1, POLICY_FWD_RULE_NONE,
	    NULL },
	{ "allow user@negated host", { "alice@!10.1.0.0/16,10.0.0.0/8" },
	    {0}, {0}, {0}, "alice", "10.1.2.3", { "alice" }, 0,
	    POLICY_FWD_RULE_ALLOW_TCP_USERS, NULL },
	{ "allow user@negated host other", { "alice@!10.1.0.0/16,10.0.0.0/8" },
	    {0}, {0}, {0}, "alice", "10.2.2.3", { "alice" }, 1,
	    POLICY_FWD_RULE_NONE, NULL },
	{ "deny users hit", {0}, {0}, { "bob", "alice" }, {0}, "alice",
	    "10.0.0.1", { "alice" }, 0, POLICY_FWD_RULE_DENY_TCP_USERS,
	    "DenyTcpForwardingForUsers alice (t line 5)" },
	{ "deny users miss", {0}, {0}, { "bob" }, {0}, "alice", "10.0.0.1",
	    { "alice" }, 1, POLICY_FWD_RULE_NONE, NULL },
	{ "deny user@CIDR", {0}, {0}, { "*@192.0.2.0/24" }, {0}, "alice",
	    "192.0.2.99", { "alice" }, 0, POLICY_FWD_RULE_DENY_TCP_USERS,
	    "DenyTcpForwardingForUsers *@192.0.2.0/24" },
	{ "deny user@CIDR other net", {0}, {0}, { "*@192.0.2.0/24" }, {0},
	    "alice", "198.51.100.1", { "alice" }, 1, POLICY_FWD_RULE_NONE,
	    NULL },
	{ "deny beats allow", { "alice" }, {0}, { "alice" }, {0}, "alice",
	    "10.0.0.1", { "alice" }, 0, POLICY_FWD_RULE_DENY_TCP_USERS,
	    NULL },
	{ "allow groups hit", {0}, { "wheel", "users" }, {0}, {0}, "alice",
	    "10.0.0.1", { "alice", "users" }, 1, POLICY_FWD_RULE_NONE,
	    "AllowTcpForwardingForGroups users (t line 4)" },
	{ "allow groups miss", {0}, { "wheel" }, {0}, {0}, "alice",
	    "10.0.0.1", { "alice", "users" }, 0,
	    POLICY_FWD_RULE_ALLOW_TCP_GROUPS,
	    "AllowTcpForwardingForGroups wheel (t line 4)" },
	{ "allow groups, no groups", {0}, { "*" }, {0}, {0}, "alice",
	    "10.0.0.1", {0}, 0, POLICY_FWD_RULE_ALLOW_TCP_GROUPS, NULL },
	{ "allow groups pattern", {0}, { "us*" }, {0}, {0}, "alice",
	    "10.0.0.1", { "users" }, 1, POLICY_FWD_RULE_NONE, NULL },
	{ "allow groups negation", {0}, { "*,!users" }, {0}, {0}, "alice",
	    "10.0.0.1", { "users" }, 0, POLICY_FWD_RULE_ALLOW_TCP_GROUPS,
	    NULL },
	{ "allow groups negation other group", {0}, { "*,!users" }, {0},
	    {0}, "alice", "10.0.0.1", { "users", "staff" }, 1,
	    POLICY_FWD_RULE_NONE, "AllowTcpForwardingForGroups *,!users" },
	{ "deny groups hit", {0}, {0}, {0}, { "nofwd" }, "alice", "10.0.0.1",
	    { "users", "nofwd" }, 0, POLICY_FWD_RULE_DENY_TCP_GROUPS,
	    "DenyTcpForwardingForGroups nofwd (t line 6)" },
	{ "deny groups miss", {0}, {0}, {0}, { "nofwd" }, "alice",
	    "10.0.0.1", { "users" }, 1, POLICY_FWD_RULE_NONE, NULL },
	{ "deny groups negated", {0}, {0}, {0}, { "no*,!nofwd2" }, "alice",
	    "10.0.0.1", { "nofwd2" }, 1, POLICY_FWD_RULE_NONE, NULL },
	{ "deny groups case", {0}, {0}, {0}, { "NOFWD" }, "alice",
	    "10.0.0.1", { "nofwd" }, 1, POLICY_FWD_RULE_NONE, NULL },
	/* Order: deny users, deny groups, allow users, allow groups. */
	{ "deny groups before allow users", { "bob" }, {0}, {0},
	    { "users" }, "alice", "10.0.0.1", { "users" }, 0,
	    POLICY_FWD_RULE_DENY_TCP_GROUPS, NULL },
	{ "deny users before deny groups", {0}, {0}, { "alice" },
	    { "users" }, "alice", "10.0.0.1", { "users" }, 0,
	    POLICY_FWD_RULE_DENY_TCP_USERS, NULL },
	{ "allow users before allow groups", { "bob" }, { "wheel" }, {0},
	    {0}, "alice", "10.0.0.1", { "users" }, 0,
	    POLICY_FWD_RULE_ALLOW_TCP_USERS, NULL },
	{ "both allow lists", { "alice" }, { "users" }, {0}, {0}, "alice",
	    "10.0.0.1", { "users" }, 1, POLICY_FWD_RULE_NONE,
	    "AllowTcpForwardingForUsers alice (t line 3), "
	    "AllowTcpForwardingForGroups users (t line 4), PermitOpen any" },
};

static size_t
nlist(const char *const *l)
{
	size_t n = 0;

	while (n < 4 && l[n] != NULL) {
		n++;
	}
	return n;
}

static void
test_tectia(void **state)
{
	static const enum policy_fwd_kind kinds[] = {
		POLICY_FWD_DIRECT_TCP, POLICY_FWD_LISTEN_TCP
	};
	const struct tectia_row *t;
	struct policy_fwd_cfg cfg;
	struct policy_fwd_subject s;
	struct policy_fwd_request req;
	struct auth_opts *o;
	size_t i, k;
	char label[128];

	(void)state;
	for (i = 0; i < NELEM(tectia_rows); i++)
	for (k = 0; k < NELEM(kinds); k++) {
		t = &tectia_rows[i];
		base_init(&cfg, &s, &req, kinds[k]);
		cfg.allow_tcp_users = t->allow_users;
		cfg.n_allow_tcp_users = nlist(t->allow_users);
		cfg.allow_tcp_groups = t->allow_groups;
		cfg.n_allow_tcp_groups = nlist(t->allow_groups);
		cfg.deny_tcp_users = t->deny_users;
		cfg.n_deny_tcp_users = nlist(t->deny_users);
		cfg.deny_tcp_groups = t->deny_groups;
		cfg.n_deny_tcp_groups = nlist(t->deny_groups);
		cfg.origin[POLICY_FWD_RULE_ALLOW_TCP_USERS] = "t line 3";
		cfg.origin[POLICY_FWD_RULE_ALLOW_TCP_GROUPS] = "t line 4";
		cfg.origin[POLICY_FWD_RULE_DENY_TCP_USERS] = "t line 5";
		cfg.origin[POLICY_FWD_RULE_DENY_TCP_GROUPS] = "t line 6";
		s.who.user = t->user;
		s.who.addr = t->addr;
		s.who.host = t->addr;
		s.who.groups = t->groups;
		s.who.ngroups = nlist(t->groups);
		(void)snprintf(label, sizeof(label), "%s (%s)", t->label,
		    k == 0 ? "direct" : "listen");
		expect(&cfg, &s, &req, t->allowed, t->rule,
		    k == 0 ? t->sub : NULL, label);
		/* The Tectia lists come before the key's flag. */
		s.key = o = opts("no-port-forwarding");
		expect(&cfg, &s, &req, 0, t->allowed ?
		    POLICY_FWD_RULE_KEY_PORT_FORWARDING : t->rule, NULL,
		    label);
		authopts_free(o);
		/* ... and after AllowTcpForwarding. */
		s.key = NULL;
		cfg.allow_tcp = POLICY_FWD_NO;
		expect(&cfg, &s, &req, 0,
		    POLICY_FWD_RULE_ALLOW_TCP_FORWARDING, NULL, label);
		/* They do not touch agent forwarding. */
		cfg.allow_tcp = POLICY_FWD_ALL;
		req.kind = POLICY_FWD_AGENT;
		expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL, label);
	}
}

static void
test_tectia_bad_pattern(void **state)
{
	static const char *const bad[] = { "alice@10.0.0.1/33" };
	static const char *const good[] = { "bob" };
	struct policy_fwd_cfg cfg;
	struct policy_fwd_subject s;
	struct policy_fwd_request req;
	struct policy_fwd_decision d;

	(void)state;
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	cfg.deny_tcp_users = bad;
	cfg.n_deny_tcp_users = 1;
	assert_int_equal(policy_forward(&cfg, &s, &req, &d),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(d.allowed, 0);
	assert_int_equal(d.rule, POLICY_FWD_RULE_DENY_TCP_USERS);
	assert_non_null(strstr(d.reason, "Invalid DenyTcpForwardingForUsers "
	    "pattern \"alice@10.0.0.1/33\""));
	cfg.deny_tcp_users = good;
	cfg.allow_tcp_users = bad;
	cfg.n_allow_tcp_users = 1;
	assert_int_equal(policy_forward(&cfg, &s, &req, &d),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(d.allowed, 0);
	assert_int_equal(d.rule, POLICY_FWD_RULE_ALLOW_TCP_USERS);
}

/* The shared list helpers of policy/login.h, directly. */
static void
test_login_listed(void **state)
{
	static const char *const users[] = { "bob", "al*@10.0.0.0/8",
	    "alice" };
	static const char *const bad[] = { "bob", "x@1.2.3.4/40" };
	static const char *const grps[] = { "wheel", "*,!users", "staff" };
	static const char *const g_alice[] = { "users", "staff" };
	struct policy_login_subject s = { "alice", "10.1.1.1", "10.1.1.1",
	    g_alice, 2 };
	size_t w = 99;

	(void)state;
	assert_int_equal(policy_login_user_listed(users, 3, &s, &w), 1);
	assert_int_equal(w, 1);
	s.host = s.addr = "11.0.0.1";
	assert_int_equal(policy_login_user_listed(users, 3, &s, &w), 1);
	assert_int_equal(w, 2);
	assert_int_equal(policy_login_user_listed(users, 2, &s, NULL), 0);
	assert_int_equal(policy_login_user_listed(users, 0, &s, NULL), 0);
	assert_int_equal(policy_login_user_listed(NULL, 0, &s, NULL), 0);
	assert_int_equal(policy_login_user_listed(bad, 2, &s, &w),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(w, 1);
	assert_int_equal(policy_login_user_listed(NULL, 1, &s, NULL),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(policy_login_user_listed(users, 3, NULL, NULL),
	    PC_ERR_INVALID_ARGUMENT);
	/* "users" is negated in entry 1; "staff" matches entry 1's "*". */
	assert_int_equal(policy_login_group_listed(grps, 3, &s, &w), 1);
	assert_int_equal(w, 1);
	assert_int_equal(policy_login_group_listed(grps, 1, &s, &w), 0);
	s.ngroups = 1;
	assert_int_equal(policy_login_group_listed(grps, 3, &s, &w), 0);
	s.groups = NULL;
	assert_int_equal(policy_login_group_listed(grps, 3, &s, &w),
	    PC_ERR_INVALID_ARGUMENT);
	s.ngroups = 0;
	assert_int_equal(policy_login_group_listed(grps, 3, &s, &w), 0);
	s.user = NULL;
	assert_int_equal(policy_login_user_listed(users, 3, &s, &w),
	    PC_ERR_INVALID_ARGUMENT);
}

static void
test_listen_ports(void **state)
{
	static const char *const pl_fixed[] = { "localhost:8080" };
	static const char *const pl_star[] = { "localhost:*" };
	static const char *const none_list[] = { "none" };
	static const struct {
		int port;
		int root;
		int allowed;
	} ports[] = {
		{ 1, 0, 0 }, { 22, 0, 0 }, { 80, 0, 0 }, { 1023, 0, 0 },
		{ 1024, 0, 1 }, { 8080, 0, 1 }, { 65535, 0, 1 },
		{ 1, 1, 1 }, { 80, 1, 1 }, { 1023, 1, 1 }, { 1024, 1, 1 },
	};
	struct policy_fwd_cfg cfg;
	struct policy_fwd_subject s;
	struct policy_fwd_request req;
	struct auth_opts *o;
	char label[64], want[64];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(ports); i++) {
		base_init(&cfg, &s, &req, POLICY_FWD_LISTEN_TCP);
		req.port = ports[i].port;
		s.is_root = ports[i].root;
		(void)snprintf(label, sizeof(label), "port %d root %d",
		    ports[i].port, ports[i].root);
		(void)snprintf(want, sizeof(want),
		    "privileged port %d for a non-root user", ports[i].port);
		expect(&cfg, &s, &req, ports[i].allowed, ports[i].allowed ?
		    POLICY_FWD_RULE_NONE : POLICY_FWD_RULE_PRIVILEGED_PORT,
		    ports[i].allowed ? NULL : want, label);
		/* A connection to a low port is nobody's business. */
		base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
		req.port = ports[i].port;
		expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL, label);
	}
	/* The privileged-port rule comes before the permit lists, after the
	 * key's flag. */
	base_init(&cfg, &s, &req, POLICY_FWD_LISTEN_TCP);
	req.port = 80;
	cfg.permit_listen = none_list;
	cfg.npermit_listen = 1;
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_PRIVILEGED_PORT, NULL,
	    "privileged before PermitListen");
	s.key = o = opts("no-port-forwarding");
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_KEY_PORT_FORWARDING, NULL,
	    "key before privileged");
	authopts_free(o);

	/* Port 0: the server allocates, so a reply must carry the port. */
	base_init(&cfg, &s, &req, POLICY_FWD_LISTEN_TCP);
	req.port = 0;
	req.want_reply = 0;
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_PORT_ZERO_NO_REPLY,
	    "port 0 without want-reply", "port 0 no reply");
	s.is_root = 1;
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_PORT_ZERO_NO_REPLY, NULL,
	    "port 0 no reply root");
	s.is_root = 0;
	req.want_reply = 1;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL, "port 0 reply");
	/* The lists see port 0 (OpenSSH checks before allocating). */
	cfg.permit_listen = pl_fixed;
	cfg.npermit_listen = 1;
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_PERMIT_LISTEN,
	    "PermitListen localhost:8080 (default)", "port 0 fixed list");
	cfg.permit_listen = pl_star;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE,
	    "PermitListen localhost:* (default)", "port 0 star list");
	s.key = o = opts("permitlisten=\"localhost:8080\"");
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_KEY_PERMITLISTEN, NULL,
	    "port 0 key fixed");
	authopts_free(o);
	s.key = o = opts("permitlisten=\"localhost:*\"");
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL,
	    "port 0 key star");
	authopts_free(o);
	/* The key's flag is tried before port 0. */
	req.want_reply = 0;
	s.key = o = opts("restrict");
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_KEY_PORT_FORWARDING, NULL,
	    "key before port 0");
	authopts_free(o);
	/* direct-tcpip has no want-reply rule. */
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	req.port = 0;
	req.want_reply = 0;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL, "direct port 0");
}

/* One permit entry against one request, through the configuration's
 * list and (when the key syntax allows it) the key's. */
static const struct permit_row {
	enum policy_fwd_kind kind;
	const char *entry;
	int key_ok;		/* also valid as permitopen= / permitlisten= */
	const char *host;
	int port;
	int match;
} permit_rows[] = {
	/* PermitListen: host patterns against the lower-cased address. */
	{ L, "localhost:80", 1, "localhost", 80, 1 },
	{ L, "localhost:80", 1, "LOCALHOST", 80, 1 },
	{ L, "localhost:80", 1, "LocalHost", 80, 1 },
	{ L, "localhost:80", 1, "localhost", 81, 0 },
	{ L, "localhost:80", 1, "", 80, 0 },
	{ L, "localhost:80", 1, "127.0.0.1", 80, 0 },
	{ L, "localhost:80", 1, "localhost.example", 80, 0 },
	{ L, "LOCALHOST:80", 1, "localhost", 80, 0 },
	{ L, "LOCALHOST:80", 1, "LOCALHOST", 80, 0 },
	{ L, "*:80", 1, "", 80, 1 },
	{ L, "*:80", 1, "localhost", 80, 1 },
	{ L, "*:80", 1, "0.0.0.0", 80, 1 },
	{ L, "*:80", 1, "*", 80, 1 },
	{ L, "*:80", 1, "localhost", 8080, 0 },
	{ L, "80", 1, "", 80, 1 },
	{ L, "80", 1, "192.0.2.7", 80, 1 },
	{ L, "80", 1, "192.0.2.7", 81, 0 },
	{ L, "127.0.0.*:80", 1, "127.0.0.1", 80, 1 },
	{ L, "127.0.0.*:80", 1, "127.1.0.1", 80, 0 },
	{ L, "127.0.0.1:80", 1, "127.0.0.1", 80, 1 },
	{ L, "127.0.0.1:80", 1, "127.0.0.10", 80, 0 },
	{ L, "?ocalhost:80", 1, "localhost", 80, 1 },
	{ L, "*.example.com:80", 1, "Host.Example.COM", 80, 1 },
	{ L, "*.example.com:80", 1, "example.com", 80, 0 },
	{ L, "[::1]:80", 1, "::1", 80, 1 },
	{ L, "[::1]:80", 1, "[::1]", 80, 0 },
	{ L, "[::1]:80", 1, "::2", 80, 0 },
	{ L, "[::1]:80", 1, "::1", 81, 0 },
	{ L, "localhost:*", 1, "localhost", 0, 1 },
	{ L, "localhost:*", 1, "localhost", 65535, 1 },
	{ L, "*:*", 1, "anything", 1234, 1 },
	/* PermitOpen: exact, case-sensitive hosts; "*" only alone. */
	{ D, "localhost:80", 1, "localhost", 80, 1 },
	{ D, "localhost:80", 1, "LOCALHOST", 80, 0 },
	{ D, "LOCALHOST:80", 1, "localhost", 80, 0 },
	{ D, "localhost:80", 1, "127.0.0.1", 80, 0 },
	{ D, "localhost:80", 1, "localhost", 81, 0 },
	{ D, "*:80", 1, "192.0.2.7", 80, 1 },
	{ D, "*:80", 1, "", 80, 1 },
	{ D, "127.0.0.*:80", 1, "127.0.0.1", 80, 0 },
	{ D, "127.0.0.*:80", 1, "127.0.0.*", 80, 1 },
	{ D, "[::1]:80", 1, "::1", 80, 1 },
	{ D, "[::1]:80", 1, "[::1]", 80, 0 },
	{ D, "[2001:db8::1]:443", 1, "2001:db8::1", 443, 1 },
	{ D, "[2001:db8::1]:443", 1, "2001:DB8::1", 443, 0 },
	{ D, "h.example:*", 1, "h.example", 1, 1 },
	{ D, "h.example:*", 1, "h.example", 65535, 1 },
	{ D, "h.example:*", 1, "h.example", 0, 1 },
	{ D, "*:*", 1, "x", 9, 1 },
	/* Not a PermitOpen entry (OpenSSH refuses "/" and a bare port
	 * there): matches nothing. */
	{ D, "localhost/80", 0, "localhost", 80, 0 },
	{ D, "80", 0, "localhost", 80, 0 },
};

static void
test_permit_hosts(void **state)
{
	const struct permit_row *p;
	struct policy_fwd_cfg cfg;
	struct policy_fwd_subject s;
	struct policy_fwd_request req;
	struct auth_opts *o;
	const char *list[1];
	char line[128], label[160], want[160];
	size_t i;
	int listen;

	(void)state;
	for (i = 0; i < NELEM(permit_rows); i++) {
		p = &permit_rows[i];
		listen = p->kind == POLICY_FWD_LISTEN_TCP;
		(void)snprintf(label, sizeof(label), "%s %s vs \"%s\" %d",
		    listen ? "PermitListen" : "PermitOpen", p->entry,
		    p->host, p->port);
		/* The configuration's list. */
		base_init(&cfg, &s, &req, p->kind);
		s.is_root = 1;
		req.host = p->host;
		req.port = p->port;
		list[0] = p->entry;
		if (listen) {
			cfg.permit_listen = list;
			cfg.npermit_listen = 1;
		} else {
			cfg.permit_open = list;
			cfg.npermit_open = 1;
		}
		cfg.origin[POLICY_FWD_RULE_PERMIT_OPEN] = "c line 1";
		cfg.origin[POLICY_FWD_RULE_PERMIT_LISTEN] = "c line 2";
		(void)snprintf(want, sizeof(want), "%s %s (%s)", listen ?
		    "PermitListen" : "PermitOpen", p->entry, listen ?
		    "c line 2" : "c line 1");
		expect(&cfg, &s, &req, p->match, p->match ?
		    POLICY_FWD_RULE_NONE : listen ?
		    POLICY_FWD_RULE_PERMIT_LISTEN :
		    POLICY_FWD_RULE_PERMIT_OPEN, want, label);
		if (!p->key_ok) {
			continue;
		}
		/* The key's list, with the configuration open. */
		base_init(&cfg, &s, &req, p->kind);
		s.is_root = 1;
		req.host = p->host;
		req.port = p->port;
		cfg.origin[POLICY_FWD_RULE_KEY_PERMITOPEN] = "ak:2";
		cfg.origin[POLICY_FWD_RULE_KEY_PERMITLISTEN] = "ak:2";
		(void)snprintf(line, sizeof(line), "%s=\"%s\"", listen ?
		    "permitlisten" : "permitopen", p->entry);
		s.key = o = opts(line);
		(void)snprintf(want, sizeof(want), "%s (ak:2)", line);
		expect(&cfg, &s, &req, p->match, p->match ?
		    POLICY_FWD_RULE_NONE : listen ?
		    POLICY_FWD_RULE_KEY_PERMITLISTEN :
		    POLICY_FWD_RULE_KEY_PERMITOPEN, want, label);
		authopts_free(o);
	}
}

static void
test_permit_lists(void **state)
{
	static const char *const two[] = { "a.example:1", "b.example:2" };
	static const char *const any_and[] = { "any", "a.example:1" };
	static const char *const none_and[] = { "none", "a.example:1" };
	static const char *const lone_none[] = { "none" };
	struct policy_fwd_cfg cfg;
	struct policy_fwd_subject s;
	struct policy_fwd_request req;
	struct auth_opts *o;

	(void)state;
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	cfg.permit_open = two;
	cfg.npermit_open = 2;
	req.host = "b.example";
	req.port = 2;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE,
	    "PermitOpen b.example:2 (default)", "second entry");
	req.port = 1;
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_PERMIT_OPEN,
	    "PermitOpen a.example:1 b.example:2 (default)", "crossed");
	/* "any" and "none" are keywords only alone (the configuration
	 * parser refuses them in a list). */
	cfg.permit_open = any_and;
	req.host = "x";
	req.port = 5;
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_PERMIT_OPEN, NULL,
	    "any in a list");
	req.host = "a.example";
	req.port = 1;
	cfg.permit_open = none_and;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL,
	    "none in a list");
	/* "none": nothing, even with the key's list allowing it. */
	cfg.permit_open = lone_none;
	cfg.npermit_open = 1;
	s.key = o = opts("permitopen=\"a.example:1\"");
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_PERMIT_OPEN,
	    "PermitOpen none (default)", "none beats key");
	authopts_free(o);
	/* Several key entries: any of them will do. */
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	s.key = o = opts("permitopen=\"a.example:1\","
	    "permitopen=\"b.example:2\"");
	req.host = "b.example";
	req.port = 2;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE,
	    "permitopen=\"b.example:2\" (default), PermitOpen any",
	    "key second");
	req.port = 3;
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_KEY_PERMITOPEN,
	    "permitopen=\"a.example:1\",permitopen=\"b.example:2\" "
	    "(default)", "key none");
	/* The key's permitopen says nothing about listeners. */
	req.kind = POLICY_FWD_LISTEN_TCP;
	req.port = 8080;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL,
	    "permitopen, listen");
	authopts_free(o);
	s.key = o = opts("permitlisten=\"9\"");
	req.kind = POLICY_FWD_DIRECT_TCP;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL,
	    "permitlisten, direct");
	authopts_free(o);
}

/* Reasons stay inside their buffer, whatever the lengths. */
static void
test_reason_sizes(void **state)
{
	static char origin[1000], entries[50][160], host[2000];
	const char *list[50];
	struct policy_fwd_cfg cfg;
	struct policy_fwd_subject s;
	struct policy_fwd_request req;
	struct policy_fwd_decision d;
	struct auth_opts *o;
	char line[4096];
	size_t i, off, len;

	(void)state;
	memset(origin, 'o', sizeof(origin) - 1);
	for (i = 0; i < 50; i++) {
		memset(entries[i], 'h', 150);
		(void)snprintf(entries[i] + 150, 10, "%zu:1", i);
		list[i] = entries[i];
	}
	/* A refusal naming a long list from a long origin. */
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	cfg.permit_open = list;
	cfg.npermit_open = 50;
	for (i = 0; i < POLICY_FWD_RULE_COUNT; i++) {
		cfg.origin[i] = origin;
	}
	memset(&d, 0x5a, sizeof(d));
	assert_int_equal(policy_forward(&cfg, &s, &req, &d), 0);
	assert_int_equal(d.allowed, 0);
	assert_int_equal(d.rule, POLICY_FWD_RULE_PERMIT_OPEN);
	len = strnlen(d.reason, sizeof(d.reason));
	assert_true(len < sizeof(d.reason));
	assert_true(strncmp(d.reason, "PermitOpen hhhh", 15) == 0);
	assert_non_null(strstr(d.reason, "..."));
	assert_non_null(strstr(d.reason, " (oooo"));
	/* Each entry is cut to 100 bytes. */
	assert_null(strstr(d.reason, entries[0]));

	/* An acceptance with every part long. */
	cfg.allow_tcp_users = list;
	cfg.n_allow_tcp_users = 1;
	entries[0][0] = '*';
	entries[0][1] = '\0';
	cfg.allow_tcp_groups = list;
	cfg.n_allow_tcp_groups = 1;
	cfg.permit_open = (const char *const[]){ "*:*" };
	cfg.npermit_open = 1;
	memset(&d, 0x5a, sizeof(d));
	assert_int_equal(policy_forward(&cfg, &s, &req, &d), 0);
	assert_int_equal(d.allowed, 1);
	assert_true(strnlen(d.reason, sizeof(d.reason)) < sizeof(d.reason));
	assert_true(strncmp(d.reason, "AllowTcpForwarding yes (oooo", 28) == 0);

	/* A key with many long entries, none matching. */
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	off = 0;
	for (i = 0; i < 20; i++) {
		off += (size_t)snprintf(line + off, sizeof(line) - off,
		    "%spermitopen=\"%.150s:%zu\"", i > 0 ? "," : "",
		    entries[1], i + 1);
		assert_true(off < sizeof(line));
	}
	s.key = o = opts(line);
	cfg.origin[POLICY_FWD_RULE_KEY_PERMITOPEN] = "ak:9";
	memset(&d, 0x5a, sizeof(d));
	assert_int_equal(policy_forward(&cfg, &s, &req, &d), 0);
	assert_int_equal(d.rule, POLICY_FWD_RULE_KEY_PERMITOPEN);
	len = strlen(d.reason);
	assert_true(len < sizeof(d.reason));
	assert_true(strncmp(d.reason, "permitopen=\"hhh", 15) == 0);
	assert_non_null(strstr(d.reason, "..."));
	assert_true(len > 7 && strcmp(d.reason + len - 7, " (ak:9)") == 0);
	authopts_free(o);

	/* A listen address longer than any host matches no entry (and is
	 * not copied into the reason). */
	memset(host, 'A', sizeof(host) - 1);
	base_init(&cfg, &s, &req, POLICY_FWD_LISTEN_TCP);
	req.host = host;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL, "long, any");
	list[0] = "*:8080";
	cfg.permit_listen = list;
	cfg.npermit_listen = 1;
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_PERMIT_LISTEN,
	    "PermitListen *:8080 (default)", "long, list");
	cfg.npermit_listen = 0;
	s.key = o = opts("permitlisten=\"8080\"");
	expect(&cfg, &s, &req, 0, POLICY_FWD_RULE_KEY_PERMITLISTEN, NULL,
	    "long, key");
	authopts_free(o);
	/* 1024 bytes still match. */
	host[1024] = '\0';
	s.key = o = opts("permitlisten=\"8080\"");
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL, "1024, key");
	authopts_free(o);
	/* The peer's strings are not in the reason. */
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	req.host = "peer-sent-name";
	cfg.allow_tcp = POLICY_FWD_REMOTE;
	memset(&d, 0, sizeof(d));
	assert_int_equal(policy_forward(&cfg, &s, &req, &d), 0);
	assert_null(strstr(d.reason, "peer-sent-name"));
	assert_string_equal(d.reason, "AllowTcpForwarding remote (default)");
}

static void
expect_bad(const struct policy_fwd_cfg *cfg,
    const struct policy_fwd_subject *s,
    const struct policy_fwd_request *req, const char *label)
{
	struct policy_fwd_decision d;
	int r;

	memset(&d, 0x5a, sizeof(d));
	d.allowed = 1;
	r = policy_forward(cfg, s, req, &d);
	if (r != PC_ERR_INVALID_ARGUMENT || d.allowed != 0) {
		fail_msg("%s: r %d allowed %d", label, r, d.allowed);
	}
	assert_string_equal(d.reason, "invalid arguments");
}

static void
test_bad_args(void **state)
{
	static const char *const null_entry[] = { NULL };
	struct policy_fwd_cfg cfg;
	struct policy_fwd_subject s;
	struct policy_fwd_request req;
	struct auth_opts *o;

	(void)state;
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	assert_int_equal(policy_forward(&cfg, &s, &req, NULL),
	    PC_ERR_INVALID_ARGUMENT);
	expect_bad(NULL, &s, &req, "cfg NULL");
	expect_bad(&cfg, NULL, &req, "s NULL");
	expect_bad(&cfg, &s, NULL, "req NULL");
	s.who.user = NULL;
	expect_bad(&cfg, &s, &req, "user NULL");
	s.who.user = "alice";
	req.host = NULL;
	expect_bad(&cfg, &s, &req, "host NULL");
	req.kind = POLICY_FWD_LISTEN_TCP;
	expect_bad(&cfg, &s, &req, "listen host NULL");
	/* Agent, X11 and tunnels have no host; Unix sockets need a path. */
	req.kind = POLICY_FWD_AGENT;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL, "agent");
	req.kind = POLICY_FWD_LISTEN_STREAMLOCAL;
	req.path = NULL;
	expect_bad(&cfg, &s, &req, "path NULL");
	req.kind = POLICY_FWD_DIRECT_STREAMLOCAL;
	expect_bad(&cfg, &s, &req, "direct path NULL");
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	req.kind = (enum policy_fwd_kind)99;
	expect_bad(&cfg, &s, &req, "kind 99");
	req.kind = (enum policy_fwd_kind)-1;
	expect_bad(&cfg, &s, &req, "kind -1");
	/* Ports. */
	base_init(&cfg, &s, &req, POLICY_FWD_LISTEN_TCP);
	req.port = -1;
	expect_bad(&cfg, &s, &req, "port -1");
	req.port = 65536;
	expect_bad(&cfg, &s, &req, "port 65536");
	req.kind = POLICY_FWD_DIRECT_TCP;
	expect_bad(&cfg, &s, &req, "direct port 65536");
	req.port = 65535;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL, "port 65535");
	/* Settings outside their range (an unset -1 must not mean "all"). */
	cfg.allow_tcp = -1;
	expect_bad(&cfg, &s, &req, "allow_tcp -1");
	cfg.allow_tcp = 4;
	expect_bad(&cfg, &s, &req, "allow_tcp 4");
	cfg.allow_tcp = POLICY_FWD_ALL;
	cfg.allow_streamlocal = 7;
	expect_bad(&cfg, &s, &req, "allow_streamlocal 7");
	/* Counts without arrays, NULL entries. */
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	cfg.npermit_open = 1;
	expect_bad(&cfg, &s, &req, "permit_open NULL");
	cfg.permit_open = null_entry;
	expect_bad(&cfg, &s, &req, "permit_open NULL entry");
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	cfg.npermit_listen = 2;
	expect_bad(&cfg, &s, &req, "permit_listen NULL");
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	cfg.n_allow_tcp_users = 1;
	expect_bad(&cfg, &s, &req, "allow users NULL");
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	cfg.n_deny_tcp_groups = 1;
	expect_bad(&cfg, &s, &req, "deny groups NULL");
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	cfg.deny_tcp_users = null_entry;
	cfg.n_deny_tcp_users = 1;
	expect_bad(&cfg, &s, &req, "deny users NULL entry");
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	s.who.groups = NULL;
	cfg.allow_tcp_groups = (const char *const[]){ "users" };
	cfg.n_allow_tcp_groups = 1;
	expect_bad(&cfg, &s, &req, "groups NULL");
	/* The key's counts. */
	base_init(&cfg, &s, &req, POLICY_FWD_DIRECT_TCP);
	assert_non_null(o = authopts_new());
	o->npermitopen = 1;
	s.key = o;
	expect_bad(&cfg, &s, &req, "key permitopen NULL");
	o->npermitopen = 0;
	o->npermitlisten = 1;
	expect_bad(&cfg, &s, &req, "key permitlisten NULL");
	o->npermitlisten = 0;
	expect(&cfg, &s, &req, 1, POLICY_FWD_RULE_NONE, NULL, "key fixed");
	authopts_free(o);
	s.key = o = opts("permitopen=\"a:1\",permitopen=\"b:2\"");
	free(o->permitopen[1]);
	o->permitopen[1] = NULL;
	expect_bad(&cfg, &s, &req, "key permitopen NULL entry");
	authopts_free(o);
	/* A NULL group entry. */
	base_init(&cfg, &s, &req, POLICY_FWD_LISTEN_TCP);
	cfg.deny_tcp_groups = null_entry;
	cfg.n_deny_tcp_groups = 1;
	expect_bad(&cfg, &s, &req, "deny groups NULL entry");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_table),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_gateway_ports),
		cmocka_unit_test(test_streamlocal),
		cmocka_unit_test(test_agent_x11),
		cmocka_unit_test(test_tunnel),
		cmocka_unit_test(test_tectia),
		cmocka_unit_test(test_tectia_bad_pattern),
		cmocka_unit_test(test_login_listed),
		cmocka_unit_test(test_listen_ports),
		cmocka_unit_test(test_permit_hosts),
		cmocka_unit_test(test_permit_lists),
		cmocka_unit_test(test_reason_sizes),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
