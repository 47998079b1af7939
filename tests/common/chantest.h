/*
 * Test helper for the channel layer's unit tests (tests/unit/test_chan.c
 * and test_chanopen.c), driven through a real transport: a client/server
 * pair (tests/common/pair.h) finishes its key exchange, the client's
 * transport sends the messages a test builds, every message the server's
 * transport delivers goes to chan_recv, and what the channel layer sends
 * comes back to the client, where it is decoded field by field.  The
 * backend records every call (with copies of the request fields) and
 * answers as the test says.  Include after <cmocka.h>.
 */
#ifndef PC_TEST_CHANTEST_H
#define PC_TEST_CHANTEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	uint32_t tun_mode, tun_unit;
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
	/* data_in: takes at most data_take bytes a call, kept in taken */
	size_t data_take;
	uint8_t taken[4096];
	size_t ntaken;
	unsigned ndata_in;
};

static inline char *
dup_or_null(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	assert_non_null(d);
	return d;
}

static inline void
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

static inline void
saved_open_clear(struct saved_open *q)
{
	free(q->host);
	free(q->orig_host);
	free(q->path);
	memset(q, 0, sizeof(*q));
}

static inline void
saved_global_clear(struct saved_global *q)
{
	free(q->name);
	free(q->addr);
	free(q->path);
	memset(q, 0, sizeof(*q));
}

static inline uint32_t
be_open(void *arg, uint32_t id, char **why)
{
	struct env *e = arg;

	assert_true(e->nopen < MAX_CALLS);
	e->open_ids[e->nopen++] = id;
	if (e->open_code != 0 && e->open_why != NULL)
		*why = dup_or_null(e->open_why);
	return e->open_code;
}

static inline int
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

static inline uint32_t
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
	q->tun_mode = req->tun_mode;
	q->tun_unit = req->tun_unit;
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

static inline int
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

static inline size_t
be_data_in(void *arg, uint32_t id, const uint8_t *p, size_t len)
{
	struct env *e = arg;
	size_t n = len < e->data_take ? len : e->data_take, keep = n;

	(void)id;
	e->ndata_in++;
	/* Record what fits; take n either way. */
	if (keep > sizeof(e->taken) - e->ntaken)
		keep = sizeof(e->taken) - e->ntaken;
	memcpy(e->taken + e->ntaken, p, keep);
	e->ntaken += keep;
	return n;
}

static inline void
be_open_result(void *arg, uint32_t id, int ok)
{
	struct env *e = arg;

	assert_true(e->nresult < MAX_CALLS);
	e->result_ids[e->nresult] = id;
	e->result_ok[e->nresult++] = ok;
}

static inline void
be_eof(void *arg, uint32_t id)
{
	struct env *e = arg;

	assert_true(e->neof < MAX_CALLS);
	e->eof_ids[e->neof++] = id;
	(void)chan_recv_ptr(e->cc, id, &e->eof_buffered);
	if (e->close_on_eof)
		OK(chan_send_close(e->cc, id));
}

static inline void
be_closed(void *arg, uint32_t id)
{
	struct env *e = arg;

	/* Counted always (chan_conn_free may close 1024), kept up to 64. */
	if (e->nclosed < MAX_CALLS)
		e->closed_ids[e->nclosed] = id;
	e->nclosed++;
}

static inline int
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

static inline int
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

static inline int
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

/* Forget the client's received messages (the pair keeps 256 at most). */
static inline void
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
static inline int
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
static inline int
csend_raw(struct env *e, const uint8_t *p, size_t len)
{
	struct wbuf m;

	wbuf_init(&m, 0);
	OK(wbuf_put(&m, p, len));
	return csend(e, &m);
}

static inline void
mstart(struct wbuf *m, uint8_t type)
{
	wbuf_init(m, 0);
	OK(wbuf_put_u8(m, type));
}

/* The next message the client received, as a read-only view. */
static inline void
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

static inline void
no_more_msgs(struct env *e)
{
	pair_pump(&e->p);
	assert_int_equal(e->p.c.nmsgs, e->seen);
}

static inline void
get_u32_eq(struct wbuf *v, uint32_t want)
{
	uint32_t x;

	OK(wbuf_get_u32(v, &x));
	assert_int_equal(x, want);
}

static inline void
get_str_eq(struct wbuf *v, const char *want)
{
	const uint8_t *p;
	size_t len;

	OK(wbuf_get_string_direct(v, &p, &len));
	assert_int_equal(len, strlen(want));
	assert_memory_equal(p, want, len);
}

static inline void
get_bool_eq(struct wbuf *v, int want)
{
	int b;

	OK(wbuf_get_bool(v, &b));
	assert_int_equal(b, want);
}

/* One uint32 field (CHANNEL_EOF, CLOSE, SUCCESS, FAILURE). */
static inline void
expect_simple(struct env *e, uint8_t type, uint32_t rid)
{
	struct wbuf v;

	next_msg(e, &v, type);
	get_u32_eq(&v, rid);
	OK(wbuf_get_end(&v));
}

static inline void
expect_window_adjust(struct env *e, uint32_t rid, uint32_t n)
{
	struct wbuf v;

	next_msg(e, &v, SSH2_MSG_CHANNEL_WINDOW_ADJUST);
	get_u32_eq(&v, rid);
	get_u32_eq(&v, n);
	OK(wbuf_get_end(&v));
}

static inline void
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
static inline size_t
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

static inline void
build_open(struct wbuf *m, const char *type, uint32_t sender,
    uint32_t window, uint32_t maxpacket)
{
	mstart(m, SSH2_MSG_CHANNEL_OPEN);
	OK(wbuf_put_cstring(m, type));
	OK(wbuf_put_u32(m, sender));
	OK(wbuf_put_u32(m, window));
	OK(wbuf_put_u32(m, maxpacket));
}

static inline int
send_open(struct env *e, uint32_t sender, uint32_t window, uint32_t maxpacket)
{
	struct wbuf m;

	build_open(&m, "session", sender, window, maxpacket);
	return csend(e, &m);
}

/* A session opened and confirmed: returns our id. */
static inline uint32_t
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

static inline void
build_chan(struct wbuf *m, uint8_t type, uint32_t id)
{
	mstart(m, type);
	OK(wbuf_put_u32(m, id));
}

static inline int
send_simple(struct env *e, uint8_t type, uint32_t id)
{
	struct wbuf m;

	build_chan(&m, type, id);
	return csend(e, &m);
}

static inline int
send_data(struct env *e, uint32_t id, const void *p, size_t len)
{
	struct wbuf m;

	build_chan(&m, SSH2_MSG_CHANNEL_DATA, id);
	OK(wbuf_put_string(&m, p, len));
	return csend(e, &m);
}

static inline int
send_ext(struct env *e, uint32_t id, uint32_t code, const void *p,
    size_t len)
{
	struct wbuf m;

	build_chan(&m, SSH2_MSG_CHANNEL_EXTENDED_DATA, id);
	OK(wbuf_put_u32(&m, code));
	OK(wbuf_put_string(&m, p, len));
	return csend(e, &m);
}

static inline int
send_adjust(struct env *e, uint32_t id, uint32_t n)
{
	struct wbuf m;

	build_chan(&m, SSH2_MSG_CHANNEL_WINDOW_ADJUST, id);
	OK(wbuf_put_u32(&m, n));
	return csend(e, &m);
}

static inline void
build_req(struct wbuf *m, uint32_t id, const char *type, int want_reply)
{
	build_chan(m, SSH2_MSG_CHANNEL_REQUEST, id);
	OK(wbuf_put_cstring(m, type));
	OK(wbuf_put_bool(m, want_reply));
}

static inline int
send_global(struct env *e, const char *name, int want_reply)
{
	struct wbuf m;

	mstart(&m, SSH2_MSG_GLOBAL_REQUEST);
	OK(wbuf_put_cstring(&m, name));
	OK(wbuf_put_bool(&m, want_reply));
	return csend(e, &m);
}

/* Send n bytes of DATA in maximum-size packets, byte i being (i + seed). */
static inline void
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

static inline void
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

static inline void
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
static inline uint32_t
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
static inline uint32_t
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

/* The CHANNEL_OPEN we sent: the view is left at the type's fields. */
static inline uint32_t
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

static inline int
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

static inline int
send_open_fail(struct env *e, uint32_t id, uint32_t code, const char *desc)
{
	struct wbuf m;

	build_chan(&m, SSH2_MSG_CHANNEL_OPEN_FAILURE, id);
	OK(wbuf_put_u32(&m, code));
	OK(wbuf_put_cstring(&m, desc));
	OK(wbuf_put_cstring(&m, "en"));
	return csend(e, &m);
}

#endif /* PC_TEST_CHANTEST_H */
