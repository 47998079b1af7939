/* The user's process for a session (see sessproc.h). */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "match.h"
#include "sessproc.h"

#define SESSPROC_PIPE_SIZE	(1024 * 1024)
#include "sesspty.h"

#define SESSPROC_MOTD		"/etc/motd"
#define SESSPROC_HUSHLOGIN	".hushlogin"
#define SESSPROC_MAX_MOTD	(64 * 1024)

extern char **environ;

/* In the child: a message on the session's stderr, then exit 1, as
 * sshd's child does before it has a shell. */
static void __attribute__((noreturn, format(printf, 1, 2)))
child_fail(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0) {
		n = 0;
	}
	if ((size_t)n > sizeof(buf) - 2) {
		n = (int)sizeof(buf) - 2;
	}
	buf[n] = '\0';
	/* In the daemon's log too, as sshd's child logs before it exits. */
	error("%s", buf);
	buf[n++] = '\n';
	(void)!write(STDERR_FILENO, buf, (size_t)n);
	_exit(1);
}

static void
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

static void
print_motd(void)
{
	char buf[4096];
	size_t total = 0;
	ssize_t n;
	int fd;

	if ((fd = open(SESSPROC_MOTD, O_RDONLY | O_CLOEXEC)) == -1) {
		return;
	}
	while (total < SESSPROC_MAX_MOTD &&
	    (n = read(fd, buf, sizeof(buf))) > 0) {
		write_all(STDOUT_FILENO, buf, (size_t)n);
		total += (size_t)n;
	}
	close(fd);
}

/* sshd's check_quietlogin: ~/.hushlogin silences the login messages. */
static int
quiet_login(const char *home)
{
	char path[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", home,
	    SESSPROC_HUSHLOGIN) >= sizeof(path)) {
		return 0;
	}
	return stat(path, &st) == 0;
}

int
sessproc_chroot_check(const char *path, char *why, size_t whylen)
{
	char comp[PATH_MAX];
	const char *cp = path;
	struct stat st;
	size_t len;

	if (path[0] != '/') {
		snprintf(why, whylen, "chroot path does not begin at root");
		return PC_ERR_AUTH_FAILED;
	}
	if (strlen(path) >= sizeof(comp)) {
		snprintf(why, whylen, "chroot path too long");
		return PC_ERR_AUTH_FAILED;
	}
	/* "/", "/var/", "/var/empty": every prefix, the whole path last
	 * (sshd's safely_chroot). */
	while (cp != NULL) {
		if ((cp = strchr(cp, '/')) == NULL) {
			len = strlen(path);
		} else {
			cp++;
			len = (size_t)(cp - path);
		}
		memcpy(comp, path, len);
		comp[len] = '\0';
		if (stat(comp, &st) != 0) {
			snprintf(why, whylen, "stat(\"%s\"): %s", comp,
			    strerror(errno));
			return PC_ERR_AUTH_FAILED;
		}
		if (st.st_uid != 0 || (st.st_mode & 022) != 0) {
			snprintf(why, whylen, "bad ownership or modes for "
			    "chroot directory %s\"%s\"",
			    cp == NULL ? "" : "component ", comp);
			return PC_ERR_AUTH_FAILED;
		}
		if (!S_ISDIR(st.st_mode)) {
			snprintf(why, whylen, "chroot path %s\"%s\" is not a "
			    "directory", cp == NULL ? "" : "component ", comp);
			return PC_ERR_AUTH_FAILED;
		}
	}
	return 0;
}

static void
close_all_but_log(void)
{
	int keep = log_stderr_fd();

	if (keep <= STDERR_FILENO) {
		closefrom(STDERR_FILENO + 1);
		return;
	}
	if (keep > STDERR_FILENO + 1)
		close_range(STDERR_FILENO + 1, (unsigned)keep - 1, 0);
	closefrom(keep + 1);
}

/*
 * PermitUserEnvironment: ~/.ssh/environment, read as the user (we are in
 * the home directory), "NAME=value" lines, '#' comments; names limited to
 * the allow-list when there is one (sshd's read_environment_file).
 */
#define USER_ENV_MAX_LINES	1000
static void
read_user_environment(const char *allow)
{
	char line[4096], *eq, *nl;
	FILE *f;
	int n = 0;

	if ((f = fopen(".ssh/environment", "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL &&
	    n++ < USER_ENV_MAX_LINES) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((eq = strchr(line, '=')) == NULL || eq == line)
			continue;
		*eq = '\0';
		if (allow != NULL &&
		    match_pattern_list(line, allow, 0) != MATCH_YES)
			continue;
		(void)setenv(line, eq + 1, 1);
	}
	fclose(f);
}

/* initgroups, setgid, setuid; then make sure root cannot come back
 * (sshd's permanently_set_uid). */
static void
drop_privileges(const struct auth_user *u)
{
	if (getuid() != 0 && geteuid() != 0) {
		/* Not root (tests): only our own user can log in. */
		if (getuid() != u->uid) {
			child_fail("cannot become uid %u", (unsigned)u->uid);
		}
		return;
	}
	if (initgroups(u->name, u->gid) == -1) {
		child_fail("initgroups: %s", strerror(errno));
	}
	if (setgid(u->gid) == -1) {
		child_fail("setgid %u: %s", (unsigned)u->gid, strerror(errno));
	}
	if (setuid(u->uid) == -1) {
		child_fail("setuid %u: %s", (unsigned)u->uid, strerror(errno));
	}
	if (u->uid != 0) {
		if (setuid(0) != -1 || seteuid(0) != -1) {
			child_fail("was able to restore old [e]uid");
		}
		if (u->gid != 0 && (setgid(0) != -1 || setegid(0) != -1)) {
			child_fail("was able to restore old [e]gid");
		}
	}
	if (getuid() != u->uid || geteuid() != u->uid ||
	    getgid() != u->gid || getegid() != u->gid) {
		child_fail("failed to set uids to %u", (unsigned)u->uid);
	}
}

/*
 * Run argv (argv[0] the program) with `input` on its standard input (or
 * /dev/null without), and wait: sshd's popen(..., "w") of the rc files
 * and xauth, without a shell between.  The child's output goes to the
 * session's.  Returns the wait status, or -1 if it could not run.
 */
static int
run_with_input(char *const argv[], const char *input)
{
	void (*opipe)(int);
	pid_t pid;
	int st, fd, pfd[2] = { -1, -1 };

	if (input != NULL && pipe(pfd) == -1) {
		return -1;
	}
	if ((pid = fork()) == -1) {
		if (input != NULL) {
			close(pfd[0]);
			close(pfd[1]);
		}
		return -1;
	}
	if (pid == 0) {
		if (input != NULL) {
			close(pfd[1]);
			fd = pfd[0];
		} else {
			fd = open("/dev/null", O_RDONLY);
		}
		if (fd != -1) {
			(void)dup2(fd, STDIN_FILENO);
			if (fd != STDIN_FILENO) {
				close(fd);
			}
		}
		execve(argv[0], argv, environ);
		_exit(127);
	}
	if (input != NULL) {
		close(pfd[0]);
		/* An rc file need not read its input: EPIPE, not death. */
		opipe = signal(SIGPIPE, SIG_IGN);
		write_all(pfd[1], input, strlen(input));
		close(pfd[1]);
		signal(SIGPIPE, opipe);
	}
	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR) {
			return -1;
		}
	}
	return st;
}

/* "sh FILE" (sshd(8) SSHRC); with X11, "PROTO COOKIE" on its input. */
static void
run_rc(const char *file, const char *input)
{
	char *argv[3];
	char msg[256];
	int st, n;

	argv[0] = (char *)SESSENV_BSHELL;
	argv[1] = (char *)file;
	argv[2] = NULL;
	st = run_with_input(argv, input);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		n = snprintf(msg, sizeof(msg), "%s exited with status %d\n",
		    file, st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		if (n > 0 && (size_t)n < sizeof(msg)) {
			write_all(STDERR_FILENO, msg, (size_t)n);
		}
	}
}

/* No rc file: add the display's cookie with "xauth -q -" (sshd's
 * do_xauth), so that X clients of the session find it. */
static void
run_xauth(const struct sessproc_params *p)
{
	char *argv[4];
	char msg[PATH_MAX + 64];
	int st, n;

	argv[0] = (char *)p->xauth_location;
	argv[1] = (char *)"-q";
	argv[2] = (char *)"-";
	argv[3] = NULL;
	st = run_with_input(argv, p->xauth_input);
	if (st == -1 || (WIFEXITED(st) && WEXITSTATUS(st) == 127)) {
		n = snprintf(msg, sizeof(msg), "Could not run %s -q -\n",
		    p->xauth_location);
		if (n > 0 && (size_t)n < sizeof(msg)) {
			write_all(STDERR_FILENO, msg, (size_t)n);
		}
	}
}

static void
do_rc(const struct sessproc_params *p)
{
	struct stat st;
	char line[2 * 1100];
	const char *input = NULL;
	int user = stat(SESSENV_USER_RC, &st) == 0;
	int sys = stat(SESSENV_SYSTEM_RC, &st) == 0;
	int x11 = p->x11_proto != NULL && p->x11_cookie != NULL;
	int n;

	if (x11) {
		n = snprintf(line, sizeof(line), "%s %s\n", p->x11_proto,
		    p->x11_cookie);
		if (n > 0 && (size_t)n < sizeof(line)) {
			input = line;
		}
	}
	switch (sessenv_rc_choice(p->sc, p->opts, p->is_subsystem, user,
	    sys)) {
	case SESSENV_RC_USER:
		run_rc(SESSENV_USER_RC, input);
		break;
	case SESSENV_RC_SYSTEM:
		run_rc(SESSENV_SYSTEM_RC, input);
		break;
	case SESSENV_RC_NONE:
		if (x11 && p->xauth_location != NULL &&
		    p->xauth_input != NULL) {
			run_xauth(p);
		}
		break;
	}
	explicit_bzero(line, sizeof(line));
}

static void
reset_signals(void)
{
	static const int sigs[] = { SIGCHLD, SIGPIPE, SIGHUP, SIGINT,
	    SIGQUIT, SIGTERM, SIGALRM, SIGUSR1, SIGUSR2, SIGTSTP, SIGTTIN,
	    SIGTTOU };
	sigset_t none;
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		signal(sigs[i], SIG_DFL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void __attribute__((noreturn))
child(const struct sessproc_params *p, const int in[2], const int out[2],
    const int err[2])
{
	char argv0[256], why[512];
	const char *home = p->user->home != NULL ? p->user->home : "/";
	char *argv[4];
	const char *base;

	reset_signals();
	if (setsid() == -1) {
		child_fail("setsid: %s", strerror(errno));
	}
	if (p->slave != -1) {
		if (sesspty_make_controlling(p->slave) != 0) {
			child_fail("controlling tty: %s", strerror(errno));
		}
	} else if (dup2(in[0], STDIN_FILENO) == -1 ||
	    dup2(out[1], STDOUT_FILENO) == -1 ||
	    dup2(err[1], STDERR_FILENO) == -1) {
		_exit(1);
	}
	/* Nothing of the daemon's (socket, keys, self-pipe) stays open. */
	/* Nothing of the daemon's reaches the user, but the log's own
	 * close-on-exec descriptor stays for the lines logged before exec. */
	close_all_but_log();

	if (p->command == NULL && p->slave != -1 && !quiet_login(home)) {
		if (p->login_msg != NULL) {
			write_all(STDOUT_FILENO, p->login_msg,
			    strlen(p->login_msg));
		}
		if (p->print_motd) {
			print_motd();
		}
	}
	if (p->fail_msg != NULL) {
		child_fail("%s", p->fail_msg);
	}
	if (p->sc->chroot_directory != NULL) {
		if (sessproc_chroot_check(p->sc->chroot_directory, why,
		    sizeof(why)) != 0) {
			child_fail("%s", why);
		}
		if (chdir(p->sc->chroot_directory) == -1 ||
		    chroot(p->sc->chroot_directory) == -1 ||
		    chdir("/") == -1) {
			child_fail("chroot(\"%s\"): %s",
			    p->sc->chroot_directory, strerror(errno));
		}
		verbose("Changed root directory to \"%s\"",
		    p->sc->chroot_directory);
	}
	drop_privileges(p->user);
	environ = (char **)p->env;
	if (chdir(home) == -1) {
		char msg[PATH_MAX + 128];
		int n = snprintf(msg, sizeof(msg), "Could not chdir to home "
		    "directory %s: %s\n", home, strerror(errno));

		if (n > 0 && (size_t)n < sizeof(msg)) {
			write_all(STDERR_FILENO, msg, (size_t)n);
		}
		if (chdir("/") == -1) {
			_exit(1);
		}
	}
	if (p->sc->permit_user_env)
		read_user_environment(p->sc->permit_user_env_list);
	do_rc(p);

	base = strrchr(p->shell, '/');
	base = base == NULL ? p->shell : base + 1;
	if (p->command == NULL) {
		if (sessenv_login_argv0(p->shell, argv0, sizeof(argv0)) != 0) {
			child_fail("bad shell %s", p->shell);
		}
		argv[0] = argv0;
		argv[1] = NULL;
	} else {
		argv[0] = (char *)base;
		argv[1] = (char *)"-c";
		argv[2] = (char *)p->command;
		argv[3] = NULL;
	}
	execve(p->shell, argv, environ);
	child_fail("%s: %s", p->shell, strerror(errno));
}

static int
nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		return PC_ERR_SYSTEM;
	}
	return 0;
}

static void
close_pair(int fd[2])
{
	if (fd[0] != -1) {
		close(fd[0]);
	}
	if (fd[1] != -1) {
		close(fd[1]);
	}
	fd[0] = fd[1] = -1;
}

int
sessproc_spawn(const struct sessproc_params *p, pid_t *pidp,
    struct sessproc_fds *fds)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	pid_t pid;
	int r;

	*pidp = -1;
	fds->in = fds->out = fds->err = -1;
	if (p->slave == -1 &&
	    (pipe(in) == -1 || pipe(out) == -1 || pipe(err) == -1)) {
		error("session pipes: %s", strerror(errno));
		r = PC_ERR_SYSTEM;
		goto fail;
	}
	/*
	 * Larger pipes for stdin and stdout: with the default 64 KiB, a bulk
	 * transfer (scp, cat, tar) wakes the process and us for every 64
	 * KiB, and the context switches cost more than the copies.  Best
	 * effort: the kernel caps the size (fs.pipe-max-size).
	 */
	if (p->slave == -1) {
		(void)fcntl(in[1], F_SETPIPE_SZ, SESSPROC_PIPE_SIZE);
		(void)fcntl(out[1], F_SETPIPE_SZ, SESSPROC_PIPE_SIZE);
	}
	/*
	 * The pipes belong to the user, as they do under sshd (whose
	 * unprivileged child makes them): a root-owned pipe cannot be
	 * reopened through /dev/stdout or /proc/self/fd by the user.
	 */
	if (p->slave == -1 && geteuid() == 0 &&
	    (fchown(in[0], p->user->uid, p->user->gid) == -1 ||
	    fchown(out[0], p->user->uid, p->user->gid) == -1 ||
	    fchown(err[0], p->user->uid, p->user->gid) == -1)) {
		error("session pipes: fchown: %s", strerror(errno));
		r = PC_ERR_SYSTEM;
		goto fail;
	}
	if ((pid = fork()) == -1) {
		error("fork: %s", strerror(errno));
		r = PC_ERR_SYSTEM;
		goto fail;
	}
	if (pid == 0) {
		child(p, in, out, err);
	}
	*pidp = pid;
	if (p->slave != -1) {
		return 0;
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	fds->in = in[1];
	fds->out = out[0];
	fds->err = err[0];
	if ((r = nonblock_cloexec(fds->in)) != 0 ||
	    (r = nonblock_cloexec(fds->out)) != 0 ||
	    (r = nonblock_cloexec(fds->err)) != 0) {
		/* The child runs on; closing its pipes ends it. */
		close(fds->in);
		close(fds->out);
		close(fds->err);
		fds->in = fds->out = fds->err = -1;
		return r;
	}
	return 0;
 fail:
	close_pair(in);
	close_pair(out);
	close_pair(err);
	return r;
}
