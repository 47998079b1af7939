/*
 * The sockets and files behind agent and X11 forwarding (see fwdx.h).
 *
 * Facts from OpenSSH's sshd (session.c auth_input_request_forwarding,
 * session_setup_x11fwd, do_xauth; channels.c x11_create_display_inet):
 * the agent socket lives in a mkdtemp(3) directory /tmp/ssh-XXXXXXXXXX
 * as "agent.<pid>"; X11 displays are TCP ports 6000 + N tried from
 * X11DisplayOffset, a display taken only if every address binds.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fwdx.h"
#include "log.h"
#include "rand.h"

#define FWDX_X11_BASE_PORT	6000
#define FWDX_LISTEN_BACKLOG	128
#define FWDX_AGENT_TEMPLATE	"/tmp/ssh-XXXXXXXXXX"
#define FWDX_AGENT_PREFIX_LEN	9	/* "/tmp/ssh-" */
#define FWDX_MKDIR_TRIES	100
#define FWDX_XAUTH_FIELD_MAX	1024	/* proto or cookie from the peer */

/* Close-on-exec and non-blocking: the descriptor stays in the connection
 * process and never leaks into a session's child. */
static int
fwdx_fd_flags(int fd)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		return PC_ERR_SYSTEM;
	}
	return 0;
}

/*
 * mkdtemp(3) as OpenBSD's, which sshd's template relies on: every X
 * replaced (glibc's replaces only the last six).  The directory is made
 * 0700 whatever the umask.
 */
static int
fwdx_mkdtemp(char *dir)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t i, len = strlen(dir);
	int tries;

	for (tries = 0; tries < FWDX_MKDIR_TRIES; tries++) {
		for (i = FWDX_AGENT_PREFIX_LEN; i < len; i++) {
			dir[i] = chars[rand_uniform(sizeof(chars) - 1)];
		}
		if (mkdir(dir, 0700) == 0) {
			if (chmod(dir, 0700) == -1) {
				(void)rmdir(dir);
				return PC_ERR_SYSTEM;
			}
			return 0;
		}
		if (errno != EEXIST) {
			return PC_ERR_SYSTEM;
		}
	}
	return PC_ERR_SYSTEM;
}

static int
fwdx_chown(const char *path, uid_t uid, gid_t gid)
{
	/* Unprivileged (tests, a non-root daemon): the files are ours
	 * already, and chown to another user would fail anyway. */
	if (uid == geteuid() && gid == getegid()) {
		return 0;
	}
	if (lchown(path, uid, gid) == -1) {
		error("fwdx: chown %s to %lu:%lu: %s", path,
		    (unsigned long)uid, (unsigned long)gid, strerror(errno));
		return PC_ERR_SYSTEM;
	}
	return 0;
}

int
fwdx_agent_listen(uid_t uid, gid_t gid, pid_t pid, char *path,
    size_t pathlen, int *fd)
{
	char dir[] = FWDX_AGENT_TEMPLATE;
	struct sockaddr_un sun;
	mode_t omask;
	int r = PC_ERR_INTERNAL, sock = -1, made_dir = 0, bound = 0;
	int n, e;

	if (path == NULL || fd == NULL || pathlen == 0) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	*fd = -1;
	path[0] = '\0';
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((r = fwdx_mkdtemp(dir)) != 0) {
		error("fwdx: mkdir %s: %s", FWDX_AGENT_TEMPLATE,
		    strerror(errno));
		goto out;
	}
	made_dir = 1;
	n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/agent.%ld", dir,
	    (long)pid);
	if (n < 0 || (size_t)n >= sizeof(sun.sun_path) ||
	    (size_t)n >= pathlen) {
		r = PC_ERR_NO_BUFFER_SPACE;
		goto out;
	}
	if ((sock = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		r = PC_ERR_SYSTEM;
		goto out;
	}
	/*
	 * bind(2) makes the socket node with the umask applied: 0177 keeps
	 * it 0600 from its first instant, so nobody but its owner could
	 * reach it even if the directory were not private.
	 */
	omask = umask(0177);
	e = bind(sock, (struct sockaddr *)&sun, sizeof(sun));
	(void)umask(omask);
	if (e == -1) {
		error("fwdx: bind %s: %s", sun.sun_path, strerror(errno));
		r = PC_ERR_SYSTEM;
		goto out;
	}
	bound = 1;
	if (listen(sock, FWDX_LISTEN_BACKLOG) == -1) {
		r = PC_ERR_SYSTEM;
		goto out;
	}
	if ((r = fwdx_fd_flags(sock)) != 0) {
		goto out;
	}
	/* The socket first, then its directory: until the directory is the
	 * user's, only root can enter it. */
	if ((r = fwdx_chown(sun.sun_path, uid, gid)) != 0 ||
	    (r = fwdx_chown(dir, uid, gid)) != 0) {
		goto out;
	}
	memcpy(path, sun.sun_path, (size_t)n + 1);
	*fd = sock;
	sock = -1;
	r = 0;
 out:
	if (r != 0) {
		if (sock != -1) {
			close(sock);
		}
		if (bound) {
			(void)unlink(sun.sun_path);
		}
		if (made_dir) {
			(void)rmdir(dir);
		}
	}
	return r;
}

void
fwdx_agent_remove(const char *path)
{
	char dir[FWDX_PATH_MAX];
	char *slash;
	size_t len;

	if (path == NULL || *path == '\0') {
		return;
	}
	len = strlen(path);
	if (len >= sizeof(dir)) {
		return;
	}
	memcpy(dir, path, len + 1);
	if (unlink(path) == -1 && errno != ENOENT) {
		error("fwdx: unlink %s: %s", path, strerror(errno));
	}
	/* Only ever a directory this file made: /tmp/ssh-XXXXXXXXXX. */
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir) {
		return;
	}
	*slash = '\0';
	if (strncmp(dir, "/tmp/ssh-", 9) != 0 ||
	    strlen(dir) != sizeof(FWDX_AGENT_TEMPLATE) - 1) {
		return;
	}
	if (rmdir(dir) == -1 && errno != ENOENT) {
		error("fwdx: rmdir %s: %s", dir, strerror(errno));
	}
}

/* The addresses of one display: loopback or wildcard, IPv4 and IPv6. */
static size_t
fwdx_x11_addrs(int use_localhost, int port, struct sockaddr_storage *ss,
    socklen_t *lens)
{
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;

	memset(ss, 0, 2 * sizeof(*ss));
	sin = (struct sockaddr_in *)&ss[0];
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	sin->sin_addr.s_addr = htonl(use_localhost ? INADDR_LOOPBACK :
	    INADDR_ANY);
	lens[0] = sizeof(*sin);
	sin6 = (struct sockaddr_in6 *)&ss[1];
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons((uint16_t)port);
	sin6->sin6_addr = use_localhost ? in6addr_loopback : in6addr_any;
	lens[1] = sizeof(*sin6);
	return 2;
}

/*
 * One try at display port `port`: 0 with every address bound, 1 if the
 * port is taken (try the next display), negative on a system failure.
 */
static int
fwdx_x11_try(int port, int use_localhost, int *fds, size_t *nfds)
{
	struct sockaddr_storage ss[2];
	socklen_t lens[2];
	size_t naddr, i, n = 0;
	int sock, on = 1, r = 1;

	naddr = fwdx_x11_addrs(use_localhost, port, ss, lens);
	for (i = 0; i < naddr && n < FWDX_MAX_X11_FDS; i++) {
		sock = socket(ss[i].ss_family, SOCK_STREAM, 0);
		if (sock == -1) {
			/* No IPv6 in this kernel: not an error. */
			if (errno == EAFNOSUPPORT || errno == EINVAL) {
				continue;
			}
			r = PC_ERR_SYSTEM;
			goto fail;
		}
		if (ss[i].ss_family == AF_INET6 &&
		    setsockopt(sock, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on)) == -1) {
			close(sock);
			r = PC_ERR_SYSTEM;
			goto fail;
		}
		/* As OpenSSH: reuse only for the loopback listeners. */
		if (use_localhost && setsockopt(sock, SOL_SOCKET,
		    SO_REUSEADDR, &on, sizeof(on)) == -1) {
			close(sock);
			r = PC_ERR_SYSTEM;
			goto fail;
		}
		if (bind(sock, (struct sockaddr *)&ss[i], lens[i]) == -1) {
			int e = errno;

			close(sock);
			/* IPv6 present but without ::1 (or any address):
			 * the display still works over IPv4. */
			if (ss[i].ss_family == AF_INET6 &&
			    (e == EADDRNOTAVAIL || e == EAFNOSUPPORT)) {
				continue;
			}
			debug2("fwdx: X11 bind port %d: %s", port,
			    strerror(e));
			r = 1;
			goto fail;
		}
		fds[n++] = sock;
	}
	if (n == 0) {
		r = 1;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (listen(fds[i], FWDX_LISTEN_BACKLOG) == -1 ||
		    fwdx_fd_flags(fds[i]) != 0) {
			r = PC_ERR_SYSTEM;
			goto fail;
		}
	}
	*nfds = n;
	return 0;
 fail:
	for (i = 0; i < n; i++) {
		close(fds[i]);
		fds[i] = -1;
	}
	return r;
}

int
fwdx_x11_listen(int offset, int use_localhost, int *fds, size_t *nfds,
    int *number)
{
	int i, r;

	if (fds == NULL || nfds == NULL || number == NULL || offset < 0 ||
	    offset > 65535 - FWDX_X11_BASE_PORT) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	*nfds = 0;
	*number = -1;
	for (i = 0; i < FWDX_MAX_DISPLAYS; i++) {
		if (offset + i > 65535 - FWDX_X11_BASE_PORT) {
			break;
		}
		r = fwdx_x11_try(FWDX_X11_BASE_PORT + offset + i,
		    use_localhost, fds, nfds);
		if (r == 0) {
			*number = offset + i;
			return 0;
		}
		if (r < 0) {
			error("fwdx: X11 display socket: %s",
			    strerror(errno));
			return r;
		}
	}
	error("Failed to allocate internet-domain X11 display socket.");
	return PC_ERR_NOT_FOUND;
}

/*
 * OpenSSH's xauth_valid_string: letters, digits and ". : / - _" only,
 * since the strings reach xauth's command parser.
 */
static int
fwdx_xauth_valid(const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0') {
		return 0;
	}
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= FWDX_XAUTH_FIELD_MAX) {
			return 0;
		}
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != ':' && s[i] != '/' && s[i] != '-' &&
		    s[i] != '_') {
			return 0;
		}
	}
	return 1;
}

int
fwdx_xauth_input(const char *display, int use_localhost, const char *proto,
    const char *cookie, char **out)
{
	char adisp[64];
	const char *colon, *ad;
	char *p = NULL;
	int n;

	if (out == NULL || display == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	*out = NULL;
	if (!fwdx_xauth_valid(proto) || !fwdx_xauth_valid(cookie)) {
		return PC_ERR_INVALID_FORMAT;
	}
	/* The display is ours ("host:N.S"), but check its shape anyway:
	 * it too goes to xauth's parser. */
	if (*display == '\0' || strlen(display) > 255 ||
	    strpbrk(display, " \t\r\n") != NULL ||
	    (colon = strrchr(display, ':')) == NULL) {
		return PC_ERR_INVALID_FORMAT;
	}
	ad = display;
	if (use_localhost) {
		/* "localhost:N.S": xauth looks local displays up as
		 * "unix:N.S" (OpenSSH's auth_display). */
		n = snprintf(adisp, sizeof(adisp), "unix%s", colon);
		if (n < 0 || (size_t)n >= sizeof(adisp)) {
			return PC_ERR_INVALID_FORMAT;
		}
		ad = adisp;
	}
	if (asprintf(&p, "remove %s\nadd %s %s %s\n", ad, ad, proto,
	    cookie) == -1) {
		return PC_ERR_ALLOC;
	}
	*out = p;
	return 0;
}
