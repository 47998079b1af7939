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
 * inetd mode) until it ends.  startup_fd (or -1) is the listener's
 * MaxStartups pipe: it is closed once the user is authenticated, so the
 * connection stops counting as a startup then, as in OpenSSH.  Returns 0
 * for an orderly end, else the error that ended it (already logged).
 */
int	conn_serve(int rfd, int wfd, const struct conn_settings *s,
	    int startup_fd) PC_WUR;

#endif /* PC_CONN_H */
