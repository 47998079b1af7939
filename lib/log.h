/*
 * Logging to syslog and/or standard error, filtered by LogLevel.
 *
 * Levels and facility names follow sshd_config(5): QUIET, FATAL, ERROR,
 * INFO, VERBOSE, DEBUG (= DEBUG1), DEBUG2, DEBUG3.  log_init() may be
 * called again (after a config reload, or to add a log file).
 */
#ifndef PC_LOG_H
#define PC_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_QUIET = 0,
	LOG_LEVEL_FATAL,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_INFO,
	LOG_LEVEL_VERBOSE,
	LOG_LEVEL_DEBUG1,
	LOG_LEVEL_DEBUG2,
	LOG_LEVEL_DEBUG3,
};

struct log_settings {
	const char *ident;	/* program name for syslog and stderr */
	enum log_level level;
	int to_stderr;		/* -e or -d */
	int to_syslog;
	int facility;		/* syslog facility, e.g. LOG_AUTH */
	int fd;			/* -E logfile, or -1 */
};

void	log_init(const struct log_settings *s);
enum log_level log_get_level(void);
/* Set a prefix such as "session" or a connection id ("" or NULL: none). */
void	log_set_prefix(const char *prefix);

/* The close-on-exec descriptor log lines for stderr go to (-1: none):
 * code that closes descriptors before an exec keeps this one. */
int	log_stderr_fd(void);

/* Parse names from sshd_config; -1 if unknown. */
int	log_level_from_name(const char *name);
const char *log_level_name(enum log_level l);
int	log_facility_from_name(const char *name);
const char *log_facility_name(int facility);

void	pc_log(enum log_level l, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	pc_logv(enum log_level l, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));

#define fatal_log(...)	pc_log(LOG_LEVEL_FATAL, __VA_ARGS__)
#define error(...)	pc_log(LOG_LEVEL_ERROR, __VA_ARGS__)
#define logit(...)	pc_log(LOG_LEVEL_INFO, __VA_ARGS__)
#define verbose(...)	pc_log(LOG_LEVEL_VERBOSE, __VA_ARGS__)
#define debug(...)	pc_log(LOG_LEVEL_DEBUG1, __VA_ARGS__)
#define debug2(...)	pc_log(LOG_LEVEL_DEBUG2, __VA_ARGS__)
#define debug3(...)	pc_log(LOG_LEVEL_DEBUG3, __VA_ARGS__)

#endif /* PC_LOG_H */
