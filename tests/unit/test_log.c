/*
 * Unit tests for logging (lib/log.h): level and facility names, filtering
 * by LogLevel, the "debug: " and prefix decorations, and the sanitising
 * of control characters, read back from a pipe given as the log fd.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

struct pipe_state {
	int rfd;
	int wfd;
};

static struct pipe_state ps = { -1, -1 };

/* Log only to the pipe at the given level. */
static void
log_to_pipe(enum log_level level)
{
	struct log_settings s = {
		.ident = "test_log",
		.level = level,
		.to_stderr = 0,
		.to_syslog = 0,
		.facility = LOG_AUTH,
		.fd = ps.wfd,
	};

	log_init(&s);
	log_set_prefix(NULL);
}

static int
setup(void **state)
{
	int fds[2];

	if (pipe(fds) != 0) {
		return -1;
	}
	/* Non-blocking reads: an empty pipe means "nothing was logged". */
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0) {
		return -1;
	}
	ps.rfd = fds[0];
	ps.wfd = fds[1];
	log_to_pipe(LOG_LEVEL_INFO);
	return 0;
}

static int
teardown(void **state)
{
	struct log_settings s = {
		.ident = NULL, .level = LOG_LEVEL_QUIET, .to_stderr = 0,
		.to_syslog = 0, .facility = LOG_AUTH, .fd = -1,
	};

	log_init(&s);
	log_set_prefix(NULL);
	close(ps.rfd);
	close(ps.wfd);
	ps.rfd = ps.wfd = -1;
	return 0;
}

/* Everything logged since the last call, NUL-terminated. */
static size_t
drain(char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;

	for (;;) {
		assert_true(n < cap - 1);
		r = read(ps.rfd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			assert_true(r == 0 || errno == EAGAIN ||
			    errno == EWOULDBLOCK);
			break;
		}
		n += (size_t)r;
	}
	buf[n] = '\0';
	return n;
}

static void
test_level_names(void **state)
{
	static const struct {
		const char *name;
		int level;
	} cases[] = {
		{ "QUIET", LOG_LEVEL_QUIET }, { "FATAL", LOG_LEVEL_FATAL },
		{ "ERROR", LOG_LEVEL_ERROR }, { "INFO", LOG_LEVEL_INFO },
		{ "VERBOSE", LOG_LEVEL_VERBOSE },
		{ "DEBUG", LOG_LEVEL_DEBUG1 }, { "DEBUG1", LOG_LEVEL_DEBUG1 },
		{ "DEBUG2", LOG_LEVEL_DEBUG2 }, { "DEBUG3", LOG_LEVEL_DEBUG3 },
		/* sshd_config keywords and values are case-insensitive. */
		{ "info", LOG_LEVEL_INFO }, { "Verbose", LOG_LEVEL_VERBOSE },
		{ "debug3", LOG_LEVEL_DEBUG3 },
		{ "", -1 }, { "DEBUG4", -1 }, { "INFO ", -1 }, { " INFO", -1 },
		{ "WARNING", -1 }, { "DEBUG0", -1 }, { "INF", -1 },
	};
	size_t i;
	int l;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (log_level_from_name(cases[i].name) != cases[i].level) {
			fail_msg("\"%s\": got %d, want %d", cases[i].name,
			    log_level_from_name(cases[i].name),
			    cases[i].level);
		}
	}
	/* Every level has a name that parses back to it. */
	for (l = LOG_LEVEL_QUIET; l <= LOG_LEVEL_DEBUG3; l++) {
		assert_int_equal(log_level_from_name(log_level_name(
		    (enum log_level)l)), l);
	}
	assert_string_equal(log_level_name(LOG_LEVEL_VERBOSE), "VERBOSE");
	assert_string_equal(log_level_name((enum log_level)99), "UNKNOWN");
}

static void
test_facility_names(void **state)
{
	static const struct {
		const char *name;
		int facility;
	} cases[] = {
		{ "DAEMON", LOG_DAEMON }, { "USER", LOG_USER },
		{ "AUTH", LOG_AUTH }, { "AUTHPRIV", LOG_AUTHPRIV },
		{ "LOCAL0", LOG_LOCAL0 }, { "LOCAL1", LOG_LOCAL1 },
		{ "LOCAL2", LOG_LOCAL2 }, { "LOCAL3", LOG_LOCAL3 },
		{ "LOCAL4", LOG_LOCAL4 }, { "LOCAL5", LOG_LOCAL5 },
		{ "LOCAL6", LOG_LOCAL6 }, { "LOCAL7", LOG_LOCAL7 },
		{ "auth", LOG_AUTH }, { "Local7", LOG_LOCAL7 },
		{ "", -1 }, { "LOCAL8", -1 }, { "KERN", -1 }, { "AUTH ", -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (log_facility_from_name(cases[i].name) !=
		    cases[i].facility) {
			fail_msg("\"%s\": got %d, want %d", cases[i].name,
			    log_facility_from_name(cases[i].name),
			    cases[i].facility);
		}
		if (cases[i].facility != -1) {
			assert_int_equal(log_facility_from_name(
			    log_facility_name(cases[i].facility)),
			    cases[i].facility);
		}
	}
	assert_string_equal(log_facility_name(LOG_AUTHPRIV), "AUTHPRIV");
	assert_string_equal(log_facility_name(-5), "UNKNOWN");
}

/*
 * A message at level m is written if and only if m <= the configured
 * level and the configured level is not QUIET (sshd's LogLevel QUIET
 * logs nothing).
 */
static void
test_level_filtering(void **state)
{
	char buf[256];
	int conf, m;
	size_t n;

	for (conf = LOG_LEVEL_QUIET; conf <= LOG_LEVEL_DEBUG3; conf++) {
		log_to_pipe((enum log_level)conf);
		assert_int_equal(log_get_level(), conf);
		for (m = LOG_LEVEL_FATAL; m <= LOG_LEVEL_DEBUG3; m++) {
			pc_log((enum log_level)m, "m%d", m);
			n = drain(buf, sizeof(buf));
			if (m <= conf && conf != LOG_LEVEL_QUIET) {
				if (n == 0) {
					fail_msg("level %d dropped at %s", m,
					    log_level_name(conf));
				}
			} else if (n != 0) {
				fail_msg("level %d logged at %s: %s", m,
				    log_level_name(conf), buf);
			}
		}
	}
}

static void
test_macros_and_format(void **state)
{
	char buf[512];

	log_to_pipe(LOG_LEVEL_DEBUG3);
	error("error %d", 1);
	logit("info %s", "two");
	verbose("verbose %c", '3');
	debug("debug %u", 4u);
	debug2("debug2");
	debug3("debug3 %x", 0xabu);
	fatal_log("fatal");
	drain(buf, sizeof(buf));
	assert_string_equal(buf,
	    "error 1\n"
	    "info two\n"
	    "verbose 3\n"
	    "debug: debug 4\n"
	    "debug: debug2\n"
	    "debug: debug3 ab\n"
	    "fatal\n");

	log_to_pipe(LOG_LEVEL_VERBOSE);
	debug("hidden");
	verbose("shown");
	drain(buf, sizeof(buf));
	assert_string_equal(buf, "shown\n");
}

static void
test_prefix(void **state)
{
	char buf[256];

	log_to_pipe(LOG_LEVEL_DEBUG1);
	log_set_prefix("conn 7");
	logit("hello");
	debug("dbg");
	log_set_prefix("");
	logit("bare");
	log_set_prefix("session");
	log_set_prefix(NULL);
	logit("bare again");
	drain(buf, sizeof(buf));
	assert_string_equal(buf,
	    "conn 7: hello\n"
	    "debug: conn 7: dbg\n"
	    "bare\n"
	    "bare again\n");
}

static void
test_sanitise(void **state)
{
	char buf[256];

	/* A peer-controlled string must not forge a second log line. */
	logit("user %s", "root\nAccepted password for root");
	drain(buf, sizeof(buf));
	assert_string_equal(buf, "user root?Accepted password for root\n");

	logit("%s", "a\rb\tc\x1b[31md\x7f" "e\x01" "f");
	drain(buf, sizeof(buf));
	assert_string_equal(buf, "a?b?c?[31md?e?f\n");

	/* Bytes >= 0x80 pass unchanged (UTF-8 user names). */
	logit("%s", "caf\xc3\xa9 ~");
	drain(buf, sizeof(buf));
	assert_string_equal(buf, "caf\xc3\xa9 ~\n");

	/* The prefix is filtered as well. */
	log_set_prefix("p\nq");
	logit("x");
	drain(buf, sizeof(buf));
	assert_true(strchr(buf, '\n') == buf + strlen(buf) - 1);
}

static void
test_long_message_truncated(void **state)
{
	char big[3000], buf[4096];
	size_t n;

	memset(big, 'L', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	logit("%s", big);
	n = drain(buf, sizeof(buf));
	assert_true(n > 100 && n < sizeof(big));
	assert_int_equal(buf[n - 1], '\n');
	assert_int_equal(strspn(buf, "L"), n - 1);
}

static void
test_errno_preserved(void **state)
{
	char buf[64];

	errno = EINTR;
	logit("x");
	assert_int_equal(errno, EINTR);
	errno = ENOENT;
	debug("filtered");
	assert_int_equal(errno, ENOENT);
	drain(buf, sizeof(buf));
	assert_string_equal(buf, "x\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_names),
		cmocka_unit_test(test_facility_names),
		cmocka_unit_test_setup_teardown(test_level_filtering, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_macros_and_format, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sanitise, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_long_message_truncated,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_errno_preserved, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
