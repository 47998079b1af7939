/*
 * Unit tests for channels/chan.c (RFC 4254 s. 4-6, OpenSSH PROTOCOL),
 * driven through a real transport: a client/server pair
 * (tests/common/pair.h) finishes its key exchange, the client's transport
 * sends the messages built here, every message the server's transport
 * delivers goes to chan_recv, and what the channel layer sends comes back
 * to the client, where it is decoded field by field.  The backend records
 * every call (with copies of the request fields) and answers as the test
 * says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chan.h"
#include "log.h"
#include "pair.h"
#include "rand.h"
#include "ssh2.h"
#include "wbuf.h"

#define OK(x)		assert_int_equal((x), 0)
#define MAX_CALLS	64

/* A copy of the last request the backend saw (NULL fields stay NULL). */
struct saved_req {
	uint32_t id;
	char *type;
	int want_reply;
	char *term;
	uint32_t cols, rows, width_px, height_px;
	uint8_t *modes;
	size_t modeslen;
	int has_modes;
	char *name, *value, *command, *signal;
	uint32_t break_ms;
	int single_connection;
	char *x11_auth_proto, *x11_auth_cookie;
	uint32_t x11_screen;
};

/* A copy of the last direct open or global request the backend saw. */
struct saved_open {
	uint32_t id;
	enum chan_kind kind;
	char *host, *orig_host, *path;
	uint32_t port, orig_port;
};

struct saved_global {
	char *name, *addr, *path;
	int want_reply;
	uint32_t port;
};

struct env {
	struct pair p;
	struct chan_backend b;
	struct chan_conn *cc;
	size_t seen;		/* client messages checked */
	uint32_t reason;
	/* the backend's answers */
	uint32_t open_code;	/* 0 accepts */
	const char *open_why;	/* description when refusing, or NULL */
	int req_result;		/* session_request's return */
	/* what it was asked */
	unsigned nopen, nreq, neof, nclosed;
	uint32_t open_ids[MAX_CALLS], eof_ids[MAX_CALLS];
	uint32_t closed_ids[MAX_CALLS];
	size_t eof_buffered;	/* chan_recv_ptr length when peer_eof ran */
	struct saved_req req;
	/* forwarding: the backend's answers */
	uint32_t direct_code;	/* 0, CHAN_OPEN_PENDING or a reason */
	const char *direct_why;
	int direct_confirm_inside;	/* chan_open_confirm in the call */
	int global_result;	/* global_request's return */
	uint32_t global_port;	/* the port it allocates for port 0 */
	int close_on_eof;	/* peer_eof calls chan_send_close */
	/* and what it was asked */
	unsigned ndirect, nglobal, nresult;
	struct saved_open open;
	struct saved_global global;
	uint32_t result_ids[MAX_CALLS];
	int result_ok[MAX_CALLS];
};

/* ------------------------------------------------------------ backend */

static char *
dup_or_null(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	assert_non_null(d);
	return d;
}

static void
saved_clear(struct saved_req *q)
{
	free(q->type);
	free(q->term);
	free(q->modes);
	free(q->name);
	free(q->value);
	free(q->command);
	free(q->signal);
	free(q->x11_auth_proto);
	free(q->x11_auth_cookie);
	memset(q, 0, sizeof(*q));
}

static void
saved_open_clear(struct saved_open *q)
{
	free(q->host);
	free(q->orig_host);
	free(q->path);
	memset(q, 0, sizeof(*q));
}

static void
saved_global_clear(struct saved_global *q)
{
	free(q->name);
	free(q->addr);
	free(q->path);
	memset(q, 0, sizeof(*q));
}

static uint32_t
be_open(void *arg, uint32_t id, char **why)
{
	struct env *e = arg;

	assert_true(e->nopen < MAX_CALLS);
	e->open_ids[e->nopen++] = id;
	if (e->open_code != 0 && e->open_why != NULL)
		*why = dup_or_null(e->open_why);
	return e->open_code;
}

static int
be_request(void *arg, uint32_t id, const struct chan_req *req)
{
	struct env *e = arg;
	struct saved_req *q = &e->req;

	saved_clear(q);
	e->nreq++;
	q->id = id;
	q->type = dup_or_null(req->type);
	q->want_reply = req->want_reply;
	q->term = dup_or_null(req->term);
	q->cols = req->cols;
	q->rows = req->rows;
	q->width_px = req->width_px;
	q->height_px = req->height_px;
	if (req->modes != NULL) {
		q->has_modes = 1;
		q->modeslen = req->modeslen;
		q->modes = malloc(req->modeslen + 1);
		assert_non_null(q->modes);
		memcpy(q->modes, req->modes, req->modeslen);
	}
	q->name = dup_or_null(req->name);
	q->value = dup_or_null(req->value);
	q->command = dup_or_null(req->command);
	q->signal = dup_or_null(req->signal);
	q->break_ms = req->break_ms;
	q->single_connection = req->single_connection;
	q->x11_auth_proto = dup_or_null(req->x11_auth_proto);
	q->x11_auth_cookie = dup_or_null(req->x11_auth_cookie);
	q->x11_screen = req->x11_screen;
	return e->req_result;
}

static uint32_t
be_direct_open(void *arg, uint32_t id, const struct chan_open_req *req,
    char **why)
{
	struct env *e = arg;
	struct saved_open *q = &e->open;

	saved_open_clear(q);
	e->ndirect++;
	q->id = id;
	q->kind = req->kind;
	q->host = dup_or_null(req->host);
	q->port = req->port;
	q->orig_host = dup_or_null(req->orig_host);
	q->orig_port = req->orig_port;
	q->path = dup_or_null(req->path);
	/* Pending while the backend looks at it. */
	assert_true(chan_exists(e->cc, id));
	assert_int_equal(chan_send_space(e->cc, id), 0);
	if (e->direct_confirm_inside)
		OK(chan_open_confirm(e->cc, id));
	if (e->direct_code != 0 && e->direct_code != CHAN_OPEN_PENDING &&
	    e->direct_why != NULL)
		*why = dup_or_null(e->direct_why);
	return e->direct_code;
}

static int
be_global(void *arg, const struct chan_global_req *req, uint32_t *port)
{
	struct env *e = arg;
	struct saved_global *q = &e->global;

	saved_global_clear(q);
	e->nglobal++;
	q->name = dup_or_null(req->name);
	q->want_reply = req->want_reply;
	q->addr = dup_or_null(req->addr);
	q->port = req->port;
	q->path = dup_or_null(req->path);
	if (e->global_result == 0 && req->port == 0 &&
	    strcmp(req->name, "tcpip-forward") == 0)
		*port = e->global_port;
	return e->global_result;
}

static void
be_open_result(void *arg, uint32_t id, int ok)
{
	struct env *e = arg;

	assert_true(e->nresult < MAX_CALLS);
	e->result_ids[e->nresult] = id;
	e->result_ok[e->nresult++] = ok;
}

static void
be_eof(void *arg, uint32_t id)
{
	struct env *e = arg;

	assert_true(e->neof < MAX_CALLS);
	e->eof_ids[e->neof++] = id;
	(void)chan_recv_ptr(e->cc, id, &e->eof_buffered);
	if (e->close_on_eof)
		OK(chan_send_close(e->cc, id));
}

static void
be_closed(void *arg, uint32_t id)
{
	struct env *e = arg;

	/* Counted always (chan_conn_free may close 1024), kept up to 64. */
	if (e->nclosed < MAX_CALLS)
		e->closed_ids[e->nclosed] = id;
	e->nclosed++;
}

/* -------------------------------------------------------------- setup */

static int
group_setup(void **state)
{
	struct log_settings ls = {
		.ident = "test_chan", .level = LOG_LEVEL_QUIET,
		.to_stderr = 1, .fd = -1,
	};
	size_t n;

	(void)state;
	if (crypto_lib_init() != 0)
		return -1;
	log_init(&ls);
	(void)pair_test_hostkeys(&n);
	return 0;
}

static int
setup(void **state)
{
	struct env *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	if (pair_new(&e->p, NULL, NULL) != 0)
		return -1;
	pair_pump(&e->p);
	if (e->p.c.err != 0 || e->p.s.err != 0 ||
	    !tp_established(e->p.s.t) || !tp_established(e->p.c.t))
		return -1;
	e->b.arg = e;
	e->b.session_open = be_open;
	e->b.session_request = be_request;
	e->b.peer_eof = be_eof;
	e->b.closed = be_closed;
	e->b.direct_open = be_direct_open;
	e->b.global_request = be_global;
	e->b.open_result = be_open_result;
	if (chan_conn_new(e->p.s.t, &e->b, &e->cc) != 0)
		return -1;
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	chan_conn_free(e->cc);
	saved_clear(&e->req);
	saved_open_clear(&e->open);
	saved_global_clear(&e->global);
	pair_free(&e->p);
	free(e);
	return 0;
}

/* -------------------------------------------------------- the exchange */

/* Forget the client's received messages (the pair keeps 256 at most). */
static void
client_reset(struct env *e)
{
	size_t i;

	pair_pump(&e->p);
	assert_int_equal(e->p.c.nmsgs, e->seen);
	for (i = 0; i < e->p.c.nmsgs; i++)
		wbuf_reset(&e->p.c.msgs[i]);
	e->p.c.nmsgs = 0;
	e->seen = 0;
}

/*
 * The client sends m (freed here); every message the server delivers goes
 * to chan_recv.  Returns chan_recv's first error, or 0.
 */
static int
csend(struct env *e, struct wbuf *m)
{
	size_t i;
	int r = 0;

	OK(tp_send(e->p.c.t, wbuf_ptr(m), wbuf_len(m)));
	wbuf_clear(m);
	pair_pump(&e->p);
	assert_int_equal(e->p.s.err, 0);
	for (i = 0; i < e->p.s.nmsgs && r == 0; i++) {
		e->reason = 0;
		r = chan_recv(e->cc, wbuf_ptr(&e->p.s.msgs[i]),
		    wbuf_len(&e->p.s.msgs[i]), &e->reason);
	}
	for (i = 0; i < e->p.s.nmsgs; i++)
		wbuf_reset(&e->p.s.msgs[i]);
	e->p.s.nmsgs = 0;
	pair_pump(&e->p);
	assert_int_equal(e->p.c.err, 0);
	if (r != 0) {
		assert_true(r < 0);
		assert_int_not_equal(e->reason, 0);
	}
	return r;
}

/* The raw bytes as one message. */
static int
csend_raw(struct env *e, const uint8_t *p, size_t len)
{
	struct wbuf m;

	wbuf_init(&m, 0);
	OK(wbuf_put(&m, p, len));
	return csend(e, &m);
}

static void
mstart(struct wbuf *m, uint8_t type)
{
	wbuf_init(m, 0);
	OK(wbuf_put_u8(m, type));
}

/* The next message the client received, as a read-only view. */
static void
next_msg(struct env *e, struct wbuf *v, uint8_t want_type)
{
	const struct wbuf *got;
	uint8_t type;

	pair_pump(&e->p);
	if (e->seen >= e->p.c.nmsgs)
		fail_msg("no message for the client (%zu seen)", e->seen);
	got = &e->p.c.msgs[e->seen++];
	wbuf_init_const(v, wbuf_ptr(got), wbuf_len(got));
	OK(wbuf_get_u8(v, &type));
	assert_int_equal(type, want_type);
}

static void
no_more_msgs(struct env *e)
{
	pair_pump(&e->p);
	assert_int_equal(e->p.c.nmsgs, e->seen);
}

static void
get_u32_eq(struct wbuf *v, uint32_t want)
{
	uint32_t x;

	OK(wbuf_get_u32(v, &x));
	assert_int_equal(x, want);
}

static void
get_str_eq(struct wbuf *v, const char *want)
{
	const uint8_t *p;
	size_t len;

	OK(wbuf_get_string_direct(v, &p, &len));
	assert_int_equal(len, strlen(want));
	assert_memory_equal(p, want, len);
}

static void
get_bool_eq(struct wbuf *v, int want)
{
	int b;

	OK(wbuf_get_bool(v, &b));
	assert_int_equal(b, want);
}

/* One uint32 field (CHANNEL_EOF, CLOSE, SUCCESS, FAILURE). */
static void
expect_simple(struct env *e, uint8_t type, uint32_t rid)
{
	struct wbuf v;

	next_msg(e, &v, type);
	get_u32_eq(&v, rid);
	OK(wbuf_get_end(&v));
}

static void
expect_window_adjust(struct env *e, uint32_t rid, uint32_t n)
{
	struct wbuf v;

	next_msg(e, &v, SSH2_MSG_CHANNEL_WINDOW_ADJUST);
	get_u32_eq(&v, rid);
	get_u32_eq(&v, n);
	OK(wbuf_get_end(&v));
}

static void
expect_open_failure(struct env *e, uint32_t rid, uint32_t code,
    const char *desc)
{
	struct wbuf v;

	next_msg(e, &v, SSH2_MSG_CHANNEL_OPEN_FAILURE);
	get_u32_eq(&v, rid);
	get_u32_eq(&v, code);
	get_str_eq(&v, desc);
	get_str_eq(&v, "");	/* language tag */
	OK(wbuf_get_end(&v));
}

/* A data message: returns its length, checks recipient and code. */
static size_t
expect_data(struct env *e, uint32_t rid, int ext, const uint8_t *want,
    size_t maxlen)
{
	struct wbuf v;
	const uint8_t *p;
	size_t len;

	next_msg(e, &v, ext ? SSH2_MSG_CHANNEL_EXTENDED_DATA :
	    SSH2_MSG_CHANNEL_DATA);
	get_u32_eq(&v, rid);
	if (ext) {
		get_u32_eq(&v, SSH2_EXTENDED_DATA_STDERR);
	}
	OK(wbuf_get_string_direct(&v, &p, &len));
	OK(wbuf_get_end(&v));
	assert_true(len > 0);
	assert_true(len <= maxlen);
	if (want != NULL) {
		assert_memory_equal(p, want, len);
	}
	return len;
}

/* ------------------------------------------------------ message builders */

static void
build_open(struct wbuf *m, const char *type, uint32_t sender,
    uint32_t window, uint32_t maxpacket)
{
	mstart(m, SSH2_MSG_CHANNEL_OPEN);
	OK(wbuf_put_cstring(m, type));
	OK(wbuf_put_u32(m, sender));
	OK(wbuf_put_u32(m, window));
	OK(wbuf_put_u32(m, maxpacket));
}

static int
send_open(struct env *e, uint32_t sender, uint32_t window, uint32_t maxpacket)
{
	struct wbuf m;

	build_open(&m, "session", sender, window, maxpacket);
	return csend(e, &m);
}

/* A session opened and confirmed: returns our id. */
static uint32_t
open_ok(struct env *e, uint32_t sender, uint32_t window, uint32_t maxpacket)
{
	struct wbuf v;
	uint32_t id;

	OK(send_open(e, sender, window, maxpacket));
	next_msg(e, &v, SSH2_MSG_CHANNEL_OPEN_CONFIRMATION);
	get_u32_eq(&v, sender);
	OK(wbuf_get_u32(&v, &id));
	get_u32_eq(&v, CHAN_WINDOW);
	get_u32_eq(&v, CHAN_MAX_PACKET);
	OK(wbuf_get_end(&v));
	assert_true(chan_exists(e->cc, id));
	return id;
}

static void
build_chan(struct wbuf *m, uint8_t type, uint32_t id)
{
	mstart(m, type);
	OK(wbuf_put_u32(m, id));
}

static int
send_simple(struct env *e, uint8_t type, uint32_t id)
{
	struct wbuf m;

	build_chan(&m, type, id);
	return csend(e, &m);
}

static int
send_data(struct env *e, uint32_t id, const void *p, size_t len)
{
	struct wbuf m;

	build_chan(&m, SSH2_MSG_CHANNEL_DATA, id);
	OK(wbuf_put_string(&m, p, len));
	return csend(e, &m);
}

static int
send_ext(struct env *e, uint32_t id, uint32_t code, const void *p,
    size_t len)
{
	struct wbuf m;

	build_chan(&m, SSH2_MSG_CHANNEL_EXTENDED_DATA, id);
	OK(wbuf_put_u32(&m, code));
	OK(wbuf_put_string(&m, p, len));
	return csend(e, &m);
}

static int
send_adjust(struct env *e, uint32_t id, uint32_t n)
{
	struct wbuf m;

	build_chan(&m, SSH2_MSG_CHANNEL_WINDOW_ADJUST, id);
	OK(wbuf_put_u32(&m, n));
	return csend(e, &m);
}

static void
build_req(struct wbuf *m, uint32_t id, const char *type, int want_reply)
{
	build_chan(m, SSH2_MSG_CHANNEL_REQUEST, id);
	OK(wbuf_put_cstring(m, type));
	OK(wbuf_put_bool(m, want_reply));
}

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

static int
send_global(struct env *e, const char *name, int want_reply)
{
	struct wbuf m;

	mstart(&m, SSH2_MSG_GLOBAL_REQUEST);
	OK(wbuf_put_cstring(&m, name));
	OK(wbuf_put_bool(&m, want_reply));
	return csend(e, &m);
}

/* Send n bytes of DATA in maximum-size packets, byte i being (i + seed). */
static void
fill(struct env *e, uint32_t id, size_t n, unsigned seed)
{
	static uint8_t buf[CHAN_MAX_PACKET];
	size_t done = 0, k, i;

	while (done < n) {
		k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		for (i = 0; i < k; i++)
			buf[i] = (uint8_t)(done + i + seed);
		OK(send_data(e, id, buf, k));
		done += k;
	}
}

/* ---------------------------------------------------------- opening */

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
		"Session", "session ", "", "direct-tcpip ", "tun@openssh.com",
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

/* ---------------------------------------------------------- requests */

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

/* ----------------------------------------------------- data from peer */

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

/* ---------------------------------------------------------------- EOF */

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

/* ------------------------------------------------------------ sending */

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

/* ------------------------------------------------ the end of a session */

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

/* ---------------------------------------------------- global requests */

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

/* ------------------------------------------------- messages out of place */

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

/* ------------------------------------------------- the peer's direct opens */

static void
build_direct_tcpip(struct wbuf *m, uint32_t sender, uint32_t window,
    uint32_t maxpacket, const char *host, uint32_t port, const char *orig,
    uint32_t orig_port)
{
	build_open(m, "direct-tcpip", sender, window, maxpacket);
	OK(wbuf_put_cstring(m, host));
	OK(wbuf_put_u32(m, port));
	OK(wbuf_put_cstring(m, orig));
	OK(wbuf_put_u32(m, orig_port));
}

static void
build_direct_sl(struct wbuf *m, uint32_t sender, uint32_t window,
    uint32_t maxpacket, const char *path)
{
	build_open(m, "direct-streamlocal@openssh.com", sender, window,
	    maxpacket);
	OK(wbuf_put_cstring(m, path));
	OK(wbuf_put_cstring(m, ""));	/* reserved */
	OK(wbuf_put_u32(m, 0));		/* reserved */
}

/* OPEN_CONFIRMATION for the peer's channel rid: returns our id. */
static uint32_t
expect_confirmation(struct env *e, uint32_t rid)
{
	struct wbuf v;
	uint32_t id;

	next_msg(e, &v, SSH2_MSG_CHANNEL_OPEN_CONFIRMATION);
	get_u32_eq(&v, rid);
	OK(wbuf_get_u32(&v, &id));
	get_u32_eq(&v, CHAN_WINDOW);
	get_u32_eq(&v, CHAN_MAX_PACKET);
	OK(wbuf_get_end(&v));
	assert_true(id < CHAN_MAX_CHANNELS);
	return id;
}

/* A direct-tcpip channel the backend accepts at once: our id. */
static uint32_t
direct_ok(struct env *e, uint32_t sender, uint32_t window,
    uint32_t maxpacket)
{
	struct wbuf m;
	uint32_t id;

	build_direct_tcpip(&m, sender, window, maxpacket, "localhost", 80,
	    "127.0.0.1", 40000);
	OK(csend(e, &m));
	id = expect_confirmation(e, sender);
	assert_int_equal(chan_kind(e->cc, id), CHAN_KIND_DIRECT_TCPIP);
	return id;
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

/* ------------------------------------------------------------ our opens */

/* The CHANNEL_OPEN we sent: the view is left at the type's fields. */
static uint32_t
expect_our_open(struct env *e, struct wbuf *v, const char *type)
{
	uint32_t id;

	next_msg(e, v, SSH2_MSG_CHANNEL_OPEN);
	get_str_eq(v, type);
	OK(wbuf_get_u32(v, &id));
	get_u32_eq(v, CHAN_WINDOW);
	get_u32_eq(v, CHAN_MAX_PACKET);
	return id;
}

static int
send_confirm(struct env *e, uint32_t id, uint32_t sender, uint32_t window,
    uint32_t maxpacket)
{
	struct wbuf m;

	build_chan(&m, SSH2_MSG_CHANNEL_OPEN_CONFIRMATION, id);
	OK(wbuf_put_u32(&m, sender));
	OK(wbuf_put_u32(&m, window));
	OK(wbuf_put_u32(&m, maxpacket));
	return csend(e, &m);
}

static int
send_open_fail(struct env *e, uint32_t id, uint32_t code, const char *desc)
{
	struct wbuf m;

	build_chan(&m, SSH2_MSG_CHANNEL_OPEN_FAILURE, id);
	OK(wbuf_put_u32(&m, code));
	OK(wbuf_put_cstring(&m, desc));
	OK(wbuf_put_cstring(&m, "en"));
	return csend(e, &m);
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

/* ------------------------------------------- forwarded channels' data */

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

/* ------------------------------------------------- forwarding requests */

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

/* ------------------------------------------------ forwarding: globals */

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

/* ---------------------------------------------------------------- debug */

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
		T(test_open_session),
		T(test_open_refused),
		T(test_open_unknown_type),
		T(test_max_sessions),
		T(test_no_more_sessions),
		T(test_no_more_sessions_reply),
		T(test_small_max_packet),
		T(test_open_malformed),
		T(test_req_pty),
		T(test_req_window_change),
		T(test_req_env),
		T(test_req_exec_subsystem),
		T(test_req_signal_break_shell),
		T(test_req_unknown),
		T(test_req_malformed),
		T(test_data_in_order),
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
		T(test_send_during_rekey),
		T(test_send_window_overflow),
		T(test_send_stderr),
		T(test_exit_status_eof_close),
		T(test_exit_signal),
		T(test_close_first),
		T(test_peer_close),
		T(test_closed_id_reuse),
		T(test_free_closes),
		T(test_global_requests),
		T(test_keepalive_probe),
		T(test_unknown_channel),
		T(test_userauth_ignored),
		T(test_unexpected_messages),
		T(test_empty_message),
		T(test_direct_tcpip),
		T(test_direct_streamlocal),
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
		T(test_forwarded_window),
		T(test_half_close),
		T(test_close_drain),
		T(test_close_drain_backend_closes),
		T(test_close_drain_eof_closes),
		T(test_channel_limit),
		T(test_req_x11_agent),
		T(test_req_x11_agent_malformed),
		T(test_req_non_session),
		T(test_global_tcpip_forward),
		T(test_global_port0_unallocated),
		T(test_global_streamlocal),
		T(test_global_malformed),
		T(test_global_unknown),
		T(test_send_debug),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
