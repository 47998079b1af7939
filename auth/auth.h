/*
 * What the userauth core asks of the system, as one narrow interface
 * (the "backend"): user lookup, whether a public key may log in, password
 * and keyboard-interactive checks, and account checks.  daemon/ implements
 * it (files, PAM, crypt(3), commands); tests implement it in memory.  The
 * privilege-separation issue moves the daemon's implementation behind a
 * monitor without changing the core.
 *
 * All calls may block.  Strings returned through char ** are caller-freed.
 */
#ifndef PC_AUTH_H
#define PC_AUTH_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "authopts.h"
#include "err.h"
#include "key.h"

/* A user, as user_lookup found it. */
struct auth_user {
	char *name;
	uid_t uid;
	gid_t gid;
	char *home;
	char *shell;
	char **groups;		/* group names, primary first */
	size_t ngroups;
};

void	auth_user_free(struct auth_user *u);

/* The connection, for from=, source-address, Match and the logs. */
struct auth_peer {
	const char *addr;	/* numeric remote address */
	int port;
	const char *host;	/* remote host name (the address: no DNS) */
	const char *laddr;
	int lport;
};

/* A keyboard-interactive round: prompts for the client. */
struct auth_kbdint_query {
	char *name;
	char *instruction;
	unsigned nprompts;
	char **prompts;
	int *echo;
};

void	auth_kbdint_query_clear(struct auth_kbdint_query *q);

struct auth_kbdint;	/* a conversation in progress; backend-owned */

struct auth_backend {
	void *arg;
	/* *up is NULL (and 0 returned) when there is no such user. */
	int (*user_lookup)(void *arg, const char *name,
	    struct auth_user **up);
	/*
	 * May key (a plain key or a certificate; its signature not checked
	 * yet) log in as u from peer?  0 with *opts (the merged restrictions)
	 * and *where ("PATH:LINE", "certificate", "AuthorizedKeysCommand")
	 * if so; PC_ERR_NOT_FOUND if not (the reason already logged).
	 */
	int (*pubkey_allowed)(void *arg, const struct auth_user *u,
	    const struct auth_peer *peer, const struct pc_key *key,
	    struct auth_opts **opts, char **where);
	/* 0 if the password is right; PC_ERR_AUTH_FAILED if not.  *msg may
	 * carry a message for the user (password expiry). */
	int (*password)(void *arg, const struct auth_user *u,
	    const struct auth_peer *peer, const char *password, char **msg);
	/* Keyboard-interactive: start a conversation, then alternate
	 * next (prompts to send) and respond (the client's answers).  next
	 * returns 0 with prompts, or the final result: PC_OK_AUTHENTICATED
	 * (> 0) or PC_ERR_AUTH_FAILED. */
	int (*kbdint_start)(void *arg, const struct auth_user *u,
	    const struct auth_peer *peer, struct auth_kbdint **kp);
	int (*kbdint_next)(struct auth_kbdint *k,
	    struct auth_kbdint_query *q);
	int (*kbdint_respond)(struct auth_kbdint *k, unsigned n,
	    char *const *responses);
	void (*kbdint_free)(struct auth_kbdint *k);
	/* Account checks after a method succeeded (PAM account management,
	 * expiry); 0 or PC_ERR_AUTH_FAILED with *msg for the user. */
	int (*account_ok)(void *arg, const struct auth_user *u,
	    const struct auth_peer *peer, char **msg);
};

#define PC_OK_AUTHENTICATED	1

#endif /* PC_AUTH_H */
