/*
 * The user authentication service (RFC 4252, RFC 4256, OpenSSH PROTOCOL
 * for publickey-hostbound-v00@openssh.com), sans-IO: it takes the
 * upper-layer messages the transport delivers, answers through the
 * transport, and asks the system through a struct auth_backend.
 *
 * Methods: none (lists the methods), publickey (query and signed request,
 * every supported key type and certificate), password and
 * keyboard-interactive.  AuthenticationMethods lists, MaxAuthTries, the
 * banner and OpenSSH's log lines ("Accepted publickey for ...", "Failed
 * password for invalid user ...") are handled here.
 */
#ifndef PC_USERAUTH_H
#define PC_USERAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "err.h"
#include "transport.h"

#define USERAUTH_MAX_USER	256	/* longest user name accepted */
#define USERAUTH_MAX_LISTS	32	/* AuthenticationMethods lists */
#define USERAUTH_MAX_STEPS	16	/* methods in one list */
/* USERAUTH_REQUESTs per connection, whatever their outcome (OpenSSH's
 * auth2.c: 1024); past it the connection ends. */
#define USERAUTH_MAX_REQUESTS	1024

struct userauth_params {
	const struct auth_backend *backend;	/* borrowed */
	const struct auth_peer *peer;		/* borrowed */
	/* Until the user is known; then backend->settings_for_user. */
	struct auth_settings s;
};

struct userauth;

/* t and the params' pointers are borrowed for the life of the userauth.
 * Caller frees.  PC_ERR_CONFIG for a malformed AuthenticationMethods
 * (userauth_recv then fails the same way for per-user settings). */
int	userauth_new(struct tp *t, const struct userauth_params *p,
	    struct userauth **uap) PC_WUR;
void	userauth_free(struct userauth *ua);
/*
 * Handle one message from tp_next.  An error ends the connection;
 * *reason then holds the disconnect reason code to send, and the message
 * for the peer is userauth_last_error() when set, else pc_strerror().
 */
int	userauth_recv(struct userauth *ua, const uint8_t *msg, size_t len,
	    uint32_t *reason) PC_WUR;
const char *userauth_last_error(const struct userauth *ua);

/* Whether USERAUTH_SUCCESS has been sent. */
int	userauth_done(const struct userauth *ua);
/* The user name of the requests (for logs), or "". */
const char *userauth_user(const struct userauth *ua);
/* Whether that user exists and may log in at all. */
int	userauth_user_valid(const struct userauth *ua);
unsigned userauth_failures(const struct userauth *ua);
/* After success: the user (borrowed) and the restrictions of the key(s)
 * used (borrowed; NULL when no publickey method was used). */
const struct auth_user *userauth_auth_user(const struct userauth *ua);
const struct auth_opts *userauth_opts(const struct userauth *ua);
/* After success with publickey: the last key accepted, described for
 * logs ("ED25519 SHA256:..." or a certificate's ID, serial and CA), and
 * where its restrictions came from ("PATH:LINE", "TrustedUserCAKeys
 * PATH"); both borrowed, NULL without a key. */
void	userauth_key_info(const struct userauth *ua, const char **key,
	    const char **where);
/* The methods completed, comma-separated ("publickey,password"). */
const char *userauth_methods_used(const struct userauth *ua);

/*
 * The rule that ends authentication, as a pure function (the daemon's
 * monitor applies it to its own record of what succeeded, so that both
 * processes decide with one implementation): do the methods done[0..n)
 * that succeeded, in that order ("publickey", "password",
 * "keyboard-interactive:pam"), complete one of the AuthenticationMethods
 * lists of spec (NULL, "" or "any": any one method)?  A method that is
 * not the next step of a list does not advance it, as in userauth_recv.
 * 0 with *complete 1 or 0; PC_ERR_CONFIG for a malformed spec,
 * PC_ERR_INVALID_ARGUMENT for an empty method name or more than
 * USERAUTH_MAX_DONE methods.
 */
#define USERAUTH_MAX_DONE	(USERAUTH_MAX_LISTS * USERAUTH_MAX_STEPS)
int	userauth_methods_complete(const char *spec, const char *const *done,
	    size_t ndone, int *complete) PC_WUR;

#endif /* PC_USERAUTH_H */
