/* Unit tests for daemon/fwdx.c: the agent socket and its private
 * directory, the X11 display listeners and the xauth(1) input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "err.h"
#include "fwdx.h"
#include "rand.h"

static void
assert_fd_flags(int fd)
{
	assert_true((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
	assert_true((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
}

/* As root the socket goes to another user (nobody); otherwise ours. */
static void
agent_owner(uid_t *uid, gid_t *gid)
{
	if (geteuid() == 0) {
		*uid = 65534;
		*gid = 65534;
	} else {
		*uid = geteuid();
		*gid = getegid();
	}
}

static void
test_agent_socket(void **state)
{
	char path[FWDX_PATH_MAX], dir[FWDX_PATH_MAX], want[64];
	struct sockaddr_un sun;
	struct stat st;
	uid_t uid;
	gid_t gid;
	int fd = -1, c, a;

	(void)state;
	agent_owner(&uid, &gid);
	assert_int_equal(fwdx_agent_listen(uid, gid, 4242, path, sizeof(path),
	    &fd), 0);
	assert_true(fd >= 0);
	assert_fd_flags(fd);
	/* /tmp/ssh-XXXXXXXXXX/agent.4242 */
	assert_int_equal(strlen(path), strlen("/tmp/ssh-XXXXXXXXXX/agent.4242"));
	assert_memory_equal(path, "/tmp/ssh-", 9);
	snprintf(want, sizeof(want), "/agent.%d", 4242);
	assert_string_equal(path + 19, want);
	strcpy(dir, path);
	dir[19] = '\0';
	/* All ten characters random, as OpenBSD's mkdtemp: not glibc's
	 * last six. */
	assert_int_equal(strspn(dir + 9, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), 10);
	assert_false(memcmp(dir + 9, "XXXX", 4) == 0);

	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(st.st_gid, gid);

	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	/* Never group- or world-reachable. */
	assert_int_equal(st.st_mode & 0077, 0);
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(st.st_gid, gid);

	/* It listens. */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	assert_true((c = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(c, (struct sockaddr *)&sun, sizeof(sun)), 0);
	a = accept(fd, NULL, NULL);
	assert_true(a >= 0);
	close(a);
	close(c);
	close(fd);

	fwdx_agent_remove(path);
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(lstat(dir, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* Twice, or on a path that is gone: harmless. */
	fwdx_agent_remove(path);
	fwdx_agent_remove("");
	fwdx_agent_remove(NULL);
}

static void
test_agent_umask_ignored(void **state)
{
	char path[FWDX_PATH_MAX];
	struct stat st;
	mode_t old;
	uid_t uid;
	gid_t gid;
	int fd = -1, r;

	(void)state;
	agent_owner(&uid, &gid);
	/* A permissive umask must not make the socket reachable. */
	old = umask(0);
	r = fwdx_agent_listen(uid, gid, 1, path, sizeof(path), &fd);
	assert_int_equal(umask(old), 0);	/* restored */
	assert_int_equal(r, 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 0077, 0);
	close(fd);
	fwdx_agent_remove(path);
	assert_int_equal(lstat(path, &st), -1);
}

static void
test_agent_negative(void **state)
{
	char path[16], keep[] = "/tmp/fwdx-test-XXXXXX", sock[64];
	int fd = 7;

	(void)state;
	/* Too small for the path: refused, fd untouched as -1. */
	assert_int_equal(fwdx_agent_listen(getuid(), getgid(), 1, path,
	    sizeof(path), &fd), PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(fd, -1);
	assert_int_equal(fwdx_agent_listen(getuid(), getgid(), 1, NULL, 10,
	    &fd), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(fwdx_agent_listen(getuid(), getgid(), 1, path, 0,
	    &fd), PC_ERR_INVALID_ARGUMENT);
	/* Not a directory this module made: left alone. */
	assert_non_null(mkdtemp(keep));
	snprintf(sock, sizeof(sock), "%s/agent.1", keep);
	fwdx_agent_remove(sock);
	assert_int_equal(access(keep, F_OK), 0);
	assert_int_equal(rmdir(keep), 0);
}

static int
port_of(int fd, int *family, char *addr, size_t addrlen)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*family = ss.ss_family;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &sin->sin_addr, addr, addrlen);
		return ntohs(sin->sin_port);
	}
	assert_int_equal(ss.ss_family, AF_INET6);
	inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr,
	    addrlen);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A display offset that differs between concurrent test runs, so they
 * rarely meet (a taken display is skipped anyway). */
static int
free_offset(void)
{
	return 300 + (int)(getpid() % 2000);
}

static int
tcp_listen(int family, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, on = 1;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
	}
	if ((fd = socket(family, SOCK_STREAM, 0)) == -1) {
		return -1;
	}
	if (family == AF_INET6) {
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on));
	}
	/* Even with SO_REUSEADDR on both, Linux refuses a second bind
	 * while this one listens. */
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, 5) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
have_ipv6_loopback(void)
{
	int fd = tcp_listen(AF_INET6, 0);

	if (fd == -1) {
		return 0;
	}
	close(fd);
	return 1;
}

static void
close_all(int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		close(fds[i]);
	}
}

static void
test_x11_localhost(void **state)
{
	int fds[FWDX_MAX_X11_FDS], number = -1, off = free_offset();
	int fam, port, saw4 = 0, saw6 = 0;
	char addr[64];
	size_t n = 0, i;

	(void)state;
	assert_int_equal(fwdx_x11_listen(off, 1, fds, &n, &number), 0);
	assert_true(number >= off);
	assert_true(number < off + FWDX_MAX_DISPLAYS);
	assert_true(n >= 1 && n <= FWDX_MAX_X11_FDS);
	for (i = 0; i < n; i++) {
		assert_fd_flags(fds[i]);
		port = port_of(fds[i], &fam, addr, sizeof(addr));
		assert_int_equal(port, 6000 + number);
		if (fam == AF_INET) {
			assert_string_equal(addr, "127.0.0.1");
			saw4 = 1;
		} else {
			assert_string_equal(addr, "::1");
			saw6 = 1;
		}
	}
	assert_true(saw4);
	assert_int_equal(saw6, have_ipv6_loopback());
	close_all(fds, n);
}

static void
test_x11_skips_taken(void **state)
{
	int fds[FWDX_MAX_X11_FDS], number = -1, off = free_offset() + 10;
	int first, block, block6;
	size_t n = 0;

	(void)state;
	/* Find what the first free display is, then hold it over IPv4. */
	assert_int_equal(fwdx_x11_listen(off, 1, fds, &n, &number), 0);
	close_all(fds, n);
	first = number;
	block = tcp_listen(AF_INET, 6000 + first);
	assert_true(block >= 0);
	assert_int_equal(fwdx_x11_listen(first, 1, fds, &n, &number), 0);
	assert_true(number > first);
	close_all(fds, n);
	close(block);

	/* Every address must bind: ::1 taken alone skips the display. */
	if (have_ipv6_loopback()) {
		block6 = tcp_listen(AF_INET6, 6000 + first);
		assert_true(block6 >= 0);
		assert_int_equal(fwdx_x11_listen(first, 1, fds, &n, &number),
		    0);
		assert_true(number > first);
		close_all(fds, n);
		close(block6);
	}

	/* Freed: the display is taken again (SO_REUSEADDR). */
	assert_int_equal(fwdx_x11_listen(first, 1, fds, &n, &number), 0);
	assert_int_equal(number, first);
	close_all(fds, n);
}

static void
test_x11_wildcard(void **state)
{
	int fds[FWDX_MAX_X11_FDS], number = -1, off = free_offset() + 20;
	int fam;
	char addr[64];
	size_t n = 0, i;

	(void)state;
	assert_int_equal(fwdx_x11_listen(off, 0, fds, &n, &number), 0);
	assert_true(number >= off);
	for (i = 0; i < n; i++) {
		assert_int_equal(port_of(fds[i], &fam, addr, sizeof(addr)),
		    6000 + number);
		assert_string_equal(addr, fam == AF_INET ? "0.0.0.0" : "::");
	}
	close_all(fds, n);
}

static void
test_x11_negative(void **state)
{
	int fds[FWDX_MAX_X11_FDS], number = 5, r;
	size_t n = 3;

	(void)state;
	assert_int_equal(fwdx_x11_listen(-1, 1, fds, &n, &number),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(fwdx_x11_listen(65535, 1, fds, &n, &number),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(fwdx_x11_listen(10, 1, NULL, &n, &number),
	    PC_ERR_INVALID_ARGUMENT);
	/* The last port: one try, then out of ports, never past 65535. */
	r = fwdx_x11_listen(65535 - 6000, 1, fds, &n, &number);
	if (r == 0) {
		assert_int_equal(number, 65535 - 6000);
		close_all(fds, n);
	} else {
		assert_int_equal(r, PC_ERR_NOT_FOUND);
	}
}

static void
test_xauth_input(void **state)
{
	char *s = NULL;

	(void)state;
	assert_int_equal(fwdx_xauth_input("localhost:10.0", 1,
	    "MIT-MAGIC-COOKIE-1", "0123456789abcdef0123456789abcdef", &s), 0);
	assert_string_equal(s, "remove unix:10.0\n"
	    "add unix:10.0 MIT-MAGIC-COOKIE-1 "
	    "0123456789abcdef0123456789abcdef\n");
	free(s);
	s = NULL;
	assert_int_equal(fwdx_xauth_input("localhost:12.3", 1,
	    "MIT-MAGIC-COOKIE-1", "ab", &s), 0);
	assert_string_equal(s, "remove unix:12.3\n"
	    "add unix:12.3 MIT-MAGIC-COOKIE-1 ab\n");
	free(s);
	s = NULL;
	/* X11UseLocalhost no: the entry is for the DISPLAY string itself. */
	assert_int_equal(fwdx_xauth_input("buildhost:10.0", 0,
	    "MIT-MAGIC-COOKIE-1", "00ff", &s), 0);
	assert_string_equal(s, "remove buildhost:10.0\n"
	    "add buildhost:10.0 MIT-MAGIC-COOKIE-1 00ff\n");
	free(s);
	s = NULL;
	/* The characters OpenSSH lets through. */
	assert_int_equal(fwdx_xauth_input("h:1.0", 0, "XDM-AUTHORIZATION-1",
	    "a.b:c/d-e_f", &s), 0);
	assert_string_equal(s, "remove h:1.0\n"
	    "add h:1.0 XDM-AUTHORIZATION-1 a.b:c/d-e_f\n");
	free(s);
}

static void
test_xauth_bad(void **state)
{
	static const char *bad[] = {
		"", "ab cd", "ab\ncd", "ab\rcd", "ab\tcd", "a;b", "a$b",
		"a\"b", "a'b", "a\\b", "\xff\xfe", "a\x01", "a#b", "a*b",
		"add", /* fine by itself: see below */
	};
	char big[2048];
	char *s = (char *)1;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]) - 1; i++) {
		s = (char *)1;
		assert_int_equal(fwdx_xauth_input("localhost:10.0", 1,
		    "MIT-MAGIC-COOKIE-1", bad[i], &s), PC_ERR_INVALID_FORMAT);
		assert_null(s);
		s = (char *)1;
		assert_int_equal(fwdx_xauth_input("localhost:10.0", 1,
		    bad[i], "abcd", &s), PC_ERR_INVALID_FORMAT);
		assert_null(s);
	}
	assert_int_equal(fwdx_xauth_input("localhost:10.0", 1, "add",
	    "abcd", &s), 0);
	free(s);
	/* Oversized. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(fwdx_xauth_input("localhost:10.0", 1,
	    "MIT-MAGIC-COOKIE-1", big, &s), PC_ERR_INVALID_FORMAT);
	/* NULLs and displays without a colon or with blanks. */
	assert_int_equal(fwdx_xauth_input("localhost:10.0", 1, NULL, "ab",
	    &s), PC_ERR_INVALID_FORMAT);
	assert_int_equal(fwdx_xauth_input("localhost:10.0", 1, "P", NULL,
	    &s), PC_ERR_INVALID_FORMAT);
	assert_int_equal(fwdx_xauth_input("localhost", 1, "P", "ab", &s),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(fwdx_xauth_input("a b:1.0", 0, "P", "ab", &s),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(fwdx_xauth_input("a:1.0\nadd", 0, "P", "ab", &s),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(fwdx_xauth_input(NULL, 0, "P", "ab", &s),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(fwdx_xauth_input("a:1", 0, "P", "ab", NULL),
	    PC_ERR_INVALID_ARGUMENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agent_socket),
		cmocka_unit_test(test_agent_umask_ignored),
		cmocka_unit_test(test_agent_negative),
		cmocka_unit_test(test_x11_localhost),
		cmocka_unit_test(test_x11_skips_taken),
		cmocka_unit_test(test_x11_wildcard),
		cmocka_unit_test(test_x11_negative),
		cmocka_unit_test(test_xauth_input),
		cmocka_unit_test(test_xauth_bad),
	};

	if (crypto_lib_init() != 0) {
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
