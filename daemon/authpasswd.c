/* Password checks with crypt(3) and shadow(5) (see authpasswd.h). */
#include <sys/types.h>

#include <crypt.h>
#include <errno.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "authpasswd.h"
#include "err.h"
#include "log.h"
#include "wbuf.h"

#define AUTHPASSWD_DAY	(24L * 60 * 60)

long
authpasswd_today(void)
{
	return (long)(time(NULL) / AUTHPASSWD_DAY);
}

static int
authpasswd_msg(char **msg, const char *s)
{
	free(*msg);
	if ((*msg = strdup(s)) == NULL) {
		return PC_ERR_ALLOC;
	}
	return 0;
}

int
authpasswd_expiry(const struct spwd *sp, long today, int check_password,
    char **msg)
{
	const char *user = sp->sp_namp != NULL ? sp->sp_namp : "?";
	long last, expires, disabled, left;
	char buf[128];

	*msg = NULL;
	/* shadow(5): the account is unusable from day sp_expire on. */
	if (sp->sp_expire >= 0 && today >= sp->sp_expire) {
		logit("Account %.100s has expired", user);
		goto account_expired;
	}
	last = sp->sp_lstchg;
	if (last < 0 || sp->sp_max < 0) {
		return 0;	/* password ageing off */
	}
	if (__builtin_add_overflow(last, sp->sp_max, &expires)) {
		logit("User %.100s: shadow ageing fields out of range", user);
		goto account_expired;
	}
	/* Past the inactivity period the password cannot even be changed:
	 * the account is locked (shadow(5), as pam_unix). */
	if (last > 0 && sp->sp_inact >= 0) {
		if (__builtin_add_overflow(expires, sp->sp_inact, &disabled)) {
			logit("User %.100s: shadow inactivity field out of "
			    "range", user);
			goto account_expired;
		}
		if (today > disabled) {
			logit("User %.100s password expired %ld days ago, "
			    "account inactive", user, today - expires);
			goto account_expired;
		}
	}
	if (!check_password) {
		return 0;
	}
	if (last == 0) {
		logit("User %.100s password has expired (root forced)", user);
		return authpasswd_msg(msg, AUTHPASSWD_MSG_CHANGE) != 0 ?
		    PC_ERR_ALLOC : PC_ERR_AUTH_FAILED;
	}
	left = expires - today;
	if (left < 0) {
		logit("User %.100s password has expired (password aged)",
		    user);
		return authpasswd_msg(msg, AUTHPASSWD_MSG_CHANGE) != 0 ?
		    PC_ERR_ALLOC : PC_ERR_AUTH_FAILED;
	}
	if (sp->sp_warn >= 0 && left <= sp->sp_warn) {
		snprintf(buf, sizeof(buf), "Your password will expire in %ld "
		    "day%s.", left, left == 1 ? "" : "s");
		return authpasswd_msg(msg, buf);
	}
	return 0;
 account_expired:
	return authpasswd_msg(msg, AUTHPASSWD_MSG_EXPIRED) != 0 ?
	    PC_ERR_ALLOC : PC_ERR_AUTH_FAILED;
}

/* crypt(3) password with the settings of hash and compare in constant
 * time: 0 on a match. */
static int
authpasswd_crypt_match(const char *password, const char *hash)
{
	struct crypt_data *cd;
	const char *out;
	size_t len;
	int r = PC_ERR_AUTH_FAILED;

	/* struct crypt_data is large (32 KiB in libxcrypt): not on the
	 * stack; calloc as crypt_r(3) asks (initialized to zero). */
	if ((cd = calloc(1, sizeof(*cd))) == NULL) {
		return PC_ERR_ALLOC;
	}
	out = crypt_r(password, hash, cd);
	/* libxcrypt fails with NULL or a "*0"/"*1" token, which can never
	 * equal a usable hash (those were refused as locked). */
	if (out == NULL || out[0] == '*') {
		debug("crypt_r: %s", out == NULL ? strerror(errno) :
		    "unsupported hash");
		goto out;
	}
	len = strlen(hash);
	if (strlen(out) == len && pc_timingsafe_bcmp(out, hash, len) == 0) {
		r = 0;
	}
 out:
	pc_wipe(cd, sizeof(*cd));
	free(cd);
	return r;
}

int
authpasswd_check(const struct passwd *pw, const struct spwd *sp,
    const char *password, int allow_empty, long today, char **msg)
{
	const char *hash, *user;
	int r;

	*msg = NULL;
	if (pw == NULL || password == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	user = pw->pw_name != NULL ? pw->pw_name : "?";
	if (strlen(password) > AUTHPASSWD_MAX_PASSWORD) {
		verbose("Password for %.100s longer than %d bytes refused",
		    user, AUTHPASSWD_MAX_PASSWORD);
		return PC_ERR_AUTH_FAILED;
	}
	/* PermitEmptyPasswords no refuses "" before any hash. */
	if (*password == '\0' && !allow_empty) {
		debug("Empty password for %.100s refused", user);
		return PC_ERR_AUTH_FAILED;
	}
	if (sp != NULL) {
		hash = sp->sp_pwdp;
	} else {
		hash = pw->pw_passwd;
		if (hash != NULL && (strcmp(hash, "x") == 0 ||
		    strcmp(hash, "*") == 0)) {
			verbose("No readable shadow entry for %.100s; password "
			    "authentication impossible", user);
			return PC_ERR_AUTH_FAILED;
		}
	}
	if (hash == NULL) {
		return PC_ERR_AUTH_FAILED;
	}
	if (hash[0] == '!' || hash[0] == '*') {
		verbose("User %.100s: account locked (password hash starts "
		    "with '%c')", user, hash[0]);
		return PC_ERR_AUTH_FAILED;
	}
	if (hash[0] == '\0') {
		/* No password set: only "" matches (and allow_empty was
		 * checked above for it). */
		if (*password != '\0') {
			return PC_ERR_AUTH_FAILED;
		}
	} else if ((r = authpasswd_crypt_match(password, hash)) != 0) {
		return r;
	}
	if (sp != NULL) {
		return authpasswd_expiry(sp, today, 1, msg);
	}
	return 0;
}

int
authpasswd_password(const struct auth_user *u, const char *password,
    int allow_empty, char **msg)
{
	struct passwd *pw;
	struct spwd *sp = NULL;

	*msg = NULL;
	if (u == NULL || u->name == NULL || password == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	errno = 0;
	if ((pw = getpwnam(u->name)) == NULL) {
		verbose("Password authentication: no user %.100s", u->name);
		return PC_ERR_AUTH_FAILED;
	}
	/* Needs root (or group shadow); without, NULL and EACCES. */
	errno = 0;
	if ((sp = getspnam(u->name)) == NULL && errno != 0 &&
	    errno != ENOENT) {
		debug("getspnam(%.100s): %s", u->name, strerror(errno));
	}
	return authpasswd_check(pw, sp, password, allow_empty,
	    authpasswd_today(), msg);
}

int
authpasswd_account(const struct auth_user *u, char **msg)
{
	struct spwd *sp;

	*msg = NULL;
	if (u == NULL || u->name == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((sp = getspnam(u->name)) == NULL) {
		return 0;
	}
	return authpasswd_expiry(sp, authpasswd_today(), 0, msg);
}
