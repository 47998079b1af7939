/*
 * libFuzzer target: the connection protocol (channels/chan.c) after
 * authentication.  A client and a server transport finish a key exchange
 * once per process; each input then gets a fresh chan_conn on the server
 * transport, and what chan.c sends is thrown away.
 *
 * The input is a list of operations, each one byte then its arguments:
 *   0-3  a message for chan_recv: uint16 length, the bytes
 *   4    chan_recv_consume: id byte, uint16 count (cut to what is there)
 *   5    chan_send_data: id byte, ext byte, uint16 length
 *   6    the end of a session: id byte, what byte (status, signal, EOF,
 *        CLOSE)
 *   7    chan_set_limits: one byte
 * The recording backend checks the invariants chan.h promises: peer_eof
 * once per channel and only with no data buffered, closed() once for each
 * accepted channel (by chan_conn_free at the latest), and never for a
 * refused one.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static struct tp *client, *server;
static struct pc_key *hostkey;

struct state {
	struct chan_conn *cc;
	uint8_t open[CHAN_MAX_CHANNELS];	/* accepted, not yet closed */
	uint8_t eof[CHAN_MAX_CHANNELS];		/* peer_eof called */
	unsigned opens;
	uint8_t refuse;			/* refuse every n-th open */
};

static uint32_t
be_open(void *arg, uint32_t id, char **why)
{
	struct state *s = arg;

	if (id >= CHAN_MAX_CHANNELS || s->open[id])
		abort();
	s->opens++;
	if (s->refuse != 0 && s->opens % s->refuse == 0) {
		if ((s->opens & 1) && (*why = strdup("refused")) == NULL)
			abort();
		return SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
	s->open[id] = 1;
	s->eof[id] = 0;
	return 0;
}

static int
be_request(void *arg, uint32_t id, const struct chan_req *req)
{
	struct state *s = arg;

	if (id >= CHAN_MAX_CHANNELS || !s->open[id] || req->type == NULL)
		abort();
	/* Touch every field the parser set. */
	if (req->term != NULL && strlen(req->term) > (size_t)1 << 20)
		abort();
	if (req->modeslen > 0 && req->modes == NULL)
		abort();
	return (strlen(req->type) & 1) ? PC_ERR_PROTOCOL : 0;
}

static void
be_eof(void *arg, uint32_t id)
{
	struct state *s = arg;
	size_t n;

	if (id >= CHAN_MAX_CHANNELS || !s->open[id] || s->eof[id])
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

	if (id >= CHAN_MAX_CHANNELS || !s->open[id])
		abort();
	s->open[id] = 0;
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
	if (r != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static uint8_t zeros[1 << 16];
	struct chan_backend b = {
		.session_open = be_open, .session_request = be_request,
		.peer_eof = be_eof, .closed = be_closed,
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
	if (len > 0)
		s->refuse = data[0] % 4;
	if (chan_conn_new(server, &b, &s->cc) != 0)
		abort();
	for (ops = 0; ops < MAX_OPS && off < len; ops++) {
		op = data[off++] % 8;
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
		} else {
			if (len - off < 1)
				break;
			chan_set_limits(s->cc, data[off++] % 16);
		}
		discard_output();
	}
	chan_conn_free(s->cc);
	discard_output();
	/* Every accepted channel was closed exactly once. */
	for (i = 0; i < CHAN_MAX_CHANNELS; i++) {
		if (s->open[i])
			abort();
	}
	free(s);
	return 0;
}
