/*
 * Password, keyboard-interactive and account checks through PAM
 * (UsePAM yes): the PAM half of the daemon's auth_backend (auth/auth.h).
 *
 * Every PAM transaction runs in a child process forked for it.  PAM's
 * conversation function is synchronous, but keyboard-interactive (RFC 4256)
 * must hand each round of prompts to the client and wait for its answers
 * across several packets; so, as OpenSSH's sshpam does with its
 * thread or process, the child runs pam_authenticate() and talks to the
 * connection process over a socketpair with a small length-prefixed
 * protocol (authpam.c): prompts out, responses in, then one final result.
 * The child also keeps PAM modules (and their crashes, signal handlers
 * and leaks) out of the connection process: a child that dies, stops
 * answering for timeout_ms, or breaks the protocol is a failed attempt.
 *
 * Items set as OpenSSH sets them: PAM_USER (the login name), PAM_RHOST (the
 * peer's numeric address; no DNS), PAM_TTY "ssh" (pam_time and others
 * want a tty), and SSH_CONNECTION in the PAM environment for pam_exec.
 * After pam_authenticate, PAM_USER must still be the login name.
 *
 * Ownership: the parameters, user and peer are borrowed for the call
 * (authpam_kbdint_start copies what it keeps).  Strings returned through
 * char ** and the contents of an auth_kbdint_query are caller-freed.
 * authpam.c defines struct auth_kbdint: authpam_kbdint_next, _respond and
 * _free have the exact auth_backend signatures and can be assigned to it.
 *
 * Sessions (later): this issue ends every transaction in the child with
 * pam_end after account management.  To keep one PAM handle for
 * pam_setcred/pam_open_session (which many modules require to be the
 * handle that authenticated), the child stays alive after its RESULT
 * message instead of exiting, and the protocol grows requests from the
 * parent (OPEN_SESSION, SETCRED, GETENV, CLOSE_SESSION), each answered
 * with a RESULT; struct auth_kbdint then hands its pid and socket over to
 * the session code rather than reaping the child in authpam_kbdint_free.
 */
#ifndef PC_AUTHPAM_H
#define PC_AUTHPAM_H

#include "auth.h"
#include "err.h"

#define AUTHPAM_SERVICE		"portcullisd"	/* etc/pam.d/portcullisd */
#define AUTHPAM_MAX_PASSWORD	1024	/* longer is refused, as OpenSSH */
#define AUTHPAM_MAX_PROMPTS	32	/* per round (PAM_MAX_NUM_MSG) */
#define AUTHPAM_MAX_ROUNDS	16	/* prompting rounds per transaction */
#define AUTHPAM_MAX_TEXT	4096	/* PAM_TEXT_INFO/ERROR_MSG kept */
#define AUTHPAM_TIMEOUT_MS	120000	/* wait for the PAM child */

struct authpam_params {
	const char *service;	/* PAM service; NULL: AUTHPAM_SERVICE */
	int permit_empty_passwords; /* else PAM_DISALLOW_NULL_AUTHTOK */
	int timeout_ms;		/* per wait for the child, and the child's
				 * wait for keyboard-interactive answers;
				 * 0: AUTHPAM_TIMEOUT_MS */
};

/*
 * Password authentication (RFC 4252 section 8) then account management.
 * The conversation answers one PAM_PROMPT_ECHO_OFF with the password; any
 * other prompt fails.  PAM_TEXT_INFO/PAM_ERROR_MSG text is collected
 * into *msg (NULL if none).  0 if authenticated and the account is
 * usable, PC_ERR_AUTH_FAILED if not (and for an expired password:
 * "Password change required but no TTY available."), another error only
 * for a local failure (allocation, fork).
 */
int	authpam_password(const struct authpam_params *p,
	    const struct auth_user *u, const struct auth_peer *peer,
	    const char *password, char **msg) PC_WUR;

/*
 * Keyboard-interactive through PAM.  start forks the child; next blocks
 * for its next round and returns 0 with *q filled (the prompts, and the
 * PAM messages that came before them as the instruction), or the result:
 * PC_OK_AUTHENTICATED or PC_ERR_AUTH_FAILED.  Messages PAM gives after
 * the last prompt come as a round with no prompts (RFC 4256 section 3.2
 * allows num-prompts 0), answered by respond(k, 0, NULL), before the
 * result.  respond takes exactly q->nprompts answers.  Success includes
 * pam_acct_mgmt and, when it asks for a new password, pam_chauthtok
 * (PAM_CHANGE_EXPIRED_AUTHTOK) through the same conversation.
 * free (accepts NULL) ends a conversation at any point and reaps the
 * child.
 */
int	authpam_kbdint_start(const struct authpam_params *p,
	    const struct auth_user *u, const struct auth_peer *peer,
	    struct auth_kbdint **kp) PC_WUR;
int	authpam_kbdint_next(struct auth_kbdint *k,
	    struct auth_kbdint_query *q) PC_WUR;
int	authpam_kbdint_respond(struct auth_kbdint *k, unsigned n,
	    char *const *responses) PC_WUR;
void	authpam_kbdint_free(struct auth_kbdint *k);

/*
 * Account management alone (pam_acct_mgmt in a new transaction), for
 * methods PAM did not authenticate (publickey).  0 or PC_ERR_AUTH_FAILED
 * with *msg for the user.  An expired password is refused as in
 * authpam_password (no TTY to change it on, yet).  Keyboard-interactive
 * success has already run account management; running it again is
 * harmless.
 */
int	authpam_account(const struct authpam_params *p,
	    const struct auth_user *u, const struct auth_peer *peer,
	    char **msg) PC_WUR;

#endif /* PC_AUTHPAM_H */
