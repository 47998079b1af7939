/*
 * libFuzzer target: the connection protocol (channels/chan.c and
 * chanopen.c) after authentication.  A client and a server transport
 * finish a key exchange once per process; each input then gets a fresh
 * chan_conn on the server transport, and what chan.c sends is thrown
 * away.
 *
 * The input is a list of operations, each one byte then its arguments:
 *   0-3  a message for chan_recv: uint16 length, the bytes
 *   4    chan_recv_consume: id byte, uint16 count (cut to what is there)
 *   5    chan_send_data: id byte, ext byte, uint16 length
 *   6    the end of a session: id byte, what byte (status, signal, EOF,
 *        CLOSE)
 *   7    chan_set_limits: one byte
 *   8    chan_open: kind byte, uint16 port (kinds the peer opens, and
 *        ports above 65535 with the kind's top bit, are refused)
 *   9    finish a pending direct open: id byte, what byte (confirm, or
 *        fail with a reason)
 *   10   chan_send_debug and the per-channel queries: id byte
 * The first byte also sets how the backend answers: every n-th session
 * refused; direct opens accepted, left pending, refused, or each in turn.
 *
 * The recording backend checks the invariants chan.h promises: every call
 * for a channel in the state it should be in (a request only on an open
 * session, open_result only for our opens, once), peer_eof once per
 * channel and only with no data buffered, closed() once for each channel
 * accepted, pending or ours (by chan_conn_free at the latest), and never
 * for one refused at once or failed with chan_open_fail.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "key.h"
#include "log.h"
#include "rand.h"
#include "transport.h"

#define MAX_OPS		256
#define NOPS		11

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static struct tp *client, *server;
static struct pc_key *hostkey;

/* Where the backend believes each id is. */
enum track {
	T_FREE = 0,
	T_OPEN,		/* accepted or answered: closed() expected */
	T_PENDING,	/* direct open left pending */
	T_OPENING,	/* chan_open sent, no open_result yet */
};

struct state {
	struct chan_conn *cc;
	uint8_t st[CHAN_MAX_CHANNELS];		/* enum track */
	uint8_t eof[CHAN_MAX_CHANNELS];		/* peer_eof called */
	unsigned opens, directs;
	uint8_t refuse;			/* refuse every n-th session */
	uint8_t direct_mode;		/* 0 accept, 1 pending, 2 refuse,
					 * 3 each in turn */
};

static void
check_free(struct state *s, uint32_t id)
{
	if (id >= CHAN_MAX_CHANNELS || s->st[id] != T_FREE)
		abort();
}

static uint32_t
be_open(void *arg, uint32_t id, char **why)
{
	struct state *s = arg;

	check_free(s, id);
	if (chan_kind(s->cc, id) != CHAN_KIND_SESSION)
		abort();
	s->opens++;
	if (s->refuse != 0 && s->opens % s->refuse == 0) {
		if ((s->opens & 1) && (*why = strdup("refused")) == NULL)
			abort();
		return SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
	s->st[id] = T_OPEN;
	s->eof[id] = 0;
	return 0;
}

static uint32_t
be_direct_open(void *arg, uint32_t id, const struct chan_open_req *req,
    char **why)
{
	struct state *s = arg;
	unsigned mode;

	check_free(s, id);
	if (req->kind != chan_kind(s->cc, id) || chan_send_space(s->cc, id))
		abort();
	if (req->kind == CHAN_KIND_DIRECT_TCPIP) {
		if (req->host == NULL || req->orig_host == NULL ||
		    req->port > 65535 || req->orig_port > 65535 ||
		    req->path != NULL)
			abort();
	} else if (req->kind != CHAN_KIND_DIRECT_STREAMLOCAL ||
	    req->path == NULL || req->host != NULL)
		abort();
	mode = s->direct_mode == 3 ? s->directs % 3 : s->direct_mode;
	s->directs++;
	s->eof[id] = 0;
	switch (mode) {
	case 0:
		s->st[id] = T_OPEN;
		return 0;
	case 1:
		s->st[id] = T_PENDING;
		return CHAN_OPEN_PENDING;
	default:
		if ((s->directs & 1) && (*why = strdup("no route")) == NULL)
			abort();
		return SSH2_OPEN_CONNECT_FAILED;
	}
}

static int
be_global(void *arg, const struct chan_global_req *req, uint32_t *port)
{
	(void)arg;
	if (req->name == NULL)
		abort();
	if (strstr(req->name, "tcpip-forward") != NULL) {
		if (req->addr == NULL || req->port > 65535 ||
		    req->path != NULL)
			abort();
	} else if (req->path == NULL || req->addr != NULL)
		abort();
	if (req->port == 0)
		*port = 1024 + (uint32_t)strlen(req->name);
	return (strlen(req->name) + req->port) & 1 ? PC_ERR_PERMISSION_DENIED :
	    0;
}

static void
be_open_result(void *arg, uint32_t id, int ok)
{
	struct state *s = arg;

	if (id >= CHAN_MAX_CHANNELS || s->st[id] != T_OPENING ||
	    (ok != 0 && ok != 1))
		abort();
	/* Confirmed, or refused with closed() to come. */
	s->st[id] = T_OPEN;
	if (ok && chan_kind(s->cc, id) < CHAN_KIND_FORWARDED_TCPIP)
		abort();
}

static int
be_request(void *arg, uint32_t id, const struct chan_req *req)
{
	struct state *s = arg;

	if (id >= CHAN_MAX_CHANNELS || s->st[id] != T_OPEN ||
	    req->type == NULL || chan_kind(s->cc, id) != CHAN_KIND_SESSION)
		abort();
	/* Touch every field the parser set. */
	if (req->term != NULL && strlen(req->term) > (size_t)1 << 20)
		abort();
	if (req->modeslen > 0 && req->modes == NULL)
		abort();
	if ((req->x11_auth_proto == NULL) != (req->x11_auth_cookie == NULL))
		abort();
	if (req->x11_auth_proto != NULL &&
	    strlen(req->x11_auth_proto) + strlen(req->x11_auth_cookie) >
	    (size_t)1 << 20)
		abort();
	return (strlen(req->type) & 1) ? PC_ERR_PROTOCOL : 0;
}

static void
be_eof(void *arg, uint32_t id)
{
	struct state *s = arg;
	size_t n;

	if (id >= CHAN_MAX_CHANNELS || s->st[id] != T_OPEN || s->eof[id])
		abort();
	(void)chan_recv_ptr(s->cc, id, &n);
	if (n != 0)
		abort();
	s->eof[id] = 1;
}

static void
be_closed(void *arg, uint32_t id)
{
	struct state *s = arg;

	if (id >= CHAN_MAX_CHANNELS || s->st[id] == T_FREE)
		abort();
	s->st[id] = T_FREE;
}

static int
sign(void *arg, const struct pc_key *key, const char *sigalg,
    const uint8_t *p, size_t len, struct wbuf *sig)
{
	(void)arg;
	return key_sign(key, sigalg, p, len, sig);
}

/* Move bytes one way; returns how many. */
static size_t
move(struct tp *from, struct tp *to)
{
	const uint8_t *o;
	size_t len, n;

	o = tp_output_ptr(from, &len);
	n = len < tp_input_space(to) ? len : tp_input_space(to);
	if (n == 0)
		return 0;
	if (tp_input(to, o, n) != 0 || tp_output_consume(from, n) != 0)
		abort();
	return n;
}

static void
drain(struct tp *t)
{
	const uint8_t *m;
	size_t len;
	int r;

	while ((r = tp_next(t, &m, &len)) == 0)
		;
	if (r != PC_ERR_AGAIN)
		abort();
}

static void
init_once(void)
{
	struct log_settings ls = {
		.ident = "fuzz_chan", .level = LOG_LEVEL_QUIET,
		.to_stderr = 1, .fd = -1,
	};
	struct tp_params cp, sp;
	size_t moved;
	int rounds = 0;

	log_init(&ls);
	if (crypto_lib_init() != 0 ||
	    key_generate(KEY_ED25519, 0, &hostkey) != 0)
		abort();
	memset(&cp, 0, sizeof(cp));
	memset(&sp, 0, sizeof(sp));
	cp.role = TP_CLIENT;
	sp.role = TP_SERVER;
	sp.hostkeys = &hostkey;
	sp.nhostkeys = 1;
	sp.sign = sign;
	if (tp_new(&cp, &client) != 0 || tp_new(&sp, &server) != 0)
		abort();
	do {
		moved = move(client, server);
		drain(server);
		moved += move(server, client);
		drain(client);
	} while (moved > 0 && ++rounds < 1000);
	if (!tp_established(server) || !tp_established(client))
		abort();
}

/* Throw away what the server wrote. */
static void
discard_output(void)
{
	size_t len;

	(void)tp_output_ptr(server, &len);
	if (len > 0 && tp_output_consume(server, len) != 0)
		abort();
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
end_session(struct state *s, uint32_t id, uint8_t what)
{
	uint8_t st = id < CHAN_MAX_CHANNELS ? s->st[id] : T_FREE;
	int r;

	switch (what % 4) {
	case 0:
		r = chan_send_exit_status(s->cc, id, what);
		break;
	case 1:
		r = chan_send_exit_signal(s->cc, id, "TERM", what & 4,
		    (what & 8) ? "terminated" : NULL);
		break;
	case 2:
		r = chan_send_eof(s->cc, id);
		break;
	default:
		r = chan_send_close(s->cc, id);
		break;
	}
	/* Nothing but CLOSE (deferred) on a channel not open yet. */
	if (r != 0 && !(r == PC_ERR_INVALID_ARGUMENT &&
	    (st == T_PENDING || st == T_OPENING)))
		abort();
}

/* Our opens, with fixed strings; kind and port from the input. */
static void
our_open(struct state *s, uint8_t kind, uint32_t port)
{
	struct chan_open_req q;
	uint32_t id;
	int r;

	memset(&q, 0, sizeof(q));
	q.kind = (enum chan_kind)(kind % 8);
	q.host = "127.0.0.1";
	q.orig_host = "192.0.2.1";
	q.path = "/tmp/fuzz.sock";
	q.port = (kind & 0x80) ? port + 65536 : port;
	q.orig_port = port;
	r = chan_open(s->cc, &q, &id);
	if (r == 0) {
		check_free(s, id);
		s->st[id] = T_OPENING;
		if (chan_send_space(s->cc, id) != 0 ||
		    chan_kind(s->cc, id) != q.kind)
			abort();
		return;
	}
	if (id != CHAN_MAX_CHANNELS)
		abort();
	if (r == PC_ERR_NO_BUFFER_SPACE &&
	    chan_count(s->cc) == CHAN_MAX_CHANNELS)
		return;
	if (r == PC_ERR_INVALID_ARGUMENT &&
	    (q.kind < CHAN_KIND_FORWARDED_TCPIP || q.kind > CHAN_KIND_X11 ||
	    (q.port > 65535 && q.kind == CHAN_KIND_FORWARDED_TCPIP)))
		return;
	abort();
}

/* chan_open_confirm / chan_open_fail: they work on pending opens only. */
static void
finish_pending(struct state *s, uint32_t id, uint8_t what)
{
	uint8_t st = id < CHAN_MAX_CHANNELS ? s->st[id] : T_FREE;
	int r;

	if (what & 1)
		r = chan_open_confirm(s->cc, id);
	else
		r = chan_open_fail(s->cc, id, what >> 1,
		    (what & 2) ? "Connection refused" : NULL);
	if ((r == 0) != (st == T_PENDING))
		abort();
	if (r == 0)
		s->st[id] = (what & 1) ? T_OPEN : T_FREE;
	if (r == 0 && (what & 1) == 0 && chan_exists(s->cc, id))
		abort();
}

static void
queries(struct state *s, uint32_t id)
{
	uint8_t st = id < CHAN_MAX_CHANNELS ? s->st[id] : T_FREE;

	if (chan_send_debug(s->cc, "fuzz") != 0)
		abort();
	if (chan_exists(s->cc, id) != (st != T_FREE))
		abort();
	if (st == T_FREE && (!chan_peer_eof(s->cc, id) ||
	    !chan_eof_sent(s->cc, id) || !chan_peer_closed(s->cc, id) ||
	    chan_kind(s->cc, id) != CHAN_KIND_SESSION))
		abort();
	if (st == T_PENDING && chan_send_space(s->cc, id) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static uint8_t zeros[1 << 16];
	struct chan_backend b = {
		.session_open = be_open, .session_request = be_request,
		.peer_eof = be_eof, .closed = be_closed,
		.direct_open = be_direct_open, .global_request = be_global,
		.open_result = be_open_result,
	};
	struct state *s;
	const uint8_t *p;
	size_t off = 0, n, ops, i;
	uint32_t reason;
	uint8_t op;

	if (server == NULL)
		init_once();
	if ((s = calloc(1, sizeof(*s))) == NULL)
		abort();
	b.arg = s;
	if (len > 0) {
		s->refuse = data[0] % 4;
		s->direct_mode = (data[0] >> 4) % 4;
	}
	if (chan_conn_new(server, &b, &s->cc) != 0)
		abort();
	for (ops = 0; ops < MAX_OPS && off < len; ops++) {
		op = data[off++] % NOPS;
		if (op < 4) {
			if (len - off < 2)
				break;
			n = get16(data + off);
			off += 2;
			if (n > len - off)
				n = len - off;
			p = data + off;
			off += n;
			if (chan_recv(s->cc, p, n, &reason) != 0)
				break;
		} else if (op == 4) {
			if (len - off < 3)
				break;
			(void)chan_recv_ptr(s->cc, data[off], &n);
			if (n > get16(data + off + 1))
				n = get16(data + off + 1);
			if (chan_recv_consume(s->cc, data[off], n) != 0 &&
			    chan_exists(s->cc, data[off]))
				abort();
			off += 3;
		} else if (op == 5) {
			if (len - off < 4)
				break;
			n = chan_send_space(s->cc, data[off]);
			if (chan_send_data(s->cc, data[off], data[off + 1] & 1,
			    zeros, get16(data + off + 2)) > n)
				abort();
			off += 4;
		} else if (op == 6) {
			if (len - off < 2)
				break;
			end_session(s, data[off], data[off + 1]);
			off += 2;
		} else if (op == 7) {
			if (len - off < 1)
				break;
			chan_set_limits(s->cc, data[off++] % 16);
		} else if (op == 8) {
			if (len - off < 3)
				break;
			our_open(s, data[off], get16(data + off + 1));
			off += 3;
		} else if (op == 9) {
			if (len - off < 2)
				break;
			finish_pending(s, data[off], data[off + 1]);
			off += 2;
		} else {
			if (len - off < 1)
				break;
			queries(s, data[off++]);
		}
		discard_output();
	}
	chan_conn_free(s->cc);
	discard_output();
	/* Every accepted channel was closed exactly once. */
	for (i = 0; i < CHAN_MAX_CHANNELS; i++) {
		if (s->st[i] != T_FREE)
			abort();
	}
	free(s);
	return 0;
}
