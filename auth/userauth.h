/*
 * The user authentication service (RFC 4252), sans-IO: it takes the
 * upper-layer messages the transport delivers and answers through the
 * transport.
 *
 * For now no method can succeed: "none" and every other request get
 * USERAUTH_FAILURE with the advertised methods, and MaxAuthTries failed
 * attempts end the connection, as in OpenSSH.  The methods themselves
 * come with the authentication issue.
 */
#ifndef PC_USERAUTH_H
#define PC_USERAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "transport.h"

#define USERAUTH_MAX_USER	256	/* longest user name accepted */

struct userauth_params {
	const char *methods;	/* advertised, e.g. "publickey,password" */
	unsigned max_tries;	/* MaxAuthTries; 0 means 6 */
};

struct userauth;

/* t is borrowed for the life of the userauth.  Caller frees. */
int	userauth_new(struct tp *t, const struct userauth_params *p,
	    struct userauth **uap) PC_WUR;
void	userauth_free(struct userauth *ua);
/*
 * Handle one message from tp_next.  An error ends the connection;
 * *reason then holds the disconnect reason code to send, and the message
 * for the peer is pc_strerror() of the error unless userauth_last_error()
 * gives a better one.
 */
int	userauth_recv(struct userauth *ua, const uint8_t *msg, size_t len,
	    uint32_t *reason) PC_WUR;
const char *userauth_last_error(const struct userauth *ua);
/* The user name of the last request (for logs), or "". */
const char *userauth_user(const struct userauth *ua);
unsigned userauth_failures(const struct userauth *ua);

#endif /* PC_USERAUTH_H */
