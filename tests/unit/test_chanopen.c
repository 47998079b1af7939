/*
 * Unit tests for channels/chanopen.c (RFC 4254 s. 4, 5.1, 7; OpenSSH
 * PROTOCOL 2.2, 2.4, 2.5): the peer's session and direct opens, pending
 * opens, our opens and their answers, the channel limit, global requests.
 * Through a real transport and a recording backend
 * (tests/common/chantest.h).
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

/* RFC 4254 s. 5.1: confirmation with our id, window and packet size. */
static void
test_open_session(void **state)
{
	struct env *e = *state;
	uint32_t a, b;

	a = open_ok(e, 7, 1000, 1024);
	assert_int_equal(a, 0);
	assert_int_equal(e->nopen, 1);
	assert_int_equal(e->open_ids[0], a);
	b = open_ok(e, 0xfffffff0, 0, 64);
	assert_int_equal(b, 1);
	assert_int_equal(e->nopen, 2);
	assert_int_equal(e->open_ids[1], b);
	assert_int_equal(chan_count(e->cc), 2);
	assert_false(chan_peer_closed(e->cc, a));
	assert_false(chan_exists(e->cc, 2));
	assert_false(chan_exists(e->cc, CHAN_MAX_CHANNELS));
	assert_int_equal(chan_send_space(e->cc, a), 1000);
	assert_int_equal(chan_send_space(e->cc, b), 0);
	no_more_msgs(e);
	assert_int_equal(e->nclosed, 0);
}

/* The backend's refusal: its reason and description, no closed(). */
static void
test_open_refused(void **state)
{
	struct env *e = *state;

	e->open_code = SSH2_OPEN_RESOURCE_SHORTAGE;
	e->open_why = "out of ptys";
	OK(send_open(e, 42, 1 << 20, 32768));
	expect_open_failure(e, 42, SSH2_OPEN_RESOURCE_SHORTAGE, "out of ptys");
	assert_int_equal(e->nopen, 1);
	assert_int_equal(chan_count(e->cc), 0);
	assert_false(chan_exists(e->cc, e->open_ids[0]));

	/* Without a description, a generic one. */
	e->open_code = SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED;
	e->open_why = NULL;
	OK(send_open(e, 43, 1 << 20, 32768));
	expect_open_failure(e, 43, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "session refused");
	assert_int_equal(chan_count(e->cc), 0);
	assert_int_equal(e->nclosed, 0);

	/* Refusals do not use up ids or sessions. */
	e->open_code = 0;
	chan_set_limits(e->cc, 1);
	assert_int_equal(open_ok(e, 44, 100, 100), 0);
	no_more_msgs(e);
	assert_int_equal(e->nclosed, 0);
}

/* RFC 4254 s. 5.1: a type we do not know, with whatever data follows. */
static void
test_open_unknown_type(void **state)
{
	static const char *types[] = {
		"Session", "session ", "", "direct-tcpip ", "tun@OpenSSH.com",
		"X11", "auth-agent-req@openssh.com",
	};
	struct env *e = *state;
	struct wbuf m;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		build_open(&m, types[i], (uint32_t)i, 1 << 20, 32768);
		/* type-specific data follows */
		OK(wbuf_put_cstring(&m, "127.0.0.1"));
		OK(wbuf_put_u32(&m, 22));
		OK(csend(e, &m));
		expect_open_failure(e, (uint32_t)i,
		    SSH2_OPEN_UNKNOWN_CHANNEL_TYPE, "unknown channel type");
	}
	assert_int_equal(e->nopen, 0);
	assert_int_equal(e->ndirect, 0);
	assert_int_equal(chan_count(e->cc), 0);
	no_more_msgs(e);
}

/* sshd_config MaxSessions (default 10). */
static void
test_max_sessions(void **state)
{
	struct env *e = *state;
	uint32_t i, a;

	for (i = 0; i < 10; i++)
		assert_int_equal(open_ok(e, 100 + i, 1000, 1000), i);
	OK(send_open(e, 200, 1000, 1000));
	expect_open_failure(e, 200, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "no more sessions");
	assert_int_equal(e->nopen, 10);	/* not asked */

	chan_set_limits(e->cc, 11);
	assert_int_equal(open_ok(e, 201, 1000, 1000), 10);
	chan_set_limits(e->cc, 2);
	OK(send_open(e, 202, 1000, 1000));
	expect_open_failure(e, 202, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "no more sessions");

	/* A closed session makes room: close down to one open. */
	for (i = 0; i < 10; i++) {
		OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, i));
		expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 100 + i);
	}
	assert_int_equal(chan_count(e->cc), 1);
	a = open_ok(e, 203, 1000, 1000);
	assert_int_equal(a, 0);		/* the lowest free id */
	OK(send_open(e, 204, 1000, 1000));
	expect_open_failure(e, 204, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "no more sessions");
	chan_set_limits(e->cc, 0);
	OK(send_open(e, 205, 1000, 1000));
	expect_open_failure(e, 205, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "no more sessions");
	no_more_msgs(e);
}

/* OpenSSH PROTOCOL 2.2: a session after no-more-sessions ends it all. */
static void
test_no_more_sessions(void **state)
{
	struct env *e = *state;
	int r;

	assert_int_equal(open_ok(e, 1, 1000, 1000), 0);
	OK(send_global(e, "no-more-sessions@openssh.com", 0));
	no_more_msgs(e);
	r = send_open(e, 2, 1000, 1000);
	assert_int_equal(r, PC_ERR_PROTOCOL);
	assert_int_equal(e->reason, SSH2_DISCONNECT_BY_APPLICATION);
	assert_int_equal(e->nopen, 1);
	no_more_msgs(e);
}

static void
test_no_more_sessions_reply(void **state)
{
	struct env *e = *state;
	struct wbuf v;

	OK(send_global(e, "no-more-sessions@openssh.com", 1));
	next_msg(e, &v, SSH2_MSG_REQUEST_FAILURE);
	OK(wbuf_get_end(&v));
	assert_int_not_equal(send_open(e, 2, 1000, 1000), 0);
	assert_int_equal(e->nopen, 0);
}

/* Maximum packet sizes below 64 leave no room for data. */
static void
test_small_max_packet(void **state)
{
	struct env *e = *state;

	OK(send_open(e, 5, 1000, 63));
	expect_open_failure(e, 5, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "maximum packet size too small");
	OK(send_open(e, 6, 1000, 0));
	expect_open_failure(e, 6, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "maximum packet size too small");
	assert_int_equal(e->nopen, 0);
	assert_int_equal(open_ok(e, 7, 1000, 64), 0);
	no_more_msgs(e);
}

/* Truncated at every offset, and trailing data after a session open. */
static void
test_open_malformed(void **state)
{
	struct env *e = *state;
	struct wbuf m, full;
	size_t cut;

	build_open(&full, "session", 9, 1000, 1000);
	for (cut = 1; cut < wbuf_len(&full); cut++) {
		assert_int_not_equal(csend_raw(e, wbuf_ptr(&full), cut), 0);
		assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	}
	wbuf_clear(&full);
	build_open(&m, "session", 9, 1000, 1000);
	OK(wbuf_put_u8(&m, 0));
	assert_int_equal(csend(e, &m), PC_ERR_TRAILING_DATA);
	assert_int_equal(e->nopen, 0);
	assert_int_equal(chan_count(e->cc), 0);
	/* A type with a NUL in it */
	mstart(&m, SSH2_MSG_CHANNEL_OPEN);
	OK(wbuf_put_string(&m, "session\0x", 9));
	OK(wbuf_put_u32(&m, 1));
	OK(wbuf_put_u32(&m, 1));
	OK(wbuf_put_u32(&m, 100));
	assert_int_not_equal(csend(e, &m), 0);
	no_more_msgs(e);
	assert_int_equal(e->nopen, 0);
}

static void
test_global_requests(void **state)
{
	struct env *e = *state;
	struct wbuf v, m;

	OK(send_global(e, "keepalive@openssh.com", 1));
	next_msg(e, &v, SSH2_MSG_REQUEST_FAILURE);
	OK(wbuf_get_end(&v));
	OK(send_global(e, "keepalive@openssh.com", 0));
	no_more_msgs(e);
	e->global_result = PC_ERR_PERMISSION_DENIED;
	mstart(&m, SSH2_MSG_GLOBAL_REQUEST);
	OK(wbuf_put_cstring(&m, "tcpip-forward"));
	OK(wbuf_put_bool(&m, 1));
	OK(wbuf_put_cstring(&m, "0.0.0.0"));
	OK(wbuf_put_u32(&m, 8080));
	OK(csend(e, &m));
	next_msg(e, &v, SSH2_MSG_REQUEST_FAILURE);
	OK(wbuf_get_end(&v));
	assert_int_equal(e->nglobal, 1);
	no_more_msgs(e);
	/* Truncated */
	mstart(&m, SSH2_MSG_GLOBAL_REQUEST);
	OK(wbuf_put_cstring(&m, "keepalive@openssh.com"));
	assert_int_not_equal(csend(e, &m), 0);
	assert_int_not_equal(csend_raw(e, (const uint8_t *)"\x50\0\0\0\x09x",
	    6), 0);
	no_more_msgs(e);
}

/* ClientAliveInterval's probe and how a reply clears it. */
static void
test_keepalive_probe(void **state)
{
	struct env *e = *state;
	struct wbuf v;
	char *name = NULL;
	int want;

	assert_int_equal(chan_alive_pending(e->cc), 0);
	OK(chan_send_keepalive(e->cc));
	OK(chan_send_keepalive(e->cc));
	assert_int_equal(chan_alive_pending(e->cc), 2);
	pair_pump(&e->p);
	next_msg(e, &v, SSH2_MSG_GLOBAL_REQUEST);
	OK(wbuf_get_cstring(&v, &name, NULL));
	assert_string_equal(name, "keepalive@openssh.com");
	OK(wbuf_get_bool(&v, &want));
	assert_true(want);
	OK(wbuf_get_end(&v));
	free(name);
	/* Any reply to a global request answers the probes. */
	assert_int_equal(csend_raw(e, (const uint8_t *)"\x52", 1), 0);
	assert_int_equal(chan_alive_pending(e->cc), 0);
}

/* RFC 4254 s. 7.2: the fields to the backend, confirmed with our id. */
static void
test_direct_tcpip(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	uint32_t id;

	build_direct_tcpip(&m, 33, 5000, 2048, "db.example", 5432,
	    "192.0.2.7", 51000);
	OK(csend(e, &m));
	id = expect_confirmation(e, 33);
	no_more_msgs(e);
	assert_int_equal(e->ndirect, 1);
	assert_int_equal(e->nopen, 0);	/* not a session */
	assert_int_equal(e->open.id, id);
	assert_int_equal(e->open.kind, CHAN_KIND_DIRECT_TCPIP);
	assert_string_equal(e->open.host, "db.example");
	assert_int_equal(e->open.port, 5432);
	assert_string_equal(e->open.orig_host, "192.0.2.7");
	assert_int_equal(e->open.orig_port, 51000);
	assert_null(e->open.path);
	assert_int_equal(chan_kind(e->cc, id), CHAN_KIND_DIRECT_TCPIP);
	assert_int_equal(chan_count(e->cc), 1);
	assert_int_equal(chan_send_space(e->cc, id), 5000);
	/* Bytes both ways. */
	OK(send_data(e, id, "SELECT 1", 8));
	assert_int_equal(chan_send_data(e->cc, id, 0,
	    (const uint8_t *)"row", 3), 3);
	assert_int_equal(expect_data(e, 33, 0, (const uint8_t *)"row", 3), 3);
	no_more_msgs(e);
	/* Ports at the limits are fine. */
	build_direct_tcpip(&m, 34, 0, 64, "", 0, "", 65535);
	OK(csend(e, &m));
	(void)expect_confirmation(e, 34);
	assert_string_equal(e->open.host, "");
	assert_int_equal(e->open.port, 0);
	assert_int_equal(e->open.orig_port, 65535);
	no_more_msgs(e);
}

/* OpenSSH PROTOCOL 2.4: the path; the reserved fields are ignored. */
static void
test_direct_streamlocal(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	uint32_t id;

	build_open(&m, "direct-streamlocal@openssh.com", 3, 100, 100);
	OK(wbuf_put_cstring(&m, "/run/app.sock"));
	OK(wbuf_put_cstring(&m, "anything"));
	OK(wbuf_put_u32(&m, 0xdeadbeef));
	OK(csend(e, &m));
	id = expect_confirmation(e, 3);
	assert_int_equal(e->ndirect, 1);
	assert_int_equal(e->open.kind, CHAN_KIND_DIRECT_STREAMLOCAL);
	assert_string_equal(e->open.path, "/run/app.sock");
	assert_null(e->open.host);
	assert_null(e->open.orig_host);
	assert_int_equal(chan_kind(e->cc, id), CHAN_KIND_DIRECT_STREAMLOCAL);
	no_more_msgs(e);
}

/* tun@openssh.com (PROTOCOL 2.3): mode and unit go to the backend like
 * a direct open; the backend's refusal goes back; a short one is
 * malformed and ends the connection. */
static void
test_tun_open(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	uint32_t reason;

	e->direct_code = SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED;
	e->direct_why = "administratively prohibited";
	build_open(&m, "tun@openssh.com", 4, 100, 100);
	OK(wbuf_put_u32(&m, 1));
	OK(wbuf_put_u32(&m, 0x7fffffff));
	OK(csend(e, &m));
	expect_open_failure(e, 4, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "administratively prohibited");
	assert_int_equal(e->ndirect, 1);
	assert_int_equal(e->open.kind, CHAN_KIND_TUN);
	assert_int_equal(e->open.tun_mode, 1);
	assert_int_equal(e->open.tun_unit, 0x7fffffff);
	assert_int_equal(chan_count(e->cc), 0);
	no_more_msgs(e);
	build_open(&m, "tun@openssh.com", 5, 100, 100);
	OK(wbuf_put_u32(&m, 1));
	assert_int_not_equal(chan_recv(e->cc, wbuf_ptr(&m), wbuf_len(&m),
	    &reason), 0);
	assert_int_equal(e->ndirect, 1);
	wbuf_clear(&m);
}

/* The backend's refusal: its reason and description, no closed(), the
 * id free again. */
static void
test_direct_refused(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	uint32_t id;

	e->direct_code = SSH2_OPEN_CONNECT_FAILED;
	e->direct_why = "Connection refused";
	build_direct_tcpip(&m, 8, 100, 100, "localhost", 1, "::1", 2);
	OK(csend(e, &m));
	expect_open_failure(e, 8, SSH2_OPEN_CONNECT_FAILED,
	    "Connection refused");
	e->direct_code = SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED;
	e->direct_why = NULL;
	build_direct_sl(&m, 9, 100, 100, "/tmp/x");
	OK(csend(e, &m));
	expect_open_failure(e, 9, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "open failed");
	assert_int_equal(e->ndirect, 2);
	assert_int_equal(e->nclosed, 0);
	assert_int_equal(chan_count(e->cc), 0);
	e->direct_code = 0;
	id = direct_ok(e, 10, 100, 100);
	assert_int_equal(id, 0);
	no_more_msgs(e);
}

/* Without a backend for them, direct opens are administratively
 * prohibited; so are the types only the server opens. */
static void
test_direct_no_backend(void **state)
{
	static const char *ours[] = {
		"forwarded-tcpip", "forwarded-streamlocal@openssh.com", "x11",
		"auth-agent@openssh.com",
	};
	struct env *e = *state;
	struct wbuf m;
	size_t i;

	e->b.direct_open = NULL;
	build_direct_tcpip(&m, 1, 100, 100, "localhost", 22, "127.0.0.1", 1);
	OK(csend(e, &m));
	expect_open_failure(e, 1, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "administratively prohibited");
	build_direct_sl(&m, 2, 100, 100, "/tmp/s");
	OK(csend(e, &m));
	expect_open_failure(e, 2, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "administratively prohibited");
	e->b.direct_open = be_direct_open;
	for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
		build_open(&m, ours[i], 10 + (uint32_t)i, 100, 100);
		OK(wbuf_put_cstring(&m, "127.0.0.1"));
		OK(wbuf_put_u32(&m, 6010));
		OK(csend(e, &m));
		expect_open_failure(e, 10 + (uint32_t)i,
		    SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
		    "administratively prohibited");
	}
	assert_int_equal(e->ndirect, 0);
	assert_int_equal(chan_count(e->cc), 0);
	no_more_msgs(e);
}

/* A malformed open ends the connection, as OpenSSH's packet parse error:
 * truncated at every byte, trailing data, a NUL in a string. */
static void
test_direct_malformed(void **state)
{
	struct env *e = *state;
	struct wbuf full, m;
	size_t cut, base;
	int k;

	for (k = 0; k < 2; k++) {
		if (k == 0)
			build_direct_tcpip(&full, 5, 100, 100, "h", 1, "o", 2);
		else
			build_direct_sl(&full, 5, 100, 100, "/p");
		base = 1 + 4 + strlen(k == 0 ? "direct-tcpip" :
		    "direct-streamlocal@openssh.com") + 12;
		for (cut = base; cut < wbuf_len(&full); cut++) {
			if (csend_raw(e, wbuf_ptr(&full), cut) == 0)
				fail_msg("open %d cut at %zu accepted", k, cut);
			assert_int_equal(e->reason,
			    SSH2_DISCONNECT_PROTOCOL_ERROR);
		}
		OK(wbuf_put_u8(&full, 0));
		assert_int_equal(csend(e, &full), PC_ERR_TRAILING_DATA);
	}
	build_open(&m, "direct-tcpip", 5, 100, 100);
	OK(wbuf_put_string(&m, "h\0x", 3));
	OK(wbuf_put_u32(&m, 1));
	OK(wbuf_put_cstring(&m, "o"));
	OK(wbuf_put_u32(&m, 2));
	assert_int_not_equal(csend(e, &m), 0);
	build_open(&m, "direct-streamlocal@openssh.com", 5, 100, 100);
	OK(wbuf_put_string(&m, "/p\0/q", 5));
	OK(wbuf_put_cstring(&m, ""));
	OK(wbuf_put_u32(&m, 0));
	assert_int_not_equal(csend(e, &m), 0);
	assert_int_equal(e->ndirect, 0);
	assert_int_equal(chan_count(e->cc), 0);
	no_more_msgs(e);
}

/* Ports above 65535 (OpenSSH's server_request_direct_tcpip), a maximum
 * packet too small; a window of 0 is fine. */
static void
test_direct_limits(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	uint32_t id;

	build_direct_tcpip(&m, 1, 100, 100, "h", 65536, "o", 2);
	OK(csend(e, &m));
	expect_open_failure(e, 1, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "invalid port");
	build_direct_tcpip(&m, 2, 100, 100, "h", 22, "o", 0xffffffff);
	OK(csend(e, &m));
	expect_open_failure(e, 2, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "invalid port");
	build_direct_tcpip(&m, 3, 100, 63, "h", 22, "o", 2);
	OK(csend(e, &m));
	expect_open_failure(e, 3, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "maximum packet size too small");
	build_direct_sl(&m, 4, 100, 0, "/s");
	OK(csend(e, &m));
	expect_open_failure(e, 4, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "maximum packet size too small");
	assert_int_equal(e->ndirect, 0);
	id = direct_ok(e, 5, 0, 64);
	assert_int_equal(chan_send_space(e->cc, id), 0);
	OK(send_adjust(e, id, 10));
	assert_int_equal(chan_send_space(e->cc, id), 10);
	no_more_msgs(e);
}

/* Pending: the slot is held, nothing is sent, the peer cannot talk to
 * it; chan_open_confirm confirms it once. */
static void
test_pending_confirm(void **state)
{
	static const uint8_t types[] = {
		SSH2_MSG_CHANNEL_WINDOW_ADJUST, SSH2_MSG_CHANNEL_DATA,
		SSH2_MSG_CHANNEL_EOF, SSH2_MSG_CHANNEL_CLOSE,
		SSH2_MSG_CHANNEL_REQUEST, SSH2_MSG_CHANNEL_SUCCESS,
	};
	struct env *e = *state;
	struct wbuf m;
	uint32_t id, other;
	size_t i, len;

	e->direct_code = CHAN_OPEN_PENDING;
	build_direct_tcpip(&m, 70, 3000, 1000, "slow.example", 443, "o", 9);
	OK(csend(e, &m));
	no_more_msgs(e);
	id = e->open.id;
	assert_true(chan_exists(e->cc, id));
	assert_int_equal(chan_kind(e->cc, id), CHAN_KIND_DIRECT_TCPIP);
	assert_int_equal(chan_count(e->cc), 1);
	assert_int_equal(chan_send_space(e->cc, id), 0);
	assert_int_equal(chan_send_data(e->cc, id, 0,
	    (const uint8_t *)"x", 1), 0);
	(void)chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, 0);
	for (i = 0; i < sizeof(types); i++) {
		build_chan(&m, types[i], id);
		OK(wbuf_put_u32(&m, 1));	/* whatever follows */
		assert_int_equal(csend(e, &m), PC_ERR_PROTOCOL);
		assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	}
	/* Nothing for the end of a channel that is not open. */
	assert_int_equal(chan_send_eof(e->cc, id), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(chan_send_close(e->cc, id), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(chan_send_exit_status(e->cc, id, 0),
	    PC_ERR_INVALID_ARGUMENT);
	no_more_msgs(e);
	/* Another open meanwhile takes the next id. */
	e->direct_code = 0;
	other = direct_ok(e, 71, 100, 100);
	assert_int_not_equal(other, id);

	OK(chan_open_confirm(e->cc, id));
	assert_int_equal(expect_confirmation(e, 70), id);
	no_more_msgs(e);
	assert_int_equal(chan_send_space(e->cc, id), 3000);
	OK(send_data(e, id, "GET /", 5));
	(void)chan_recv_ptr(e->cc, id, &len);
	assert_int_equal(len, 5);
	/* Once only; fail is too late now. */
	assert_int_equal(chan_open_confirm(e->cc, id),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(chan_open_fail(e->cc, id, 2, "x"),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(chan_open_confirm(e->cc, other),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(chan_open_confirm(e->cc, 999),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(chan_open_confirm(e->cc, CHAN_MAX_CHANNELS),
	    PC_ERR_INVALID_ARGUMENT);
	no_more_msgs(e);
	assert_int_equal(e->nclosed, 0);
}

/* chan_open_fail: OPEN_FAILURE with the reason, the slot forgotten
 * without closed(). */
static void
test_pending_fail(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	uint32_t a, b;

	e->direct_code = CHAN_OPEN_PENDING;
	build_direct_tcpip(&m, 80, 100, 100, "nowhere", 1, "o", 2);
	OK(csend(e, &m));
	a = e->open.id;
	build_direct_sl(&m, 81, 100, 100, "/nowhere");
	OK(csend(e, &m));
	b = e->open.id;
	no_more_msgs(e);
	OK(chan_open_fail(e->cc, a, SSH2_OPEN_CONNECT_FAILED,
	    "Connection refused"));
	expect_open_failure(e, 80, SSH2_OPEN_CONNECT_FAILED,
	    "Connection refused");
	OK(chan_open_fail(e->cc, b, SSH2_OPEN_CONNECT_FAILED, NULL));
	expect_open_failure(e, 81, SSH2_OPEN_CONNECT_FAILED, "open failed");
	assert_false(chan_exists(e->cc, a));
	assert_false(chan_exists(e->cc, b));
	assert_int_equal(chan_count(e->cc), 0);
	assert_int_equal(e->nclosed, 0);
	assert_int_equal(chan_open_fail(e->cc, a, 2, "again"),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(chan_open_confirm(e->cc, a), PC_ERR_INVALID_ARGUMENT);
	/* The id is free: the peer cannot use it, a new open gets it. */
	assert_int_equal(send_simple(e, SSH2_MSG_CHANNEL_EOF, a),
	    PC_ERR_PROTOCOL);
	e->direct_code = 0;
	assert_int_equal(direct_ok(e, 82, 100, 100), a);
	no_more_msgs(e);
}

/* The backend may confirm inside direct_open: one confirmation still. */
static void
test_pending_confirm_inside(void **state)
{
	struct env *e = *state;
	struct wbuf m;
	uint32_t id;

	e->direct_confirm_inside = 1;
	e->direct_code = 0;
	build_direct_tcpip(&m, 90, 100, 100, "h", 1, "o", 2);
	OK(csend(e, &m));
	id = expect_confirmation(e, 90);
	no_more_msgs(e);
	e->direct_code = CHAN_OPEN_PENDING;
	build_direct_tcpip(&m, 91, 100, 100, "h", 1, "o", 2);
	OK(csend(e, &m));
	assert_int_equal(expect_confirmation(e, 91), id + 1);
	no_more_msgs(e);
	/* Confirmed, then a refusal returned: the confirmation stands. */
	e->direct_code = SSH2_OPEN_CONNECT_FAILED;
	build_direct_tcpip(&m, 92, 100, 100, "h", 1, "o", 2);
	OK(csend(e, &m));
	assert_int_equal(expect_confirmation(e, 92), id + 2);
	no_more_msgs(e);
	assert_int_equal(chan_count(e->cc), 3);
}

/* chan_conn_free: pending and opening channels get closed() too. */
static void
test_free_pending(void **state)
{
	struct env *e = *state;
	struct chan_open_req q = {
		.kind = CHAN_KIND_AGENT,
	};
	struct wbuf m;
	uint32_t id;

	e->direct_code = CHAN_OPEN_PENDING;
	build_direct_tcpip(&m, 1, 100, 100, "h", 1, "o", 2);
	OK(csend(e, &m));
	OK(chan_open(e->cc, &q, &id));
	assert_int_equal(chan_count(e->cc), 2);
	chan_conn_free(e->cc);
	e->cc = NULL;
	assert_int_equal(e->nclosed, 2);
	assert_int_equal(e->nresult, 0);
}

/* Each kind's fields (RFC 4254 s. 6.3.2, 7.2; PROTOCOL 2.4 and the
 * agent), confirmed: open_result(ok), then data within the peer's window
 * and packet size. */
static void
test_our_opens(void **state)
{
	struct env *e = *state;
	struct chan_open_req q;
	struct wbuf v;
	uint32_t id, got, i;
	uint8_t buf[600];

	memset(&q, 0, sizeof(q));
	q.kind = CHAN_KIND_FORWARDED_TCPIP;
	q.host = "0.0.0.0";
	q.port = 8080;
	q.orig_host = "198.51.100.4";
	q.orig_port = 61000;
	OK(chan_open(e->cc, &q, &id));
	assert_int_equal(id, 0);
	got = expect_our_open(e, &v, "forwarded-tcpip");
	assert_int_equal(got, id);
	get_str_eq(&v, "0.0.0.0");
	get_u32_eq(&v, 8080);
	get_str_eq(&v, "198.51.100.4");
	get_u32_eq(&v, 61000);
	OK(wbuf_get_end(&v));

	memset(&q, 0, sizeof(q));
	q.kind = CHAN_KIND_FORWARDED_STREAMLOCAL;
	q.path = "/home/u/fwd.sock";
	OK(chan_open(e->cc, &q, &id));
	assert_int_equal(id, 1);
	assert_int_equal(expect_our_open(e, &v,
	    "forwarded-streamlocal@openssh.com"), 1);
	get_str_eq(&v, "/home/u/fwd.sock");
	get_str_eq(&v, "");
	OK(wbuf_get_end(&v));

	memset(&q, 0, sizeof(q));
	q.kind = CHAN_KIND_X11;
	q.orig_host = "127.0.0.1";
	q.orig_port = 45000;
	OK(chan_open(e->cc, &q, &id));
	assert_int_equal(expect_our_open(e, &v, "x11"), 2);
	get_str_eq(&v, "127.0.0.1");
	get_u32_eq(&v, 45000);
	OK(wbuf_get_end(&v));

	memset(&q, 0, sizeof(q));
	q.kind = CHAN_KIND_AGENT;
	OK(chan_open(e->cc, &q, &id));
	assert_int_equal(expect_our_open(e, &v, "auth-agent@openssh.com"), 3);
	OK(wbuf_get_end(&v));
	no_more_msgs(e);

	assert_int_equal(chan_kind(e->cc, 0), CHAN_KIND_FORWARDED_TCPIP);
	assert_int_equal(chan_kind(e->cc, 1), CHAN_KIND_FORWARDED_STREAMLOCAL);
	assert_int_equal(chan_kind(e->cc, 2), CHAN_KIND_X11);
	assert_int_equal(chan_kind(e->cc, 3), CHAN_KIND_AGENT);
	assert_int_equal(chan_count(e->cc), 4);
	for (i = 0; i < 4; i++) {
		assert_true(chan_exists(e->cc, i));
		assert_int_equal(chan_send_space(e->cc, i), 0);
		assert_int_equal(chan_send_data(e->cc, i, 0, buf, 1), 0);
	}
	assert_int_equal(e->nresult, 0);
	/* The peer may not talk to a channel it has not confirmed. */
	assert_int_equal(send_data(e, 0, "x", 1), PC_ERR_PROTOCOL);

	for (i = 0; i < 4; i++) {
		OK(send_confirm(e, i, 500 + i, 1000, 256));
		assert_int_equal(e->nresult, i + 1);
		assert_int_equal(e->result_ids[i], i);
		assert_int_equal(e->result_ok[i], 1);
		assert_int_equal(chan_send_space(e->cc, i), 1000);
	}
	no_more_msgs(e);
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(chan_send_data(e->cc, 2, 0, buf, sizeof(buf)),
	    sizeof(buf));
	assert_int_equal(expect_data(e, 502, 0, buf, 256), 256);
	assert_int_equal(expect_data(e, 502, 0, buf, 256), 256);
	assert_int_equal(expect_data(e, 502, 0, buf, 256), 88);
	assert_int_equal(chan_send_space(e->cc, 2), 400);
	OK(send_data(e, 3, "agent", 5));
	no_more_msgs(e);
	/* A second confirmation is out of place. */
	assert_int_equal(send_confirm(e, 1, 9, 9, 100), PC_ERR_PROTOCOL);
	assert_int_equal(send_open_fail(e, 1, 2, "no"), PC_ERR_PROTOCOL);
	assert_int_equal(e->nresult, 4);
	assert_int_equal(e->nclosed, 0);
}

/* Refused: open_result(0), then closed(); the id is free again. */
static void
test_our_open_refused(void **state)
{
	struct env *e = *state;
	struct chan_open_req q = {
		.kind = CHAN_KIND_X11, .orig_host = "127.0.0.1",
		.orig_port = 1,
	};
	struct wbuf v;
	uint32_t id, id2;

	OK(chan_open(e->cc, &q, &id));
	(void)expect_our_open(e, &v, "x11");
	OK(send_open_fail(e, id, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "X11 forwarding disabled \x1b[2J"));
	assert_int_equal(e->nresult, 1);
	assert_int_equal(e->result_ids[0], id);
	assert_int_equal(e->result_ok[0], 0);
	assert_int_equal(e->nclosed, 1);
	assert_int_equal(e->closed_ids[0], id);
	assert_false(chan_exists(e->cc, id));
	assert_int_equal(chan_count(e->cc), 0);
	no_more_msgs(e);
	/* Its answer is in: a second one, or a confirmation, is wrong. */
	assert_int_equal(send_confirm(e, id, 1, 1, 100), PC_ERR_PROTOCOL);
	assert_int_equal(send_open_fail(e, id, 1, ""), PC_ERR_PROTOCOL);
	OK(chan_open(e->cc, &q, &id2));
	assert_int_equal(id2, id);
	(void)expect_our_open(e, &v, "x11");
	no_more_msgs(e);
}

/* A maximum packet too small for data: we close, open_result(0), and
 * closed() comes with the peer's CLOSE. */
static void
test_our_open_tiny_packet(void **state)
{
	struct env *e = *state;
	struct chan_open_req q = { .kind = CHAN_KIND_AGENT };
	struct wbuf v;
	uint32_t id;

	OK(chan_open(e->cc, &q, &id));
	(void)expect_our_open(e, &v, "auth-agent@openssh.com");
	OK(send_confirm(e, id, 44, 100000, 63));
	expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 44);
	no_more_msgs(e);
	assert_int_equal(e->nresult, 1);
	assert_int_equal(e->result_ok[0], 0);
	assert_int_equal(chan_send_space(e->cc, id), 0);
	assert_int_equal(e->nclosed, 0);
	assert_true(chan_exists(e->cc, id));
	/* What the peer sent before seeing our CLOSE: no peer_eof for a
	 * channel the backend was told is refused. */
	OK(send_simple(e, SSH2_MSG_CHANNEL_EOF, id));
	assert_int_equal(e->neof, 0);
	OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, id));
	assert_int_equal(e->nclosed, 1);
	assert_false(chan_exists(e->cc, id));
	no_more_msgs(e);
	/* 64 is enough. */
	OK(chan_open(e->cc, &q, &id));
	(void)expect_our_open(e, &v, "auth-agent@openssh.com");
	OK(send_confirm(e, id, 45, 100, 64));
	assert_int_equal(e->result_ok[1], 1);
	no_more_msgs(e);
}

/* chan_send_close while opening: CLOSE when the peer confirms, and no
 * open_result either way. */
static void
test_our_open_closed_early(void **state)
{
	struct env *e = *state;
	struct chan_open_req q = { .kind = CHAN_KIND_AGENT };
	struct wbuf v;
	uint32_t a, b;

	OK(chan_open(e->cc, &q, &a));
	OK(chan_open(e->cc, &q, &b));
	(void)expect_our_open(e, &v, "auth-agent@openssh.com");
	(void)expect_our_open(e, &v, "auth-agent@openssh.com");
	OK(chan_send_close(e->cc, a));
	OK(chan_send_close(e->cc, b));
	assert_int_equal(chan_send_eof(e->cc, a), PC_ERR_INVALID_ARGUMENT);
	no_more_msgs(e);
	OK(send_confirm(e, a, 60, 1000, 1000));
	expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 60);
	assert_int_equal(chan_send_space(e->cc, a), 0);
	OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, a));
	assert_int_equal(e->nclosed, 1);
	OK(send_open_fail(e, b, SSH2_OPEN_CONNECT_FAILED, "no agent"));
	assert_int_equal(e->nclosed, 2);
	assert_int_equal(e->nresult, 0);
	assert_int_equal(chan_count(e->cc), 0);
	no_more_msgs(e);
}

/* What chan_open will not send. */
static void
test_our_open_bad_args(void **state)
{
	struct env *e = *state;
	struct chan_open_req q;
	uint32_t id;

	memset(&q, 0, sizeof(q));
	q.kind = CHAN_KIND_SESSION;
	assert_int_equal(chan_open(e->cc, &q, &id), PC_ERR_INVALID_ARGUMENT);
	q.kind = CHAN_KIND_DIRECT_TCPIP;
	q.host = q.orig_host = "h";
	assert_int_equal(chan_open(e->cc, &q, &id), PC_ERR_INVALID_ARGUMENT);
	q.kind = CHAN_KIND_DIRECT_STREAMLOCAL;
	q.path = "/p";
	assert_int_equal(chan_open(e->cc, &q, &id), PC_ERR_INVALID_ARGUMENT);
	q.kind = (enum chan_kind)99;
	assert_int_equal(chan_open(e->cc, &q, &id), PC_ERR_INVALID_ARGUMENT);
	memset(&q, 0, sizeof(q));
	q.kind = CHAN_KIND_FORWARDED_TCPIP;
	q.host = "h";
	assert_int_equal(chan_open(e->cc, &q, &id), PC_ERR_INVALID_ARGUMENT);
	q.orig_host = "o";
	q.port = 65536;
	assert_int_equal(chan_open(e->cc, &q, &id), PC_ERR_INVALID_ARGUMENT);
	q.kind = CHAN_KIND_FORWARDED_STREAMLOCAL;
	q.path = NULL;
	assert_int_equal(chan_open(e->cc, &q, &id), PC_ERR_INVALID_ARGUMENT);
	q.kind = CHAN_KIND_X11;
	q.orig_host = NULL;
	assert_int_equal(chan_open(e->cc, &q, &id), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(id, CHAN_MAX_CHANNELS);
	assert_int_equal(chan_count(e->cc), 0);
	no_more_msgs(e);
}

/* The peer's answers, malformed or for the wrong channel, end the
 * connection and leave the opening channel as it was. */
static void
test_open_reply_malformed(void **state)
{
	static const uint32_t bad_ids[] = {
		0, 2, 3, 4, CHAN_MAX_CHANNELS, 0xffffffff,
	};
	struct env *e = *state;
	struct chan_open_req q = { .kind = CHAN_KIND_AGENT };
	struct wbuf full, v, m;
	uint32_t id, i, pend;
	size_t cut;

	(void)open_ok(e, 1, 100, 100);		/* id 0, open */
	OK(chan_open(e->cc, &q, &id));		/* id 1, opening */
	(void)expect_our_open(e, &v, "auth-agent@openssh.com");
	e->direct_code = CHAN_OPEN_PENDING;	/* id 2, pending */
	build_direct_tcpip(&m, 7, 100, 100, "h", 1, "o", 2);
	OK(csend(e, &m));
	pend = e->open.id;
	assert_int_equal(pend, 2);

	build_chan(&full, SSH2_MSG_CHANNEL_OPEN_CONFIRMATION, id);
	OK(wbuf_put_u32(&full, 5));
	OK(wbuf_put_u32(&full, 100));
	OK(wbuf_put_u32(&full, 100));
	for (cut = 1; cut < wbuf_len(&full); cut++) {
		if (csend_raw(e, wbuf_ptr(&full), cut) == 0)
			fail_msg("confirmation cut at %zu accepted", cut);
		assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
	}
	OK(wbuf_put_u8(&full, 0));
	assert_int_equal(csend(e, &full), PC_ERR_TRAILING_DATA);

	build_chan(&full, SSH2_MSG_CHANNEL_OPEN_FAILURE, id);
	OK(wbuf_put_u32(&full, 2));
	OK(wbuf_put_cstring(&full, "no"));
	OK(wbuf_put_cstring(&full, ""));
	for (cut = 1; cut < wbuf_len(&full); cut++) {
		if (csend_raw(e, wbuf_ptr(&full), cut) == 0)
			fail_msg("failure cut at %zu accepted", cut);
	}
	OK(wbuf_put_u8(&full, 0));
	assert_int_equal(csend(e, &full), PC_ERR_TRAILING_DATA);

	/* Open, pending, free or out-of-range ids. */
	for (i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		assert_int_equal(send_confirm(e, bad_ids[i], 5, 100, 100),
		    PC_ERR_PROTOCOL);
		assert_int_equal(e->reason, SSH2_DISCONNECT_PROTOCOL_ERROR);
		assert_int_equal(send_open_fail(e, bad_ids[i], 2, "x"),
		    PC_ERR_PROTOCOL);
	}
	assert_int_equal(e->nresult, 0);
	assert_int_equal(e->nclosed, 0);
	assert_int_equal(chan_count(e->cc), 3);
	no_more_msgs(e);
	/* Still waiting for its answer. */
	OK(send_confirm(e, id, 5, 100, 100));
	assert_int_equal(e->nresult, 1);
	assert_int_equal(e->result_ok[0], 1);
	assert_int_equal(chan_send_space(e->cc, id), 100);
}

/* CHAN_MAX_CHANNELS of every kind; MaxSessions counts sessions only. */
static void
test_channel_limit(void **state)
{
	struct env *e = *state;
	struct chan_open_req q = { .kind = CHAN_KIND_AGENT };
	struct wbuf m;
	uint32_t i, id;

	chan_set_limits(e->cc, 1);
	assert_int_equal(open_ok(e, 0, 100, 100), 0);
	OK(send_open(e, 1, 100, 100));
	expect_open_failure(e, 1, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
	    "no more sessions");
	OK(chan_open(e->cc, &q, &id));
	assert_int_equal(id, 1);
	(void)expect_our_open(e, &m, "auth-agent@openssh.com");
	client_reset(e);
	for (i = 2; i < CHAN_MAX_CHANNELS; i++) {
		assert_int_equal(direct_ok(e, i, 100, 100), i);
		if (e->seen > 200)
			client_reset(e);
	}
	assert_int_equal(chan_count(e->cc), CHAN_MAX_CHANNELS);
	client_reset(e);
	build_direct_tcpip(&m, 5000, 100, 100, "h", 1, "o", 2);
	OK(csend(e, &m));
	expect_open_failure(e, 5000, SSH2_OPEN_RESOURCE_SHORTAGE,
	    "too many channels");
	chan_set_limits(e->cc, 100);
	OK(send_open(e, 5001, 100, 100));
	expect_open_failure(e, 5001, SSH2_OPEN_RESOURCE_SHORTAGE,
	    "too many channels");
	assert_int_equal(chan_open(e->cc, &q, &id), PC_ERR_NO_BUFFER_SPACE);
	assert_int_equal(id, CHAN_MAX_CHANNELS);
	no_more_msgs(e);
	assert_int_equal(e->ndirect, CHAN_MAX_CHANNELS - 2);
	/* One closed makes room for one. */
	OK(send_simple(e, SSH2_MSG_CHANNEL_CLOSE, 700));
	expect_simple(e, SSH2_MSG_CHANNEL_CLOSE, 700);
	assert_int_equal(direct_ok(e, 5002, 100, 100), 700);
	no_more_msgs(e);
}

static void
build_global(struct wbuf *m, const char *name, int want_reply)
{
	mstart(m, SSH2_MSG_GLOBAL_REQUEST);
	OK(wbuf_put_cstring(m, name));
	OK(wbuf_put_bool(m, want_reply));
}

static int
send_tcpip_forward(struct env *e, const char *name, int want_reply,
    const char *addr, uint32_t port)
{
	struct wbuf m;

	build_global(&m, name, want_reply);
	OK(wbuf_put_cstring(&m, addr));
	OK(wbuf_put_u32(&m, port));
	return csend(e, &m);
}

static void
expect_global_reply(struct env *e, int ok)
{
	struct wbuf v;

	next_msg(e, &v, ok ? SSH2_MSG_REQUEST_SUCCESS :
	    SSH2_MSG_REQUEST_FAILURE);
	OK(wbuf_get_end(&v));
}

/* RFC 4254 s. 7.1: the fields to the backend; its answer as the reply,
 * with the allocated port for port 0. */
static void
test_global_tcpip_forward(void **state)
{
	struct env *e = *state;
	struct wbuf v;

	OK(send_tcpip_forward(e, "tcpip-forward", 1, "localhost", 8080));
	expect_global_reply(e, 1);
	assert_int_equal(e->nglobal, 1);
	assert_string_equal(e->global.name, "tcpip-forward");
	assert_int_equal(e->global.want_reply, 1);
	assert_string_equal(e->global.addr, "localhost");
	assert_int_equal(e->global.port, 8080);
	assert_null(e->global.path);

	e->global_port = 40123;
	OK(send_tcpip_forward(e, "tcpip-forward", 1, "", 0));
	next_msg(e, &v, SSH2_MSG_REQUEST_SUCCESS);
	get_u32_eq(&v, 40123);
	OK(wbuf_get_end(&v));
	assert_int_equal(e->global.port, 0);
	assert_string_equal(e->global.addr, "");

	/* Without want_reply: done, nothing sent. */
	OK(send_tcpip_forward(e, "tcpip-forward", 0, "0.0.0.0", 0));
	assert_int_equal(e->nglobal, 3);
	assert_int_equal(e->global.want_reply, 0);
	no_more_msgs(e);

	OK(send_tcpip_forward(e, "cancel-tcpip-forward", 1, "localhost",
	    8080));
	expect_global_reply(e, 1);	/* no port in a cancel's reply */
	assert_string_equal(e->global.name, "cancel-tcpip-forward");
	assert_int_equal(e->global.port, 8080);
	OK(send_tcpip_forward(e, "cancel-tcpip-forward", 1, "localhost", 0));
	expect_global_reply(e, 1);

	e->global_result = PC_ERR_PERMISSION_DENIED;
	OK(send_tcpip_forward(e, "tcpip-forward", 1, "*", 0));
	expect_global_reply(e, 0);
	OK(send_tcpip_forward(e, "tcpip-forward", 1, "*", 22));
	expect_global_reply(e, 0);
	assert_int_equal(e->nglobal, 7);
	no_more_msgs(e);
}

/* A backend that says yes to port 0 without a port: refused. */
static void
test_global_port0_unallocated(void **state)
{
	struct env *e = *state;

	e->global_port = 0;
	OK(send_tcpip_forward(e, "tcpip-forward", 1, "localhost", 0));
	expect_global_reply(e, 0);
	assert_int_equal(e->nglobal, 1);
	no_more_msgs(e);
}

/* PROTOCOL 2.4: the path. */
static void
test_global_streamlocal(void **state)
{
	struct env *e = *state;
	struct wbuf m;

	build_global(&m, "streamlocal-forward@openssh.com", 1);
	OK(wbuf_put_cstring(&m, "/tmp/remote.sock"));
	OK(csend(e, &m));
	expect_global_reply(e, 1);
	assert_string_equal(e->global.name,
	    "streamlocal-forward@openssh.com");
	assert_string_equal(e->global.path, "/tmp/remote.sock");
	assert_null(e->global.addr);
	build_global(&m, "cancel-streamlocal-forward@openssh.com", 1);
	OK(wbuf_put_cstring(&m, "/tmp/remote.sock"));
	e->global_result = PC_ERR_NOT_FOUND;
	OK(csend(e, &m));
	expect_global_reply(e, 0);
	assert_string_equal(e->global.name,
	    "cancel-streamlocal-forward@openssh.com");
	assert_int_equal(e->nglobal, 2);
	no_more_msgs(e);
}

/* Malformed forwarding requests are refused, the connection goes on;
 * the backend is not asked.  Without a backend, everything is refused. */
static void
test_global_malformed(void **state)
{
	static const char *names[] = {
		"tcpip-forward", "cancel-tcpip-forward",
		"streamlocal-forward@openssh.com",
		"cancel-streamlocal-forward@openssh.com",
	};
	struct env *e = *state;
	struct wbuf m;
	size_t i;

	for (i = 0; i < 4; i++) {
		/* No fields */
		build_global(&m, names[i], 1);
		OK(csend(e, &m));
		expect_global_reply(e, 0);
		/* Half an address, or a path cut short */
		build_global(&m, names[i], 1);
		OK(wbuf_put_u32(&m, 10));
		OK(wbuf_put(&m, "abc", 3));
		OK(csend(e, &m));
		expect_global_reply(e, 0);
		/* Trailing data */
		build_global(&m, names[i], 1);
		OK(wbuf_put_cstring(&m, "a"));
		if (i < 2)
			OK(wbuf_put_u32(&m, 1));
		OK(wbuf_put_u8(&m, 0));
		OK(csend(e, &m));
		expect_global_reply(e, 0);
		/* A NUL in the string */
		build_global(&m, names[i], 1);
		OK(wbuf_put_string(&m, "a\0b", 3));
		if (i < 2)
			OK(wbuf_put_u32(&m, 1));
		OK(csend(e, &m));
		expect_global_reply(e, 0);
		/* Without want_reply: nothing */
		build_global(&m, names[i], 0);
		OK(csend(e, &m));
	}
	/* Not a port */
	OK(send_tcpip_forward(e, "tcpip-forward", 1, "localhost", 65536));
	expect_global_reply(e, 0);
	OK(send_tcpip_forward(e, "cancel-tcpip-forward", 1, "x", 0xffffffff));
	expect_global_reply(e, 0);
	/* tcpip-forward's port cut short */
	build_global(&m, "tcpip-forward", 1);
	OK(wbuf_put_cstring(&m, "localhost"));
	OK(wbuf_put_u8(&m, 0));
	OK(csend(e, &m));
	expect_global_reply(e, 0);
	assert_int_equal(e->nglobal, 0);
	no_more_msgs(e);

	e->b.global_request = NULL;
	OK(send_tcpip_forward(e, "tcpip-forward", 1, "localhost", 1234));
	expect_global_reply(e, 0);
	build_global(&m, "streamlocal-forward@openssh.com", 1);
	OK(wbuf_put_cstring(&m, "/s"));
	OK(csend(e, &m));
	expect_global_reply(e, 0);
	no_more_msgs(e);
}

/* Other names: refused without asking the backend. */
static void
test_global_unknown(void **state)
{
	static const char *names[] = {
		"keepalive@openssh.com", "hostkeys-prove-00@openssh.com",
		"TCPIP-FORWARD", "tcpip-forward ", "x11-req",
	};
	struct env *e = *state;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		OK(send_global(e, names[i], 1));
		expect_global_reply(e, 0);
		OK(send_global(e, names[i], 0));
	}
	assert_int_equal(e->nglobal, 0);
	no_more_msgs(e);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_session),
		T(test_open_refused),
		T(test_open_unknown_type),
		T(test_max_sessions),
		T(test_no_more_sessions),
		T(test_no_more_sessions_reply),
		T(test_small_max_packet),
		T(test_open_malformed),
		T(test_global_requests),
		T(test_keepalive_probe),
		T(test_direct_tcpip),
		T(test_direct_streamlocal),
	T(test_tun_open),
		T(test_direct_refused),
		T(test_direct_no_backend),
		T(test_direct_malformed),
		T(test_direct_limits),
		T(test_pending_confirm),
		T(test_pending_fail),
		T(test_pending_confirm_inside),
		T(test_free_pending),
		T(test_our_opens),
		T(test_our_open_refused),
		T(test_our_open_tiny_packet),
		T(test_our_open_closed_early),
		T(test_our_open_bad_args),
		T(test_open_reply_malformed),
		T(test_channel_limit),
		T(test_global_tcpip_forward),
		T(test_global_port0_unallocated),
		T(test_global_streamlocal),
		T(test_global_malformed),
		T(test_global_unknown),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
