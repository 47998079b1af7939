/* Unit tests for policy/penalty.c: PerSourcePenalties as OpenSSH 9.8's
 * srclimit.c decides them, run as scripts of charges and accept checks
 * at given times. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <arpa/inet.h>

#include "penalty.h"

enum op { END = 0, ADD, CHECK, COUNT };

#define A	POLICY_PENALTY_AUTHFAIL
#define N	POLICY_PENALTY_NOAUTH
#define C	POLICY_PENALTY_CRASH
#define G	POLICY_PENALTY_GRACE

struct step {
	enum op op;
	uint64_t t;		/* ms */
	const char *addr;
	enum policy_penalty_kind kind;	/* ADD */
	int want;		/* ADD: what; CHECK: allowed; COUNT: n */
	const char *text;	/* ADD: net; CHECK: reason when refused */
	uint64_t remaining;	/* ADD: ms left, checked when non-zero */
};

struct script {
	const char *name;
	/* Overrides of the defaults; 0 keeps the default except where a
	 * flag below says so. */
	int64_t min, max, authfail, noauth;
	int bits4, bits6;
	int64_t sources4;
	int deny_all4;
	int disabled;
	const char *exempt;
	struct step s[16];
};

#define NEW_A	POLICY_PENALTY_NEW_ACTIVE
#define NEW_D	POLICY_PENALTY_NEW_DEFERRED
#define ACT	POLICY_PENALTY_ACTIVATED
#define EXT	POLICY_PENALTY_EXTENDED
#define FULL	POLICY_PENALTY_TABLE_FULL
#define IGN	POLICY_PENALTY_IGNORED

#define R_AUTH	"penalty: failed authentication"
#define R_NOAUTH "penalty: connections without attempting authentication"
#define R_CRASH	"penalty: caused crash"
#define R_GRACE	"penalty: exceeded LoginGraceTime"

static const struct script scripts[] = {
	{ "authfail accumulates past min (15s) on the fourth failure",
	    .s = {
		{ ADD, 0, "127.0.0.2", A, NEW_D, "127.0.0.2/32", 5000 },
		{ CHECK, 1, "127.0.0.2", 0, 1, NULL, 0 },
		{ ADD, 100, "127.0.0.2", A, EXT, "127.0.0.2/32", 9900 },
		{ ADD, 200, "127.0.0.2", A, EXT, "127.0.0.2/32", 14800 },
		{ CHECK, 300, "127.0.0.2", 0, 1, NULL, 0 },
		{ ADD, 300, "127.0.0.2", A, ACT, "127.0.0.2/32", 19700 },
		{ CHECK, 400, "127.0.0.2", 0, 0, R_AUTH, 0 },
		{ CHECK, 400, "127.0.0.1", 0, 1, NULL, 0 },
		/* Runs out at 20000 ms. */
		{ CHECK, 19999, "127.0.0.2", 0, 0, R_AUTH, 0 },
		{ CHECK, 20000, "127.0.0.2", 0, 1, NULL, 0 },
		{ COUNT, 20000, "127.0.0.2", 0, 0, NULL, 0 },
	} },
	{ "crash (90s) is active at once; reason follows the last charge",
	    .s = {
		{ ADD, 0, "10.1.2.3", C, NEW_A, "10.1.2.3/32", 90000 },
		{ CHECK, 10, "10.1.2.3", 0, 0, R_CRASH, 0 },
		{ ADD, 20, "10.1.2.3", G, EXT, "10.1.2.3/32", 109980 },
		{ CHECK, 30, "10.1.2.3", 0, 0, R_GRACE, 0 },
	} },
	{ "accumulation capped at max", .max = 100,
	    .s = {
		{ ADD, 0, "10.0.0.1", C, NEW_A, "10.0.0.1/32", 90000 },
		{ ADD, 1000, "10.0.0.1", C, EXT, "10.0.0.1/32", 100000 },
		{ CHECK, 100999, "10.0.0.1", 0, 0, R_CRASH, 0 },
		{ CHECK, 101000, "10.0.0.1", 0, 1, NULL, 0 },
	} },
	{ "a single charge longer than max is cut to max", .max = 30,
	    .s = {
		{ ADD, 0, "10.0.0.1", C, NEW_A, "10.0.0.1/32", 30000 },
		{ CHECK, 30000, "10.0.0.1", 0, 1, NULL, 0 },
	} },
	{ "charge equal to min stays deferred (must exceed it)", .min = 5,
	    .s = {
		{ ADD, 0, "10.0.0.1", A, NEW_D, "10.0.0.1/32", 5000 },
		{ CHECK, 1, "10.0.0.1", 0, 1, NULL, 0 },
	} },
	{ "min 0: every charge is active", .min = -1,
	    .s = {
		{ ADD, 0, "10.0.0.1", N, NEW_A, "10.0.0.1/32", 1000 },
		{ CHECK, 999, "10.0.0.1", 0, 0, R_NOAUTH, 0 },
		{ CHECK, 1000, "10.0.0.1", 0, 1, NULL, 0 },
	} },
	{ "deferred entries expire too", .s = {
		{ ADD, 0, "10.0.0.1", N, NEW_D, "10.0.0.1/32", 1000 },
		{ COUNT, 500, "10.0.0.1", 0, 1, NULL, 0 },
		{ ADD, 1000, "10.0.0.1", N, NEW_D, "10.0.0.1/32", 1000 },
	} },
	{ "zero duration charges nothing", .noauth = -1, .s = {
		{ ADD, 0, "10.0.0.1", N, IGN, "", 0 },
		{ COUNT, 0, "10.0.0.1", 0, 0, NULL, 0 },
	} },
	{ "NetBlockSize 24: the whole /24 is refused", .bits4 = 24,
	    .s = {
		{ ADD, 0, "192.0.2.77", C, NEW_A, "192.0.2.0/24", 90000 },
		{ CHECK, 1, "192.0.2.1", 0, 0, R_CRASH, 0 },
		{ CHECK, 1, "192.0.3.1", 0, 1, NULL, 0 },
	} },
	{ "NetBlockSize 20 masks inside a byte", .bits4 = 20,
	    .s = {
		{ ADD, 0, "10.1.31.9", C, NEW_A, "10.1.16.0/20", 90000 },
		{ CHECK, 1, "10.1.16.1", 0, 0, R_CRASH, 0 },
		{ CHECK, 1, "10.1.32.1", 0, 1, NULL, 0 },
	} },
	{ "IPv6 /64 blocks", .bits6 = 64, .s = {
		{ ADD, 0, "2001:db8::1", C, NEW_A, "2001:db8::/64", 90000 },
		{ CHECK, 1, "2001:db8::ffff:1", 0, 0, R_CRASH, 0 },
		{ CHECK, 1, "2001:db8:0:1::1", 0, 1, NULL, 0 },
		{ CHECK, 1, "192.0.2.1", 0, 1, NULL, 0 },
	} },
	{ "IPv6 default /128", .s = {
		{ ADD, 0, "2001:db8::1", C, NEW_A, "2001:db8::1/128", 90000 },
		{ CHECK, 1, "2001:db8::2", 0, 1, NULL, 0 },
	} },
	{ "exempt list: never charged, never refused",
	    .exempt = "127.0.0.0/8,::1", .s = {
		{ ADD, 0, "127.0.0.5", C, IGN, "", 0 },
		{ ADD, 0, "::1", C, IGN, "", 0 },
		{ COUNT, 0, "127.0.0.5", 0, 0, NULL, 0 },
		{ CHECK, 1, "127.0.0.5", 0, 1, NULL, 0 },
		{ ADD, 0, "10.0.0.1", C, NEW_A, "10.0.0.1/32", 90000 },
	} },
	{ "exempt list with a negation", .exempt = "10.0.0.0/8,!10.9.9.9",
	    .s = {
		{ ADD, 0, "10.1.1.1", C, IGN, "", 0 },
		{ ADD, 0, "10.9.9.9", C, NEW_A, "10.9.9.9/32", 90000 },
	} },
	{ "disabled: nothing recorded or refused", .disabled = 1, .s = {
		{ ADD, 0, "10.0.0.1", C, IGN, "", 0 },
		{ CHECK, 1, "10.0.0.1", 0, 1, NULL, 0 },
	} },
	{ "permissive overflow drops the soonest to expire",
	    .sources4 = 2, .s = {
		{ ADD, 0, "10.0.0.1", C, NEW_A, "10.0.0.1/32", 90000 },
		{ ADD, 10, "10.0.0.2", N, NEW_D, "10.0.0.2/32", 1000 },
		{ ADD, 20, "10.0.0.3", C, NEW_A, "10.0.0.3/32", 90000 },
		{ COUNT, 20, "10.0.0.1", 0, 2, NULL, 0 },
		{ CHECK, 30, "10.0.0.1", 0, 0, R_CRASH, 0 },
		{ CHECK, 30, "10.0.0.3", 0, 0, R_CRASH, 0 },
		{ CHECK, 30, "10.0.0.4", 0, 1, NULL, 0 },
		/* IPv6 has its own limit. */
		{ ADD, 40, "2001:db8::1", C, NEW_A, "2001:db8::1/128",
		    90000 },
		{ COUNT, 40, "10.0.0.1", 0, 2, NULL, 0 },
	} },
	{ "deny-all overflow refuses the family and records no more",
	    .sources4 = 1, .deny_all4 = 1, .s = {
		{ ADD, 0, "10.0.0.1", N, NEW_D, "10.0.0.1/32", 1000 },
		{ CHECK, 1, "10.0.0.9", 0, 0, "too many penalised addresses",
		    0 },
		{ ADD, 2, "10.0.0.2", C, FULL, "10.0.0.2/32", 0 },
		{ CHECK, 3, "2001:db8::9", 0, 1, NULL, 0 },
		/* Room again once the entry expires. */
		{ CHECK, 1000, "10.0.0.9", 0, 1, NULL, 0 },
		{ ADD, 1001, "10.0.0.2", C, NEW_A, "10.0.0.2/32", 90000 },
	} },
	{ "max-sources 0, permissive: nothing is kept", .sources4 = -1,
	    .s = {
		{ ADD, 0, "10.0.0.1", C, NEW_A, "10.0.0.1/32", 90000 },
		{ COUNT, 0, "10.0.0.1", 0, 0, NULL, 0 },
		{ CHECK, 1, "10.0.0.1", 0, 1, NULL, 0 },
	} },
};

static void
parse_addr(const char *s, int *family, uint8_t *a)
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a) == 1) {
		*family = AF_INET;
		return;
	}
	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
	*family = AF_INET6;
}

static void
run_script(const struct script *sc)
{
	struct policy_penalty_cfg cfg;
	struct policy_penalties t;
	struct policy_penalty_event ev;
	const struct step *st;
	const char *reason;
	uint8_t a[16];
	int family;

	memset(&cfg, 0, sizeof(cfg));
	cfg.enabled = !sc->disabled;
	cfg.crash = POLICY_PENALTY_DEF_CRASH;
	cfg.authfail = sc->authfail ? sc->authfail : POLICY_PENALTY_DEF_AUTHFAIL;
	cfg.noauth = sc->noauth < 0 ? 0 : sc->noauth ? sc->noauth :
	    POLICY_PENALTY_DEF_NOAUTH;
	cfg.grace = POLICY_PENALTY_DEF_GRACE;
	cfg.max = sc->max ? sc->max : POLICY_PENALTY_DEF_MAX;
	cfg.min = sc->min < 0 ? 0 : sc->min ? sc->min : POLICY_PENALTY_DEF_MIN;
	cfg.max_sources4 = sc->sources4 < 0 ? 0 : sc->sources4 ?
	    sc->sources4 : POLICY_PENALTY_DEF_SOURCES;
	cfg.max_sources6 = POLICY_PENALTY_DEF_SOURCES;
	cfg.overflow4 = sc->deny_all4 ? POLICY_PENALTY_DENY_ALL :
	    POLICY_PENALTY_PERMISSIVE;
	cfg.overflow6 = POLICY_PENALTY_PERMISSIVE;
	cfg.bits4 = sc->bits4 ? sc->bits4 : 32;
	cfg.bits6 = sc->bits6 ? sc->bits6 : 128;
	cfg.exempt = sc->exempt;
	assert_int_equal(policy_penalty_init(&t, &cfg), 0);
	for (st = sc->s; st->op != END; st++) {
		parse_addr(st->addr, &family, a);
		switch (st->op) {
		case ADD:
			assert_int_equal(policy_penalty_add(&t, family, a,
			    st->kind, st->t, &ev), 0);
			if ((int)ev.what != st->want)
				fail_msg("%s: step %d: what %d, want %d",
				    sc->name, (int)(st - sc->s), ev.what,
				    st->want);
			if (st->want != IGN)
				assert_string_equal(ev.net, st->text);
			if (st->remaining != 0)
				assert_int_equal(ev.remaining, st->remaining);
			break;
		case CHECK:
			reason = NULL;
			if (policy_penalty_check(&t, family, a, st->t,
			    &reason) != st->want)
				fail_msg("%s: step %d: check != %d", sc->name,
				    (int)(st - sc->s), st->want);
			if (!st->want)
				assert_string_equal(reason, st->text);
			break;
		case COUNT:
			/* Expire first, as every operation does. */
			(void)policy_penalty_check(&t, family, a, st->t,
			    &reason);
			assert_int_equal(policy_penalty_count(&t, family),
			    st->want);
			break;
		default:
			break;
		}
	}
	policy_penalty_clear(&t);
}

static void
test_scripts(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
		run_script(&scripts[i]);
}

static void
test_bad_init(void **state)
{
	struct policy_penalty_cfg cfg;
	struct policy_penalties t;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.bits4 = 33;
	cfg.bits6 = 128;
	assert_int_equal(policy_penalty_init(&t, &cfg),
	    PC_ERR_INVALID_ARGUMENT);
	cfg.bits4 = 32;
	cfg.bits6 = 129;
	assert_int_equal(policy_penalty_init(&t, &cfg),
	    PC_ERR_INVALID_ARGUMENT);
	cfg.bits6 = 128;
	cfg.min = -1;
	assert_int_equal(policy_penalty_init(&t, &cfg),
	    PC_ERR_INVALID_ARGUMENT);
	cfg.min = 0;
	cfg.max_sources6 = -1;
	assert_int_equal(policy_penalty_init(&t, &cfg),
	    PC_ERR_INVALID_ARGUMENT);
}

static void
test_bad_args(void **state)
{
	struct policy_penalty_cfg cfg;
	struct policy_penalties t;
	struct policy_penalty_event ev;
	const char *reason = NULL;
	uint8_t a[16] = { 10, 0, 0, 1 };

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.enabled = 1;
	cfg.crash = 90;
	cfg.max = 600;
	cfg.max_sources4 = cfg.max_sources6 = 10;
	cfg.bits4 = 32;
	cfg.bits6 = 128;
	assert_int_equal(policy_penalty_init(&t, &cfg), 0);
	assert_int_equal(policy_penalty_add(&t, AF_UNIX, a,
	    POLICY_PENALTY_CRASH, 0, &ev), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(policy_penalty_add(&t, AF_INET, a,
	    (enum policy_penalty_kind)99, 0, &ev), PC_ERR_INVALID_ARGUMENT);
	/* Unknown families are never refused. */
	assert_int_equal(policy_penalty_check(&t, AF_UNIX, a, 0, &reason), 1);
	/* NONE (authenticated) is recorded as nothing. */
	assert_int_equal(policy_penalty_add(&t, AF_INET, a,
	    POLICY_PENALTY_NONE, 0, &ev), 0);
	assert_int_equal(ev.what, POLICY_PENALTY_IGNORED);
	assert_int_equal(policy_penalty_count(&t, AF_INET), 0);
	policy_penalty_clear(&t);
	policy_penalty_clear(NULL);
}

/* Many sources: the table grows and stays bounded by max-sources. */
static void
test_many_sources(void **state)
{
	struct policy_penalty_cfg cfg;
	struct policy_penalties t;
	struct policy_penalty_event ev;
	uint8_t a[16] = { 0 };
	unsigned i;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.enabled = 1;
	cfg.crash = 90;
	cfg.max = 600;
	cfg.min = 15;
	cfg.max_sources4 = 1000;
	cfg.max_sources6 = 1000;
	cfg.bits4 = 32;
	cfg.bits6 = 128;
	assert_int_equal(policy_penalty_init(&t, &cfg), 0);
	for (i = 0; i < 3000; i++) {
		a[0] = 10;
		a[1] = (uint8_t)(i >> 16);
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		assert_int_equal(policy_penalty_add(&t, AF_INET, a,
		    POLICY_PENALTY_CRASH, i, &ev), 0);
		assert_true(policy_penalty_count(&t, AF_INET) <= 1000);
	}
	assert_int_equal(policy_penalty_count(&t, AF_INET), 1000);
	/* The newest 1000 are kept (the oldest expire soonest). */
	a[2] = (uint8_t)(2999 >> 8);
	a[3] = (uint8_t)2999;
	assert_int_equal(policy_penalty_check(&t, AF_INET, a, 3000,
	    &ev.reason), 0);
	a[2] = 0;
	a[3] = 0;
	assert_int_equal(policy_penalty_check(&t, AF_INET, a, 3000,
	    &ev.reason), 1);
	policy_penalty_clear(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_bad_init),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_many_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
