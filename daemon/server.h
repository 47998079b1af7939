/*
 * The listening daemon: sockets on every ListenAddress, one forked process
 * per connection, MaxStartups, the pid file, signals (SIGHUP re-executes
 * with the new configuration, SIGTERM stops) and systemd notifications.
 */
#ifndef PC_SERVER_H
#define PC_SERVER_H

#include "conn.h"
#include "err.h"
#include "servconf.h"

struct server_opts {
	int no_daemon;		/* -D or -d */
	int debug_one;		/* -d: serve one connection, no fork */
	char **argv;		/* for the re-exec on SIGHUP */
};

/* Runs until SIGTERM (returns 0) or a fatal error. */
int	server_run(const struct server_config *cfg,
	    const struct conn_settings *cs,
	    const struct server_opts *o) PC_WUR;

#endif /* PC_SERVER_H */
