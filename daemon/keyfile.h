/*
 * Key files on disk: reading private keys (any format key_parse_private
 * knows) and .pub lines, and writing a key pair the way ssh-keygen does.
 *
 * Reading a private key refuses a file that its owner (the invoking user)
 * has left readable or writable by group or others, as OpenSSH's
 * sshkey_perm_ok does: the reason, naming the path and mode, is logged
 * with error() and the call fails with PC_ERR_SYSTEM and errno EACCES.
 * Files owned by another user (root's host keys read by root are owned by
 * the caller) are not subject to the check.
 *
 * Writing is atomic: a temporary file in the same directory gets the
 * contents and its final mode (0600 private, 0644 public), is synced, and
 * is then linked (no overwrite: fails with errno EEXIST) or renamed
 * (overwrite) into place.  The caller owns every argument; *kp and
 * *comment are caller-freed (key_free, free).
 */
#ifndef PC_KEYFILE_H
#define PC_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "key.h"

#define KEYFILE_MAX_SIZE	(1u << 20)	/* as OpenSSH's limit */
#define KEYFILE_PRIVATE_MODE	0600
#define KEYFILE_PUBLIC_MODE	0644

/* Read and parse a private key file.  comment may be NULL. */
int	keyfile_load_private(const char *path, struct pc_key **kp,
	    char **comment) PC_WUR;
/* Read the first key line of a public key file (blank lines and '#'
 * comments skipped).  comment may be NULL. */
int	keyfile_load_public(const char *path, struct pc_key **kp,
	    char **comment) PC_WUR;
/* Write len bytes to path atomically with the given mode.  Without
 * overwrite an existing path is left alone (PC_ERR_SYSTEM, EEXIST). */
int	keyfile_write_atomic(const char *path, const void *data, size_t len,
	    unsigned mode, int overwrite) PC_WUR;
/* Write the private key to path (openssh-key-v1, 0600) and its public
 * line to path.pub (0644).  Without overwrite, nothing is written if
 * either file exists (PC_ERR_SYSTEM, EEXIST). */
int	keyfile_save_pair(const char *path, const struct pc_key *k,
	    const char *comment, int overwrite) PC_WUR;

#endif /* PC_KEYFILE_H */
