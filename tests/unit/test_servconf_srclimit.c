/* Unit tests for daemon/servconf_srclimit.c: PerSourcePenalties,
 * PerSourcePenaltyExemptList, PerSourceNetBlockSize and
 * PerSourceMaxStartups, parsed and dumped as OpenSSH 9.8's sshd. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dumpcheck.h"
#include "logcap.h"

#include "penalty.h"
#include "servconf.h"

#define DEF_LINE "persourcepenalties crash:90 authfail:5 noauth:1 " \
	"grace-exceeded:20 max:600 min:15 max-sources4:65536 " \
	"max-sources6:65536 overflow:permissive overflow6:permissive"

/* Apply the lines as -o options (first wins), then the defaults. */
static int
lines(struct server_config *cfg, const char *const *l)
{
	int r, n = 1;

	log_capture();
	servconf_init(cfg);
	for (; *l != NULL; l++, n++) {
		if ((r = servconf_parse_arg(cfg, *l, "command-line", n)) != 0)
			return r;
	}
	return servconf_fill_defaults(cfg);
}

static void
test_defaults(void **state)
{
	struct server_config cfg;
	const char *none[] = { NULL };

	(void)state;
	assert_int_equal(lines(&cfg, none), 0);
	assert_int_equal(cfg.penalties.enabled, 1);
	assert_int_equal(cfg.penalties.grace, 20);
	assert_null(cfg.penalty_exempt);
	assert_dump_has(&cfg, DEF_LINE);
	assert_dump_has(&cfg, "persourcepenaltyexemptlist none");
	assert_dump_has(&cfg, "persourcenetblocksize 32:128");
	assert_dump_has(&cfg, "persourcemaxstartups none");
	servconf_clear(&cfg);
}

struct dump_case {
	const char *in[4];
	const char *want;
};

static const struct dump_case dump_cases[] = {
	{ { "PerSourcePenalties no" }, "persourcepenalties no" },
	{ { "PerSourcePenalties yes" }, DEF_LINE },
	{ { "PerSourcePenalties NO" }, "persourcepenalties no" },
	{ { "PerSourcePenalties crash:2m authfail:1h30s" },
	    "persourcepenalties crash:120 authfail:3630 noauth:1 "
	    "grace-exceeded:20 max:600 min:15 max-sources4:65536 "
	    "max-sources6:65536 overflow:permissive overflow6:permissive" },
	{ { "PerSourcePenalties min:0 max:1d max-sources4:7 "
	    "max-sources6:0 overflow:deny-all overflow6:deny-all" },
	    "persourcepenalties crash:90 authfail:5 noauth:1 "
	    "grace-exceeded:20 max:86400 min:0 max-sources4:7 "
	    "max-sources6:0 overflow:deny-all overflow6:deny-all" },
	{ { "PerSourcePenalties grace-exceeded:0 noauth:0s" },
	    "persourcepenalties crash:90 authfail:5 noauth:0 "
	    "grace-exceeded:0 max:600 min:15 max-sources4:65536 "
	    "max-sources6:65536 overflow:permissive overflow6:permissive" },
	/* First value of each sub-option wins, across lines too. */
	{ { "PerSourcePenalties authfail:7 authfail:9",
	    "PerSourcePenalties authfail:11 crash:1" },
	    "persourcepenalties crash:1 authfail:7 noauth:1 "
	    "grace-exceeded:20 max:600 min:15 max-sources4:65536 "
	    "max-sources6:65536 overflow:permissive overflow6:permissive" },
	/* "no" first: off, whatever follows. */
	{ { "PerSourcePenalties no", "PerSourcePenalties crash:5" },
	    "persourcepenalties no" },
	/* A sub-option first: on, a later "no" does not turn it off. */
	{ { "PerSourcePenalties crash:5", "PerSourcePenalties no" },
	    "persourcepenalties crash:5 authfail:5 noauth:1 "
	    "grace-exceeded:20 max:600 min:15 max-sources4:65536 "
	    "max-sources6:65536 overflow:permissive overflow6:permissive" },
	{ { "PerSourcePenaltyExemptList 10.0.0.0/8,::1" },
	    "persourcepenaltyexemptlist 10.0.0.0/8,::1" },
	{ { "PerSourcePenaltyExemptList none" },
	    "persourcepenaltyexemptlist none" },
	{ { "PerSourceNetBlockSize 24:56" }, "persourcenetblocksize 24:56" },
	{ { "PerSourceNetBlockSize 16" }, "persourcenetblocksize 16:128" },
	{ { "PerSourceNetBlockSize 0:0" }, "persourcenetblocksize 0:0" },
	{ { "PerSourceMaxStartups 3" }, "persourcemaxstartups 3" },
	{ { "PerSourceMaxStartups none" }, "persourcemaxstartups none" },
};

static void
test_dumps(void **state)
{
	struct server_config cfg;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dump_cases) / sizeof(dump_cases[0]); i++) {
		if (lines(&cfg, dump_cases[i].in) != 0)
			fail_msg("\"%s\" refused", dump_cases[i].in[0]);
		assert_dump_has(&cfg, dump_cases[i].want);
		servconf_clear(&cfg);
	}
}

static const struct {
	const char *line;
	const char *log;
} bad_cases[] = {
	{ "PerSourcePenalties", "no argument after keyword" },
	{ "PerSourcePenalties yes crash:5", "must appear alone" },
	{ "PerSourcePenalties crash:5 no", "must appear alone" },
	{ "PerSourcePenalties crash", "unsupported PerSourcePenalties" },
	{ "PerSourcePenalties crash:", "invalid PerSourcePenalties time" },
	{ "PerSourcePenalties crash:5x", "invalid PerSourcePenalties time" },
	{ "PerSourcePenalties crash:-5", "invalid PerSourcePenalties time" },
	{ "PerSourcePenalties crash:99999999999",
	    "invalid PerSourcePenalties time" },
	{ "PerSourcePenalties refuseconnection:10",
	    "unsupported PerSourcePenalties" },
	{ "PerSourcePenalties CRASH:5", "unsupported PerSourcePenalties" },
	{ "PerSourcePenalties max-sources4:", "invalid" },
	{ "PerSourcePenalties max-sources4:-1", "invalid" },
	{ "PerSourcePenalties max-sources6:3000000000", "invalid" },
	{ "PerSourcePenalties max-sources5:3", "unsupported" },
	{ "PerSourcePenalties overflow:deny", "unsupported" },
	{ "PerSourcePenalties overflow7:permissive", "unsupported" },
	{ "PerSourcePenaltyExemptList 10.0.0.0/33", "invalid address" },
	{ "PerSourcePenaltyExemptList 10.0.0.1/8", "invalid address" },
	{ "PerSourcePenaltyExemptList 10.0.0.0/8,", "invalid address" },
	{ "PerSourcePenaltyExemptList a b", "extra arguments" },
	{ "PerSourceNetBlockSize 33", "Invalid PerSourceNetBlockSize" },
	{ "PerSourceNetBlockSize 24:129", "Invalid PerSourceNetBlockSize" },
	{ "PerSourceNetBlockSize 24:", "Invalid PerSourceNetBlockSize" },
	{ "PerSourceNetBlockSize x:64", "Invalid PerSourceNetBlockSize" },
	{ "PerSourceMaxStartups 0", "Invalid PerSourceMaxStartups" },
	{ "PerSourceMaxStartups -1", "Invalid PerSourceMaxStartups" },
	{ "PerSourceMaxStartups many", "Invalid PerSourceMaxStartups" },
};

static void
test_bad(void **state)
{
	struct server_config cfg;
	const char *l[2] = { NULL, NULL };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		l[0] = bad_cases[i].line;
		if (lines(&cfg, l) != PC_ERR_CONFIG)
			fail_msg("\"%s\" accepted", l[0]);
		assert_log_has("command-line line 1: ");
		assert_log_has(bad_cases[i].log);
		servconf_clear(&cfg);
	}
}

/* A bad word leaves the line's good words unapplied. */
static void
test_bad_line_atomic(void **state)
{
	struct server_config cfg;
	const char *l[] = { "PerSourcePenalties crash:7 bogus:1", NULL };

	(void)state;
	assert_int_equal(lines(&cfg, l), PC_ERR_CONFIG);
	assert_int_equal(cfg.penalties.crash, -1);
	assert_int_equal(cfg.penalties.enabled, -1);
	servconf_clear(&cfg);
}

/* Not in Match blocks (global only, as OpenSSH). */
static void
test_not_in_match(void **state)
{
	struct server_config cfg;
	char path[] = "/tmp/pc-srclimit-XXXXXX";
	FILE *f;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fprintf(f, "Match User x\n\tPerSourcePenalties no\n");
	fclose(f);
	log_capture();
	servconf_init(&cfg);
	assert_int_equal(servconf_load(&cfg, path), PC_ERR_CONFIG);
	servconf_clear(&cfg);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_dumps),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_bad_line_atomic),
		cmocka_unit_test(test_not_in_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
