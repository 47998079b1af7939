/*
 * Unit tests for transport/version.c: the protocol version exchange of
 * RFC 4253 s. 4.2 (identification line syntax and length, lines before
 * it, byte-at-a-time input, and where the binary packets start).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "version.h"

/* Feed s in one chunk to a fresh state; return version_input's result. */
static int
feed(struct version_state *vs, int client, const void *s, size_t len,
    size_t *consumed)
{
	version_init(vs, client);
	return version_input(vs, s, len, consumed);
}

static int
feed_str(struct version_state *vs, int client, const char *s)
{
	size_t consumed;

	return feed(vs, client, s, strlen(s), &consumed);
}

static void
test_valid_crlf(void **state)
{
	static const char line[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
	struct version_state vs;
	size_t consumed = 99;

	(void)state;
	assert_int_equal(feed(&vs, 0, line, strlen(line), &consumed), 0);
	assert_int_equal(consumed, strlen(line));
	assert_true(vs.done);
	/* The stored identification has no CR LF. */
	assert_string_equal(vs.peer,
	    "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
	assert_string_equal(version_peer_software(&vs),
	    "OpenSSH_9.2p1 Debian-2+deb12u3");
	/* Once done, more input is not the exchange's. */
	assert_int_equal(version_input(&vs, (const uint8_t *)"x", 1,
	    &consumed), 0);
	assert_int_equal(consumed, 0);
}

static void
test_bare_lf(void **state)
{
	struct version_state vs;

	(void)state;
	/* RFC 4253 s. 4.2 asks for CR LF, but a bare LF is tolerated. */
	assert_int_equal(feed_str(&vs, 0, "SSH-2.0-x\n"), 0);
	assert_string_equal(vs.peer, "SSH-2.0-x");
	assert_string_equal(version_peer_software(&vs), "x");
}

static void
test_protocol_versions(void **state)
{
	struct version_state vs;

	(void)state;
	/* 1.99: a server compatible with both, which is 2.0 (s. 5.1). */
	assert_int_equal(feed_str(&vs, 1, "SSH-1.99-old\r\n"), 0);
	assert_string_equal(vs.peer, "SSH-1.99-old");
	assert_string_equal(version_peer_software(&vs), "old");
	assert_int_equal(feed_str(&vs, 0, "SSH-1.5-x\r\n"), PC_ERR_BANNER);
	assert_false(vs.done);
	assert_int_equal(feed_str(&vs, 0, "SSH-1.0-x\r\n"), PC_ERR_BANNER);
	assert_int_equal(feed_str(&vs, 0, "SSH-3.0-x\r\n"), PC_ERR_BANNER);
	assert_int_equal(feed_str(&vs, 0, "SSH-2.00-x\r\n"), PC_ERR_BANNER);
	assert_int_equal(feed_str(&vs, 0, "SSH-2.0x\r\n"), PC_ERR_BANNER);
	assert_int_equal(feed_str(&vs, 0, "SSH-\r\n"), PC_ERR_BANNER);
	/* Case matters: "ssh-" is not an identification line. */
	assert_int_equal(feed_str(&vs, 0, "ssh-2.0-x\r\n"), PC_ERR_BANNER);
}

static void
test_missing_software(void **state)
{
	struct version_state vs;

	(void)state;
	assert_int_equal(feed_str(&vs, 0, "SSH-2.0-\r\n"), PC_ERR_BANNER);
	assert_int_equal(feed_str(&vs, 0, "SSH-2.0- x\r\n"), PC_ERR_BANNER);
	assert_int_equal(feed_str(&vs, 0, "SSH-2.0-\n"), PC_ERR_BANNER);
	assert_int_equal(feed_str(&vs, 1, "SSH-1.99-\r\n"), PC_ERR_BANNER);
	/* Comments after a space are fine once the software is there. */
	assert_int_equal(feed_str(&vs, 0, "SSH-2.0-x a comment\r\n"), 0);
	assert_string_equal(version_peer_software(&vs), "x a comment");
}

static void
test_bad_characters(void **state)
{
	static const char nul[] = "SSH-2.0-a\0b\r\n";
	struct version_state vs;
	size_t consumed;
	char line[32];
	int c;

	(void)state;
	assert_int_equal(feed(&vs, 0, nul, sizeof(nul) - 1, &consumed),
	    PC_ERR_BANNER);
	/* NUL is refused in a line before the identification too. */
	assert_int_equal(feed(&vs, 1, "hi\0\r\nSSH-2.0-x\r\n", 15,
	    &consumed), PC_ERR_BANNER);
	/* Every control character (but the line end) and DEL/8-bit. */
	for (c = 1; c < 0x20; c++) {
		if (c == '\n')
			continue;
		snprintf(line, sizeof(line), "SSH-2.0-a%cb\r\n", c);
		assert_int_equal(feed_str(&vs, 0, line), PC_ERR_BANNER);
	}
	assert_int_equal(feed_str(&vs, 0, "SSH-2.0-a\x7f\r\n"), PC_ERR_BANNER);
	assert_int_equal(feed_str(&vs, 0, "SSH-2.0-a\xc3\xa9\r\n"),
	    PC_ERR_BANNER);
	/* A stray CR before CR LF is a control character, not a line end. */
	assert_int_equal(feed_str(&vs, 0, "SSH-2.0-a\r\r\n"), PC_ERR_BANNER);
	/* The lowest and highest printable characters are fine. */
	assert_int_equal(feed_str(&vs, 0, "SSH-2.0-!~ ~\r\n"), 0);
}

/* An identification line of total bytes, CR LF included. */
static void
make_line(char *buf, size_t total, int crlf)
{
	size_t body = total - (crlf ? 2 : 1);

	memcpy(buf, "SSH-2.0-", 8);
	memset(buf + 8, 'v', body - 8);
	if (crlf) {
		buf[body] = '\r';
		buf[body + 1] = '\n';
	} else
		buf[body] = '\n';
	buf[total] = '\0';
}

static void
test_length_limit(void **state)
{
	char buf[VERSION_MAX_LEN + 8];
	struct version_state vs;
	size_t consumed;
	int client;

	(void)state;
	for (client = 0; client <= 1; client++) {
		/* RFC 4253 s. 4.2: 255 characters including CR LF. */
		make_line(buf, VERSION_MAX_LEN, 1);
		assert_int_equal(strlen(buf), 255);
		assert_int_equal(feed(&vs, client, buf, 255, &consumed), 0);
		assert_int_equal(consumed, 255);
		assert_int_equal(strlen(vs.peer), 253);
		make_line(buf, VERSION_MAX_LEN + 1, 1);
		assert_int_equal(feed(&vs, client, buf, 256, &consumed),
		    PC_ERR_BANNER);
		assert_false(vs.done);
		/* Far too long, and no line end yet: refused before the
		 * end of the line is seen, on the server. */
		if (client == 0) {
			memset(buf, 'v', sizeof(buf));
			memcpy(buf, "SSH-2.0-", 8);
			assert_int_equal(feed(&vs, 0, buf, sizeof(buf),
			    &consumed), PC_ERR_BANNER);
		}
	}
}

static void
test_server_refuses_pre_lines(void **state)
{
	struct version_state vs;

	(void)state;
	/* Only a server may send lines before its identification. */
	assert_int_equal(feed_str(&vs, 0, "hello\r\nSSH-2.0-x\r\n"),
	    PC_ERR_BANNER);
	assert_int_equal(feed_str(&vs, 0, "\r\nSSH-2.0-x\r\n"), PC_ERR_BANNER);
	assert_int_equal(feed_str(&vs, 1, "hello\r\n\r\nSSH-2.0-x\r\n"), 0);
	assert_string_equal(vs.peer, "SSH-2.0-x");
	assert_int_equal(vs.pre_lines, 2);
}

/* Lines of text before the identification, as a client sees them. */
static int
client_with_pre_lines(unsigned n, size_t *consumed, size_t *total)
{
	static char buf[(VERSION_MAX_PRE_LINES + 2) * 8];
	struct version_state vs;
	size_t off = 0;
	unsigned i;
	int r;

	for (i = 0; i < n; i++) {
		memcpy(buf + off, "line\r\n", 6);
		off += 6;
	}
	memcpy(buf + off, "SSH-2.0-srv\r\n", 13);
	off += 13;
	*total = off;
	r = feed(&vs, 1, buf, off, consumed);
	if (r == 0) {
		assert_string_equal(vs.peer, "SSH-2.0-srv");
		assert_int_equal(vs.pre_lines, n);
	}
	return r;
}

static void
test_client_pre_line_cap(void **state)
{
	size_t consumed, total;

	(void)state;
	assert_int_equal(client_with_pre_lines(VERSION_MAX_PRE_LINES,
	    &consumed, &total), 0);
	assert_int_equal(consumed, total);
	assert_int_equal(client_with_pre_lines(VERSION_MAX_PRE_LINES + 1,
	    &consumed, &total), PC_ERR_BANNER);
}

static void
test_client_pre_line_length(void **state)
{
	static char buf[VERSION_MAX_PRE_LEN + 32];
	struct version_state vs;
	size_t consumed;

	(void)state;
	/* A pre-banner line of the longest accepted length. */
	memset(buf, 'a', VERSION_MAX_PRE_LEN);
	memcpy(buf + VERSION_MAX_PRE_LEN, "\nSSH-2.0-x\r\n", 12);
	assert_int_equal(feed(&vs, 1, buf, VERSION_MAX_PRE_LEN + 12,
	    &consumed), 0);
	assert_int_equal(consumed, VERSION_MAX_PRE_LEN + 12);
	/* One byte more is refused. */
	memset(buf, 'a', VERSION_MAX_PRE_LEN + 1);
	memcpy(buf + VERSION_MAX_PRE_LEN + 1, "\nSSH-2.0-x\r\n", 12);
	assert_int_equal(feed(&vs, 1, buf, VERSION_MAX_PRE_LEN + 13,
	    &consumed), PC_ERR_BANNER);
}

/* Feed one byte at a time; return the first result other than AGAIN. */
static int
feed_bytewise(struct version_state *vs, int client, const char *s,
    size_t len, size_t *at)
{
	size_t i, consumed;
	int r = PC_ERR_AGAIN;

	version_init(vs, client);
	for (i = 0; i < len; i++) {
		r = version_input(vs, (const uint8_t *)s + i, 1, &consumed);
		assert_int_equal(consumed, r == PC_ERR_AGAIN || r == 0 ? 1 :
		    consumed);
		if (r != PC_ERR_AGAIN)
			break;
	}
	*at = i;
	return r;
}

static void
test_bytewise(void **state)
{
	static const struct {
		const char *s;
		int client;
	} cases[] = {
		{ "SSH-2.0-x\r\n", 0 },
		{ "SSH-2.0-x y z\n", 0 },
		{ "pre\r\nmore\nSSH-2.0-x\r\n", 1 },
		{ "pre\r\nSSH-2.0-x\r\n", 0 },
		{ "SSH-1.5-x\r\n", 0 },
		{ "SSH-2.0-\r\n", 1 },
		{ "SSH-2.0-a\tb\r\n", 0 },
	};
	struct version_state a, b;
	size_t i, consumed, at;
	int ra, rb;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s = cases[i].s;

		ra = feed(&a, cases[i].client, s, strlen(s), &consumed);
		rb = feed_bytewise(&b, cases[i].client, s, strlen(s), &at);
		assert_int_equal(ra, rb);
		assert_int_equal(a.done, b.done);
		if (ra == 0) {
			assert_int_equal(at, strlen(s) - 1);
			assert_string_equal(a.peer, b.peer);
		}
	}
	/* Without the line end the exchange is not done, and all of the
	 * input was taken. */
	version_init(&a, 0);
	assert_int_equal(version_input(&a, (const uint8_t *)"SSH-2.0-x\r", 10,
	    &consumed), PC_ERR_AGAIN);
	assert_int_equal(consumed, 10);
	assert_int_equal(version_input(&a, (const uint8_t *)"\n", 1,
	    &consumed), 0);
	assert_int_equal(consumed, 1);
	assert_string_equal(a.peer, "SSH-2.0-x");
}

static void
test_consumed_exact(void **state)
{
	/* The identification, then the start of a binary packet. */
	static const uint8_t in[] = "pre\r\nSSH-2.0-srv\r\n\x00\x00\x01\x0c\x0a"
	    "SSH-2.0-no\r\n";
	struct version_state vs;
	size_t consumed;

	(void)state;
	assert_int_equal(feed(&vs, 1, in, sizeof(in) - 1, &consumed), 0);
	assert_int_equal(consumed, 18);
	assert_string_equal(vs.peer, "SSH-2.0-srv");
	/* The server has no pre-lines, and a NUL right after the line
	 * (the first byte of a packet length) is not looked at. */
	assert_int_equal(feed(&vs, 0, in + 5, sizeof(in) - 1 - 5, &consumed),
	    0);
	assert_int_equal(consumed, 13);
}

static void
test_peer_software(void **state)
{
	struct version_state vs;

	(void)state;
	version_init(&vs, 0);
	/* Before the exchange there is no peer: an empty string. */
	assert_string_equal(version_peer_software(&vs), "");
	assert_int_equal(feed_str(&vs, 0, "SSH-2.0-PuTTY_Release_0.78\r\n"), 0);
	assert_string_equal(version_peer_software(&vs), "PuTTY_Release_0.78");
	assert_int_equal(feed_str(&vs, 1, "SSH-1.99-Cisco-1.25\r\n"), 0);
	assert_string_equal(version_peer_software(&vs), "Cisco-1.25");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_crlf),
		cmocka_unit_test(test_bare_lf),
		cmocka_unit_test(test_protocol_versions),
		cmocka_unit_test(test_missing_software),
		cmocka_unit_test(test_bad_characters),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_server_refuses_pre_lines),
		cmocka_unit_test(test_client_pre_line_cap),
		cmocka_unit_test(test_client_pre_line_length),
		cmocka_unit_test(test_bytewise),
		cmocka_unit_test(test_consumed_exact),
		cmocka_unit_test(test_peer_software),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
