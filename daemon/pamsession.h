/*
 * The PAM session of an authenticated connection (UsePAM yes), in the
 * connection process as root, once per connection as sshd does:
 * pam_start, PAM_RHOST and PAM_TTY, pam_setcred(PAM_ESTABLISH_CRED),
 * pam_open_session; at the end pam_close_session,
 * pam_setcred(PAM_DELETE_CRED), pam_end.  Authentication and account
 * management ran earlier, in authpam.c's child; this is a new handle,
 * as sshd's privilege-separated monitor has for session modules that do
 * not need the authenticating one.
 *
 * Messages PAM modules give (pam_motd, pam_lastlog) are collected for
 * the first interactive login; prompts are refused: there is no user to
 * answer them here.
 */
#ifndef PC_PAMSESSION_H
#define PC_PAMSESSION_H

#include "err.h"

#define PAMSESSION_MAX_TEXT	16384	/* collected module messages */

struct pamsession;

/* service NULL: AUTHPAM_SERVICE.  Strings are copied.  Caller frees. */
int	pamsession_open(const char *service, const char *user,
	    const char *rhost, struct pamsession **pp) PC_WUR;
/* Closes the session, deletes the credentials, ends PAM.  NULL ok. */
void	pamsession_close(struct pamsession *p);
/* pam_getenvlist: a NULL-terminated "NAME=value" list, caller frees it
 * with pamsession_env_free; NULL if there is none. */
char	**pamsession_env(struct pamsession *p);
void	pamsession_env_free(char **env);
/* Module messages not shown yet (borrowed), then cleared by _taken. */
const char *pamsession_messages(const struct pamsession *p);
void	pamsession_messages_taken(struct pamsession *p);

#endif /* PC_PAMSESSION_H */
