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

/*
 * A connection process's exit status, read by the listener for
 * PerSourcePenalties (OpenSSH's sshd-session values): anything else from
 * an unauthenticated connection counts as "noauth", and death by a crash
 * signal as "crash".  A monitor reports its network process's crash with
 * SERVER_EXIT_CRASH.
 */
#define SERVER_EXIT_OK		0
#define SERVER_EXIT_GRACE	3	/* LoginGraceTime exceeded */
#define SERVER_EXIT_CRASH	4	/* a process of ours crashed */
#define SERVER_EXIT_AUTHFAIL	5	/* attempts made, none succeeded */
#define SERVER_EXIT_NOAUTH	255	/* ended before any attempt */

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
