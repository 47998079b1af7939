/*
 * Unit tests for auth/authkeys.c: authorized_keys lines (sshd(8)
 * "AUTHORIZED_KEYS FILE FORMAT") with the ssh-keygen fixtures of
 * tests/data/keys, the search of whole files (malformed lines logged with
 * PATH:LINE and never matching, from= and expiry-time= refusals, CA
 * lines), and AuthorizedPrincipalsFile matching.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "authkeys.h"
#include "key.h"
#include "log.h"
#include "rand.h"

#define FIXDIR	"tests/data/keys/"

static const char *const fixture_names[] = {
	"ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa2048", "rsa3072",
};
#define NFIX	(sizeof(fixture_names) / sizeof(fixture_names[0]))

/* "type base64" of each fixture (no comment), and its key. */
static char *fix_line[NFIX];
static struct pc_key *fix_key[NFIX];
static int log_rfd = -1, log_wfd = -1;

static char *
read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Everything logged since the last call (at most 64 KiB). */
static char *
logged(void)
{
	static char buf[65536];
	ssize_t n;
	size_t off = 0;

	while (off < sizeof(buf) - 1 &&
	    (n = read(log_rfd, buf + off, sizeof(buf) - 1 - off)) > 0) {
		off += (size_t)n;
	}
	buf[off] = '\0';
	return buf;
}

static int
setup(void **state)
{
	struct log_settings s = {
		.ident = "test_authkeys",
		.level = LOG_LEVEL_INFO,
		.to_stderr = 0,
		.to_syslog = 0,
		.facility = LOG_AUTH,
		.fd = -1,
	};
	int fds[2];
	char path[128], *text, *sp;
	size_t i;

	(void)state;
	if (crypto_lib_init() != 0 || pipe(fds) != 0 ||
	    fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0) {
		return -1;
	}
	log_rfd = fds[0];
	log_wfd = fds[1];
	s.fd = log_wfd;
	log_init(&s);
	for (i = 0; i < NFIX; i++) {
		snprintf(path, sizeof(path), FIXDIR "%s.pub",
		    fixture_names[i]);
		text = read_text(path);
		if (key_from_public_line(text, &fix_key[i], NULL) != 0) {
			return -1;
		}
		/* Keep "type base64": cut at the second blank. */
		sp = strchr(text, ' ');
		if (sp == NULL || (sp = strchr(sp + 1, ' ')) == NULL) {
			return -1;
		}
		*sp = '\0';
		fix_line[i] = text;
	}
	return 0;
}

static int
teardown(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NFIX; i++) {
		free(fix_line[i]);
		key_free(fix_key[i]);
	}
	close(log_rfd);
	close(log_wfd);
	return 0;
}

/* Replace each "KEY" in tmpl with s into a fresh buffer. */
static char *
subst(const char *tmpl, const char *s)
{
	size_t cap = strlen(tmpl) * 2 + 4 * strlen(s) + 1, n = 0;
	char *out = malloc(cap);
	const char *p;

	assert_non_null(out);
	for (p = tmpl; *p != '\0';) {
		if (strncmp(p, "KEY", 3) == 0) {
			assert_true(n + strlen(s) < cap);
			memcpy(out + n, s, strlen(s));
			n += strlen(s);
			p += 3;
		} else {
			assert_true(n + 1 < cap);
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	return out;
}

static const struct {
	const char *tmpl;	/* KEY: the ed25519 fixture's type and blob */
	int r;
	const char *comment;	/* or errstr when r != 0 */
	int pty;
	int ca;
} line_cases[] = {
	{ "KEY", 0, "", 1, 0 },
	{ "KEY fixture comment", 0, "fixture comment", 1, 0 },
	{ "KEY  two  blanks ", 0, "two  blanks", 1, 0 },
	{ " \t KEY leading blanks", 0, "leading blanks", 1, 0 },
	{ "KEY c\n", 0, "c", 1, 0 },
	{ "KEY c\r\n", 0, "c", 1, 0 },
	{ "no-pty KEY c", 0, "c", 0, 0 },
	{ "NO-PTY\tKEY", 0, "", 0, 0 },
	{ "restrict,pty,command=\"echo a b\" KEY x", 0, "x", 1, 0 },
	{ "from=\"10.0.0.0/8\",no-pty KEY", 0, "", 0, 0 },
	{ "cert-authority KEY ca", 0, "ca", 1, 1 },
	{ "cert-authority,principals=\"a,b\" KEY", 0, "", 1, 1 },
	{ "no-pty, KEY", 0, "", 0, 0 },
	{ "", PC_ERR_NOT_FOUND, NULL, 0, 0 },
	{ "\n", PC_ERR_NOT_FOUND, NULL, 0, 0 },
	{ " \t ", PC_ERR_NOT_FOUND, NULL, 0, 0 },
	{ "# KEY", PC_ERR_NOT_FOUND, NULL, 0, 0 },
	{ "   #comment", PC_ERR_NOT_FOUND, NULL, 0, 0 },
	{ "bogus KEY", PC_ERR_INVALID_FORMAT, "unknown option", 0, 0 },
	{ "no-pty,bogus KEY", PC_ERR_INVALID_FORMAT, "unknown option", 0, 0 },
	{ "command=\"x KEY", PC_ERR_INVALID_FORMAT, "missing end quote", 0,
	    0 },
	{ "command=\"a\",command=\"b\" KEY", PC_ERR_INVALID_FORMAT,
	    "duplicate command", 0, 0 },
	{ "expiry-time=\"2030\" KEY", PC_ERR_INVALID_FORMAT,
	    "bad expiry-time", 0, 0 },
	{ "no-pty", PC_ERR_INVALID_FORMAT, "missing key", 0, 0 },
	{ "no-pty \t", PC_ERR_INVALID_FORMAT, "missing key", 0, 0 },
	{ "no-pty AAAA", PC_ERR_INVALID_FORMAT, "unknown key type", 0, 0 },
	{ "no-pty no-pty KEY", PC_ERR_INVALID_FORMAT, "unknown key type", 0,
	    0 },
	{ "ssh-ed25519", PC_ERR_INVALID_FORMAT, "bad key", 0, 0 },
	{ "ssh-ed25519 ", PC_ERR_INVALID_FORMAT, "bad key", 0, 0 },
	{ "ssh-ed25519 !!!!", PC_ERR_INVALID_FORMAT, "bad key", 0, 0 },
	{ "KEYx", PC_ERR_INVALID_FORMAT, "bad key", 0, 0 },
	{ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIErPvJBh+v2SdbDR", 0,
	    "bad key", 0, 0 },	/* truncated: r fixed up below */
	{ "ssh-ed25519-cert-v01@openssh.com AAAA", PC_ERR_INVALID_FORMAT,
	    "certificate in place of a key", 0, 0 },
	{ "no-pty ssh-rsa-cert-v01@openssh.com AAAA", PC_ERR_INVALID_FORMAT,
	    "certificate in place of a key", 0, 0 },
	{ "ssh-dss AAAAB3NzaC1kc3M=", PC_ERR_KEY_TYPE_UNKNOWN,
	    "unsupported key type", 0, 0 },
	{ "no-pty sk-ssh-ed25519@openssh.com AAAA", PC_ERR_KEY_TYPE_UNKNOWN,
	    "unsupported key type", 0, 0 },
};

static void
test_parse_lines(void **state)
{
	struct authkeys_line l;
	const char *errstr;
	char *line;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(line_cases) / sizeof(line_cases[0]); i++) {
		line = subst(line_cases[i].tmpl, fix_line[0]);
		errstr = "unset";
		memset(&l, 0xa5, sizeof(l));
		r = authkeys_parse_line(line, &l, &errstr);
		if (line_cases[i].comment != NULL &&
		    strcmp(line_cases[i].comment, "bad key") == 0 &&
		    line_cases[i].r == 0) {
			/* Truncated blob: some wire-format error. */
			assert_true(r < 0 && r != PC_ERR_NOT_FOUND);
			assert_string_equal(errstr, "bad key");
			assert_null(l.opts);
			free(line);
			continue;
		}
		if (r != line_cases[i].r) {
			print_error("case %zu '%s': %d (%s)\n", i,
			    line_cases[i].tmpl, r,
			    errstr != NULL ? errstr : "-");
		}
		assert_int_equal(r, line_cases[i].r);
		if (r == 0) {
			assert_null(errstr);
			assert_non_null(l.opts);
			assert_true(key_equal_public(l.key, fix_key[0]));
			assert_string_equal(l.comment, line_cases[i].comment);
			assert_int_equal(l.opts->permit_pty,
			    line_cases[i].pty);
			assert_int_equal(l.is_cert_authority,
			    line_cases[i].ca);
		} else {
			assert_null(l.opts);
			assert_null(l.key);
			assert_null(l.comment);
			if (line_cases[i].comment != NULL) {
				assert_string_equal(errstr,
				    line_cases[i].comment);
			}
		}
		authkeys_line_clear(&l);
		free(line);
	}
	assert_int_equal(authkeys_parse_line(NULL, &l, &errstr),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(authkeys_parse_line("x", NULL, &errstr),
	    PC_ERR_INVALID_ARGUMENT);
	authkeys_line_clear(NULL);
}

/* Every fixture key, bare and with options; the type word must be the
 * blob's. */
static void
test_fixture_keys(void **state)
{
	struct authkeys_line l;
	const char *errstr;
	char *line, *sp, buf[8192];
	size_t i;

	(void)state;
	for (i = 0; i < NFIX; i++) {
		assert_int_equal(authkeys_parse_line(fix_line[i], &l, &errstr),
		    0);
		assert_true(key_equal_public(l.key, fix_key[i]));
		assert_false(key_equal_public(l.key,
		    fix_key[(i + 1) % NFIX]));
		authkeys_line_clear(&l);

		snprintf(buf, sizeof(buf), "restrict,permitopen=\"h:22\" %s "
		    "user@host", fix_line[i]);
		assert_int_equal(authkeys_parse_line(buf, &l, &errstr), 0);
		assert_true(key_equal_public(l.key, fix_key[i]));
		assert_string_equal(l.comment, "user@host");
		assert_int_equal(l.opts->npermitopen, 1);
		assert_int_equal(l.opts->permit_pty, 0);
		authkeys_line_clear(&l);

		/* Another type word in front of this blob. */
		sp = strchr(fix_line[i], ' ');
		snprintf(buf, sizeof(buf), "%s%s",
		    i == 0 ? "ssh-rsa" : "ssh-ed25519", sp);
		assert_int_equal(authkeys_parse_line(buf, &l, &errstr),
		    PC_ERR_KEY_TYPE_UNKNOWN);
		assert_string_equal(errstr, "key type does not match the key");
	}
	/* The real .pub file, comment and newline included. */
	line = read_text(FIXDIR "rsa3072.pub");
	assert_int_equal(authkeys_parse_line(line, &l, &errstr), 0);
	assert_string_equal(l.comment, "fixture-rsa3072");
	authkeys_line_clear(&l);
	free(line);
}

static void
test_line_too_long(void **state)
{
	struct authkeys_line l;
	const char *errstr;
	char *line;
	size_t n;

	(void)state;
	/* A valid key with a comment padding the line to the cap. */
	n = AUTHKEYS_MAX_LINE;
	line = malloc(n + 3);
	assert_non_null(line);
	memset(line, 'c', n + 2);
	memcpy(line, fix_line[0], strlen(fix_line[0]));
	line[strlen(fix_line[0])] = ' ';
	line[n] = '\0';
	assert_int_equal(authkeys_parse_line(line, &l, &errstr), 0);
	authkeys_line_clear(&l);
	/* With its newline, one more byte is fine. */
	line[n] = '\n';
	line[n + 1] = '\0';
	assert_int_equal(authkeys_parse_line(line, &l, &errstr), 0);
	authkeys_line_clear(&l);
	/* One byte over. */
	line[n] = 'c';
	line[n + 1] = '\0';
	assert_int_equal(authkeys_parse_line(line, &l, &errstr),
	    PC_ERR_STRING_TOO_LARGE);
	assert_string_equal(errstr, "line too long");
	free(line);
}

/* An exact-size heap copy (no NUL), so a read past len is caught. */
static char *
exact(const char *s, size_t *len)
{
	char *p;

	*len = strlen(s);
	p = malloc(*len == 0 ? 1 : *len);
	assert_non_null(p);
	memcpy(p, s, *len);
	return p;
}

static int
find(const char *file, const struct pc_key *k, int want_ca,
    const char *addr, const char *host, uint64_t now,
    struct authkeys_match *m)
{
	struct authkeys_query q = {
		.key = k, .want_ca = want_ca, .addr = addr, .host = host,
		.now = now,
	};
	size_t len;
	char *buf = exact(file, &len);
	int r;

	r = authkeys_find(buf, len, "/home/u/.ssh/authorized_keys", &q, m);
	free(buf);
	return r;
}

static char *
make_file(const char *tmpl)
{
	/* @0..@5 stand for the fixtures' "type base64". */
	char *out, *tmp, tag[8];
	size_t i;

	out = strdup(tmpl);
	assert_non_null(out);
	for (i = 0; i < NFIX; i++) {
		snprintf(tag, sizeof(tag), "@%zu", i);
		while (strstr(out, tag) != NULL) {
			char *at = strstr(out, tag);
			size_t pre = (size_t)(at - out);

			tmp = malloc(strlen(out) + strlen(fix_line[i]) + 1);
			assert_non_null(tmp);
			memcpy(tmp, out, pre);
			strcpy(tmp + pre, fix_line[i]);
			strcat(tmp, at + strlen(tag));
			free(out);
			out = tmp;
		}
	}
	return out;
}

static void
test_find_basic(void **state)
{
	struct authkeys_match m;
	char *f;
	size_t i;

	(void)state;
	(void)logged();
	f = make_file("# authorized_keys\n"
	    "\n"
	    "@0 ed\n"
	    "no-pty @1 ec256\n"
	    "  @2\n"
	    "command=\"date\" @3 ec521\n"
	    "@4 rsa\n"
	    "cert-authority @5 ca");
	for (i = 0; i < 5; i++) {
		assert_int_equal(find(f, fix_key[i], 0, "192.0.2.1", NULL, 0,
		    &m), 0);
		assert_int_equal(m.line, i + 3);
		assert_non_null(m.opts);
		assert_int_equal(m.opts->permit_pty, i == 1 ? 0 : 1);
		if (i == 3) {
			assert_string_equal(m.opts->force_command, "date");
		}
		authkeys_match_clear(&m);
		assert_null(m.opts);
	}
	/* A CA line matches only a CA query, and the other way round. */
	assert_int_equal(find(f, fix_key[5], 0, "192.0.2.1", NULL, 0, &m),
	    PC_ERR_NOT_FOUND);
	assert_null(m.opts);
	assert_int_equal(find(f, fix_key[5], 1, "192.0.2.1", NULL, 0, &m), 0);
	assert_int_equal(m.line, 8);
	assert_int_equal(m.opts->cert_authority, 1);
	authkeys_match_clear(&m);
	assert_int_equal(find(f, fix_key[0], 1, "192.0.2.1", NULL, 0, &m),
	    PC_ERR_NOT_FOUND);
	free(f);
	/* Nothing malformed: nothing logged. */
	assert_string_equal(logged(), "");

	/* Empty contents, CRLF lines, no final newline. */
	assert_int_equal(find("", fix_key[0], 0, "192.0.2.1", NULL, 0, &m),
	    PC_ERR_NOT_FOUND);
	f = make_file("no-pty @1 a\r\n@0 b\r\n");
	assert_int_equal(find(f, fix_key[0], 0, "192.0.2.1", NULL, 0, &m), 0);
	assert_int_equal(m.line, 2);
	authkeys_match_clear(&m);
	free(f);

	/* Bad arguments. */
	assert_int_equal(find("x", NULL, 0, "192.0.2.1", NULL, 0, &m),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(find("x", fix_key[0], 0, NULL, NULL, 0, &m),
	    PC_ERR_INVALID_ARGUMENT);
}

static void
test_find_malformed(void **state)
{
	struct authkeys_match m;
	char *f, *log;

	(void)state;
	(void)logged();
	/* The same key on a malformed line 2 and a good line 4. */
	f = make_file("@1\n"
	    "no-pty,frob @0 bad option\n"
	    "#\n"
	    "from=\"*\" @0 good\n");
	assert_int_equal(find(f, fix_key[0], 0, "192.0.2.1", NULL, 0, &m), 0);
	assert_int_equal(m.line, 4);
	authkeys_match_clear(&m);
	log = logged();
	assert_non_null(strstr(log,
	    "/home/u/.ssh/authorized_keys:2: unknown option"));
	free(f);

	/* Only malformed lines for the key: never a match, each logged. */
	f = make_file("command=\"a\",command=\"b\" @0\n"
	    "@0trailing\n"
	    "@2\n"
	    "expiry-time=\"20301399\" @0\n"
	    "ssh-ed25519-cert-v01@openssh.com AAAA\n"
	    "ssh-dss AAAA\n");
	assert_int_equal(find(f, fix_key[0], 0, "192.0.2.1", NULL, 0, &m),
	    PC_ERR_NOT_FOUND);
	assert_null(m.opts);
	log = logged();
	assert_non_null(strstr(log, "authorized_keys:1: duplicate command"));
	assert_non_null(strstr(log, "authorized_keys:2: bad key"));
	assert_null(strstr(log, "authorized_keys:3:"));
	assert_non_null(strstr(log, "authorized_keys:4: bad expiry-time"));
	assert_non_null(strstr(log,
	    "authorized_keys:5: certificate in place of a key"));
	/* An unsupported type is not an error (logged at debug only). */
	assert_null(strstr(log, "authorized_keys:6:"));
	free(f);
}

static void
test_find_caps(void **state)
{
	struct authkeys_match m;
	char *f, *log, *big;
	size_t n, len, fl;

	(void)state;
	(void)logged();
	/* A line over the cap, then the key: the long line is skipped. */
	fl = strlen(fix_line[0]);
	n = AUTHKEYS_MAX_LINE + 10;
	big = malloc(n + fl + 16);
	assert_non_null(big);
	memcpy(big, fix_line[0], fl);
	memset(big + fl, 'x', n - fl);
	big[fl] = ' ';
	big[n] = '\n';
	memcpy(big + n + 1, fix_line[0], fl);
	big[n + 1 + fl] = '\0';
	assert_int_equal(find(big, fix_key[0], 0, "192.0.2.1", NULL, 0, &m),
	    0);
	assert_int_equal(m.line, 2);
	authkeys_match_clear(&m);
	log = logged();
	assert_non_null(strstr(log, "authorized_keys:1: line too long"));
	free(big);

	/* A NUL inside a line: that line is refused, not cut short. */
	f = make_file("@0 a\n");
	len = strlen(f);
	f[fl] = '\0';	/* the blank before the comment */
	{
		struct authkeys_query q = {
			.key = fix_key[0], .addr = "192.0.2.1",
		};

		assert_int_equal(authkeys_find(f, len, "k", &q, &m),
		    PC_ERR_NOT_FOUND);
		/* len bounds the contents: the prefix alone is a line. */
		assert_int_equal(authkeys_find(f, fl, "k", &q, &m), 0);
		authkeys_match_clear(&m);
	}
	log = logged();
	assert_non_null(strstr(log, "k:1: NUL character in line"));
	free(f);
}

/* AUTHKEYS_MAX_LINES lines are read; the key just past them is not. */
static void
test_find_max_lines(void **state)
{
	struct authkeys_query q = { .addr = "192.0.2.1" };
	struct authkeys_match m;
	size_t fl = strlen(fix_line[0]), n, i;
	char *f;

	(void)state;
	(void)logged();
	q.key = fix_key[0];
	f = malloc(2 * (size_t)AUTHKEYS_MAX_LINES + fl);
	assert_non_null(f);
	/* AUTHKEYS_MAX_LINES - 1 comment lines, then the key. */
	for (i = 0, n = 0; i < AUTHKEYS_MAX_LINES - 1; i++) {
		f[n++] = '#';
		f[n++] = '\n';
	}
	memcpy(f + n, fix_line[0], fl);
	assert_int_equal(authkeys_find(f, n + fl, "k", &q, &m), 0);
	assert_int_equal(m.line, AUTHKEYS_MAX_LINES);
	authkeys_match_clear(&m);
	assert_string_equal(logged(), "");
	/* One more comment line pushes the key past the cap. */
	f[n++] = '#';
	f[n++] = '\n';
	memcpy(f + n, fix_line[0], fl);
	assert_int_equal(authkeys_find(f, n + fl, "k", &q, &m),
	    PC_ERR_NOT_FOUND);
	assert_non_null(strstr(logged(), "k: more than 1000000 lines"));
	free(f);
}

static void
test_find_restrictions(void **state)
{
	struct authkeys_match m;
	char *f, *log;
	uint64_t now = (uint64_t)time(NULL);

	(void)state;
	(void)logged();
	/* from= refuses line 1; the search goes on to line 2. */
	f = make_file("from=\"10.0.0.0/8\",command=\"one\" @0\n"
	    "from=\"192.0.2.0/24\",command=\"two\" @0\n");
	assert_int_equal(find(f, fix_key[0], 0, "192.0.2.7", NULL, now, &m),
	    0);
	assert_int_equal(m.line, 2);
	assert_string_equal(m.opts->force_command, "two");
	authkeys_match_clear(&m);
	log = logged();
	assert_non_null(strstr(log, "authorized_keys:1: matching key refused: "
	    "not from a permitted host"));
	assert_int_equal(find(f, fix_key[0], 0, "10.1.1.1", NULL, now, &m),
	    0);
	assert_int_equal(m.line, 1);
	authkeys_match_clear(&m);
	assert_int_equal(find(f, fix_key[0], 0, "198.51.100.1", NULL, now,
	    &m), PC_ERR_NOT_FOUND);
	log = logged();
	assert_non_null(strstr(log, "authorized_keys:1: matching key"));
	assert_non_null(strstr(log, "authorized_keys:2: matching key"));
	free(f);

	/* Host patterns and negation. */
	f = make_file("from=\"*.example.com,!bad.example.com\" @0\n");
	assert_int_equal(find(f, fix_key[0], 0, "192.0.2.1",
	    "ok.example.com", now, &m), 0);
	authkeys_match_clear(&m);
	assert_int_equal(find(f, fix_key[0], 0, "192.0.2.1",
	    "bad.example.com", now, &m), PC_ERR_NOT_FOUND);
	assert_int_equal(find(f, fix_key[0], 0, "192.0.2.1", NULL, now, &m),
	    PC_ERR_NOT_FOUND);
	free(f);

	/* Expiry in the past refused; in the future fine. */
	f = make_file("expiry-time=\"20000101\" @0\n"
	    "expiry-time=\"29991231\" @1\n");
	assert_int_equal(find(f, fix_key[0], 0, "192.0.2.1", NULL, now, &m),
	    PC_ERR_NOT_FOUND);
	log = logged();
	assert_non_null(strstr(log, "authorized_keys:1: matching key refused: "
	    "entry expired"));
	assert_int_equal(find(f, fix_key[1], 0, "192.0.2.1", NULL, now, &m),
	    0);
	assert_true(m.opts->valid_before > now);
	authkeys_match_clear(&m);
	free(f);

	/* principals= without cert-authority is refused (sshd). */
	f = make_file("principals=\"alice\" @0\n");
	assert_int_equal(find(f, fix_key[0], 0, "192.0.2.1", NULL, now, &m),
	    PC_ERR_NOT_FOUND);
	log = logged();
	assert_non_null(strstr(log, "principals on a key that is not a CA"));
	free(f);
	/* ... and kept for the caller on a CA line. */
	f = make_file("cert-authority,principals=\"alice,bob\" @5\n");
	assert_int_equal(find(f, fix_key[5], 1, "192.0.2.1", NULL, now, &m),
	    0);
	assert_string_equal(m.opts->cert_principals, "alice,bob");
	authkeys_match_clear(&m);
	free(f);
}

static int
find_principal(const char *file, const char *const *princ, size_t n,
    const char *addr, uint64_t now, struct authkeys_match *m)
{
	struct authkeys_query q = { .addr = addr, .now = now };
	size_t len;
	char *buf = exact(file, &len);
	int r;

	r = authkeys_find_principal(buf, len, "principals", princ, n, &q, m);
	free(buf);
	return r;
}

static void
test_principals(void **state)
{
	static const char file[] =
	    "# principals for u\n"
	    "\n"
	    "alice\n"
	    "  bob   # trailing comment\n"
	    "from=\"10.0.0.0/8\",no-pty carol\n"
	    "command=\"a b\"\tdave\r\n"
	    "expiry-time=\"20000101Z\" erin\n"
	    "cert-authority frank\n"
	    "principals=\"x\" grace\n"
	    "no-pty junk heidi\n"
	    "frob ivan\n"
	    "from=\"192.0.2.0/24\" carol\n";
	const char *const p_alice[] = { "nobody", "alice" };
	const char *const p_bob[] = { "bob" };
	const char *const p_carol[] = { "carol" };
	const char *const p_dave[] = { "dave" };
	const char *const p_none[] = { "mallory", "Alice", "alice ", "" };
	struct authkeys_match m;
	char *log;

	(void)state;
	(void)logged();
	assert_int_equal(find_principal(file, p_alice, 2, "192.0.2.1", 0, &m),
	    0);
	assert_int_equal(m.line, 3);
	assert_int_equal(m.opts->permit_pty, 1);
	authkeys_match_clear(&m);
	assert_int_equal(find_principal(file, p_bob, 1, "192.0.2.1", 0, &m),
	    0);
	assert_int_equal(m.line, 4);
	authkeys_match_clear(&m);
	/* carol from 10/8: line 5 with its options. */
	assert_int_equal(find_principal(file, p_carol, 1, "10.2.3.4", 0, &m),
	    0);
	assert_int_equal(m.line, 5);
	assert_int_equal(m.opts->permit_pty, 0);
	authkeys_match_clear(&m);
	/* carol from elsewhere: the first line naming her decides. */
	assert_int_equal(find_principal(file, p_carol, 1, "192.0.2.1", 0, &m),
	    PC_ERR_NOT_FOUND);
	log = logged();
	assert_non_null(strstr(log, "principals:5: principal \"carol\" "
	    "refused: not from a permitted host"));
	assert_int_equal(find_principal(file, p_dave, 1, "192.0.2.1", 0, &m),
	    0);
	assert_string_equal(m.opts->force_command, "a b");
	authkeys_match_clear(&m);
	assert_int_equal(find_principal(file, p_none, 4, "192.0.2.1", 0, &m),
	    PC_ERR_NOT_FOUND);
	assert_int_equal(find_principal(file, p_none, 0, "192.0.2.1", 0, &m),
	    PC_ERR_NOT_FOUND);

	(void)logged();
	{
		const char *const e[] = { "erin" }, *const f[] = { "frank" },
		    *const g[] = { "grace" }, *const h[] = { "heidi" },
		    *const i[] = { "ivan" };

		assert_int_equal(find_principal(file, e, 1, "192.0.2.1",
		    (uint64_t)time(NULL), &m), PC_ERR_NOT_FOUND);
		assert_int_equal(find_principal(file, f, 1, "192.0.2.1", 0,
		    &m), PC_ERR_NOT_FOUND);
		assert_int_equal(find_principal(file, g, 1, "192.0.2.1", 0,
		    &m), PC_ERR_NOT_FOUND);
		assert_int_equal(find_principal(file, h, 1, "192.0.2.1", 0,
		    &m), PC_ERR_NOT_FOUND);
		assert_int_equal(find_principal(file, i, 1, "192.0.2.1", 0,
		    &m), PC_ERR_NOT_FOUND);
	}
	log = logged();
	assert_non_null(strstr(log, "principals:7: principal \"erin\" "
	    "refused: entry expired"));
	assert_non_null(strstr(log, "principals:8: principal \"frank\" "
	    "refused: cert-authority not allowed here"));
	assert_non_null(strstr(log, "principals:9: principal \"grace\" "
	    "refused: principals on a key that is not a CA"));
	assert_non_null(strstr(log, "principals:10: junk after principal"));
	assert_non_null(strstr(log, "principals:11: unknown option"));

	/* A '#' anywhere starts a comment, as sshd reads this file. */
	assert_int_equal(find_principal("al#ice\n", p_alice, 2, "192.0.2.1",
	    0, &m), PC_ERR_NOT_FOUND);
	assert_int_equal(find_principal("alice#x\n", p_alice, 2, "192.0.2.1",
	    0, &m), 0);
	authkeys_match_clear(&m);
	/* Blank-only and CR-only lines are not principals. */
	assert_int_equal(find_principal(" \t\r\n\r\n", p_none, 4, "192.0.2.1",
	    0, &m), PC_ERR_NOT_FOUND);
	assert_int_equal(find_principal("x", NULL, 1, "192.0.2.1", 0, &m),
	    PC_ERR_INVALID_ARGUMENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_fixture_keys),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_find_basic),
		cmocka_unit_test(test_find_malformed),
		cmocka_unit_test(test_find_caps),
		cmocka_unit_test(test_find_max_lines),
		cmocka_unit_test(test_find_restrictions),
		cmocka_unit_test(test_principals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
