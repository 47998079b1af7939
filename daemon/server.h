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

/* The name the daemon's own connections are checked under in
 * hosts.allow and hosts.deny. */
#define SERVER_DAEMON_NAME	"portcullisd"

/*
 * TCP wrappers (TCPWrappers, hosts_access(5)) for a connection to the
 * daemon itself, made before the version banner.  1: go on; 0: close it
 * without a word -- refused ("refused connect from ADDR (ADDR) (TCP
 * wrappers)" is logged at INFO) or the check failed (logged).
 */
int	server_peer_allowed(const struct server_config *cfg, int fd);

/* Runs until SIGTERM (returns 0) or a fatal error. */
int	server_run(const struct server_config *cfg,
	    const struct conn_settings *cs,
	    const struct server_opts *o) PC_WUR;

#endif /* PC_SERVER_H */
