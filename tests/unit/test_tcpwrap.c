/*
 * Unit tests for daemon/tcpwrap.c: hosts_access(5) checks on real
 * loopback TCP connections (one from 127.0.0.1, one from a socket bound
 * to 127.0.0.2 before connect, one from ::1), with temporary hosts.allow
 * and hosts.deny files, by daemon name ("portcullisd", "sshdfwd-SERVICE",
 * "sshdfwd-PORT"); TCPWrappers no; the forwarding daemon names from
 * /etc/services (Debian's netbase).  Built without libwrap, every check
 * must allow.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

#include "err.h"
#include "tcpwrap.h"

/* The temporary tables. */
static char dir[64];
static char allow_path[96];
static char deny_path[96];

/* A connected pair: c the client's end, s the accepted server end. */
struct pair {
	int c;
	int s;
};

static void
write_file(const char *path, const char *text)
{
	FILE *f;

	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void
tables(const char *allow, const char *deny)
{
	write_file(allow_path, allow);
	write_file(deny_path, deny);
}

/*
 * Connect to a fresh listener on loopback of family af, from src (NULL:
 * let the kernel choose).  0, or -1 if the family is not available.
 */
static int
pair_open(struct pair *p, int af, const char *src)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int l;

	memset(&ss, 0, sizeof(ss));
	if (af == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		len = sizeof(*a);
	}
	if ((l = socket(af, SOCK_STREAM, 0)) == -1) {
		return -1;
	}
	if (bind(l, (struct sockaddr *)&ss, len) == -1) {
		close(l);
		return -1;
	}
	assert_int_equal(listen(l, 4), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&ss, &len), 0);
	assert_true((p->c = socket(af, SOCK_STREAM, 0)) >= 0);
	if (src != NULL) {
		struct sockaddr_in b;

		/* The source address is chosen before connect, as a client
		 * on another host would have it. */
		memset(&b, 0, sizeof(b));
		b.sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, src, &b.sin_addr), 1);
		assert_int_equal(bind(p->c, (struct sockaddr *)&b, sizeof(b)),
		    0);
	}
	assert_int_equal(connect(p->c, (struct sockaddr *)&ss, len), 0);
	assert_true((p->s = accept(l, NULL, NULL)) >= 0);
	close(l);
	return 0;
}

static void
pair_close(struct pair *p)
{
	close(p->c);
	close(p->s);
}

static struct tcpwrap_cfg
cfg_on(void)
{
	struct tcpwrap_cfg c;

	memset(&c, 0, sizeof(c));
	c.enabled = 1;
	c.allow_file = allow_path;
	c.deny_file = deny_path;
	return c;
}

/* The check for the peer of a pair from src (NULL: 127.0.0.1). */
static int
check_from(const struct tcpwrap_cfg *c, const char *name, const char *src,
    char *client, size_t clientlen)
{
	struct pair p;
	int r;

	assert_int_equal(pair_open(&p, AF_INET, src), 0);
	r = tcpwrap_check(c, name, p.s, client, clientlen);
	pair_close(&p);
	return r;
}

/* What a check must return when libwrap would refuse. */
#ifdef HAVE_LIBWRAP
#define REFUSED	PC_ERR_PERMISSION_DENIED
#else
#define REFUSED	0
#endif

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pc_tcpwrap_XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(allow_path, sizeof(allow_path), "%s/hosts.allow", dir);
	snprintf(deny_path, sizeof(deny_path), "%s/hosts.deny", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(allow_path);
	unlink(deny_path);
	rmdir(dir);
	return 0;
}

static void
test_available(void **state)
{
	(void)state;
#ifdef HAVE_LIBWRAP
	assert_int_equal(tcpwrap_available(), 1);
#else
	assert_int_equal(tcpwrap_available(), 0);
#endif
}

/* hosts.deny names the daemon: only that daemon's check refuses, and only
 * for the listed address; the client's address is reported either way. */
static void
test_deny_by_daemon_name(void **state)
{
	struct tcpwrap_cfg c = cfg_on();
	char client[64];

	(void)state;
	tables("", "portcullisd: 127.0.0.2\n");
	assert_int_equal(check_from(&c, "portcullisd", NULL, client,
	    sizeof(client)), 0);
	assert_string_equal(client, "127.0.0.1");
	assert_int_equal(check_from(&c, "portcullisd", "127.0.0.2", client,
	    sizeof(client)), REFUSED);
	assert_string_equal(client, "127.0.0.2");
	/* Another daemon's name is not refused by that line. */
	assert_int_equal(check_from(&c, "sshdfwd-http-alt", "127.0.0.2",
	    client, sizeof(client)), 0);
	assert_int_equal(check_from(&c, "sshd", "127.0.0.2", client,
	    sizeof(client)), 0);
}

/* The forwarding names: hosts.allow lets one through, ALL: ALL in
 * hosts.deny refuses everything else. */
static void
test_forward_names(void **state)
{
	struct tcpwrap_cfg c = cfg_on();
	char name[TCPWRAP_NAME_MAX], name2[TCPWRAP_NAME_MAX], client[64];

	(void)state;
	tcpwrap_fwd_name(8080, name, sizeof(name));
	assert_string_equal(name, "sshdfwd-http-alt");
	tcpwrap_fwd_name(61000, name2, sizeof(name2));
	assert_string_equal(name2, "sshdfwd-61000");

	tables("sshdfwd-http-alt: 127.0.0.1\n"
	    "sshdfwd-61000: 127.0.0.2\n", "ALL: ALL\n");
	/* By service name. */
	assert_int_equal(check_from(&c, name, NULL, client, sizeof(client)),
	    0);
	assert_int_equal(check_from(&c, name, "127.0.0.2", client,
	    sizeof(client)), REFUSED);
	assert_string_equal(client, "127.0.0.2");
	/* By port number. */
	assert_int_equal(check_from(&c, name2, "127.0.0.2", client,
	    sizeof(client)), 0);
	assert_int_equal(check_from(&c, name2, NULL, client, sizeof(client)),
	    REFUSED);
	assert_string_equal(client, "127.0.0.1");
	/* The daemon itself and unnamed ports: the ALL: ALL default. */
	assert_int_equal(check_from(&c, "portcullisd", NULL, client,
	    sizeof(client)), REFUSED);
	assert_int_equal(check_from(&c, "sshdfwd-8081", NULL, client,
	    sizeof(client)), REFUSED);
	/* A port number does not stand for its service name. */
	tables("sshdfwd-8080: 127.0.0.1\n", "ALL: ALL\n");
	assert_int_equal(check_from(&c, name, NULL, client, sizeof(client)),
	    REFUSED);
}

/* hosts.allow is read first and wins over hosts.deny. */
static void
test_allow_wins(void **state)
{
	struct tcpwrap_cfg c = cfg_on();
	char client[64];

	(void)state;
	tables("portcullisd: 127.0.0.2\n", "portcullisd: 127.0.0.0/8\n");
	assert_int_equal(check_from(&c, "portcullisd", "127.0.0.2", client,
	    sizeof(client)), 0);
	assert_int_equal(check_from(&c, "portcullisd", NULL, client,
	    sizeof(client)), REFUSED);
	/* hosts_options(5) style: the verdict in the rule. */
	tables("portcullisd: 127.0.0.2: DENY\nALL: ALL: ALLOW\n", "");
	assert_int_equal(check_from(&c, "portcullisd", "127.0.0.2", client,
	    sizeof(client)), REFUSED);
	assert_int_equal(check_from(&c, "portcullisd", NULL, client,
	    sizeof(client)), 0);
}

/* TCPWrappers no: nothing is checked, the address is still reported. */
static void
test_disabled(void **state)
{
	struct tcpwrap_cfg c = cfg_on();
	char client[64];

	(void)state;
	tables("", "ALL: ALL\n");
	c.enabled = 0;
	assert_int_equal(check_from(&c, "portcullisd", "127.0.0.2", client,
	    sizeof(client)), 0);
	assert_string_equal(client, "127.0.0.2");
	assert_int_equal(check_from(&c, "sshdfwd-http-alt", NULL, client,
	    sizeof(client)), 0);
	/* Nothing to read when disabled, not even the tables. */
	c.allow_file = NULL;
	c.deny_file = NULL;
	assert_int_equal(check_from(&c, "portcullisd", NULL, client,
	    sizeof(client)), 0);
}

/* Missing tables are empty: everything is allowed (hosts_access(5)). */
static void
test_missing_tables(void **state)
{
	struct tcpwrap_cfg c = cfg_on();
	char client[64], a[128], d[128];

	(void)state;
	snprintf(a, sizeof(a), "%s/nonexistent.allow", dir);
	snprintf(d, sizeof(d), "%s/nonexistent.deny", dir);
	c.allow_file = a;
	c.deny_file = d;
	assert_int_equal(check_from(&c, "portcullisd", "127.0.0.2", client,
	    sizeof(client)), 0);
	/* The tables given are the ones read, on every call. */
	tables("", "ALL: ALL\n");
	assert_int_equal(check_from(&c, "portcullisd", NULL, client,
	    sizeof(client)), 0);
	c = cfg_on();
	assert_int_equal(check_from(&c, "portcullisd", NULL, client,
	    sizeof(client)), REFUSED);
}

/* An IPv6 peer is named by its address in brackets in the tables. */
static void
test_ipv6(void **state)
{
	struct tcpwrap_cfg c = cfg_on();
	struct pair p;
	char client[64];

	(void)state;
	tables("", "portcullisd: [::1]\n");
	if (pair_open(&p, AF_INET6, NULL) != 0) {
		skip();
	}
	assert_int_equal(tcpwrap_check(&c, "portcullisd", p.s, client,
	    sizeof(client)), REFUSED);
	assert_string_equal(client, "::1");
	assert_int_equal(tcpwrap_check(&c, "sshdfwd-22", p.s, client,
	    sizeof(client)), 0);
	pair_close(&p);
}

/* Bad arguments, a descriptor that is no socket, a short buffer. */
static void
test_bad_input(void **state)
{
	struct tcpwrap_cfg c = cfg_on();
	char client[64], small[5];
	int pfd[2];

	(void)state;
	tables("", "");
	assert_int_equal(tcpwrap_check(NULL, "portcullisd", 0, client,
	    sizeof(client)), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(tcpwrap_check(&c, NULL, 0, client, sizeof(client)),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(tcpwrap_check(&c, "portcullisd", -1, client,
	    sizeof(client)), PC_ERR_INVALID_ARGUMENT);
	assert_string_equal(client, "UNKNOWN");
	/* A pipe has no peer address. */
	assert_int_equal(pipe(pfd), 0);
#ifdef HAVE_LIBWRAP
	assert_int_equal(tcpwrap_check(&c, "portcullisd", pfd[0], client,
	    sizeof(client)), PC_ERR_SYSTEM);
#else
	assert_int_equal(tcpwrap_check(&c, "portcullisd", pfd[0], client,
	    sizeof(client)), 0);
#endif
	assert_string_equal(client, "UNKNOWN");
	c.enabled = 0;
	assert_int_equal(tcpwrap_check(&c, "portcullisd", pfd[0], client,
	    sizeof(client)), 0);
	close(pfd[0]);
	close(pfd[1]);
	/* The address is cut to the buffer; no buffer at all is fine. */
	c = cfg_on();
	assert_int_equal(check_from(&c, "portcullisd", "127.0.0.2", small,
	    sizeof(small)), 0);
	assert_string_equal(small, "127.");
	assert_int_equal(check_from(&c, "portcullisd", "127.0.0.2", NULL, 0),
	    0);
}

/* The forwarding daemon names: /etc/services names, else the number. */
static void
test_fwd_name(void **state)
{
	char buf[TCPWRAP_NAME_MAX], small[10];

	(void)state;
	tcpwrap_fwd_name(22, buf, sizeof(buf));
	assert_string_equal(buf, "sshdfwd-ssh");
	tcpwrap_fwd_name(80, buf, sizeof(buf));
	assert_string_equal(buf, "sshdfwd-http");
	tcpwrap_fwd_name(8080, buf, sizeof(buf));
	assert_string_equal(buf, "sshdfwd-http-alt");
	tcpwrap_fwd_name(61000, buf, sizeof(buf));
	assert_string_equal(buf, "sshdfwd-61000");
	tcpwrap_fwd_name(65535, buf, sizeof(buf));
	assert_string_equal(buf, "sshdfwd-65535");
	/* Out of range: never looked up. */
	tcpwrap_fwd_name(0, buf, sizeof(buf));
	assert_string_equal(buf, "sshdfwd-0");
	tcpwrap_fwd_name(65536 + 22, buf, sizeof(buf));
	assert_string_equal(buf, "sshdfwd-65558");
	tcpwrap_fwd_name(-1, buf, sizeof(buf));
	assert_string_equal(buf, "sshdfwd--1");
	/* Cut to the buffer, always terminated; len 0 writes nothing. */
	tcpwrap_fwd_name(8080, small, sizeof(small));
	assert_string_equal(small, "sshdfwd-h");
	small[0] = 'x';
	tcpwrap_fwd_name(8080, small, 0);
	assert_int_equal(small[0], 'x');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_available),
		cmocka_unit_test(test_deny_by_daemon_name),
		cmocka_unit_test(test_forward_names),
		cmocka_unit_test(test_allow_wins),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_missing_tables),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_fwd_name),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
