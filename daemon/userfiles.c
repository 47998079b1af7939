/* A user's files and the authorized-keys commands (see userfiles.h). */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "userfiles.h"

#define AUTHCMD_MAX_ARGS	64

int
userfile_become(const struct auth_user *u, struct userfile_ids *s)
{
	memset(s, 0, sizeof(*s));
	if (geteuid() != 0 || u->uid == 0)
		return 0;
	s->euid = geteuid();
	s->egid = getegid();
	if ((s->ngroups = getgroups(0, NULL)) < 0 ||
	    (s->groups = calloc((size_t)s->ngroups + 1,
	    sizeof(*s->groups))) == NULL ||
	    (s->ngroups = getgroups(s->ngroups, s->groups)) < 0) {
		free(s->groups);
		s->groups = NULL;
		return PC_ERR_SYSTEM;
	}
	/* From here on, whatever changed must be put back. */
	s->switched = 1;
	if (initgroups(u->name, u->gid) != 0 || setegid(u->gid) != 0 ||
	    seteuid(u->uid) != 0) {
		error("cannot switch to user %s: %s", u->name,
		    strerror(errno));
		userfile_restore(s);
		return PC_ERR_SYSTEM;
	}
	return 0;
}

void
userfile_restore(struct userfile_ids *s)
{
	if (!s->switched)
		return;
	/* Failing to get root back would leave us running as the user:
	 * that is a corrupted invariant. */
	if (seteuid(s->euid) != 0 || setegid(s->egid) != 0 ||
	    setgroups((size_t)s->ngroups, s->groups) != 0) {
		fatal_log("cannot restore privileges: %s", strerror(errno));
		abort();
	}
	s->switched = 0;
	free(s->groups);
	s->groups = NULL;
}

/* Owned by the user or root, and not writable by group or others. */
static int
safe_stat(const struct stat *st, uid_t uid)
{
	return (st->st_uid == 0 || st->st_uid == uid) &&
	    (st->st_mode & 022) == 0;
}

/* OpenSSH's secure_permissions: the file, then each directory above it
 * up to the home directory (inclusive) or the root. */
static int
check_path(const struct auth_user *u, const char *path, const struct stat *st)
{
	char buf[PATH_MAX], *slash;

	if (!S_ISREG(st->st_mode) || !safe_stat(st, u->uid)) {
		logit("Authentication refused: bad ownership or modes for "
		    "file %s", path);
		return PC_ERR_SYSTEM;
	}
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return PC_ERR_SYSTEM;
	while ((slash = strrchr(buf, '/')) != NULL) {
		struct stat ds;

		if (slash == buf)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(buf, &ds) != 0 || !S_ISDIR(ds.st_mode) ||
		    !safe_stat(&ds, u->uid)) {
			logit("Authentication refused: bad ownership or "
			    "modes for directory %s", buf);
			return PC_ERR_SYSTEM;
		}
		if (strcmp(buf, "/") == 0 ||
		    (u->home != NULL && strcmp(buf, u->home) == 0))
			break;
	}
	return 0;
}

int
userfile_read(const struct auth_user *u, const char *path, int strict_modes,
    char **out, size_t *lenp)
{
	struct userfile_ids ids;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd = -1, r, err;

	*out = NULL;
	*lenp = 0;
	if (path[0] != '/')
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = userfile_become(u, &ids)) != 0)
		return r;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	err = errno;
	if (fd == -1) {
		userfile_restore(&ids);
		if (err == ENOENT)
			return PC_ERR_NOT_FOUND;
		debug("cannot open %s: %s", path, strerror(err));
		return PC_ERR_SYSTEM;
	}
	if (fstat(fd, &st) != 0 || (strict_modes &&
	    check_path(u, path, &st) != 0) || !S_ISREG(st.st_mode)) {
		r = PC_ERR_SYSTEM;
		goto out;
	}
	if (st.st_size > (off_t)USERFILE_MAX_SIZE) {
		logit("%s: file too large", path);
		r = PC_ERR_SYSTEM;
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		r = PC_ERR_ALLOC;
		goto out;
	}
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*lenp = len;
	buf = NULL;
	r = 0;
 out:
	close(fd);
	userfile_restore(&ids);
	free(buf);
	return r;
}

/* Split on white space; double quotes group (OpenSSH's argv_split). */
static int
split_args(char *s, char **argv, size_t max)
{
	size_t n = 0;
	char *w;

	while (*s != '\0') {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		if (n + 1 >= max)
			return -1;
		if (*s == '"') {
			w = ++s;
			while (*s != '\0' && *s != '"')
				s++;
			if (*s != '"')
				return -1;
		} else {
			w = s;
			while (*s != '\0' && *s != ' ' && *s != '\t')
				s++;
		}
		if (*s != '\0')
			*s++ = '\0';
		argv[n++] = w;
	}
	argv[n] = NULL;
	return (int)n;
}

static void
child_exec(char **argv, const struct passwd *pw, int outfd)
{
	static char path_env[] = "PATH=/usr/bin:/bin:/usr/sbin:/sbin";
	char *envp[] = { path_env, NULL };
	int devnull;

	if ((devnull = open("/dev/null", O_RDWR)) == -1 ||
	    dup2(devnull, STDIN_FILENO) == -1 ||
	    dup2(outfd, STDOUT_FILENO) == -1)
		_exit(127);
	if (geteuid() == 0 && (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0))
		_exit(127);
	execve(argv[0], argv, envp);
	_exit(127);
}

int
authcmd_run(const char *command, const char *run_as, char **out,
    size_t *lenp)
{
	char *copy = NULL, *argv[AUTHCMD_MAX_ARGS], *buf = NULL;
	struct passwd *pw;
	struct stat st;
	struct pollfd pfd;
	size_t len = 0, cap = 0;
	time_t deadline;
	int p[2] = { -1, -1 }, status, r = PC_ERR_SYSTEM;
	pid_t pid = -1;
	ssize_t n;

	*out = NULL;
	*lenp = 0;
	if ((copy = strdup(command)) == NULL)
		return PC_ERR_ALLOC;
	if (split_args(copy, argv, AUTHCMD_MAX_ARGS) <= 0 ||
	    argv[0][0] != '/') {
		error("AuthorizedKeysCommand \"%s\" must be an absolute path",
		    command);
		goto out;
	}
	if (stat(argv[0], &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != 0 || (st.st_mode & 022) != 0) {
		error("Unsafe AuthorizedKeysCommand \"%s\": must be a file "
		    "owned by root and writable by root only", argv[0]);
		goto out;
	}
	if ((pw = getpwnam(run_as)) == NULL) {
		error("AuthorizedKeysCommandUser \"%s\" not found", run_as);
		goto out;
	}
	if (pipe2(p, O_CLOEXEC) != 0)
		goto out;
	if ((pid = fork()) == -1)
		goto out;
	if (pid == 0) {
		close(p[0]);
		child_exec(argv, pw, p[1]);
	}
	close(p[1]);
	p[1] = -1;
	deadline = time(NULL) + AUTHCMD_TIMEOUT_SEC;
	for (;;) {
		int left = (int)(deadline - time(NULL));

		pfd.fd = p[0];
		pfd.events = POLLIN;
		if (left <= 0 || poll(&pfd, 1, left * 1000) <= 0) {
			error("%s: timed out", argv[0]);
			kill(pid, SIGKILL);
			goto out;
		}
		if (len == cap) {
			char *nb;

			if (cap >= AUTHCMD_MAX_OUTPUT) {
				error("%s: output too large", argv[0]);
				kill(pid, SIGKILL);
				goto out;
			}
			cap = cap ? cap * 2 : 4096;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				kill(pid, SIGKILL);
				r = PC_ERR_ALLOC;
				goto out;
			}
			buf = nb;
		}
		n = read(p[0], buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (waitpid(pid, &status, 0) == pid) {
		pid = -1;
		if (!WIFEXITED(status)) {
			error("%s killed by signal %d", argv[0],
			    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
			goto out;
		}
		if (WEXITSTATUS(status) != 0) {
			error("%s exited with status %d", argv[0],
			    WEXITSTATUS(status));
			goto out;
		}
	}
	if (buf == NULL && (buf = malloc(1)) == NULL) {
		r = PC_ERR_ALLOC;
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	*lenp = len;
	buf = NULL;
	r = 0;
 out:
	if (pid > 0)
		(void)waitpid(pid, &status, 0);
	if (p[0] != -1)
		close(p[0]);
	if (p[1] != -1)
		close(p[1]);
	free(copy);
	free(buf);
	return r;
}
