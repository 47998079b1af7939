/*
 * Unit tests for channels/chan.c (RFC 4254 s. 5.2 - 6, OpenSSH PROTOCOL):
 * channel requests, data and windows, EOF and CLOSE, the end of a session,
 * messages out of place, DEBUG.  Through a real transport and a recording
 * backend (tests/common/chantest.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chantest.h"

static const uint8_t pty_modes[] = {
	1, 0, 0, 0, 3,		/* VINTR ^C */
	53, 0, 0, 0, 1,		/* ECHO */
	128, 0, 0, 0x96, 0,	/* TTY_OP_ISPEED 38400 */
	0,			/* TTY_OP_END */
};

static void
build_pty_req(struct wbuf *m, uint32_t id, int want_reply)
{
	build_req(m, id, "pty-req", want_reply);
	OK(wbuf_put_cstring(m, "xterm-256color"));
	OK(wbuf_put_u32(m, 80));
	OK(wbuf_put_u32(m, 24));
	OK(wbuf_put_u32(m, 640));
	OK(wbuf_put_u32(m, 480));
	OK(wbuf_put_string(m, pty_modes, sizeof(pty_modes)));
}

static void
expect_reply(struct env *e, int ok, uint32_t rid)
{
	expect_simple(e, ok ? SSH2_MSG_CHANNEL_SUCCESS :
	    SSH2_MSG_CHANNEL_FAILURE, rid);
}

/* Only the fields named are set. */
static void
assert_req_only(const struct saved_req *q, const char *type, int want_reply)
{
	assert_string_equal(q->type, type);
	assert_int_equal(q->want_reply, want_reply);
}

static void
assert_no_pty_fields(const struct saved_req *q)
{
	assert_null(q->term);
	assert_false(q->has_modes);
	assert_int_equal(q->cols, 0);
	assert_int_equal(q->rows, 0);
	assert_int_equal(q->width_px, 0);
	assert_int_equal(q->height_px, 0);
}

static void
assert_no_str_fields(const struct saved_req *q)
{
	assert_null(q->name);
	assert_null(q->value);
	assert_null(q->command);
	assert_null(q->signal);
	assert_int_equal(q->break_ms, 0);
}

/* RFC 4254 s. 6.2 */
static void
test_req_pty(void **state)
{
	struct env *e = *state;
	struct saved_req *q = &e->req;
	struct wbuf m;
	uint32_t id;

	(void)open_ok(e, 31, 1000, 1000);
	id = open_ok(e, 33, 1000, 1000);
	build_pty_req(&m, id, 1);
	OK(csend(e, &m));
	expect_reply(e, 1, 33);
	assert_int_equal(e->nreq, 1);
	assert_int_equal(q->id, id);
	assert_req_only(q, "pty-req", 1);
	assert_string_equal(q->term, "xterm-256color");
	assert_int_equal(q->cols, 80);
	assert_int_equal(q->rows, 24);
	assert_int_equal(q->width_px, 640);
	assert_int_equal(q->height_px, 480);
	assert_true(q->has_modes);
	assert_int_equal(q->modeslen, sizeof(pty_modes));
	assert_memory_equal(q->modes, pty_modes, sizeof(pty_modes));
	assert_no_str_fields(q);

	/* Refused by the backend: FAILURE. */
	e->req_result = PC_ERR_AUTH_FAILED;
	build_pty_req(&m, id, 1);
	OK(csend(e, &m));
	expect_reply(e, 0, 33);
	/* No reply wanted: none, either way. */
	build_pty_req(&m, id, 0);
	OK(csend(e, &m));
	assert_int_equal(q->want_reply, 0);
	e->req_result = 0;
	build_pty_req(&m, id, 0);
	OK(csend(e, &m));
	assert_int_equal(e->nreq, 4);
	no_more_msgs(e);

	/* Empty modes and terminal. */
	build_req(&m, id, "pty-req", 1);
	OK(wbuf_put_cstring(&m, ""));
	OK(wbuf_put_u32(&m, 0xffffffff));
	OK(wbuf_put_u32(&m, 1));
	OK(wbuf_put_u32(&m, 2));
	OK(wbuf_put_u32(&m, 3));
	OK(wbuf_put_string(&m, NULL, 0));
	OK(csend(e, &m));
	expect_reply(e, 1, 33);
	assert_string_equal(q->term, "");
	assert_int_equal(q->cols, 0xffffffff);
	assert_int_equal(q->rows, 1);
	assert_int_equal(q->width_px, 2);
	assert_int_equal(q->height_px, 3);
	assert_int_equal(q->modeslen, 0);
	no_more_msgs(e);
}

/* RFC 4254 s. 6.7 */
static void
test_req_window_change(void **state)
{
	struct env *e = *state;
	struct saved_req *q = &e->req;
	struct wbuf m;
	uint32_t id = open_ok(e, 3, 1000, 1000);

	build_req(&m, id, "window-change", 0);
	OK(wbuf_put_u32(&m, 132));
	OK(wbuf_put_u32(&m, 43));
	OK(wbuf_put_u32(&m, 1056));
	OK(wbuf_put_u32(&m, 688));
	OK(csend(e, &m));
	no_more_msgs(e);
	assert_int_equal(e->nreq, 1);
	assert_req_only(q, "window-change", 0);
	assert_int_equal(q->cols, 132);
	assert_int_equal(q->rows, 43);
	assert_int_equal(q->width_px, 1056);
	assert_int_equal(q->height_px, 688);
	assert_null(q->term);
	assert_false(q->has_modes);
	assert_no_str_fields(q);
}

/* RFC 4254 s. 6.4 */
static void
test_req_env(void **state)
{
	struct env *e = *state;
	struct saved_req *q = &e->req;
	struct wbuf m;
	uint32_t id = open_ok(e, 3, 1000, 1000);

	build_req(&m, id, "env", 1);
	OK(wbuf_put_cstring(&m, "LANG"));
	OK(wbuf_put_cstring(&m, "C.UTF-8"));
	OK(csend(e, &m));
	expect_reply(e, 1, 3);
	assert_req_only(q, "env", 1);
	assert_string_equal(q->name, "LANG");
	assert_string_equal(q->value, "C.UTF-8");
	assert_null(q->command);
	assert_null(q->signal);
	assert_no_pty_fields(q);

	e->req_result = PC_ERR_AUTH_FAILED;	/* AcceptEnv says no */
	build_req(&m, id, "env", 1);
	OK(wbuf_put_cstring(&m, "LD_PRELOAD"));
	OK(wbuf_put_cstring(&m, ""));
	OK(csend(e, &m));
	expect_reply(e, 0, 3);
	assert_string_equal(q->name, "LD_PRELOAD");
	assert_string_equal(q->value, "");
	no_more_msgs(e);
}

/* RFC 4254 s. 6.5: exec and subsystem share the command field. */
static void
test_req_exec_subsystem(void **state)
{
	struct env *e = *state;
	struct saved_req *q = &e->req;
	struct wbuf m;
	uint32_t id = open_ok(e, 3, 1000, 1000);

	build_req(&m, id, "exec", 1);
	OK(wbuf_put_cstring(&m, "ls -l /tmp; echo 'done'"));
	OK(csend(e, &m));
	expect_reply(e, 1, 3);
	assert_req_only(q, "exec", 1);
	assert_string_equal(q->command, "ls -l /tmp; echo 'done'");
	assert_null(q->name);
	assert_null(q->value);
	assert_null(q->signal);
	assert_no_pty_fields(q);

	build_req(&m, id, "subsystem", 1);
	OK(wbuf_put_cstring(&m, "sftp"));
	OK(csend(e, &m));
	expect_reply(e, 1, 3);
	assert_req_only(q, "subsystem", 1);
	assert_string_equal(q->command, "sftp");
	assert_null(q->name);
	assert_no_pty_fields(q);

	e->req_result = PC_ERR_AUTH_FAILED;
	build_req(&m, id, "subsystem", 1);
	OK(wbuf_put_cstring(&m, "nonexistent"));
	OK(csend(e, &m));
	expect_reply(e, 0, 3);
	no_more_msgs(e);
}

/* RFC 4254 s. 6.9, RFC 4335, s. 6.5 (shell) */
static void
test_req_signal_break_shell(void **state)
{
	struct env *e = *state;
	struct saved_req *q = &e->req;
	struct wbuf m;
	uint32_t id = open_ok(e, 3, 1000, 1000);

	build_req(&m, id, "signal", 0);
	OK(wbuf_put_cstring(&m, "INT"));
	OK(csend(e, &m));
	assert_req_only(q, "signal", 0);
	assert_string_equal(q->signal, "INT");
	assert_null(q->command);
	assert_null(q->name);
	assert_no_pty_fields(q);

	build_req(&m, id, "break", 1);
	OK(wbuf_put_u32(&m, 500));
	OK(csend(e, &m));
	expect_reply(e, 1, 3);
	assert_req_only(q, "break", 1);
	assert_int_equal(q->break_ms, 500);
	assert_null(q->signal);
	assert_no_pty_fields(q);

	build_req(&m, id, "shell", 1);
	OK(csend(e, &m));
	expect_reply(e, 1, 3);
	assert_req_only(q, "shell", 1);
	assert_no_pty_fields(q);
	assert_no_str_fields(q);
	assert_int_equal(e->nreq, 3);
	no_more_msgs(e);
}

/* Types the channel layer does not parse reach the backend with only
 * their name; the reply is the backend's answer. */
static void
test_req_unknown(void **state)
{
	struct env *e = *state;
	struct saved_req *q = &e->req;
	struct wbuf m;
	uint32_t id = open_ok(e, 3, 1000, 1000);

	e->req_result = PC_ERR_AUTH_FAILED;
	build_req(&m, id, "x11-req", 1);
	OK(wbuf_put_bool(&m, 0));
	OK(wbuf_put_cstring(&m, "MIT-MAGIC-COOKIE-1"));
	OK(wbuf_put_cstring(&m, "0123"));
	OK(wbuf_put_u32(&m, 0));
	OK(csend(e, &m));
	expect_reply(e, 0, 3);
	assert_req_only(q, "x11-req", 1);
	assert_no_pty_fields(q);
	assert_no_str_fields(q);

	build_req(&m, id, "auth-agent-req@openssh.com", 1);
	OK(csend(e, &m));
	expect_reply(e, 0, 3);
	assert_req_only(q, "auth-agent-req@openssh.com", 1);

	build_req(&m, id, "keepalive@openssh.com", 0);
	OK(csend(e, &m));
	assert_int_equal(e->nreq, 3);
	no_more_msgs(e);
}

/* Every truncation of a pty-req, and trailing data on every type. */
static void
test_req_malformed(void **state)
{
	struct env *e = *state;
	struct wbuf full, m;
	uint32_t id = open_ok(e, 3, 1000, 1000);
	size_t cut;
	int r;

	build_pty_req(&full, id, 1);
	for (cut = 1; cut < wbuf_len(&full); cut++) {
		r = csend_raw(e, wbuf_ptr(&full), cut);
		if (r == 0)
			fail_msg("pty-req cut at %zu accepted", cut);
		assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	}
	OK(wbuf_put_u8(&full, 0));
	assert_int_equal(csend(e, &full), PC_ERR_TRAILING_DATA);

	build_req(&m, id, "window-change", 0);
	OK(wbuf_put_u32(&m, 1));
	OK(wbuf_put_u32(&m, 2));
	OK(wbuf_put_u32(&m, 3));
	assert_int_not_equal(csend(e, &m), 0);
	build_req(&m, id, "window-change", 0);
	OK(wbuf_put_u32(&m, 1));
	OK(wbuf_put_u32(&m, 2));
	OK(wbuf_put_u32(&m, 3));
	OK(wbuf_put_u32(&m, 4));
	OK(wbuf_put_u32(&m, 5));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);

	build_req(&m, id, "env", 1);
	OK(wbuf_put_cstring(&m, "A"));
	assert_int_not_equal(csend(e, &m), 0);
	build_req(&m, id, "env", 1);
	OK(wbuf_put_cstring(&m, "A"));
	OK(wbuf_put_cstring(&m, "B"));
	OK(wbuf_put_cstring(&m, "C"));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);
	build_req(&m, id, "env", 1);
	OK(wbuf_put_string(&m, "A\0B", 3));	/* NUL inside */
	OK(wbuf_put_cstring(&m, "C"));
	assert_int_not_equal(csend(e, &m), 0);

	build_req(&m, id, "exec", 1);
	assert_int_not_equal(csend(e, &m), 0);
	build_req(&m, id, "exec", 1);
	OK(wbuf_put_cstring(&m, "id"));
	OK(wbuf_put_u8(&m, 0));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);
	build_req(&m, id, "exec", 1);
	OK(wbuf_put_string(&m, "id\0rm -rf /", 11));
	assert_int_not_equal(csend(e, &m), 0);
	build_req(&m, id, "subsystem", 1);
	OK(wbuf_put_cstring(&m, "sftp"));
	OK(wbuf_put_cstring(&m, "x"));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);

	build_req(&m, id, "signal", 0);
	OK(wbuf_put_cstring(&m, "INT"));
	OK(wbuf_put_u8(&m, 1));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);
	build_req(&m, id, "break", 0);
	OK(wbuf_put_u8(&m, 1));
	assert_int_not_equal(csend(e, &m), 0);
	build_req(&m, id, "break", 0);
	OK(wbuf_put_u32(&m, 1));
	OK(wbuf_put_u8(&m, 1));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);
	build_req(&m, id, "shell", 1);
	OK(wbuf_put_u8(&m, 0));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);

	assert_int_equal(e->nreq, 0);
	no_more_msgs(e);
}

static void
test_data_in_order(void **state)
{
	struct env *e = *state;
	const uint8_t *p;
	size_t len;
	uint32_t a = open_ok(e, 10, 1000, 1000);
	uint32_t b = open_ok(e, 11, 1000, 1000);

	p = chan_recv_ptr(e->cc, a, &len);
	assert_int_equal(len, 0);
	OK(send_data(e, a, "hello", 5));
	OK(send_data(e, b, "other", 5));
	OK(send_data(e, a, " world", 6));
	OK(send_data(e, a, "", 0));
	p = chan_recv_ptr(e->cc, a, &len);
	assert_int_equal(len, 11);
	assert_memory_equal(p, "hello world", 11);
	OK(chan_recv_consume(e->cc, a, 6));
	p = chan_recv_ptr(e->cc, a, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(p, "world", 5);
	p = chan_recv_ptr(e->cc, b, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(p, "other", 5);
	/* More than is there. */
	assert_int_not_equal(chan_recv_consume(e->cc, a, 6), 0);
	OK(chan_recv_consume(e->cc, a, 5));
	(void)chan_recv_ptr(e->cc, a, &len);
	assert_int_equal(len, 0);
	assert_int_not_equal(chan_recv_consume(e->cc, 77, 0), 0);
	p = chan_recv_ptr(e->cc, 77, &len);
	assert_null(p);
	assert_int_equal(len, 0);
	no_more_msgs(e);
}

/*
 * data_in: offered only while nothing is buffered; what it takes is not
 * buffered and counts as consumed for the window; the rest is buffered
 * in order, and while anything is buffered later data queues behind it.
 */
static void
test_data_write_through(void **state)
{
	struct env *e = *state;
	const uint8_t *p;
	size_t len;
	uint32_t id = open_ok(e, 10, 1000, 1000);

	e->b.data_in = be_data_in;
	e->data_take = 3;
	OK(send_data(e, id, "abcdef", 6));
	assert_int_equal(e->ndata_in, 1);
	assert_int_equal(e->ntaken, 3);
	assert_memory_equal(e->taken, "abc", 3);
	p = chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(p, "def", 3);
	/* Something is buffered: the next data is not offered. */
	OK(send_data(e, id, "gh", 2));
	assert_int_equal(e->ndata_in, 1);
	p = chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(p, "defgh", 5);
	OK(chan_recv_consume(e->cc, id, 5));
	/* Empty again: offered, all taken, nothing buffered. */
	e->data_take = 100;
	OK(send_data(e, id, "ijk", 3));
	assert_int_equal(e->ndata_in, 2);
	(void)chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, 0);
	assert_memory_equal(e->taken, "abcijk", 6);
	no_more_msgs(e);
	/* Taken bytes re-open the window like consumed ones: half of it
	 * taken by data_in gives the WINDOW_ADJUST. */
	e->data_take = SIZE_MAX;
	e->ntaken = 0;
	fill(e, id, CHAN_WINDOW / 2 - 11 - 1, 0);
	no_more_msgs(e);
	fill(e, id, 1, 0);
	expect_window_adjust(e, 10, CHAN_WINDOW / 2);
	e->b.data_in = NULL;
}

/* WINDOW_ADJUST exactly when half the window is consumed, for that much;
 * the peer may then send exactly the window again. */
static void
test_window_adjust(void **state)
{
	struct env *e = *state;
	const uint8_t *p;
	size_t len, i;
	uint32_t id = open_ok(e, 12, 1000, 1000);

	fill(e, id, CHAN_WINDOW, 0);
	p = chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, CHAN_WINDOW);
	for (i = 0; i < len; i++) {
		if (p[i] != (uint8_t)i)
			fail_msg("byte %zu out of order", i);
	}
	OK(chan_recv_consume(e->cc, id, CHAN_WINDOW / 2 - 1));
	no_more_msgs(e);
	OK(chan_recv_consume(e->cc, id, 1));
	expect_window_adjust(e, 12, CHAN_WINDOW / 2);
	no_more_msgs(e);
	/* Half the window is free again, and no more. */
	fill(e, id, CHAN_WINDOW / 2, 1);
	assert_int_equal(send_data(e, id, "x", 1), PC_ERR_PROTOCOL);
	assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
}

/* Smaller consumes add up to the same adjust. */
static void
test_window_adjust_sum(void **state)
{
	struct env *e = *state;
	uint32_t id = open_ok(e, 12, 1000, 1000);
	size_t done;

	fill(e, id, CHAN_WINDOW / 2 + 2000, 0);
	for (done = 0; done + 1000 <= CHAN_WINDOW / 2; done += 1000)
		OK(chan_recv_consume(e->cc, id, 1000));
	no_more_msgs(e);
	/* CHAN_WINDOW / 2 is not a multiple of 1000: one consume crosses */
	OK(chan_recv_consume(e->cc, id, 1000));
	expect_window_adjust(e, 12, (uint32_t)done + 1000);
	no_more_msgs(e);
	OK(chan_recv_consume(e->cc, id, CHAN_WINDOW / 2 + 2000 - done - 1000));
	no_more_msgs(e);
}

static void
test_data_beyond_window(void **state)
{
	struct env *e = *state;
	uint32_t id = open_ok(e, 12, 1000, 1000);
	size_t len;

	fill(e, id, CHAN_WINDOW - 10, 7);
	OK(chan_recv_consume(e->cc, id, 1000));	/* below half: none */
	no_more_msgs(e);
	assert_int_equal(send_data(e, id, "01234567890", 11), PC_ERR_PROTOCOL);
	(void)chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, CHAN_WINDOW - 10 - 1000);
}

static void
test_data_exact_window(void **state)
{
	struct env *e = *state;
	uint32_t id = open_ok(e, 12, 1000, 1000);

	fill(e, id, CHAN_WINDOW - 10, 7);
	OK(send_data(e, id, "0123456789", 10));
	OK(send_data(e, id, "", 0));
	assert_int_equal(send_data(e, id, "x", 1), PC_ERR_PROTOCOL);
}

static void
test_data_too_big(void **state)
{
	struct env *e = *state;
	uint32_t id = open_ok(e, 12, 1000, 1000);
	uint8_t *big;
	size_t len;

	assert_non_null(big = calloc(1, CHAN_MAX_PACKET + 1));
	OK(send_data(e, id, big, CHAN_MAX_PACKET));
	assert_int_equal(send_data(e, id, big, CHAN_MAX_PACKET + 1),
	    PC_ERR_PROTOCOL);
	(void)chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, CHAN_MAX_PACKET);
	assert_int_equal(send_ext(e, id, 1, big, CHAN_MAX_PACKET + 1),
	    PC_ERR_PROTOCOL);
	free(big);
}

static void
test_data_after_eof(void **state)
{
	struct env *e = *state;
	uint32_t id = open_ok(e, 12, 1000, 1000);

	OK(send_data(e, id, "a", 1));
	OK(send_simple(e, SSH2_MSG_CHANNEL_EOF, id));
	assert_int_equal(send_data(e, id, "b", 1), PC_ERR_PROTOCOL);
	assert_int_equal(send_ext(e, id, 1, "b", 1), PC_ERR_PROTOCOL);
	assert_int_equal(send_data(e, id, "", 0), PC_ERR_PROTOCOL);
}

static void
test_data_malformed(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	uint32_t id = open_ok(e, 12, 1000, 1000);
	size_t len;

	build_chan(&m, SSH2_MSG_CHANNEL_DATA, id);
	OK(wbuf_put_string(&m, "abc", 3));
	OK(wbuf_put_u8(&m, 0));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);
	build_chan(&m, SSH2_MSG_CHANNEL_DATA, id);
	OK(wbuf_put_u32(&m, 4));
	OK(wbuf_put(&m, "abc", 3));
	assert_int_not_equal(csend(e, &m), 0);
	build_chan(&m, SSH2_MSG_CHANNEL_EXTENDED_DATA, id);
	OK(wbuf_put_u8(&m, 1));
	assert_int_not_equal(csend(e, &m), 0);
	build_chan(&m, SSH2_MSG_CHANNEL_EXTENDED_DATA, id);
	OK(wbuf_put_u32(&m, 1));
	OK(wbuf_put_string(&m, "abc", 3));
	OK(wbuf_put_u8(&m, 0));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);
	build_chan(&m, SSH2_MSG_CHANNEL_WINDOW_ADJUST, id);
	OK(wbuf_put_u8(&m, 1));
	assert_int_not_equal(csend(e, &m), 0);
	build_chan(&m, SSH2_MSG_CHANNEL_WINDOW_ADJUST, id);
	OK(wbuf_put_u32(&m, 1));
	OK(wbuf_put_u8(&m, 1));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);
	build_chan(&m, SSH2_MSG_CHANNEL_EOF, id);
	OK(wbuf_put_u8(&m, 1));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);
	build_chan(&m, SSH2_MSG_CHANNEL_CLOSE, id);
	OK(wbuf_put_u8(&m, 1));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);
	/* The recipient truncated */
	assert_int_not_equal(csend_raw(e, (const uint8_t *)"\x5e\0\0", 3), 0);
	assert_int_not_equal(csend_raw(e, (const uint8_t *)"\x61", 1), 0);
	(void)chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, 0);
	assert_int_equal(e->neof, 0);
	assert_int_equal(e->nclosed, 0);
	assert_true(chan_exists(e->cc, id));
	no_more_msgs(e);
}

/* Extended data from the client: counted against the window, dropped. */
static void
test_ext_data_in(void **state)
{
	struct env *e = *state;
	uint8_t junk[1000];
	size_t len;
	uint32_t id = open_ok(e, 12, 1000, 1000);

	memset(junk, 'e', sizeof(junk));
	OK(send_ext(e, id, SSH2_EXTENDED_DATA_STDERR, junk, sizeof(junk)));
	OK(send_ext(e, id, 77, junk, sizeof(junk)));
	(void)chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, 0);
	no_more_msgs(e);
	/* 2000 bytes of the window are gone. */
	fill(e, id, CHAN_WINDOW - 2000, 0);
	assert_int_equal(send_data(e, id, "x", 1), PC_ERR_PROTOCOL);
}

/* ... and re-granted with the consumed data. */
static void
test_ext_data_adjust(void **state)
{
	struct env *e = *state;
	uint8_t junk[1000];
	uint32_t id = open_ok(e, 12, 1000, 1000);

	memset(junk, 'e', sizeof(junk));
	OK(send_ext(e, id, SSH2_EXTENDED_DATA_STDERR, junk, sizeof(junk)));
	fill(e, id, CHAN_WINDOW / 2 - 1000, 0);
	OK(chan_recv_consume(e->cc, id, CHAN_WINDOW / 2 - 1001));
	no_more_msgs(e);
	OK(chan_recv_consume(e->cc, id, 1));
	expect_window_adjust(e, 12, CHAN_WINDOW / 2);
	no_more_msgs(e);
}

/* A client that sends only extended data still gets its window back. */
static void
test_ext_data_only(void **state)
{
	struct env *e = *state;
	static uint8_t junk[CHAN_MAX_PACKET];
	uint32_t id = open_ok(e, 12, 1000, 1000);
	size_t done;

	for (done = 0; done < CHAN_WINDOW; done += sizeof(junk)) {
		OK(send_ext(e, id, SSH2_EXTENDED_DATA_STDERR, junk,
		    sizeof(junk)));
		if (done + sizeof(junk) == CHAN_WINDOW / 2) {
			expect_window_adjust(e, 12, CHAN_WINDOW / 2);
		}
	}
	expect_window_adjust(e, 12, CHAN_WINDOW / 2);
	no_more_msgs(e);
	OK(send_ext(e, id, SSH2_EXTENDED_DATA_STDERR, junk, 1));
}

static void
test_eof_after_data(void **state)
{
	struct env *e = *state;
	uint32_t a = open_ok(e, 12, 1000, 1000);
	uint32_t b = open_ok(e, 13, 1000, 1000);

	OK(send_data(e, b, "abc", 3));
	OK(send_simple(e, SSH2_MSG_CHANNEL_EOF, b));
	assert_int_equal(e->neof, 0);
	OK(chan_recv_consume(e->cc, b, 2));
	assert_int_equal(e->neof, 0);
	OK(chan_recv_consume(e->cc, b, 1));
	assert_int_equal(e->neof, 1);
	assert_int_equal(e->eof_ids[0], b);
	assert_int_equal(e->eof_buffered, 0);
	OK(chan_recv_consume(e->cc, b, 0));
	OK(send_simple(e, SSH2_MSG_CHANNEL_EOF, b));	/* repeated */
	assert_int_equal(e->neof, 1);

	/* Without data: at once. */
	OK(send_simple(e, SSH2_MSG_CHANNEL_EOF, a));
	assert_int_equal(e->neof, 2);
	assert_int_equal(e->eof_ids[1], a);
	/* EOF is one way only: we may still send. */
	assert_int_equal(chan_send_space(e->cc, a), 1000);
	assert_false(chan_peer_closed(e->cc, a));
	/* No window adjust after EOF. */
	no_more_msgs(e);
}

/* EOF then CLOSE with data unconsumed: the channel stays until the
 * data is taken (chan.h), then peer_eof, our CLOSE and closed(). */
static void
test_eof_then_close(void **state)
{
	struct env *e = *state;
	const uint8_t *p;
	size_t len;
	uint32_t id = open_ok(e, 12, 1000, 1000);

	OK(send_data(e, id, "abc", 3));
	OK(send_simple(e, SSH2_MSG_CHANNEL_EOF, id));
	OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, id));
	no_more_msgs(e);
	assert_int_equal(e->nclosed, 0);
	assert_int_equal(e->neof, 0);
	assert_true(chan_exists(e->cc, id));
	assert_true(chan_peer_closed(e->cc, id));
	assert_true(chan_peer_eof(e->cc, id));
	assert_int_equal(chan_send_space(e->cc, id), 0);
	p = chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(p, "abc", 3);
	OK(chan_recv_consume(e->cc, id, 2));
	no_more_msgs(e);
	assert_int_equal(e->neof, 0);
	OK(chan_recv_consume(e->cc, id, 1));
	assert_int_equal(e->neof, 1);
	assert_int_equal(e->eof_buffered, 0);
	expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 12);
	assert_int_equal(e->nclosed, 1);
	assert_false(chan_exists(e->cc, id));
	assert_int_not_equal(chan_recv_consume(e->cc, id, 1), 0);
	assert_int_equal(e->neof, 1);
	no_more_msgs(e);
}

/* The peer's window and maximum packet bound what we send. */
static void
test_send_window(void **state)
{
	struct env *e = *state;
	uint8_t buf[300];
	size_t i, got, n;
	uint32_t id = open_ok(e, 21, 100, 64);

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	assert_int_equal(chan_send_space(e->cc, id), 100);
	assert_int_equal(chan_send_data(e->cc, id, 0, buf, sizeof(buf)), 100);
	assert_int_equal(chan_send_space(e->cc, id), 0);
	assert_int_equal(chan_send_data(e->cc, id, 0, buf, 1), 0);
	assert_int_equal(chan_send_data(e->cc, id, 1, buf, 1), 0);
	assert_int_equal(expect_data(e, 21, 0, buf, 64), 64);
	assert_int_equal(expect_data(e, 21, 0, buf + 64, 64), 36);
	no_more_msgs(e);

	OK(send_adjust(e, id, 150));
	assert_int_equal(chan_send_space(e->cc, id), 150);
	assert_int_equal(chan_send_data(e->cc, id, 0, buf, 200), 150);
	for (got = 0; got < 150; got += n)
		n = expect_data(e, 21, 0, buf + got, 64);
	assert_int_equal(got, 150);
	no_more_msgs(e);
	OK(send_adjust(e, id, 0));
	assert_int_equal(chan_send_space(e->cc, id), 0);
	/* Nothing to send is fine. */
	OK(send_adjust(e, id, 10));
	assert_int_equal(chan_send_data(e->cc, id, 0, buf, 0), 0);
	assert_int_equal(chan_send_space(e->cc, id), 10);
	assert_int_equal(chan_send_data(e->cc, 99, 0, buf, 1), 0);
	assert_int_equal(chan_send_space(e->cc, 99), 0);
	no_more_msgs(e);
}

/* A large peer maximum packet is still capped at ours. */
static void
test_send_big_packets(void **state)
{
	struct env *e = *state;
	uint8_t *buf;
	size_t i, got, n, total = 3 * CHAN_MAX_PACKET + 5;
	uint32_t id = open_ok(e, 22, 5 * CHAN_MAX_PACKET, 0x100000);

	assert_non_null(buf = malloc(total));
	for (i = 0; i < total; i++)
		buf[i] = (uint8_t)(i * 7);
	assert_int_equal(chan_send_data(e->cc, id, 0, buf, total), total);
	for (got = 0; got < total; got += n) {
		n = expect_data(e, 22, 0, buf + got, CHAN_MAX_PACKET);
		if (got + n < total) {
			assert_int_equal(n, CHAN_MAX_PACKET);
		}
	}
	assert_int_equal(got, total);
	assert_int_equal(chan_send_space(e->cc, id), 2 * CHAN_MAX_PACKET - 5);
	no_more_msgs(e);
	free(buf);
}

/* Output the peer has not read yet bounds what we buffer. */
static void
test_send_pending_bound(void **state)
{
	struct env *e = *state;
	uint8_t *buf;
	size_t total = 0, n, got;
	uint32_t id = open_ok(e, 23, 0xffffffff, CHAN_MAX_PACKET);

	assert_non_null(buf = calloc(1, CHAN_SEND_BUFFER));
	while ((n = chan_send_data(e->cc, id, 0, buf, CHAN_SEND_BUFFER)) > 0)
		total += n;
	assert_true(total <= CHAN_SEND_BUFFER);
	assert_true(total > CHAN_SEND_BUFFER / 2);
	assert_int_equal(chan_send_space(e->cc, id), 0);
	/* The client reads it: room again. */
	pair_pump(&e->p);
	assert_int_equal(chan_send_space(e->cc, id), CHAN_SEND_BUFFER);
	for (got = 0; got < total; got += n)
		n = expect_data(e, 23, 0, NULL, CHAN_MAX_PACKET);
	assert_int_equal(got, total);
	client_reset(e);
	free(buf);
}

/*
 * The connection's total cap: CHAN_MAX_BUFFERED / CHAN_WINDOW channels
 * with full windows reach it; then no channel takes data to send (the
 * daemon stops reading its descriptors) and chan_buffered says the
 * socket must wait.  Consuming one window makes room again.
 */
static void
test_total_cap(void **state)
{
	struct env *e = *state;
	uint32_t id[CHAN_MAX_BUFFERED / CHAN_WINDOW + 1];
	size_t i, n = sizeof(id) / sizeof(id[0]), before;
	struct wbuf v;

	for (i = 0; i < n; i++)
		id[i] = open_ok(e, 40 + (uint32_t)i, 0xffffffff,
		    CHAN_MAX_PACKET);
	pair_pump(&e->p);
	client_reset(e);
	before = chan_buffered(e->cc);
	assert_true(chan_send_space(e->cc, id[n - 1]) > 0);
	for (i = 0; i + 1 < n; i++) {
		fill(e, id[i], CHAN_WINDOW, (uint8_t)i);
		assert_int_equal(chan_buffered(e->cc),
		    before + (i + 1) * (size_t)CHAN_WINDOW);
	}
	assert_true(chan_buffered(e->cc) >= CHAN_MAX_BUFFERED);
	assert_int_equal(chan_send_space(e->cc, id[n - 1]), 0);
	assert_int_equal(chan_send_data(e->cc, id[n - 1], 0,
	    (const uint8_t *)"x", 1), 0);
	/* One channel drained: its window's worth of room again. */
	OK(chan_recv_consume(e->cc, id[0], CHAN_WINDOW));
	next_msg(e, &v, SSH2_MSG_CHANNEL_WINDOW_ADJUST);
	client_reset(e);
	assert_int_equal(chan_buffered(e->cc),
	    before + (n - 2) * (size_t)CHAN_WINDOW);
	assert_true(chan_send_space(e->cc, id[n - 1]) > 0);
	/* The drained channel takes a full window again. */
	fill(e, id[0], CHAN_WINDOW, 0x5a);
	assert_int_equal(chan_send_space(e->cc, id[n - 1]), 0);
}

/* No data is taken while the transport holds output for a rekey. */
static void
test_send_during_rekey(void **state)
{
	struct env *e = *state;
	const uint8_t *o, *m;
	size_t len;
	unsigned kexes = tp_kex_count(e->p.s.t);
	int r;
	uint32_t id = open_ok(e, 27, 1000, 1000);

	assert_int_equal(chan_send_space(e->cc, id), 1000);
	/* The client's KEXINIT reaches the server, nothing more yet. */
	OK(tp_rekey(e->p.c.t));
	o = tp_output_ptr(e->p.c.t, &len);
	assert_true(len > 0);
	OK(tp_input(e->p.s.t, o, len));
	OK(tp_output_consume(e->p.c.t, len));
	while ((r = tp_next(e->p.s.t, &m, &len)) == 0)
		;
	assert_int_equal(r, PC_ERR_AGAIN);
	assert_true(tp_in_kex(e->p.s.t));
	assert_int_equal(chan_send_space(e->cc, id), 0);
	assert_int_equal(chan_send_data(e->cc, id, 0,
	    (const uint8_t *)"x", 1), 0);
	/* The kex ends: room again. */
	pair_pump(&e->p);
	assert_int_equal(e->p.c.err, 0);
	assert_int_equal(e->p.s.err, 0);
	assert_false(tp_in_kex(e->p.s.t));
	assert_int_equal(tp_kex_count(e->p.s.t), kexes + 1);
	assert_int_equal(chan_send_space(e->cc, id), 1000);
	assert_int_equal(chan_send_data(e->cc, id, 0,
	    (const uint8_t *)"y", 1), 1);
	assert_int_equal(expect_data(e, 27, 0, (const uint8_t *)"y", 1), 1);
	no_more_msgs(e);
}

/* The window may not grow past 2^32 - 1 (RFC 4254 s. 5.2). */
static void
test_send_window_overflow(void **state)
{
	struct env *e = *state;
	uint32_t id = open_ok(e, 24, 1000, 1000);

	OK(send_adjust(e, id, 0xffffffff - 1000));
	assert_int_equal(send_adjust(e, id, 1), PC_ERR_PROTOCOL);
	assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	id = open_ok(e, 25, 0xffffffff, 1000);
	assert_int_equal(send_adjust(e, id, 0xffffffff), PC_ERR_PROTOCOL);
}

/* stderr goes as EXTENDED_DATA code 1. */
static void
test_send_stderr(void **state)
{
	struct env *e = *state;
	uint32_t id = open_ok(e, 26, 1000, 1000);

	assert_int_equal(chan_send_data(e->cc, id, 1,
	    (const uint8_t *)"oops\n", 5), 5);
	assert_int_equal(chan_send_data(e->cc, id, 0,
	    (const uint8_t *)"out\n", 4), 4);
	assert_int_equal(expect_data(e, 26, 1, (const uint8_t *)"oops\n", 5),
	    5);
	assert_int_equal(expect_data(e, 26, 0, (const uint8_t *)"out\n", 4),
	    4);
	/* Both count against the same window. */
	assert_int_equal(chan_send_space(e->cc, id), 1000 - 9);
	no_more_msgs(e);
}

static void
expect_exit_status(struct env *e, uint32_t rid, uint32_t status)
{
	struct wbuf v;

	next_msg(e, &v, SSH2_MSG_CHANNEL_REQUEST);
	get_u32_eq(&v, rid);
	get_str_eq(&v, "exit-status");
	get_bool_eq(&v, 0);
	get_u32_eq(&v, status);
	OK(wbuf_get_end(&v));
}

/* RFC 4254 s. 6.10 then 5.3: exit-status, EOF, CLOSE, each once. */
static void
test_exit_status_eof_close(void **state)
{
	struct env *e = *state;
	uint32_t id = open_ok(e, 30, 1000, 1000);

	OK(chan_send_exit_status(e->cc, id, 3));
	OK(chan_send_exit_status(e->cc, id, 4));
	OK(chan_send_exit_signal(e->cc, id, "KILL", 0, NULL));
	OK(chan_send_eof(e->cc, id));
	assert_int_equal(chan_send_space(e->cc, id), 0);
	assert_int_equal(chan_send_data(e->cc, id, 0,
	    (const uint8_t *)"x", 1), 0);
	OK(chan_send_eof(e->cc, id));
	OK(chan_send_close(e->cc, id));
	OK(chan_send_close(e->cc, id));
	OK(chan_send_eof(e->cc, id));
	expect_exit_status(e, 30, 3);
	expect_simple(e, SSH2_MSG_CHANNEL_EOF, 30);
	expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 30);
	no_more_msgs(e);
	/* Still there until the peer's CLOSE. */
	assert_true(chan_exists(e->cc, id));
	assert_int_equal(e->nclosed, 0);
	assert_int_equal(chan_send_space(e->cc, id), 0);
	OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, id));
	no_more_msgs(e);		/* not answered twice */
	assert_int_equal(e->nclosed, 1);
	assert_int_equal(e->closed_ids[0], id);
	assert_false(chan_exists(e->cc, id));
	assert_int_equal(chan_count(e->cc), 0);
	/* The id is free for the next channel. */
	assert_int_equal(open_ok(e, 31, 1000, 1000), id);
	assert_int_equal(e->nclosed, 1);
}

static void
test_exit_signal(void **state)
{
	struct env *e = *state;
	struct wbuf v;
	uint32_t id = open_ok(e, 30, 1000, 1000);
	uint32_t id2 = open_ok(e, 31, 1000, 1000);

	OK(chan_send_exit_signal(e->cc, id, "SEGV", 1, "Segmentation fault"));
	OK(chan_send_exit_status(e->cc, id, 139));
	OK(chan_send_exit_signal(e->cc, id2, "TERM", 0, NULL));
	next_msg(e, &v, SSH2_MSG_CHANNEL_REQUEST);
	get_u32_eq(&v, 30);
	get_str_eq(&v, "exit-signal");
	get_bool_eq(&v, 0);
	get_str_eq(&v, "SEGV");
	get_bool_eq(&v, 1);
	get_str_eq(&v, "Segmentation fault");
	get_str_eq(&v, "");
	OK(wbuf_get_end(&v));
	next_msg(e, &v, SSH2_MSG_CHANNEL_REQUEST);
	get_u32_eq(&v, 31);
	get_str_eq(&v, "exit-signal");
	get_bool_eq(&v, 0);
	get_str_eq(&v, "TERM");
	get_bool_eq(&v, 0);
	get_str_eq(&v, "");
	get_str_eq(&v, "");
	OK(wbuf_get_end(&v));
	no_more_msgs(e);
}

/* Our CLOSE without EOF first; nothing after it. */
static void
test_close_first(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	size_t len;
	uint32_t id = open_ok(e, 40, 1000, 1000);

	OK(chan_send_close(e->cc, id));
	OK(chan_send_exit_status(e->cc, id, 0));
	OK(chan_send_eof(e->cc, id));
	assert_int_equal(chan_send_space(e->cc, id), 0);
	expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 40);
	no_more_msgs(e);
	/* Data in flight from the peer is still taken, without a window
	 * adjust even past half the window. */
	OK(send_data(e, id, "late", 4));
	(void)chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, 4);
	fill(e, id, CHAN_WINDOW / 2, 0);
	OK(chan_recv_consume(e->cc, id, CHAN_WINDOW / 2 + 4));
	no_more_msgs(e);
	/* Nor peer_eof: we are done with it. */
	OK(send_simple(e, SSH2_MSG_CHANNEL_EOF, id));
	assert_int_equal(e->neof, 0);
	/* Requests on a closing channel are ignored. */
	build_req(&m, id, "shell", 1);
	OK(csend(e, &m));
	assert_int_equal(e->nreq, 0);
	no_more_msgs(e);
	OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, id));
	assert_int_equal(e->nclosed, 1);
	assert_false(chan_exists(e->cc, id));
	no_more_msgs(e);
}

/* The peer's CLOSE is answered with ours; closed() once. */
static void
test_peer_close(void **state)
{
	struct env *e = *state;
	uint32_t a = open_ok(e, 50, 1000, 1000);
	uint32_t b = open_ok(e, 51, 1000, 1000);

	OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, a));
	expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 50);
	assert_int_equal(e->nclosed, 1);
	assert_int_equal(e->closed_ids[0], a);
	assert_false(chan_exists(e->cc, a));
	assert_true(chan_peer_closed(e->cc, a));
	assert_true(chan_exists(e->cc, b));
	assert_int_equal(chan_count(e->cc), 1);
	/* Nothing more for it, from either side. */
	OK(chan_send_exit_status(e->cc, a, 0));
	OK(chan_send_eof(e->cc, a));
	OK(chan_send_close(e->cc, a));
	assert_int_equal(chan_send_space(e->cc, a), 0);
	no_more_msgs(e);
	assert_int_equal(e->nclosed, 1);
	assert_int_equal(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, a),
	    PC_ERR_PROTOCOL);
	assert_int_equal(e->nclosed, 1);
}

static void
test_closed_id_reuse(void **state)
{
	struct env *e = *state;
	uint32_t a = open_ok(e, 50, 1000, 1000);
	uint32_t b = open_ok(e, 51, 1000, 1000);
	uint32_t c;

	OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, a));
	expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 50);
	c = open_ok(e, 52, 1000, 1000);
	assert_int_equal(c, a);
	/* The new channel has fresh state: data and window. */
	OK(send_data(e, c, "new", 3));
	assert_int_equal(chan_send_space(e->cc, c), 1000);
	assert_int_equal(chan_send_data(e->cc, c, 0,
	    (const uint8_t *)"hi", 2), 2);
	assert_int_equal(expect_data(e, 52, 0, (const uint8_t *)"hi", 2), 2);
	assert_true(chan_exists(e->cc, b));
	no_more_msgs(e);
}

/* chan_conn_free calls closed() for every channel still there. */
static void
test_free_closes(void **state)
{
	struct env *e = *state;
	uint32_t a = open_ok(e, 1, 1000, 1000);
	uint32_t b = open_ok(e, 2, 1000, 1000);
	uint32_t c = open_ok(e, 3, 1000, 1000);
	unsigned i, seen_a = 0, seen_c = 0;

	OK(send_data(e, a, "buffered", 8));
	OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, b));
	expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 2);
	OK(chan_send_close(e->cc, c));	/* half closed */
	expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 3);
	assert_int_equal(e->nclosed, 1);
	chan_conn_free(e->cc);
	e->cc = NULL;
	assert_int_equal(e->nclosed, 3);
	for (i = 1; i < 3; i++) {
		seen_a += e->closed_ids[i] == a;
		seen_c += e->closed_ids[i] == c;
	}
	assert_int_equal(seen_a, 1);
	assert_int_equal(seen_c, 1);
	chan_conn_free(NULL);
}

static void
test_unknown_channel(void **state)
{
	static const uint8_t types[] = {
		SSH2_MSG_CHANNEL_WINDOW_ADJUST, SSH2_MSG_CHANNEL_DATA,
		SSH2_MSG_CHANNEL_EXTENDED_DATA, SSH2_MSG_CHANNEL_EOF,
		SSH2_MSG_CHANNEL_CLOSE, SSH2_MSG_CHANNEL_REQUEST,
		SSH2_MSG_CHANNEL_SUCCESS, SSH2_MSG_CHANNEL_FAILURE,
	};
	static const uint32_t ids[] = { 1, 2, CHAN_MAX_CHANNELS, 0xffffffff };
	struct env *e = *state;
	size_t i, j;

	(void)open_ok(e, 1, 1000, 1000);	/* id 0 */
	for (i = 0; i < sizeof(types); i++) {
		for (j = 0; j < sizeof(ids) / sizeof(ids[0]); j++) {
			if (send_simple(e, types[i], ids[j]) == 0)
				fail_msg("type %u to channel %u accepted",
				    types[i], ids[j]);
			assert_int_equal(e->reason,
			    SSH2_DISCONNECT_PROTOCOL_ERROR);
		}
	}
	assert_int_equal(e->nreq, 0);
	assert_int_equal(e->nclosed, 0);
	no_more_msgs(e);
}

/* RFC 4252 s. 5.1: authentication requests after success are ignored. */
static void
test_userauth_ignored(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	uint8_t t;

	mstart(&m, SSH2_MSG_USERAUTH_REQUEST);
	OK(wbuf_put_cstring(&m, "alice"));
	OK(wbuf_put_cstring(&m, "ssh-connection"));
	OK(wbuf_put_cstring(&m, "none"));
	OK(csend(e, &m));
	for (t = 51; t < 80; t++)
		OK(csend_raw(e, &t, 1));
	t = SSH2_MSG_REQUEST_SUCCESS;
	OK(csend_raw(e, &t, 1));
	t = SSH2_MSG_REQUEST_FAILURE;
	OK(csend_raw(e, &t, 1));
	/* A channel success/failure on an open channel: ignored too. */
	(void)open_ok(e, 1, 1000, 1000);
	OK(send_simple(e, SSH2_MSG_CHANNEL_SUCCESS, 0));
	OK(send_simple(e, SSH2_MSG_CHANNEL_FAILURE, 0));
	no_more_msgs(e);
}

/* We never open channels, so confirmations are out of place; so is
 * everything else the connection protocol does not define. */
static void
test_unexpected_messages(void **state)
{
	static const uint8_t types[] = {
		SSH2_MSG_CHANNEL_OPEN_CONFIRMATION,
		SSH2_MSG_CHANNEL_OPEN_FAILURE,
		/* not 192 and 193: the transport's PING and PONG */
		5, 6, 83, 89, 101, 127, 150, 255,
	};
	struct env *e = *state;
	struct wbuf m;
	size_t i;

	(void)open_ok(e, 1, 1000, 1000);
	mstart(&m, SSH2_MSG_CHANNEL_OPEN_CONFIRMATION);
	OK(wbuf_put_u32(&m, 0));
	OK(wbuf_put_u32(&m, 99));
	OK(wbuf_put_u32(&m, 1000));
	OK(wbuf_put_u32(&m, 1000));
	assert_int_not_equal(csend(e, &m), 0);
	assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	for (i = 0; i < sizeof(types); i++) {
		if (send_simple(e, types[i], 0) == 0)
			fail_msg("type %u accepted", types[i]);
	}
	assert_int_equal(e->nopen, 1);
	no_more_msgs(e);
}

static void
test_empty_message(void **state)
{
	struct env *e = *state;
	uint32_t reason = 0;

	assert_int_not_equal(chan_recv(e->cc, (const uint8_t *)"", 0,
	    &reason), 0);
	assert_int_equal(reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
}

/* Windows both ways on a channel we opened; the peer's extended data is
 * dropped and its window re-opened, as for sessions. */
static void
test_forwarded_window(void **state)
{
	struct env *e = *state;
	struct chan_open_req q = {
		.kind = CHAN_KIND_FORWARDED_TCPIP, .host = "127.0.0.1",
		.port = 2222, .orig_host = "127.0.0.1", .orig_port = 50000,
	};
	static uint8_t junk[CHAN_MAX_PACKET];
	struct wbuf v;
	uint32_t id;
	size_t len, n;

	OK(chan_open(e->cc, &q, &id));
	(void)expect_our_open(e, &v, "forwarded-tcpip");
	OK(send_confirm(e, id, 3, 300, 128));
	assert_int_equal(chan_send_space(e->cc, id), 300);
	memset(junk, 'a', sizeof(junk));
	assert_int_equal(chan_send_data(e->cc, id, 0, junk, 1000), 300);
	assert_int_equal(expect_data(e, 3, 0, junk, 128), 128);
	assert_int_equal(expect_data(e, 3, 0, junk, 128), 128);
	assert_int_equal(expect_data(e, 3, 0, junk, 128), 44);
	assert_int_equal(chan_send_space(e->cc, id), 0);
	OK(send_adjust(e, id, 50));
	assert_int_equal(chan_send_space(e->cc, id), 50);
	assert_int_equal(send_adjust(e, id, UINT32_MAX), PC_ERR_PROTOCOL);
	no_more_msgs(e);

	/* Our window: CHAN_WINDOW, then an adjust at half. */
	fill(e, id, CHAN_WINDOW - 10, 0);
	OK(send_ext(e, id, SSH2_EXTENDED_DATA_STDERR, junk, 10));
	assert_int_equal(send_data(e, id, "x", 1), PC_ERR_PROTOCOL);
	(void)chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, CHAN_WINDOW - 10);
	n = CHAN_WINDOW / 2 - 10;
	OK(chan_recv_consume(e->cc, id, n - 1));
	no_more_msgs(e);
	OK(chan_recv_consume(e->cc, id, 1));
	expect_window_adjust(e, 3, CHAN_WINDOW / 2);
	no_more_msgs(e);
	fill(e, id, CHAN_WINDOW / 2, 0);
	assert_int_equal(send_data(e, id, "x", 1), PC_ERR_PROTOCOL);
}

/* Half-close on a direct channel: EOF one way leaves the other open. */
static void
test_half_close(void **state)
{
	struct env *e = *state;
	uint32_t id = direct_ok(e, 20, 1000, 1000);

	assert_false(chan_peer_eof(e->cc, id));
	assert_false(chan_eof_sent(e->cc, id));
	OK(send_data(e, id, "req", 3));
	OK(send_simple(e, SSH2_MSG_CHANNEL_EOF, id));
	assert_true(chan_peer_eof(e->cc, id));
	assert_int_equal(e->neof, 0);
	OK(chan_recv_consume(e->cc, id, 3));
	assert_int_equal(e->neof, 1);
	/* We still send. */
	assert_int_equal(chan_send_space(e->cc, id), 1000);
	assert_int_equal(chan_send_data(e->cc, id, 0,
	    (const uint8_t *)"resp", 4), 4);
	assert_int_equal(expect_data(e, 20, 0, (const uint8_t *)"resp", 4), 4);
	OK(chan_send_eof(e->cc, id));
	expect_simple(e, SSH2_MSG_CHANNEL_EOF, 20);
	assert_true(chan_eof_sent(e->cc, id));
	assert_int_equal(chan_send_space(e->cc, id), 0);
	OK(chan_send_eof(e->cc, id));	/* once */
	no_more_msgs(e);
	/* The other order: our EOF first, the peer still sends. */
	{
		uint32_t b = direct_ok(e, 21, 1000, 1000);

		OK(chan_send_eof(e->cc, b));
		expect_simple(e, SSH2_MSG_CHANNEL_EOF, 21);
		OK(send_data(e, b, "more", 4));
		assert_false(chan_peer_eof(e->cc, b));
		OK(send_simple(e, SSH2_MSG_CHANNEL_EOF, b));
		assert_int_equal(e->neof, 1);
		OK(chan_recv_consume(e->cc, b, 4));
		assert_int_equal(e->neof, 2);
		OK(chan_send_close(e->cc, b));
		expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 21);
		OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, b));
		assert_int_equal(e->nclosed, 1);
	}
	/* Gone channels answer yes. */
	assert_true(chan_peer_eof(e->cc, 500));
	assert_true(chan_eof_sent(e->cc, 500));
	assert_int_equal(chan_kind(e->cc, 500), CHAN_KIND_SESSION);
	no_more_msgs(e);
}

/* CLOSE without EOF while data waits: kept, nothing more accepted, then
 * peer_eof, our CLOSE, closed() once it is consumed. */
static void
test_close_drain(void **state)
{
	struct env *e = *state;
	uint32_t id = direct_ok(e, 30, 1000, 1000);
	size_t len;

	OK(send_data(e, id, "last words", 10));
	OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, id));
	no_more_msgs(e);
	assert_true(chan_exists(e->cc, id));
	assert_true(chan_peer_closed(e->cc, id));
	assert_false(chan_peer_eof(e->cc, id));
	assert_int_equal(chan_send_space(e->cc, id), 0);
	assert_int_equal(chan_count(e->cc), 1);
	/* Nothing may follow the CLOSE. */
	assert_int_equal(send_data(e, id, "x", 1), PC_ERR_PROTOCOL);
	assert_int_equal(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, id),
	    PC_ERR_PROTOCOL);
	assert_int_equal(send_simple(e, SSH2_MSG_CHANNEL_EOF, id),
	    PC_ERR_PROTOCOL);
	assert_int_equal(send_adjust(e, id, 1), PC_ERR_PROTOCOL);
	/* exit-status is not sent after the peer's CLOSE. */
	OK(chan_send_exit_status(e->cc, id, 0));
	no_more_msgs(e);
	OK(chan_recv_consume(e->cc, id, 4));
	assert_int_equal(e->neof, 0);
	(void)chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, 6);
	OK(chan_recv_consume(e->cc, id, 6));
	assert_int_equal(e->neof, 1);
	assert_int_equal(e->eof_ids[0], id);
	assert_int_equal(e->eof_buffered, 0);
	expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 30);
	assert_int_equal(e->nclosed, 1);
	assert_int_equal(e->closed_ids[0], id);
	assert_false(chan_exists(e->cc, id));
	no_more_msgs(e);
}

/* The backend closes while the data waits: freed at once, the data
 * dropped, no peer_eof. */
static void
test_close_drain_backend_closes(void **state)
{
	struct env *e = *state;
	uint32_t id = open_ok(e, 31, 1000, 1000);

	OK(send_data(e, id, "unread", 6));
	OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, id));
	no_more_msgs(e);
	OK(chan_send_eof(e->cc, id));	/* allowed until our CLOSE */
	expect_simple(e, SSH2_MSG_CHANNEL_EOF, 31);
	OK(chan_send_close(e->cc, id));
	expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 31);
	assert_int_equal(e->nclosed, 1);
	assert_int_equal(e->neof, 0);
	assert_false(chan_exists(e->cc, id));
	OK(chan_send_close(e->cc, id));
	no_more_msgs(e);
}

/* peer_eof that closes the channel itself: one CLOSE still. */
static void
test_close_drain_eof_closes(void **state)
{
	struct env *e = *state;
	uint32_t id = direct_ok(e, 32, 1000, 1000);

	e->close_on_eof = 1;
	OK(send_data(e, id, "abc", 3));
	OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, id));
	OK(chan_recv_consume(e->cc, id, 3));
	assert_int_equal(e->neof, 1);
	expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 32);
	assert_int_equal(e->nclosed, 1);
	assert_false(chan_exists(e->cc, id));
	no_more_msgs(e);
}

static void
build_x11_req(struct wbuf *m, uint32_t id, int want_reply)
{
	build_req(m, id, "x11-req", want_reply);
	OK(wbuf_put_bool(m, 1));
	OK(wbuf_put_cstring(m, "MIT-MAGIC-COOKIE-1"));
	OK(wbuf_put_cstring(m, "0123456789abcdef0123456789abcdef"));
	OK(wbuf_put_u32(m, 2));
}

/* RFC 4254 s. 6.3.1 and the agent's request, to session_request. */
static void
test_req_x11_agent(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	uint32_t id = open_ok(e, 4, 1000, 1000);

	build_x11_req(&m, id, 1);
	OK(csend(e, &m));
	expect_reply(e, 1, 4);
	assert_int_equal(e->nreq, 1);
	assert_req_only(&e->req, "x11-req", 1);
	assert_int_equal(e->req.single_connection, 1);
	assert_string_equal(e->req.x11_auth_proto, "MIT-MAGIC-COOKIE-1");
	assert_string_equal(e->req.x11_auth_cookie,
	    "0123456789abcdef0123456789abcdef");
	assert_int_equal(e->req.x11_screen, 2);
	assert_null(e->req.term);
	assert_null(e->req.command);

	build_req(&m, id, "x11-req", 0);
	OK(wbuf_put_bool(&m, 0));
	OK(wbuf_put_cstring(&m, ""));
	OK(wbuf_put_cstring(&m, ""));
	OK(wbuf_put_u32(&m, 0));
	e->req_result = PC_ERR_PERMISSION_DENIED;
	OK(csend(e, &m));
	assert_int_equal(e->nreq, 2);
	assert_int_equal(e->req.single_connection, 0);
	assert_string_equal(e->req.x11_auth_proto, "");
	no_more_msgs(e);

	e->req_result = 0;
	build_req(&m, id, "auth-agent-req@openssh.com", 1);
	OK(csend(e, &m));
	expect_reply(e, 1, 4);
	assert_int_equal(e->nreq, 3);
	assert_req_only(&e->req, "auth-agent-req@openssh.com", 1);
	assert_null(e->req.x11_auth_proto);
	assert_int_equal(e->req.single_connection, 0);
	e->req_result = PC_ERR_PERMISSION_DENIED;
	build_req(&m, id, "auth-agent-req@openssh.com", 1);
	OK(csend(e, &m));
	expect_reply(e, 0, 4);
	no_more_msgs(e);
}

static void
test_req_x11_agent_malformed(void **state)
{
	struct env *e = *state;
	struct wbuf full, m;
	size_t cut, base;
	uint32_t id = open_ok(e, 4, 1000, 1000);

	build_x11_req(&full, id, 1);
	base = 1 + 4 + 4 + strlen("x11-req") + 1;
	for (cut = base; cut < wbuf_len(&full); cut++) {
		if (csend_raw(e, wbuf_ptr(&full), cut) == 0)
			fail_msg("x11-req cut at %zu accepted", cut);
		assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	}
	OK(wbuf_put_u8(&full, 0));
	assert_int_equal(csend(e, &full), PC_ERR_TRAILING_DATA);
	build_req(&m, id, "x11-req", 1);
	OK(wbuf_put_bool(&m, 1));
	OK(wbuf_put_string(&m, "MIT\0X", 5));
	OK(wbuf_put_cstring(&m, "00"));
	OK(wbuf_put_u32(&m, 0));
	assert_int_not_equal(csend(e, &m), 0);
	build_req(&m, id, "x11-req", 1);
	OK(wbuf_put_u8(&m, 2));	/* not a boolean's 0 or 1: still true */
	OK(wbuf_put_cstring(&m, "MIT-MAGIC-COOKIE-1"));
	OK(wbuf_put_cstring(&m, "00"));
	OK(wbuf_put_u32(&m, 0));
	OK(csend(e, &m));
	expect_reply(e, 1, 4);
	assert_true(e->req.single_connection);
	build_req(&m, id, "auth-agent-req@openssh.com", 1);
	OK(wbuf_put_u8(&m, 0));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);
	assert_int_equal(e->nreq, 1);
	no_more_msgs(e);
}

/* Requests on channels other than sessions: CHANNEL_FAILURE, the backend
 * not asked. */
static void
test_req_non_session(void **state)
{
	struct env *e = *state;
	struct chan_open_req q = { .kind = CHAN_KIND_AGENT };
	struct wbuf m, v;
	uint32_t a = direct_ok(e, 6, 1000, 1000), b;

	build_req(&m, a, "shell", 1);
	OK(csend(e, &m));
	expect_reply(e, 0, 6);
	build_req(&m, a, "exec", 0);
	OK(wbuf_put_cstring(&m, "id"));
	OK(csend(e, &m));
	build_x11_req(&m, a, 1);
	OK(csend(e, &m));
	expect_reply(e, 0, 6);
	/* Still parsed: malformed ends the connection. */
	build_req(&m, a, "exec", 1);
	assert_int_not_equal(csend(e, &m), 0);
	OK(chan_open(e->cc, &q, &b));
	(void)expect_our_open(e, &v, "auth-agent@openssh.com");
	OK(send_confirm(e, b, 7, 100, 100));
	build_req(&m, b, "auth-agent-req@openssh.com", 1);
	OK(csend(e, &m));
	expect_reply(e, 0, 7);
	assert_int_equal(e->nreq, 0);
	no_more_msgs(e);
}

/*
 * SSH_MSG_DEBUG as sent: a pair without encryption (cipher "none"), so
 * the server's output holds the packet in the clear: uint32 length, byte
 * padding length, then the payload.
 */
static void
test_send_debug(void **state)
{
	struct tp_params cp, sp;
	struct pair p;
	struct chan_conn *cc;
	struct chan_backend b;
	struct wbuf v;
	const uint8_t *out;
	uint32_t plen;
	uint8_t padlen, type;
	size_t len;
	char big[1100];

	(void)state;
	memset(&cp, 0, sizeof(cp));
	memset(&sp, 0, sizeof(sp));
	cp.ciphers = sp.ciphers = "none";
	cp.macs = sp.macs = "hmac-sha2-256";
	OK(pair_new(&p, &cp, &sp));
	pair_pump(&p);
	assert_true(tp_established(p.s.t));
	memset(&b, 0, sizeof(b));
	OK(chan_conn_new(p.s.t, &b, &cc));
	(void)tp_output_ptr(p.s.t, &len);
	assert_int_equal(len, 0);
	OK(chan_send_debug(cc, "Port forwarding is disabled."));
	out = tp_output_ptr(p.s.t, &len);
	wbuf_init_const(&v, out, len);
	OK(wbuf_get_u32(&v, &plen));
	OK(wbuf_get_u8(&v, &padlen));
	assert_true(plen > (uint32_t)padlen + 1);
	assert_true(len >= 4 + plen);
	wbuf_init_const(&v, out + 5, plen - padlen - 1);
	OK(wbuf_get_u8(&v, &type));
	assert_int_equal(type, SSH2_MSG_DEBUG);
	get_bool_eq(&v, 0);		/* always_display */
	get_str_eq(&v, "Port forwarding is disabled.");
	get_str_eq(&v, "");		/* language tag */
	OK(wbuf_get_end(&v));
	/* The client's transport takes it (and keeps it to itself). */
	pair_pump(&p);
	assert_int_equal(p.c.err, 0);
	assert_int_equal(p.c.nmsgs, 0);
	/* Nothing silly. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(chan_send_debug(cc, big), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(chan_send_debug(cc, NULL), PC_ERR_INVALID_ARGUMENT);
	(void)tp_output_ptr(p.s.t, &len);
	assert_int_equal(len, 0);
	chan_conn_free(cc);
	pair_free(&p);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_req_pty),
		T(test_req_window_change),
		T(test_req_env),
		T(test_req_exec_subsystem),
		T(test_req_signal_break_shell),
		T(test_req_unknown),
		T(test_req_malformed),
		T(test_data_in_order),
		T(test_data_write_through),
		T(test_window_adjust),
		T(test_window_adjust_sum),
		T(test_data_beyond_window),
		T(test_data_exact_window),
		T(test_data_too_big),
		T(test_data_after_eof),
		T(test_data_malformed),
		T(test_ext_data_in),
		T(test_ext_data_adjust),
		T(test_ext_data_only),
		T(test_eof_after_data),
		T(test_eof_then_close),
		T(test_send_window),
		T(test_send_big_packets),
		T(test_send_pending_bound),
		T(test_total_cap),
		T(test_send_during_rekey),
		T(test_send_window_overflow),
		T(test_send_stderr),
		T(test_exit_status_eof_close),
		T(test_exit_signal),
		T(test_close_first),
		T(test_peer_close),
		T(test_closed_id_reuse),
		T(test_free_closes),
		T(test_unknown_channel),
		T(test_userauth_ignored),
		T(test_unexpected_messages),
		T(test_empty_message),
		T(test_forwarded_window),
		T(test_half_close),
		T(test_close_drain),
		T(test_close_drain_backend_closes),
		T(test_close_drain_eof_closes),
		T(test_req_x11_agent),
		T(test_req_x11_agent_malformed),
		T(test_req_non_session),
		T(test_send_debug),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
