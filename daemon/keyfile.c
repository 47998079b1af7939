/* Key files on disk (see keyfile.h). */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "key.h"
#include "keyfile.h"
#include "log.h"
#include "wbuf.h"

#define KEYFILE_MAX_LINES	1024	/* lines scanned in a .pub file */

/* Read a whole regular file (at most KEYFILE_MAX_SIZE bytes) into out. */
static int
keyfile_read(const char *path, int check_perm, struct wbuf *out)
{
	struct stat st;
	uint8_t *dst;
	ssize_t n;
	int fd, r, saved;

	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) == -1)
		return PC_ERR_SYSTEM;
	if (fstat(fd, &st) == -1) {
		r = PC_ERR_SYSTEM;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		r = PC_ERR_SYSTEM;
		goto out;
	}
	/*
	 * A private key its owner lets others read is refused, as OpenSSH
	 * does (sshkey_perm_ok), so a mistake is fixed rather than used.
	 * Checked on the open descriptor, so no rename can slip in between.
	 */
	if (check_perm && st.st_uid == getuid() &&
	    (st.st_mode & 077) != 0) {
		error("Permissions 0%3.3o for '%s' are too open: a private "
		    "key must not be accessible by group or others "
		    "(chmod 600 '%s')", (unsigned)(st.st_mode & 07777), path,
		    path);
		errno = EACCES;
		r = PC_ERR_SYSTEM;
		goto out;
	}
	if (st.st_size < 0 || (uintmax_t)st.st_size > KEYFILE_MAX_SIZE) {
		r = PC_ERR_KEY_FORMAT;
		goto out;
	}
	if ((r = wbuf_set_max(out, KEYFILE_MAX_SIZE + 4096)) != 0)
		goto out;
	/* Read to EOF rather than trusting st_size; the cap holds. */
	for (;;) {
		if ((r = wbuf_reserve(out, 4096, &dst)) != 0) {
			if (r == PC_ERR_NO_BUFFER_SPACE)
				r = PC_ERR_KEY_FORMAT;
			goto out;
		}
		n = read(fd, dst, 4096);
		if (n == -1 && errno == EINTR)
			n = 0;
		if (n == -1) {
			saved = errno;
			(void)!wbuf_consume_end(out, 4096);
			errno = saved;
			r = PC_ERR_SYSTEM;
			goto out;
		}
		if ((r = wbuf_consume_end(out, 4096 - (size_t)n)) != 0)
			goto out;
		if (n == 0)
			break;
		if (wbuf_len(out) > KEYFILE_MAX_SIZE) {
			r = PC_ERR_KEY_FORMAT;
			goto out;
		}
	}
	r = 0;
 out:
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

int
keyfile_load_private(const char *path, struct pc_key **kp, char **comment)
{
	struct wbuf b;
	int r;

	*kp = NULL;
	if (comment != NULL)
		*comment = NULL;
	wbuf_init(&b, 0);
	if ((r = keyfile_read(path, 1, &b)) != 0)
		goto out;
	r = key_parse_private(wbuf_ptr(&b), wbuf_len(&b), kp, comment);
 out:
	wbuf_clear(&b);		/* wipes the key material */
	return r;
}

int
keyfile_load_public(const char *path, struct pc_key **kp, char **comment)
{
	struct wbuf b;
	const char *p, *end, *nl;
	char *line = NULL;
	size_t len, lines;
	int r;

	*kp = NULL;
	if (comment != NULL)
		*comment = NULL;
	wbuf_init(&b, 0);
	if ((r = keyfile_read(path, 0, &b)) != 0)
		goto out;
	p = (const char *)wbuf_ptr(&b);
	end = p + wbuf_len(&b);
	r = PC_ERR_KEY_FORMAT;
	for (lines = 0; p < end && lines < KEYFILE_MAX_LINES; lines++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		len = (size_t)(nl - p);
		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		if (len == 0 || *p == '#' || *p == '\r') {
			p = nl + (nl < end);
			continue;
		}
		if (memchr(p, '\0', len) != NULL)
			break;
		if ((line = malloc(len + 1)) == NULL) {
			r = PC_ERR_ALLOC;
			goto out;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		r = key_from_public_line(line, kp, comment);
		break;
	}
 out:
	free(line);
	wbuf_clear(&b);
	return r;
}

static int
keyfile_write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return PC_ERR_SYSTEM;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Sync the directory holding path so the new name survives a crash. */
static void
keyfile_sync_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return;
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

int
keyfile_write_atomic(const char *path, const void *data, size_t len,
    unsigned mode, int overwrite)
{
	char tmp[PATH_MAX];
	int fd = -1, r, saved, made = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return PC_ERR_SYSTEM;
	}
	/* mkstemp creates the file 0600, so nothing is ever readable by
	 * others before the final mode is set. */
	if ((fd = mkstemp(tmp)) == -1)
		return PC_ERR_SYSTEM;
	made = 1;
	if (fchmod(fd, (mode_t)mode) == -1 ||
	    (r = keyfile_write_all(fd, data, len)) != 0 ||
	    fsync(fd) == -1) {
		r = PC_ERR_SYSTEM;
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		r = PC_ERR_SYSTEM;
		goto out;
	}
	fd = -1;
	if (overwrite) {
		if (rename(tmp, path) == -1) {
			r = PC_ERR_SYSTEM;
			goto out;
		}
		made = 0;
	} else {
		/* link() fails with EEXIST rather than replace a file. */
		if (link(tmp, path) == -1) {
			r = PC_ERR_SYSTEM;
			goto out;
		}
	}
	keyfile_sync_dir(path);
	r = 0;
 out:
	saved = errno;
	if (fd != -1)
		close(fd);
	if (made)
		(void)unlink(tmp);
	errno = saved;
	return r;
}

int
keyfile_save_pair(const char *path, const struct pc_key *k,
    const char *comment, int overwrite)
{
	char pubpath[PATH_MAX];
	struct wbuf priv, pub;
	struct stat st;
	int r, saved;

	if (snprintf(pubpath, sizeof(pubpath), "%s.pub", path) >=
	    (int)sizeof(pubpath)) {
		errno = ENAMETOOLONG;
		return PC_ERR_SYSTEM;
	}
	if (!overwrite && (lstat(path, &st) == 0 ||
	    lstat(pubpath, &st) == 0)) {
		errno = EEXIST;
		return PC_ERR_SYSTEM;
	}
	wbuf_init(&priv, 0);
	wbuf_init(&pub, 0);
	if ((r = key_write_private(k, comment, &priv)) != 0 ||
	    (r = key_to_public_line(k, comment, &pub)) != 0 ||
	    (r = wbuf_put_u8(&pub, '\n')) != 0)
		goto out;
	if ((r = keyfile_write_atomic(path, wbuf_ptr(&priv), wbuf_len(&priv),
	    KEYFILE_PRIVATE_MODE, overwrite)) != 0)
		goto out;
	if ((r = keyfile_write_atomic(pubpath, wbuf_ptr(&pub),
	    wbuf_len(&pub), KEYFILE_PUBLIC_MODE, overwrite)) != 0 &&
	    !overwrite) {
		/* Do not leave a private key without its .pub behind. */
		saved = errno;
		(void)unlink(path);
		errno = saved;
	}
 out:
	wbuf_clear(&priv);
	wbuf_clear(&pub);
	return r;
}
