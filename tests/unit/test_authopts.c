/*
 * Unit tests for auth/authopts.c: the authorized_keys options grammar
 * (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"), restrict and its re-enables,
 * quoting, expiry times, permitopen/permitlisten syntax, from= matching,
 * OpenSSH's merge rules and the certificate option helpers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "authopts.h"
#include "log.h"

/* Parse a NUL-terminated options string; asserts success. */
static struct auth_opts *
parse_ok(const char *s, size_t *consumed)
{
	struct auth_opts *o = NULL;
	const char *errstr = "unset";
	size_t c = 12345;
	int r;

	r = authopts_parse(s, strlen(s), &o, &c, &errstr);
	if (r != 0) {
		print_error("parse of '%s' failed: %s\n", s,
		    errstr != NULL ? errstr : "(null)");
	}
	assert_int_equal(r, 0);
	assert_non_null(o);
	assert_null(errstr);
	if (consumed != NULL) {
		*consumed = c;
	}
	return o;
}

static void
test_defaults(void **state)
{
	struct auth_opts *o = authopts_new(), *c = NULL;

	(void)state;
	assert_non_null(o);
	assert_int_equal(o->permit_port_forwarding, 1);
	assert_int_equal(o->permit_agent_forwarding, 1);
	assert_int_equal(o->permit_x11_forwarding, 1);
	assert_int_equal(o->permit_pty, 1);
	assert_int_equal(o->permit_user_rc, 1);
	assert_int_equal(o->restricted, 0);
	assert_int_equal(o->cert_authority, 0);
	assert_int_equal(o->force_tun_device, -1);
	assert_true(o->valid_before == 0);
	assert_null(o->force_command);
	assert_null(o->env);
	authopts_free(o);
	authopts_free(NULL);

	/* A certificate with no extensions grants nothing. */
	assert_int_equal(authopts_cert_defaults(&c), 0);
	assert_int_equal(c->permit_port_forwarding, 0);
	assert_int_equal(c->permit_agent_forwarding, 0);
	assert_int_equal(c->permit_x11_forwarding, 0);
	assert_int_equal(c->permit_pty, 0);
	assert_int_equal(c->permit_user_rc, 0);
	assert_int_equal(c->force_tun_device, -1);
	authopts_free(c);

	/* An empty string is a line without options. */
	o = parse_ok("", NULL);
	assert_int_equal(o->permit_pty, 1);
	authopts_free(o);
}

/* Flag bits for the table below. */
#define F_PORT	0x01
#define F_AGENT	0x02
#define F_X11	0x04
#define F_PTY	0x08
#define F_RC	0x10
#define F_ALL	0x1f

static int
flags_of(const struct auth_opts *o)
{
	return (o->permit_port_forwarding ? F_PORT : 0) |
	    (o->permit_agent_forwarding ? F_AGENT : 0) |
	    (o->permit_x11_forwarding ? F_X11 : 0) |
	    (o->permit_pty ? F_PTY : 0) |
	    (o->permit_user_rc ? F_RC : 0);
}

static const struct {
	const char *s;
	int flags;
	int restricted;
} flag_cases[] = {
	{ "no-port-forwarding", F_ALL & ~F_PORT, 0 },
	{ "no-agent-forwarding", F_ALL & ~F_AGENT, 0 },
	{ "no-X11-forwarding", F_ALL & ~F_X11, 0 },
	{ "no-pty", F_ALL & ~F_PTY, 0 },
	{ "no-user-rc", F_ALL & ~F_RC, 0 },
	{ "port-forwarding", F_ALL, 0 },
	{ "agent-forwarding,X11-forwarding,pty,user-rc", F_ALL, 0 },
	{ "restrict", 0, 1 },
	/* Left to right: later positive forms re-enable. */
	{ "restrict,pty", F_PTY, 1 },
	{ "restrict,port-forwarding,agent-forwarding", F_PORT | F_AGENT, 1 },
	{ "restrict,X11-forwarding,user-rc", F_X11 | F_RC, 1 },
	{ "restrict,pty,no-pty", 0, 1 },
	/* ... and a later restrict turns everything off again. */
	{ "pty,restrict", 0, 1 },
	{ "no-pty,restrict,pty", F_PTY, 1 },
	{ "no-pty,pty", F_ALL, 0 },
	/* Names are case-insensitive. */
	{ "NO-PTY,No-Port-Forwarding", F_ALL & ~(F_PTY | F_PORT), 0 },
	{ "RESTRICT,Pty", F_PTY, 1 },
	{ "no-x11-FORWARDING", F_ALL & ~F_X11, 0 },
	/* FIDO-only options: accepted, no effect. */
	{ "no-touch-required", F_ALL, 0 },
	{ "verify-required,no-pty", F_ALL & ~F_PTY, 0 },
	/* An empty entry between commas is passed over, as sshd does. */
	{ "no-pty,,no-user-rc", F_ALL & ~(F_PTY | F_RC), 0 },
};

static void
test_flags(void **state)
{
	struct auth_opts *o;
	size_t i, c;

	(void)state;
	for (i = 0; i < sizeof(flag_cases) / sizeof(flag_cases[0]); i++) {
		o = parse_ok(flag_cases[i].s, &c);
		if (flags_of(o) != flag_cases[i].flags) {
			print_error("case %zu '%s': flags %#x, want %#x\n", i,
			    flag_cases[i].s, flags_of(o), flag_cases[i].flags);
		}
		assert_int_equal(flags_of(o), flag_cases[i].flags);
		assert_int_equal(o->restricted, flag_cases[i].restricted);
		assert_int_equal(c, strlen(flag_cases[i].s));
		authopts_free(o);
	}
}

static const struct {
	const char *s;
	const char *errstr;
} bad_cases[] = {
	{ "no-such-option", "unknown option" },
	{ "pty,frobnicate", "unknown option" },
	{ "ptyx", "unknown option" },
	{ "pty=\"1\"", "unknown option" },
	{ "no-restrict", "unknown option" },
	{ "no-cert-authority", "unknown option" },
	{ "no-command=\"x\"", "unknown option" },
	{ "command", "unknown option" },
	{ "command=x", "missing start quote" },
	{ "command=\"x", "missing end quote" },
	{ "command=\"x\\\"", "missing end quote" },
	{ "command=\"a\"b", "unknown option" },
	{ "command=\"a\",command=\"a\"", "duplicate command" },
	{ "principals=\"a\",principals=\"b\"", "duplicate principals" },
	{ "from=\"1.2.3.4\",from=\"1.2.3.4\"", "duplicate from" },
	{ "pty,", "unexpected end of options" },
	{ "environment=\"=x\"", "bad environment name" },
	{ "environment=\"NOEQUALS\"", "bad environment name" },
	{ "environment=\"A-B=x\"", "bad environment name" },
	{ "environment=\"A B=x\"", "bad environment name" },
	{ "environment=\"\"", "bad environment name" },
	{ "expiry-time=\"\"", "bad expiry-time" },
	{ "expiry-time=\"2030010\"", "bad expiry-time" },
	{ "expiry-time=\"203001011\"", "bad expiry-time" },
	{ "expiry-time=\"20301301\"", "bad expiry-time" },
	{ "expiry-time=\"20300001\"", "bad expiry-time" },
	{ "expiry-time=\"20300230\"", "bad expiry-time" },
	{ "expiry-time=\"20230229\"", "bad expiry-time" },
	{ "expiry-time=\"20300100\"", "bad expiry-time" },
	{ "expiry-time=\"203001012400\"", "bad expiry-time" },
	{ "expiry-time=\"203001010060\"", "bad expiry-time" },
	{ "expiry-time=\"20300101000060\"", "bad expiry-time" },
	{ "expiry-time=\"2030-1-01\"", "bad expiry-time" },
	{ "expiry-time=\"19600101Z\"", "bad expiry-time" },
	{ "expiry-time=\"19700101Z\"", "bad expiry-time" },
	{ "expiry-time=\"Z\"", "bad expiry-time" },
	{ "expiry-time=\"20300101X\"", "bad expiry-time" },
	{ "expiry-time=20300101", "missing start quote" },
	{ "from=\"\"", "bad from pattern" },
	{ "from=\"1.2.3.4,\"", "bad from pattern" },
	{ "from=\",1.2.3.4\"", "bad from pattern" },
	{ "from=\"!\"", "bad from pattern" },
	{ "from=\"10.0.0.1/8\"", "bad from pattern" },
	{ "from=\"10.0.0.0/33\"", "bad from pattern" },
	{ "from=\"10.0.0.0/\"", "bad from pattern" },
	{ "from=\"host/24\"", "bad from pattern" },
	{ "from=\"::1/129\"", "bad from pattern" },
	{ "from=\"a b\"", "bad from pattern" },
	{ "permitopen=\"host\"", "bad permitopen" },
	{ "permitopen=\"host:\"", "bad permitopen" },
	{ "permitopen=\":22\"", "bad permitopen" },
	{ "permitopen=\"host:0\"", "bad permitopen" },
	{ "permitopen=\"host:65536\"", "bad permitopen" },
	{ "permitopen=\"host:22x\"", "bad permitopen" },
	{ "permitopen=\"host:-1\"", "bad permitopen" },
	{ "permitopen=\"::1:22\"", "bad permitopen" },
	{ "permitopen=\"[::1]\"", "bad permitopen" },
	{ "permitopen=\"[::1]22\"", "bad permitopen" },
	{ "permitopen=\"[]:22\"", "bad permitopen" },
	{ "permitopen=\"[host]:22\"", "bad permitopen" },
	{ "permitopen=\"a b:22\"", "bad permitopen" },
	{ "permitlisten=\"0\"", "bad permitlisten" },
	{ "permitlisten=\"\"", "bad permitlisten" },
	{ "permitlisten=\"port\"", "bad permitlisten" },
	{ "permitlisten=\"localhost:99999\"", "bad permitlisten" },
	{ "tunnel=\"\"", "bad tunnel device" },
	{ "tunnel=\"-1\"", "bad tunnel device" },
	{ "tunnel=\"x\"", "bad tunnel device" },
	{ "tunnel=\"2147483646\"", "bad tunnel device" },
	{ "tunnel=\"99999999999\"", "bad tunnel device" },
};

static void
test_bad(void **state)
{
	struct auth_opts *o;
	const char *errstr;
	size_t i, c;
	int r;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		o = (struct auth_opts *)&c;	/* must be reset */
		errstr = NULL;
		r = authopts_parse(bad_cases[i].s, strlen(bad_cases[i].s), &o,
		    &c, &errstr);
		if (r != PC_ERR_INVALID_FORMAT || errstr == NULL ||
		    strcmp(errstr, bad_cases[i].errstr) != 0) {
			print_error("case %zu '%s': r %d errstr '%s', "
			    "want '%s'\n", i, bad_cases[i].s, r,
			    errstr != NULL ? errstr : "(null)",
			    bad_cases[i].errstr);
		}
		assert_int_equal(r, PC_ERR_INVALID_FORMAT);
		assert_null(o);
		assert_int_equal(c, 0);
		assert_non_null(errstr);
		assert_string_equal(errstr, bad_cases[i].errstr);
	}
}

static void
test_bad_bytes(void **state)
{
	static const char nul[] = "no-pty\0,pty";
	struct auth_opts *o = NULL;
	const char *errstr = NULL;
	char *big;
	size_t n;

	(void)state;
	/* A NUL before the end of the options. */
	assert_int_equal(authopts_parse(nul, sizeof(nul) - 1, &o, NULL,
	    &errstr), PC_ERR_INVALID_FORMAT);
	assert_null(o);
	assert_string_equal(errstr, "NUL in options");
	/* len bounds the string: a prefix parses. */
	assert_int_equal(authopts_parse(nul, 6, &o, &n, NULL), 0);
	assert_int_equal(n, 6);
	assert_int_equal(o->permit_pty, 0);
	authopts_free(o);
	o = NULL;
	/* "pty" cut to "pt": unknown. */
	assert_int_equal(authopts_parse("pty", 2, &o, NULL, &errstr),
	    PC_ERR_INVALID_FORMAT);
	/* A value cut before its end quote. */
	assert_int_equal(authopts_parse("command=\"ab\"", 10, &o, NULL,
	    &errstr), PC_ERR_INVALID_FORMAT);
	assert_string_equal(errstr, "missing end quote");

	/* Longer than AUTHOPTS_MAX_LINE. */
	n = AUTHOPTS_MAX_LINE + 16;
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'a', n);
	memcpy(big, "command=\"", 9);
	big[n - 1] = '"';
	big[n] = '\0';
	assert_int_equal(authopts_parse(big, n, &o, NULL, &errstr),
	    PC_ERR_INVALID_FORMAT);
	assert_string_equal(errstr, "options too long");
	/* Just under the cap: fine. */
	n = AUTHOPTS_MAX_LINE;
	big[n - 1] = '"';
	assert_int_equal(authopts_parse(big, n, &o, NULL, &errstr), 0);
	assert_int_equal(strlen(o->force_command), n - 10);
	authopts_free(o);
	free(big);

	/* Bad arguments. */
	assert_int_equal(authopts_parse(NULL, 0, &o, NULL, &errstr),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(authopts_parse("pty", 3, NULL, NULL, &errstr),
	    PC_ERR_INVALID_ARGUMENT);
}

static void
test_quoting(void **state)
{
	struct auth_opts *o;
	size_t c;
	const char *s;

	(void)state;
	/* Parsing stops at the first unquoted blank. */
	s = "command=\"echo hello, world\",no-pty ssh-ed25519 AAAA";
	o = parse_ok(s, &c);
	assert_int_equal(c, strlen("command=\"echo hello, world\",no-pty"));
	assert_string_equal(o->force_command, "echo hello, world");
	assert_int_equal(o->permit_pty, 0);
	authopts_free(o);

	s = "no-pty\tssh-rsa";
	o = parse_ok(s, &c);
	assert_int_equal(c, 6);
	authopts_free(o);

	/* \" is a quote; any other backslash is itself. */
	s = "command=\"echo \\\"hi\\\" \\n \\\\x\"";
	o = parse_ok(s, &c);
	assert_int_equal(c, strlen(s));
	assert_string_equal(o->force_command, "echo \"hi\" \\n \\\\x");
	authopts_free(o);

	/* A quoted tab and an empty command. */
	o = parse_ok("command=\"a\tb\"", NULL);
	assert_string_equal(o->force_command, "a\tb");
	authopts_free(o);
	o = parse_ok("command=\"\"", NULL);
	assert_string_equal(o->force_command, "");
	authopts_free(o);

	/* Value names are case-insensitive too. */
	o = parse_ok("COMMAND=\"x\",Principals=\"a,b\",FROM=\"*\"", NULL);
	assert_string_equal(o->force_command, "x");
	assert_string_equal(o->cert_principals, "a,b");
	assert_string_equal(o->required_from_host_keys, "*");
	authopts_free(o);

	/* A trailing comma before the key is tolerated, as by sshd. */
	o = parse_ok("no-pty, ssh-ed25519", &c);
	assert_int_equal(c, 7);
	authopts_free(o);

	o = parse_ok("cert-authority,principals=\"alice\"", NULL);
	assert_int_equal(o->cert_authority, 1);
	assert_string_equal(o->cert_principals, "alice");
	authopts_free(o);
}

static void
test_expiry(void **state)
{
	static const struct {
		const char *s;
		uint64_t t;
	} utc[] = {
		{ "expiry-time=\"20300101Z\"", 1893456000ULL },
		{ "expiry-time=\"20300101z\"", 1893456000ULL },
		{ "expiry-time=\"20300101UTC\"", 1893456000ULL },
		{ "expiry-time=\"203001011234Z\"", 1893501240ULL },
		{ "expiry-time=\"20300101123456Z\"", 1893501296ULL },
		{ "expiry-time=\"202402292359Z\"", 1709251140ULL },
		{ "expiry-time=\"20000101Z\"", 946684800ULL },
		/* The earliest of several wins, in any order. */
		{ "expiry-time=\"20300101Z\",expiry-time=\"20000101Z\"",
		    946684800ULL },
		{ "expiry-time=\"20000101Z\",expiry-time=\"20300101Z\"",
		    946684800ULL },
	};
	struct auth_opts *o;
	char *oldtz = getenv("TZ") != NULL ? strdup(getenv("TZ")) : NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(utc) / sizeof(utc[0]); i++) {
		o = parse_ok(utc[i].s, NULL);
		if (o->valid_before != utc[i].t) {
			print_error("case %zu: %llu\n", i,
			    (unsigned long long)o->valid_before);
		}
		assert_true(o->valid_before == utc[i].t);
		authopts_free(o);
	}
	/* Without Z: local time, here a fixed zone five hours west. */
	setenv("TZ", "EST5", 1);
	tzset();
	o = parse_ok("expiry-time=\"20300101\"", NULL);
	assert_true(o->valid_before == 1893456000ULL + 5 * 3600);
	authopts_free(o);
	o = parse_ok("expiry-time=\"20300101000001\"", NULL);
	assert_true(o->valid_before == 1893456001ULL + 5 * 3600);
	authopts_free(o);
	setenv("TZ", "UTC0", 1);
	tzset();
	o = parse_ok("expiry-time=\"20300101\"", NULL);
	assert_true(o->valid_before == 1893456000ULL);
	authopts_free(o);
	if (oldtz != NULL) {
		setenv("TZ", oldtz, 1);
		free(oldtz);
	} else {
		unsetenv("TZ");
	}
	tzset();

	/* Checking: valid up to and including valid_before. */
	o = parse_ok("expiry-time=\"20300101Z\"", NULL);
	assert_int_equal(authopts_check_expiry(o, 1893456000ULL - 1), 0);
	assert_int_equal(authopts_check_expiry(o, 1893456000ULL), 0);
	assert_int_equal(authopts_check_expiry(o, 1893456001ULL),
	    PC_ERR_AUTH_FAILED);
	authopts_free(o);
	/* Past. */
	o = parse_ok("expiry-time=\"20000101Z\"", NULL);
	assert_int_equal(authopts_check_expiry(o, (uint64_t)time(NULL)),
	    PC_ERR_AUTH_FAILED);
	authopts_free(o);
	/* No expiry never expires. */
	o = parse_ok("", NULL);
	assert_int_equal(authopts_check_expiry(o, UINT64_MAX), 0);
	authopts_free(o);
	assert_int_equal(authopts_check_expiry(NULL, 0),
	    PC_ERR_INVALID_ARGUMENT);
}

static void
test_environment(void **state)
{
	struct auth_opts *o;

	(void)state;
	o = parse_ok("environment=\"FOO=bar\",environment=\"EMPTY=\","
	    "environment=\"_X1=a=b c\",environment=\"FOO=second\","
	    "ENVIRONMENT=\"lower=1\"", NULL);
	assert_int_equal(o->nenv, 4);
	assert_string_equal(o->env[0], "FOO=bar");	/* first wins */
	assert_string_equal(o->env[1], "EMPTY=");
	assert_string_equal(o->env[2], "_X1=a=b c");
	assert_string_equal(o->env[3], "lower=1");
	authopts_free(o);
	/* FOO and FOOBAR are different names. */
	o = parse_ok("environment=\"FOOBAR=1\",environment=\"FOO=2\"", NULL);
	assert_int_equal(o->nenv, 2);
	authopts_free(o);
}

static void
test_permit(void **state)
{
	static const struct {
		const char *entry;
		int listen;
		const char *host;
		int port;
	} ok[] = {
		{ "host:22", 0, "host", 22 },
		{ "127.0.0.1:65535", 0, "127.0.0.1", 65535 },
		{ "[::1]:22", 0, "::1", 22 },
		{ "[2001:db8::1]:*", 0, "2001:db8::1", -1 },
		{ "*:*", 0, "*", -1 },
		{ "*:80", 0, "*", 80 },
		{ "host:*", 0, "host", -1 },
		{ "8080", 1, "*", 8080 },
		{ "*", 1, "*", -1 },
		{ "localhost:8080", 1, "localhost", 8080 },
		{ "[::]:1", 1, "::", 1 },
	};
	static const char *const bad_open[] = {
		"host", "8080", "*", ":1", "h:0", "h:", "[::1]", "[::1]:0",
		"a:b:1", "[x]:1", "[::1:1", "", "h:100000", "h: 1", "h:+1",
	};
	struct auth_opts *o;
	char host[64];
	size_t i;
	int port;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		port = 0;
		assert_int_equal(authopts_permit_split(ok[i].entry,
		    ok[i].listen, host, sizeof(host), &port), 0);
		assert_string_equal(host, ok[i].host);
		assert_int_equal(port, ok[i].port);
	}
	for (i = 0; i < sizeof(bad_open) / sizeof(bad_open[0]); i++) {
		if (authopts_permit_split(bad_open[i], 0, host, sizeof(host),
		    &port) != PC_ERR_INVALID_FORMAT) {
			print_error("accepted '%s'\n", bad_open[i]);
			fail();
		}
	}
	/* The host must fit. */
	assert_int_equal(authopts_permit_split("abcdefgh:1", 0, host, 8,
	    &port), PC_ERR_INVALID_FORMAT);
	assert_int_equal(authopts_permit_split("abcdefg:1", 0, host, 8,
	    &port), 0);

	/* Repeatable, kept as written, in order. */
	o = parse_ok("permitopen=\"host:22\",permitopen=\"[::1]:*\","
	    "permitlisten=\"8080\",PermitListen=\"localhost:9000\"", NULL);
	assert_int_equal(o->npermitopen, 2);
	assert_string_equal(o->permitopen[0], "host:22");
	assert_string_equal(o->permitopen[1], "[::1]:*");
	assert_int_equal(o->npermitlisten, 2);
	assert_string_equal(o->permitlisten[0], "8080");
	assert_string_equal(o->permitlisten[1], "localhost:9000");
	authopts_free(o);
}

/*
 * Many entries of a list option: all kept in order up to the line cap;
 * one more makes the string longer than AUTHOPTS_MAX_LINE.  (The list cap,
 * AUTHOPTS_MAX_LIST, is larger than the entries that fit in one line: it
 * bounds the lists whatever the line cap becomes.)
 */
static void
test_caps(void **state)
{
	static const char *const pre[] = {
		"permitopen=\"h:", "permitlisten=\"", "environment=\"V",
	};
	static const char *const post[] = { "\",", "\",", "=1\"," };
	struct auth_opts *o;
	const char *errstr;
	char *s, item[64];
	size_t i, j, n, fit, l;

	(void)state;
	s = malloc(AUTHOPTS_MAX_LINE + 64);
	assert_non_null(s);
	for (j = 0; j < sizeof(pre) / sizeof(pre[0]); j++) {
		n = 0;
		for (i = 1;; i++) {
			l = (size_t)snprintf(item, sizeof(item), "%s%u%s",
			    pre[j], (unsigned)i, post[j]);
			if (n + l - 1 > AUTHOPTS_MAX_LINE) {
				break;
			}
			memcpy(s + n, item, l);
			n += l;
		}
		fit = i - 1;
		/* Without the last comma: exactly what fits. */
		o = NULL;
		assert_int_equal(authopts_parse(s, n - 1, &o, NULL, &errstr),
		    0);
		l = j == 0 ? o->npermitopen : j == 1 ? o->npermitlisten :
		    o->nenv;
		assert_int_equal(l, fit);
		assert_true(fit > 100);
		authopts_free(o);
		/* One more entry: over the line cap. */
		memcpy(s + n, item, l = strlen(item));
		assert_int_equal(authopts_parse(s, n + l - 1, &o, NULL,
		    &errstr), PC_ERR_INVALID_FORMAT);
		assert_string_equal(errstr, "options too long");
		assert_null(o);
	}
	free(s);
}

static void
test_tunnel(void **state)
{
	struct auth_opts *o;

	(void)state;
	o = parse_ok("tunnel=\"0\"", NULL);
	assert_int_equal(o->force_tun_device, 0);
	authopts_free(o);
	o = parse_ok("tunnel=\"2147483645\"", NULL);
	assert_int_equal(o->force_tun_device, AUTHOPTS_TUN_MAX);
	authopts_free(o);
	o = parse_ok("Tunnel=\"any\"", NULL);
	assert_int_equal(o->force_tun_device, AUTHOPTS_TUN_ANY);
	authopts_free(o);
	/* Not refused when repeated (as sshd): the last wins. */
	o = parse_ok("tunnel=\"1\",tunnel=\"7\"", NULL);
	assert_int_equal(o->force_tun_device, 7);
	authopts_free(o);
}

static const struct {
	const char *from;
	const char *addr;
	const char *host;
	int ok;
} from_cases[] = {
	{ "192.0.2.1", "192.0.2.1", NULL, 1 },
	{ "192.0.2.1", "192.0.2.2", NULL, 0 },
	{ "192.0.2.0/24", "192.0.2.77", NULL, 1 },
	{ "192.0.2.0/24", "192.0.3.1", NULL, 0 },
	{ "192.0.2.0/24", "::ffff:192.0.2.9", NULL, 1 },
	{ "2001:db8::/32", "2001:db8:1::5", NULL, 1 },
	{ "2001:db8::/32", "2001:db9::5", NULL, 0 },
	{ "::1", "::1", NULL, 1 },
	{ "192.0.2.*", "192.0.2.200", NULL, 1 },
	{ "192.0.2.?", "192.0.2.20", NULL, 0 },
	{ "*", "198.51.100.1", NULL, 1 },
	/* Negation wins wherever it is. */
	{ "!192.0.2.5,192.0.2.0/24", "192.0.2.5", NULL, 0 },
	{ "192.0.2.0/24,!192.0.2.5", "192.0.2.5", NULL, 0 },
	{ "192.0.2.0/24,!192.0.2.5", "192.0.2.6", NULL, 1 },
	{ "!192.0.2.5", "192.0.2.6", NULL, 0 },	/* nothing positive */
	{ "*,!10.0.0.0/8", "10.1.2.3", NULL, 0 },
	{ "*,!10.0.0.0/8", "11.1.2.3", NULL, 1 },
	/* Host patterns match the host name, case-insensitively. */
	{ "*.example.com", "192.0.2.1", "shell.example.com", 1 },
	{ "*.EXAMPLE.com", "192.0.2.1", "Shell.Example.COM", 1 },
	{ "*.example.com", "192.0.2.1", "example.org", 0 },
	{ "*.example.com", "192.0.2.1", NULL, 0 },
	{ "*.example.com,!bad.example.com", "192.0.2.1",
	    "bad.example.com", 0 },
	{ "*.example.com,10.0.0.0/8", "10.9.9.9", "other.net", 1 },
	{ "host?.lan", "192.0.2.1", "host1.lan", 1 },
	/* A negated host refuses even if the address matches. */
	{ "192.0.2.0/24,!evil.lan", "192.0.2.1", "evil.lan", 0 },
	/* A literal address does not match a host name spelled the same
	 * way only by text games: it is compared as an address. */
	{ "192.0.2.1", "::ffff:192.0.2.1", NULL, 1 },
};

static void
test_from(void **state)
{
	struct auth_opts *o;
	char buf[256];
	const char *why;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(from_cases) / sizeof(from_cases[0]); i++) {
		snprintf(buf, sizeof(buf), "from=\"%s\"", from_cases[i].from);
		o = parse_ok(buf, NULL);
		why = "unset";
		r = authopts_check_from(o, from_cases[i].addr,
		    from_cases[i].host, &why);
		if ((r == 0) != from_cases[i].ok) {
			print_error("case %zu: %s vs %s/%s: %d\n", i,
			    from_cases[i].from, from_cases[i].addr,
			    from_cases[i].host ? from_cases[i].host : "-", r);
		}
		if (from_cases[i].ok) {
			assert_int_equal(r, 0);
			assert_null(why);
		} else {
			assert_int_equal(r, PC_ERR_AUTH_FAILED);
			assert_string_equal(why, "not from a permitted host");
		}
		authopts_free(o);
	}
	/* No from=: anything goes. */
	o = parse_ok("", NULL);
	assert_int_equal(authopts_check_from(o, "192.0.2.1", NULL, &why), 0);
	/* A list that would not parse (set by hand) refuses. */
	o->required_from_host_keys = strdup("10.0.0.1/8");
	assert_int_equal(authopts_check_from(o, "10.0.0.1", NULL, &why),
	    PC_ERR_AUTH_FAILED);
	assert_string_equal(why, "invalid from= list");
	authopts_free(o);
	assert_int_equal(authopts_check_from(NULL, "1.2.3.4", NULL, &why),
	    PC_ERR_INVALID_ARGUMENT);
}

static struct auth_opts *
cert_with(const char *const *ext, size_t next)
{
	struct auth_opts *c = NULL;
	size_t i;

	assert_int_equal(authopts_cert_defaults(&c), 0);
	for (i = 0; i < next; i++) {
		assert_int_equal(authopts_cert_extension(c, ext[i]), 0);
	}
	return c;
}

static void
test_cert(void **state)
{
	static const char *const all[] = {
		"permit-X11-forwarding", "permit-agent-forwarding",
		"permit-port-forwarding", "permit-pty", "permit-user-rc",
	};
	static const int one_flag[] = {
		F_X11, F_AGENT, F_PORT, F_PTY, F_RC,
	};
	static const char *const some[] = {
		"permit-pty", "no-touch-required", "unknown@example.com",
		"permit-x11-forwarding",	/* wrong case: unknown */
	};
	struct auth_opts *c;
	const char *why;
	size_t i;

	(void)state;
	c = cert_with(all, 5);
	assert_int_equal(flags_of(c), F_ALL);
	authopts_free(c);
	for (i = 0; i < 5; i++) {
		c = cert_with(&all[i], 1);
		assert_int_equal(flags_of(c), one_flag[i]);
		authopts_free(c);
	}
	c = cert_with(some, 4);
	assert_int_equal(flags_of(c), F_PTY);
	assert_int_equal(authopts_cert_extension(c, NULL),
	    PC_ERR_INVALID_ARGUMENT);

	/* Critical options. */
	assert_int_equal(authopts_cert_critical(c, "force-command",
	    "/bin/true"), 0);
	assert_string_equal(c->force_command, "/bin/true");
	assert_int_equal(authopts_cert_critical(c, "force-command",
	    "/bin/true"), PC_ERR_CERT_INVALID);
	assert_int_equal(authopts_cert_critical(c, "source-address",
	    "192.0.2.0/24,2001:db8::/32"), 0);
	assert_int_equal(authopts_cert_critical(c, "source-address",
	    "192.0.2.0/24"), PC_ERR_CERT_INVALID);
	assert_int_equal(authopts_check_from(c, "192.0.2.9", NULL, &why), 0);
	assert_int_equal(authopts_check_from(c, "2001:db8::9", NULL, &why),
	    0);
	/* source-address mismatch. */
	assert_int_equal(authopts_check_from(c, "198.51.100.1", NULL, &why),
	    PC_ERR_AUTH_FAILED);
	assert_string_equal(why, "not from a permitted source address");
	assert_int_equal(authopts_cert_critical(c, "verify-required", ""),
	    PC_ERR_CERT_INVALID);
	assert_int_equal(authopts_cert_critical(c, "no-such@example.com",
	    ""), PC_ERR_CERT_INVALID);
	assert_int_equal(authopts_cert_critical(c, "permit-pty", ""),
	    PC_ERR_CERT_INVALID);	/* an extension, not critical */
	assert_int_equal(authopts_cert_critical(c, "Force-Command", "x"),
	    PC_ERR_CERT_INVALID);
	assert_int_equal(authopts_cert_critical(c, NULL, "x"),
	    PC_ERR_INVALID_ARGUMENT);
	authopts_free(c);

	/* source-address must be a strict CIDR list. */
	static const char *const bad_sa[] = {
		"", "192.0.2.1/8", "192.0.2.*", "host.example.com", "1.2.3.4,",
		"::1/200",
	};
	for (i = 0; i < sizeof(bad_sa) / sizeof(bad_sa[0]); i++) {
		assert_int_equal(authopts_cert_defaults(&c), 0);
		assert_int_equal(authopts_cert_critical(c, "source-address",
		    bad_sa[i]), PC_ERR_CERT_INVALID);
		assert_null(c->required_from_host_cert);
		authopts_free(c);
	}
}

static void
test_merge(void **state)
{
	struct auth_opts *k, *c, *m = NULL;
	const char *errstr;

	(void)state;
	/* Flags: AND. */
	k = parse_ok("no-pty,no-agent-forwarding", NULL);
	c = cert_with((const char *const[]){ "permit-pty", "permit-user-rc",
	    "permit-agent-forwarding", "permit-X11-forwarding" }, 4);
	assert_int_equal(authopts_merge(k, c, &m, &errstr), 0);
	assert_int_equal(flags_of(m), F_X11 | F_RC);
	assert_int_equal(m->force_tun_device, -1);
	authopts_free(m);
	authopts_free(c);

	/* Forced commands: equal is fine, different is a conflict. */
	c = cert_with(NULL, 0);
	assert_int_equal(authopts_cert_critical(c, "force-command", "ls"), 0);
	assert_int_equal(authopts_merge(k, c, &m, &errstr), 0);
	assert_string_equal(m->force_command, "ls");	/* one side */
	authopts_free(m);
	authopts_free(k);
	k = parse_ok("command=\"ls\"", NULL);
	assert_int_equal(authopts_merge(k, c, &m, &errstr), 0);
	assert_string_equal(m->force_command, "ls");
	authopts_free(m);
	authopts_free(k);
	k = parse_ok("command=\"rm -rf\"", NULL);
	m = (struct auth_opts *)&errstr;
	assert_int_equal(authopts_merge(k, c, &m, &errstr),
	    PC_ERR_AUTH_FAILED);
	assert_null(m);
	assert_string_equal(errstr, "forced command conflict");
	authopts_free(k);
	authopts_free(c);

	/* Expiry: the earlier, either side, 0 being none. */
	k = parse_ok("expiry-time=\"20300101Z\"", NULL);
	c = cert_with(NULL, 0);
	assert_int_equal(authopts_merge(k, c, &m, &errstr), 0);
	assert_true(m->valid_before == 1893456000ULL);
	authopts_free(m);
	assert_int_equal(authopts_merge(c, k, &m, &errstr), 0);
	assert_true(m->valid_before == 1893456000ULL);
	authopts_free(m);
	c->valid_before = 1000;
	assert_int_equal(authopts_merge(k, c, &m, &errstr), 0);
	assert_true(m->valid_before == 1000);
	authopts_free(m);
	c->valid_before = 2000000000ULL;
	assert_int_equal(authopts_merge(k, c, &m, &errstr), 0);
	assert_true(m->valid_before == 1893456000ULL);
	authopts_free(m);
	authopts_free(k);
	authopts_free(c);

	/* Lists: primary's if it has any, else additional's. */
	k = parse_ok("permitopen=\"a:1\",environment=\"A=1\",tunnel=\"3\","
	    "cert-authority,principals=\"p\",from=\"10.0.0.0/8\"", NULL);
	c = parse_ok("permitopen=\"b:2\",permitopen=\"c:3\","
	    "permitlisten=\"99\",environment=\"B=2\",tunnel=\"4\"", NULL);
	assert_int_equal(authopts_merge(k, c, &m, &errstr), 0);
	assert_int_equal(m->npermitopen, 1);
	assert_string_equal(m->permitopen[0], "a:1");
	assert_int_equal(m->npermitlisten, 1);
	assert_string_equal(m->permitlisten[0], "99");
	assert_int_equal(m->nenv, 1);
	assert_string_equal(m->env[0], "A=1");
	assert_int_equal(m->force_tun_device, 3);
	/* cert_authority and principals are not carried over. */
	assert_int_equal(m->cert_authority, 0);
	assert_null(m->cert_principals);
	assert_string_equal(m->required_from_host_keys, "10.0.0.0/8");
	authopts_free(m);
	assert_int_equal(authopts_merge(c, k, &m, &errstr), 0);
	assert_int_equal(m->npermitopen, 2);
	assert_int_equal(m->force_tun_device, 4);
	assert_string_equal(m->env[0], "B=2");
	authopts_free(m);
	authopts_free(c);

	/* from= from one side and source-address from the other: both. */
	c = cert_with(NULL, 0);
	assert_int_equal(authopts_cert_critical(c, "source-address",
	    "10.1.0.0/16"), 0);
	assert_int_equal(authopts_merge(k, c, &m, &errstr), 0);
	assert_string_equal(m->required_from_host_keys, "10.0.0.0/8");
	assert_string_equal(m->required_from_host_cert, "10.1.0.0/16");
	assert_int_equal(authopts_check_from(m, "10.1.2.3", NULL, &errstr),
	    0);
	assert_int_equal(authopts_check_from(m, "10.2.2.3", NULL, &errstr),
	    PC_ERR_AUTH_FAILED);
	authopts_free(m);
	authopts_free(c);
	/* Two different from= lists: neither narrows the other. */
	c = parse_ok("from=\"192.0.2.0/24\"", NULL);
	assert_int_equal(authopts_merge(k, c, &m, &errstr),
	    PC_ERR_AUTH_FAILED);
	assert_string_equal(errstr, "from= conflict");
	authopts_free(c);
	/* restricted is kept. */
	c = parse_ok("restrict", NULL);
	assert_int_equal(authopts_merge(k, c, &m, &errstr), 0);
	assert_int_equal(m->restricted, 1);
	assert_int_equal(flags_of(m), 0);
	authopts_free(m);
	authopts_free(c);
	authopts_free(k);

	assert_int_equal(authopts_merge(NULL, NULL, &m, &errstr),
	    PC_ERR_INVALID_ARGUMENT);
}

static void
test_dup(void **state)
{
	struct auth_opts *o, *d;

	(void)state;
	o = parse_ok("restrict,pty,command=\"x\",from=\"*\",principals=\"a\","
	    "cert-authority,environment=\"A=1\",permitopen=\"h:1\","
	    "permitlisten=\"2\",tunnel=\"5\",expiry-time=\"20300101Z\"",
	    NULL);
	o->required_from_host_cert = strdup("10.0.0.0/8");
	d = authopts_dup(o);
	assert_non_null(d);
	assert_int_equal(flags_of(d), flags_of(o));
	assert_int_equal(d->restricted, 1);
	assert_int_equal(d->cert_authority, 1);
	assert_int_equal(d->force_tun_device, 5);
	assert_true(d->valid_before == o->valid_before);
	assert_string_equal(d->force_command, "x");
	assert_ptr_not_equal(d->force_command, o->force_command);
	assert_string_equal(d->required_from_host_keys, "*");
	assert_string_equal(d->required_from_host_cert, "10.0.0.0/8");
	assert_string_equal(d->cert_principals, "a");
	assert_int_equal(d->nenv, 1);
	assert_string_equal(d->env[0], "A=1");
	assert_string_equal(d->permitopen[0], "h:1");
	assert_string_equal(d->permitlisten[0], "2");
	authopts_free(o);
	authopts_free(d);
	assert_null(authopts_dup(NULL));
}

static int
setup(void **state)
{
	struct log_settings s = {
		.ident = "test_authopts",
		.level = LOG_LEVEL_QUIET,
		.fd = -1,
	};

	(void)state;
	log_init(&s);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_permit),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_tunnel),
		cmocka_unit_test(test_from),
		cmocka_unit_test(test_cert),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_dup),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
