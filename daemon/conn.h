/*
 * One connection's event loop: the socket I/O around the sans-IO
 * transport, userauth and channel cores.  With privilege separation
 * (daemon/monitor.h) it runs in two processes:
 *
 *   conn_preauth, in the sandboxed network process: the transport and
 *   userauth until the user is authenticated, then the hand-over
 *   (the transport state goes to the monitor) once no key exchange runs;
 *
 *   conn_postauth, in the process that runs as the user: the imported
 *   transport, the channels and, through them, the sessions' processes
 *   (session.h) and forwarding (fwd.h), whose descriptors join the poll
 *   set; SIGCHLD reaches the loop through a self-pipe.  It ends when the
 *   peer closes the connection.
 */
#ifndef PC_CONN_H
#define PC_CONN_H

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "err.h"
#include "kexalg.h"
#include "key.h"
#include "transport.h"
#include "wbuf.h"

struct authbackend;
struct server_config;
struct session_priv;
struct userauth;

struct conn_settings {
	struct pc_key *const *hostkeys;		/* borrowed */
	size_t nhostkeys;
	const char *kex_algs;
	const char *hostkey_algs;
	const char *ciphers;
	const char *macs;
	uint64_t rekey_bytes;
	uint32_t rekey_seconds;
	uint32_t login_grace_time;		/* seconds, 0: none */
	const char *server_sig_algs;		/* EXT_INFO; NULL: default */
	const struct auth_backend *backend;	/* borrowed */
	struct auth_settings auth;		/* before Match User */
	const struct kex_moduli_entry *moduli;	/* borrowed */
	size_t nmoduli;
	/* The daemon's backend behind "backend", for the configuration;
	 * NULL: defaults.  Borrowed. */
	const struct authbackend *authbackend;
	/* Host key signatures; NULL: hostkeys_sign with the keys above. */
	tp_sign_fn sign;
	void *sign_arg;
#ifdef PC_TEST_HOOKS
	/* Test builds only: a forbidden system call after the first bytes
	 * from the client (tests/integration/test_privsep.py). */
	int test_forbidden_syscall;
#endif
};

/* The two ends of the connection, as text for the logs. */
struct conn_peerinfo {
	char addr[INET6_ADDRSTRLEN];
	int port;
	char laddr[INET6_ADDRSTRLEN];
	int lport;
};

/* getpeername/getsockname of fd ("UNKNOWN" and 0 when not a socket). */
void	conn_peerinfo_init(int fd, struct conn_peerinfo *pi);
/* The auth_peer of pi (pointers into pi; no DNS: host is the address). */
void	conn_auth_peer(const struct conn_peerinfo *pi,
	    struct auth_peer *ap);
/* TCPKeepAlive, TCP_NODELAY and non-blocking mode, before the sandbox
 * (which allows neither setsockopt nor fcntl). */
int	conn_socket_setup(int rfd, int wfd,
	    const struct conn_settings *s) PC_WUR;
/* The transport parameters for s (server role).  software (len bytes)
 * holds the version with VersionAddendum; tpp points into it. */
void	conn_tp_params(const struct conn_settings *s, struct tp_params *tpp,
	    char *software, size_t len);

/*
 * The hand-over: called once userauth has sent USERAUTH_SUCCESS and no
 * key exchange runs.  held holds, as strings, the n upper-layer
 * messages the transport delivered after the success (they belong to
 * the next process).  0: handed over, the loop ends without writing
 * anything more; an error ends the connection.
 */
struct conn_handoff {
	void *arg;
	int (*done)(void *arg, const struct tp *t, const struct userauth *ua,
	    const struct wbuf *held, uint32_t n);
};

/*
 * How a connection ended, for the listener's PerSourcePenalties (the
 * kinds of OpenSSH 9.8's srclimit_penalise).
 */
enum conn_end {
	CONN_END_AUTHENTICATED = 0,	/* USERAUTH_SUCCESS was sent */
	CONN_END_NOAUTH,	/* closed before any authentication attempt */
	CONN_END_AUTHFAIL,	/* one or more attempts, none succeeded */
	CONN_END_GRACE,		/* LoginGraceTime ran out */
	CONN_END_CRASH,		/* the network process crashed (monitor) */
};

/* The byte the monitor writes on the listener's startup pipe when the
 * user is authenticated (it then closes the pipe): the listener stops
 * counting it for MaxStartups and will not penalise its source. */
#define CONN_STARTUP_AUTHENTICATED	'\001'

/*
 * The network process: serve rfd/wfd (the same socket, or stdin and
 * stdout in inetd mode) until authentication ends and ho->done has run
 * (*handed_off 1), or the connection ends; *end says how.  0 for an
 * orderly end, else the error that ended it (already logged).
 */
int	conn_preauth(int rfd, int wfd, const struct conn_settings *s,
	    const struct conn_peerinfo *pi, const struct conn_handoff *ho,
	    int *handed_off, enum conn_end *end) PC_WUR;

/* What the post-auth process runs with (all borrowed but t). */
struct conn_auth {
	struct tp *t;				/* imported; freed here */
	const struct server_config *cfg;	/* after Match; or NULL */
	const struct auth_user *user;
	const struct auth_opts *opts;		/* or NULL */
	const char *key_fp;			/* or NULL */
	const char *opts_where;			/* or NULL */
	const char *methods;			/* "publickey,password" */
	const struct session_priv *priv;	/* the monitor's part */
	int no_forwarding;			/* ChrootDirectory failed */
	const struct wbuf *held;		/* see conn_handoff */
	uint32_t nheld;
};

/* The post-auth process: the channels, sessions and forwarding on the
 * imported transport until the peer closes the connection. */
int	conn_postauth(int rfd, int wfd, const struct conn_settings *s,
	    const struct conn_peerinfo *pi, struct conn_auth *a) PC_WUR;

#endif /* PC_CONN_H */
