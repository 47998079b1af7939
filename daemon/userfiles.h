/*
 * Reading a user's files (authorized_keys, principals) and running the
 * AuthorizedKeysCommand / AuthorizedPrincipalsCommand, part of the narrow
 * privileged interface.
 *
 * userfile_read() opens the file with the user's identity (when running as
 * root, the effective uid and gids are switched for the open and switched
 * back) and, with StrictModes, refuses it unless the file and every
 * directory above it up to the user's home (or /) is owned by the user or
 * root and writable by nobody else, as OpenSSH's secure_permissions.
 * Refusals are logged naming the path and why.
 */
#ifndef PC_USERFILES_H
#define PC_USERFILES_H

#include <sys/types.h>

#include <limits.h>
#include <stddef.h>

#include "auth.h"
#include "err.h"

#define USERFILE_MAX_SIZE	(8u * 1024 * 1024)
#define AUTHCMD_MAX_OUTPUT	(8u * 1024 * 1024)
#define AUTHCMD_TIMEOUT_SEC	30

/*
 * Act as user u for a file-system operation (an open, a Unix socket's
 * bind, connect or unlink): when running as root, switch the effective
 * uid, gid and groups to u's; userfile_restore switches back (and aborts
 * if it cannot: running on as the user would be a corrupted invariant).
 * Not root, or u is root: nothing changes.  Always pair the two calls.
 */
struct userfile_ids {
	int switched;
	uid_t euid;
	gid_t egid;
	int ngroups;
	gid_t *groups;		/* our groups, owned (NGROUPS_MAX is 65536) */
};

int	userfile_become(const struct auth_user *u,
	    struct userfile_ids *s) PC_WUR;
void	userfile_restore(struct userfile_ids *s);

/* Contents NUL-terminated in *out (caller frees); PC_ERR_NOT_FOUND when
 * the file does not exist (not logged), PC_ERR_SYSTEM when refused. */
int	userfile_read(const struct auth_user *u, const char *path,
	    int strict_modes, char **out, size_t *len) PC_WUR;

/*
 * Run command (an absolute path and arguments, split on white space with
 * double quotes as OpenSSH does) as user run_as, without a shell, with an
 * empty environment but PATH, and collect its standard output (at most
 * AUTHCMD_MAX_OUTPUT, AUTHCMD_TIMEOUT_SEC).  The program must be owned by
 * root and writable by nobody else.  0 only if it exits with status 0.
 */
int	authcmd_run(const char *command, const char *run_as, char **out,
	    size_t *len) PC_WUR;

#endif /* PC_USERFILES_H */
