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

/*
 * The settings authentication runs with.  They may depend on the user
 * (sshd_config Match blocks), so the backend gives them again once the
 * user name is known.  Strings are borrowed from the backend and must stay
 * valid for the connection.
 */
struct auth_settings {
	int pubkey;			/* PubkeyAuthentication */
	int password;			/* PasswordAuthentication */
	int kbdint;			/* KbdInteractiveAuthentication */
	int permit_empty_passwords;
	const char *auth_methods;	/* AuthenticationMethods; NULL: any */
	unsigned max_tries;		/* MaxAuthTries (0: the first failure
				 * ends it, as OpenSSH) */
	const char *pubkey_algs;	/* PubkeyAcceptedAlgorithms */
	const char *banner;		/* text sent once, or NULL */
};

struct auth_backend {
	void *arg;
	/*
	 * The settings for this user name (Match User, Group, Invalid-User
	 * ...), asked once at the first request, valid user or not.  May be
	 * NULL: the settings given to userauth_new stay.
	 */
	int (*settings_for_user)(void *arg, const char *name,
	    const struct auth_user *u, const struct auth_peer *peer,
	    struct auth_settings *s);
	/* *up is NULL (and 0 returned) when there is no such user. */
	int (*user_lookup)(void *arg, const char *name,
	    struct auth_user **up);
	/*
	 * May u log in at all from peer (AllowUsers, DenyUsers, AllowGroups,
	 * DenyGroups, a usable shell)?  0, or PC_ERR_AUTH_FAILED with *why
	 * in OpenSSH's words ("User alice from 10.0.0.1 not allowed because
	 * listed in DenyUsers"); the core logs it and goes on as for an
	 * invalid user.  Decided by policy/ in the daemon.
	 */
	int (*user_allowed)(void *arg, const struct auth_user *u,
	    const struct auth_peer *peer, char **why);
	/*
	 * May u finish with this method (PermitRootLogin, which looks at the
	 * method and at a forced command in opts, NULL for methods without
	 * key options)?  0, or PC_ERR_AUTH_FAILED with *why.
	 */
	int (*method_allowed)(void *arg, const struct auth_user *u,
	    const char *method, const struct auth_opts *opts, char **why);
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
	/*
	 * Optional (NULL: the core calls key_verify itself): verify a
	 * publickey signature (RFC 4252 s. 7).  data is what the signature
	 * covers, key a key pubkey_allowed accepted, sigalg its plain
	 * algorithm.  0 if it verifies.  The daemon's network process
	 * sends it to the monitor, which checks data itself (session id,
	 * user, service, key) before it verifies, so a compromised
	 * process cannot make up a success.
	 */
	int (*pubkey_verify)(void *arg, const struct pc_key *key,
	    const char *sigalg, const uint8_t *data, size_t len,
	    const uint8_t *sig, size_t siglen);
};

#define PC_OK_AUTHENTICATED	1

#endif /* PC_AUTH_H */
