/*
 * Test helper: send error()/logit() output to a temporary file and read it
 * back, so a test can check a log line's exact wording.  Include after
 * <cmocka.h>.
 */
#ifndef PC_TEST_LOGCAP_H
#define PC_TEST_LOGCAP_H

#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

#define LOGCAP_MAX	65536

static int logcap_fd = -1;
static char logcap_text[LOGCAP_MAX];

/* Start (again) with an empty log at INFO. */
static inline void
log_capture(void)
{
	struct log_settings s = {
		.ident = "test", .level = LOG_LEVEL_INFO, .to_stderr = 0,
		.to_syslog = 0, .facility = LOG_AUTH, .fd = -1,
	};
	FILE *f;

	if (logcap_fd == -1) {
		assert_non_null(f = tmpfile());
		logcap_fd = dup(fileno(f));
		fclose(f);
	}
	assert_int_equal(ftruncate(logcap_fd, 0), 0);
	assert_int_equal(lseek(logcap_fd, 0, SEEK_SET), 0);
	s.fd = logcap_fd;
	log_init(&s);
}

/* Everything logged since log_capture(). */
static inline const char *
log_read(void)
{
	ssize_t n;

	assert_int_equal(lseek(logcap_fd, 0, SEEK_SET), 0);
	n = read(logcap_fd, logcap_text, sizeof(logcap_text) - 1);
	assert_true(n >= 0);
	logcap_text[n] = '\0';
	return logcap_text;
}

static inline void
assert_log_has(const char *s)
{
	const char *l = log_read();

	if (strstr(l, s) == NULL)
		fail_msg("log lacks \"%s\"; log is:\n%s", s, l);
}

#endif /* PC_TEST_LOGCAP_H */
