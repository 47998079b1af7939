/*
 * One connection, served to its end in the current process: the socket
 * I/O around the sans-IO transport, userauth and channel cores, and,
 * after authentication, the sessions' processes (session.h): their
 * descriptors join the poll set, and SIGCHLD reaches the loop through a
 * self-pipe.  The connection ends when the peer closes it.
 */
#ifndef PC_CONN_H
#define PC_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "err.h"
#include "kexalg.h"
#include "key.h"

struct authbackend;

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
	/* The daemon's backend behind "backend", for the user's
	 * configuration (after Match) once authenticated; NULL: sessions
	 * run with the defaults.  Borrowed. */
	const struct authbackend *authbackend;
};

/*
 * Serve the connection on rfd/wfd (the same socket, or stdin/stdout in
 * inetd mode) until it ends.  Returns 0 for an orderly end, else the
 * error that ended it (already logged).
 */
int	conn_serve(int rfd, int wfd, const struct conn_settings *s) PC_WUR;

/*
 * How a connection ended, for the listener's PerSourcePenalties (the
 * kinds of OpenSSH 9.8's srclimit_penalise).
 */
enum conn_end {
	CONN_END_AUTHENTICATED = 0,	/* USERAUTH_SUCCESS was sent */
	CONN_END_NOAUTH,	/* closed before any authentication attempt */
	CONN_END_AUTHFAIL,	/* one or more attempts, none succeeded */
	CONN_END_GRACE,		/* LoginGraceTime ran out */
};

/* The byte a connection writes on its startup pipe when the user is
 * authenticated (it then closes the pipe): the listener stops counting
 * it for MaxStartups and will not penalise its source. */
#define CONN_STARTUP_AUTHENTICATED	'\001'

/*
 * conn_serve with the listener's startup pipe (write end, or -1): the
 * byte above goes there at USERAUTH_SUCCESS and the descriptor is closed
 * then (before any session process is forked).  *end (may be NULL) says
 * how the connection ended.
 */
int	conn_serve_startup(int rfd, int wfd, const struct conn_settings *s,
	    int startup_fd, enum conn_end *end) PC_WUR;

#endif /* PC_CONN_H */
