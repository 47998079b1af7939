/* Logging to syslog, stderr and a log file (see log.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static struct log_settings cur = {
	.ident = "portcullisd",
	.level = LOG_LEVEL_INFO,
	.to_stderr = 1,
	.to_syslog = 0,
	.facility = LOG_AUTH,
	.fd = -1,
};
static char prefix[64];
/* The daemon's standard error, kept apart: a session's child re-uses fd 2
 * for the user's stderr before it execs, and its log lines must still
 * reach the daemon's log (close-on-exec, so the user never gets it). */
static int stderr_fd = -1;

static void	sanitise(char *);

static const struct {
	const char *name;
	enum log_level level;
} level_names[] = {
	{ "QUIET", LOG_LEVEL_QUIET },
	{ "FATAL", LOG_LEVEL_FATAL },
	{ "ERROR", LOG_LEVEL_ERROR },
	{ "INFO", LOG_LEVEL_INFO },
	{ "VERBOSE", LOG_LEVEL_VERBOSE },
	{ "DEBUG", LOG_LEVEL_DEBUG1 },
	{ "DEBUG1", LOG_LEVEL_DEBUG1 },
	{ "DEBUG2", LOG_LEVEL_DEBUG2 },
	{ "DEBUG3", LOG_LEVEL_DEBUG3 },
};

static const struct {
	const char *name;
	int facility;
} facility_names[] = {
	{ "DAEMON", LOG_DAEMON },
	{ "USER", LOG_USER },
	{ "AUTH", LOG_AUTH },
	{ "AUTHPRIV", LOG_AUTHPRIV },
	{ "LOCAL0", LOG_LOCAL0 },
	{ "LOCAL1", LOG_LOCAL1 },
	{ "LOCAL2", LOG_LOCAL2 },
	{ "LOCAL3", LOG_LOCAL3 },
	{ "LOCAL4", LOG_LOCAL4 },
	{ "LOCAL5", LOG_LOCAL5 },
	{ "LOCAL6", LOG_LOCAL6 },
	{ "LOCAL7", LOG_LOCAL7 },
};

void
log_init(const struct log_settings *s)
{
	int was_syslog = cur.to_syslog;

	cur = *s;
	if (cur.ident == NULL)
		cur.ident = "portcullisd";
	if (cur.to_stderr && stderr_fd == -1)
		stderr_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (was_syslog)
		closelog();
	if (cur.to_syslog)
		openlog(cur.ident, LOG_PID | LOG_NDELAY, cur.facility);
}

enum log_level
log_get_level(void)
{
	return cur.level;
}

int
log_stderr_fd(void)
{
	return stderr_fd;
}

void
log_set_prefix(const char *p)
{
	snprintf(prefix, sizeof(prefix), "%s", p == NULL ? "" : p);
	/* A prefix may carry a user or host name: filter it too. */
	sanitise(prefix);
}

int
log_level_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcasecmp(name, level_names[i].name) == 0)
			return (int)level_names[i].level;
	return -1;
}

const char *
log_level_name(enum log_level l)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (level_names[i].level == l)
			return level_names[i].name;
	return "UNKNOWN";
}

int
log_facility_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(facility_names) / sizeof(facility_names[0]);
	    i++)
		if (strcasecmp(name, facility_names[i].name) == 0)
			return facility_names[i].facility;
	return -1;
}

const char *
log_facility_name(int facility)
{
	size_t i;

	for (i = 0; i < sizeof(facility_names) / sizeof(facility_names[0]);
	    i++)
		if (facility_names[i].facility == facility)
			return facility_names[i].name;
	return "UNKNOWN";
}

static int
syslog_priority(enum log_level l)
{
	switch (l) {
	case LOG_LEVEL_FATAL:
		return LOG_CRIT;
	case LOG_LEVEL_ERROR:
		return LOG_ERR;
	case LOG_LEVEL_INFO:
	case LOG_LEVEL_VERBOSE:
		return LOG_INFO;
	default:
		return LOG_DEBUG;
	}
}

/* Replace control characters so a peer cannot forge log lines. */
static void
sanitise(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			*s = '?';
}

void
pc_logv(enum log_level l, const char *fmt, va_list ap)
{
	char msg[1024], line[1200];
	int saved_errno = errno, n;

	if (l > cur.level || cur.level == LOG_LEVEL_QUIET)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	sanitise(msg);
	if (cur.to_syslog)
		syslog(syslog_priority(l), "%s%s%s", prefix,
		    prefix[0] ? ": " : "", msg);
	if (cur.to_stderr || cur.fd >= 0) {
		n = snprintf(line, sizeof(line), "%s%s%s%s\n",
		    l >= LOG_LEVEL_DEBUG1 ? "debug: " : "",
		    prefix, prefix[0] ? ": " : "", msg);
		if (n < 0)
			n = 0;
		if ((size_t)n >= sizeof(line))
			n = sizeof(line) - 1;
		if (cur.to_stderr)
			(void)!write(stderr_fd >= 0 ? stderr_fd : STDERR_FILENO,
			    line, n);
		if (cur.fd >= 0)
			(void)!write(cur.fd, line, n);
	}
	errno = saved_errno;
}

void
pc_log(enum log_level l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_logv(l, fmt, ap);
	va_end(ap);
}
