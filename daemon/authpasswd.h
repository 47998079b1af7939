/*
 * Password and account checks without PAM (UsePAM no): crypt(3) against
 * the shadow(5) entry, and the shadow expiry fields, as OpenSSH's
 * auth-passwd.c and auth-shadow.c do.
 *
 * PermitEmptyPasswords is the caller's setting, passed as allow_empty.
 * The lower-level functions take the passwd and shadow entries as
 * arguments (the tests build them); authpasswd_password and
 * authpasswd_account only look them up (getpwnam, getspnam) and call them.
 *
 * Days are days since 1970-01-01 UTC, as in shadow(5); -1 in a shadow
 * field means "not set".  Strings returned through char ** are
 * caller-freed; everything else is borrowed for the call.
 */
#ifndef PC_AUTHPASSWD_H
#define PC_AUTHPASSWD_H

#include <pwd.h>
#include <shadow.h>

#include "auth.h"
#include "err.h"

#define AUTHPASSWD_MAX_PASSWORD	1024	/* longer is refused, as OpenSSH */

/* Message for a password that must be changed first. */
#define AUTHPASSWD_MSG_CHANGE	"Password change required but no TTY available."
#define AUTHPASSWD_MSG_EXPIRED	"Your account has expired; please contact " \
				"your system administrator."

/* Today in shadow(5) days. */
long	authpasswd_today(void);

/*
 * Is password right for pw (and sp, its shadow entry, or NULL when there
 * is none or it cannot be read)?  The hash is sp->sp_pwdp if sp is given,
 * else pw->pw_passwd unless that is a shadow marker ("x", "*").  A
 * hash starting with '!' or '*' is a locked account.  An empty hash
 * accepts only the empty password, and only with allow_empty; an empty
 * password is refused without allow_empty whatever the hash.  Then
 * (sp given) the account and password expiry of authpasswd_expiry.
 * 0 if accepted, with *msg possibly a warning for the user ("Your
 * password will expire in N days."); PC_ERR_AUTH_FAILED if not, with *msg
 * for the user when it is expiry.  The reason is logged.
 */
int	authpasswd_check(const struct passwd *pw, const struct spwd *sp,
	    const char *password, int allow_empty, long today,
	    char **msg) PC_WUR;

/*
 * shadow(5) expiry on day today: the account is expired from day
 * sp_expire on, or when the password expired more than sp_inact days ago
 * (PC_ERR_AUTH_FAILED, *msg AUTHPASSWD_MSG_EXPIRED).  If check_password:
 * sp_lstchg 0 (change forced by root) or a password older than sp_max
 * days is refused too (*msg AUTHPASSWD_MSG_CHANGE: no TTY to change it
 * on), and a password expiring within sp_warn days gives 0 with a
 * warning in *msg.  Arithmetic overflow in the fields is refused.
 */
int	authpasswd_expiry(const struct spwd *sp, long today, int check_password,
	    char **msg) PC_WUR;

/* authpasswd_check for u->name with the system's entries.  As non-root
 * the shadow entry is unreadable; then only a hash in the passwd entry
 * can match. */
int	authpasswd_password(const struct auth_user *u, const char *password,
	    int allow_empty, char **msg) PC_WUR;

/* Account expiry (not password expiry: OpenSSH lets a key in then) for
 * methods other than password; 0 when there is no shadow entry. */
int	authpasswd_account(const struct auth_user *u, char **msg) PC_WUR;

#endif /* PC_AUTHPASSWD_H */
