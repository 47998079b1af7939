/*
 * The connection protocol after authentication (see chan.h; RFC 4254):
 * the channel table, data and windows, channel requests and closing.
 * Opens (both ways) and global requests are in chanopen.c.
 *
 * Each message has its parse next to what it does; the channel's state is
 * where it is in its opening plus a handful of flags (RFC 4254 s. 5.3: EOF
 * and CLOSE each way).  Data from the peer waits in the channel's input
 * buffer, bounded by the window we granted; data to the peer goes straight
 * into the transport, bounded by the peer's window and by how much output
 * is already pending.
 */
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "chan_int.h"
#include "log.h"
#include "ssh2.h"

#define CHAN_DEBUG_MAX		1024	/* bytes of a DEBUG message */
/* CHANNEL_DATA / EXTENDED_DATA before the data: type, recipient,
 * [data type code], data length. */
#define CHAN_DATA_HEADER	(1 + 4 + 4 + 4)

int
chan_conn_new(struct tp *t, const struct chan_backend *backend,
    struct chan_conn **cp)
{
	struct chan_conn *c;

	*cp = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return PC_ERR_ALLOC;
	c->t = t;
	c->b = backend;
	c->max_sessions = 10;	/* sshd_config MaxSessions default */
	wbuf_init(&c->msg, CHAN_MAX_PACKET + 1024);
	*cp = c;
	return 0;
}

/* ------------------------------------------------------------ the table */

struct channel *
chan_slot(const struct chan_conn *c, uint32_t id)
{
	if (id >= CHAN_MAX_CHANNELS || !c->ch[id].used)
		return NULL;
	return (struct channel *)&c->ch[id];
}

/* An open channel: the only kind the peer may talk to, and the only kind
 * data and the end of a session go to. */
static struct channel *
get_open(const struct chan_conn *c, uint32_t id)
{
	struct channel *ch = chan_slot(c, id);

	if (ch == NULL || ch->state != CHAN_ST_OPEN)
		return NULL;
	return ch;
}

int
chan_slot_new(struct chan_conn *c, enum chan_kind k, uint32_t *id)
{
	struct channel *ch;
	uint32_t i;

	for (i = 0; i < CHAN_MAX_CHANNELS && c->ch[i].used; i++)
		;
	if (i == CHAN_MAX_CHANNELS)
		return PC_ERR_NO_BUFFER_SPACE;
	ch = &c->ch[i];
	memset(ch, 0, sizeof(*ch));
	ch->used = 1;
	ch->kind = k;
	ch->state = CHAN_ST_OPEN;
	ch->local_window = CHAN_WINDOW;
	wbuf_init(&ch->in, CHAN_WINDOW);
	c->nopen++;
	if (k == CHAN_KIND_SESSION)
		c->nsessions++;
	*id = i;
	return 0;
}

void
chan_slot_forget(struct chan_conn *c, uint32_t id)
{
	struct channel *ch = chan_slot(c, id);

	if (ch == NULL)
		return;
	c->in_total -= wbuf_len(&ch->in);
	wbuf_clear(&ch->in);
	if (ch->kind == CHAN_KIND_SESSION && c->nsessions > 0)
		c->nsessions--;
	memset(ch, 0, sizeof(*ch));
	c->nopen--;
}

void
chan_slot_free(struct chan_conn *c, uint32_t id)
{
	if (chan_slot(c, id) == NULL)
		return;
	if (c->b != NULL && c->b->closed != NULL)
		c->b->closed(c->b->arg, id);
	chan_slot_forget(c, id);
}

/* Every channel still there is gone, whatever its state: the backend
 * frees what it holds for pending and opening channels too. */
void
chan_conn_free(struct chan_conn *c)
{
	uint32_t i;

	if (c == NULL)
		return;
	for (i = 0; i < CHAN_MAX_CHANNELS; i++)
		chan_slot_free(c, i);
	wbuf_clear(&c->msg);
	free(c);
}

void
chan_set_limits(struct chan_conn *c, unsigned max_sessions)
{
	c->max_sessions = max_sessions;
}

int
chan_exists(const struct chan_conn *c, uint32_t id)
{
	return chan_slot(c, id) != NULL;
}

enum chan_kind
chan_kind(const struct chan_conn *c, uint32_t id)
{
	const struct channel *ch = chan_slot(c, id);

	return ch == NULL ? CHAN_KIND_SESSION : ch->kind;
}

/* For a channel that is gone, the answers below are "yes": nothing more
 * will come from the peer, nothing more may be sent. */
int
chan_peer_closed(const struct chan_conn *c, uint32_t id)
{
	const struct channel *ch = chan_slot(c, id);

	return ch == NULL || ch->close_rcvd;
}

int
chan_peer_eof(const struct chan_conn *c, uint32_t id)
{
	const struct channel *ch = chan_slot(c, id);

	return ch == NULL || ch->eof_rcvd;
}

int
chan_eof_sent(const struct chan_conn *c, uint32_t id)
{
	const struct channel *ch = chan_slot(c, id);

	return ch == NULL || ch->eof_sent;
}

unsigned
chan_count(const struct chan_conn *c)
{
	return c->nopen;
}

/* Both CLOSEs seen: the channel is gone (RFC 4254 s. 5.3). */
static void
maybe_free(struct chan_conn *c, uint32_t id)
{
	struct channel *ch = chan_slot(c, id);

	if (ch != NULL && ch->close_sent && ch->close_rcvd)
		chan_slot_free(c, id);
}

/* ------------------------------------------------------------ sending */

/* Bytes of protocol output already waiting: the send budget shrinks
 * with it, so a slow peer cannot make us buffer without bound. */
static size_t
pending_output(const struct chan_conn *c)
{
	size_t len;

	(void)tp_output_ptr(c->t, &len);
	return len;
}

size_t
chan_send_space(const struct chan_conn *c, uint32_t id)
{
	const struct channel *ch = get_open(c, id);
	size_t pend = pending_output(c), space;

	if (ch == NULL || ch->eof_sent || ch->close_sent || ch->close_rcvd)
		return 0;
	/*
	 * During a key exchange the transport holds what we send until its
	 * NEWKEYS (RFC 4253 s. 7.1), outside the output counted above: take
	 * no data then, as OpenSSH's server loop does not poll channel output
	 * while rekeying, or a peer slow to finish a kex makes us hold up to
	 * its whole window.
	 */
	if (tp_in_kex(c->t))
		return 0;
	if (pend >= CHAN_SEND_BUFFER ||
	    pend + c->in_total >= CHAN_MAX_BUFFERED)
		return 0;
	space = CHAN_SEND_BUFFER - pend;
	if (space > CHAN_MAX_BUFFERED - pend - c->in_total)
		space = CHAN_MAX_BUFFERED - pend - c->in_total;
	return ch->remote_window < space ? ch->remote_window : space;
}

size_t
chan_buffered(const struct chan_conn *c)
{
	return pending_output(c) + c->in_total;
}

/*
 *   byte      SSH_MSG_CHANNEL_DATA / SSH_MSG_CHANNEL_EXTENDED_DATA
 *   uint32    recipient channel
 *   [uint32   data_type_code (1: stderr)]
 *   string    data
 */
size_t
chan_send_data(struct chan_conn *c, uint32_t id, int ext, const uint8_t *p,
    size_t len)
{
	struct channel *ch = get_open(c, id);
	size_t total = 0, n, space = chan_send_space(c, id), maxp;

	if (ch == NULL)
		return 0;
	maxp = ch->remote_maxpacket;
	if (maxp > CHAN_MAX_PACKET)
		maxp = CHAN_MAX_PACKET;
	if (len > space)
		len = space;
	while (total < len) {
		uint8_t head[CHAN_DATA_HEADER];
		size_t hlen = 0;

		n = len - total < maxp ? len - total : maxp;
		/* The header here, the data framed straight from p: no copy
		 * of the data before the one into the packet. */
		head[hlen++] = ext ? SSH2_MSG_CHANNEL_EXTENDED_DATA :
		    SSH2_MSG_CHANNEL_DATA;
		pc_put_u32(head + hlen, ch->remote_id);
		hlen += 4;
		if (ext) {
			pc_put_u32(head + hlen, SSH2_EXTENDED_DATA_STDERR);
			hlen += 4;
		}
		pc_put_u32(head + hlen, (uint32_t)n);
		hlen += 4;
		if (tp_send2(c->t, head, hlen, p + total, n) != 0)
			break;
		ch->remote_window -= (uint32_t)n;
		total += n;
	}
	return total;
}

int
chan_send_simple(struct chan_conn *c, uint8_t type, uint32_t remote_id)
{
	uint8_t m[5];

	m[0] = type;
	pc_put_u32(m + 1, remote_id);
	return tp_send(c->t, m, sizeof(m));
}

/*
 * The end of a channel.  Nothing may be sent on a channel that is not
 * open yet (the peer has not confirmed ours, or does not know our id):
 * asking is the caller's bug, except for CLOSE on a channel we are still
 * opening, which goes out once the peer confirms (chan.h).
 */
int
chan_send_eof(struct chan_conn *c, uint32_t id)
{
	struct channel *ch = chan_slot(c, id);
	int r;

	if (ch == NULL || ch->eof_sent || ch->close_sent)
		return 0;
	if (ch->state != CHAN_ST_OPEN)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = chan_send_simple(c, SSH2_MSG_CHANNEL_EOF,
	    ch->remote_id)) != 0)
		return r;
	ch->eof_sent = 1;
	return 0;
}

int
chan_send_close(struct chan_conn *c, uint32_t id)
{
	struct channel *ch = chan_slot(c, id);
	int r;

	if (ch == NULL || ch->close_sent)
		return 0;
	if (ch->state == CHAN_ST_OPENING) {
		ch->close_wanted = 1;
		return 0;
	}
	if (ch->state != CHAN_ST_OPEN)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = chan_send_simple(c, SSH2_MSG_CHANNEL_CLOSE,
	    ch->remote_id)) != 0)
		return r;
	ch->close_sent = 1;
	/* The peer's CLOSE may be in already, its data unconsumed: that
	 * data is dropped with the channel. */
	maybe_free(c, id);
	return 0;
}

/*
 *   byte      SSH_MSG_CHANNEL_REQUEST
 *   uint32    recipient channel
 *   string    "exit-status" / "exit-signal"
 *   boolean   FALSE
 *   ...       (RFC 4254 s. 6.10)
 */
static int
start_request(struct chan_conn *c, struct channel *ch, const char *type)
{
	int r;

	wbuf_reset(&c->msg);
	if ((r = wbuf_put_u8(&c->msg, SSH2_MSG_CHANNEL_REQUEST)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, ch->remote_id)) != 0 ||
	    (r = wbuf_put_cstring(&c->msg, type)) != 0 ||
	    (r = wbuf_put_bool(&c->msg, 0)) != 0)
		return r;
	return 0;
}

/* exit-status and exit-signal: once, before CLOSE either way. */
static int
exit_allowed(const struct chan_conn *c, uint32_t id, struct channel **chp)
{
	struct channel *ch = chan_slot(c, id);

	*chp = NULL;
	if (ch == NULL || ch->exit_sent || ch->close_sent || ch->close_rcvd)
		return 0;
	if (ch->state != CHAN_ST_OPEN)
		return PC_ERR_INVALID_ARGUMENT;
	*chp = ch;
	return 0;
}

int
chan_send_exit_status(struct chan_conn *c, uint32_t id, uint32_t status)
{
	struct channel *ch;
	int r;

	if ((r = exit_allowed(c, id, &ch)) != 0 || ch == NULL)
		return r;
	if ((r = start_request(c, ch, "exit-status")) != 0 ||
	    (r = wbuf_put_u32(&c->msg, status)) != 0 ||
	    (r = tp_send_wbuf(c->t, &c->msg)) != 0)
		return r;
	ch->exit_sent = 1;
	return 0;
}

int
chan_send_exit_signal(struct chan_conn *c, uint32_t id, const char *signame,
    int core_dumped, const char *msg)
{
	struct channel *ch;
	int r;

	if ((r = exit_allowed(c, id, &ch)) != 0 || ch == NULL)
		return r;
	if ((r = start_request(c, ch, "exit-signal")) != 0 ||
	    (r = wbuf_put_cstring(&c->msg, signame)) != 0 ||
	    (r = wbuf_put_bool(&c->msg, core_dumped)) != 0 ||
	    (r = wbuf_put_cstring(&c->msg, msg ? msg : "")) != 0 ||
	    (r = wbuf_put_cstring(&c->msg, "")) != 0 ||
	    (r = tp_send_wbuf(c->t, &c->msg)) != 0)
		return r;
	ch->exit_sent = 1;
	return 0;
}

/*
 *   byte      SSH_MSG_DEBUG
 *   boolean   always_display (FALSE)
 *   string    message in ISO-10646 UTF-8
 *   string    language tag ("")
 * (RFC 4253 s. 11.3)
 */
int
chan_send_debug(struct chan_conn *c, const char *msg)
{
	int r;

	if (msg == NULL || strlen(msg) > CHAN_DEBUG_MAX)
		return PC_ERR_INVALID_ARGUMENT;
	wbuf_reset(&c->msg);
	if ((r = wbuf_put_u8(&c->msg, SSH2_MSG_DEBUG)) != 0 ||
	    (r = wbuf_put_bool(&c->msg, 0)) != 0 ||
	    (r = wbuf_put_cstring(&c->msg, msg)) != 0 ||
	    (r = wbuf_put_cstring(&c->msg, "")) != 0)
		return r;
	return tp_send_wbuf(c->t, &c->msg);
}

/* ---------------------------------------------------------- receiving */

const uint8_t *
chan_recv_ptr(const struct chan_conn *c, uint32_t id, size_t *len)
{
	const struct channel *ch = chan_slot(c, id);

	*len = 0;
	if (ch == NULL)
		return NULL;
	*len = wbuf_len(&ch->in);
	return wbuf_ptr(&ch->in);
}

/* Tell the backend about the peer's EOF once its data is all taken; a
 * CLOSE counts as EOF here (see finish_peer_close).  Not after our CLOSE:
 * the backend is done with the channel then. */
static void
maybe_tell_eof(struct chan_conn *c, uint32_t id)
{
	struct channel *ch = chan_slot(c, id);

	if (ch == NULL || !(ch->eof_rcvd || ch->close_rcvd) ||
	    ch->eof_told || ch->close_sent || wbuf_len(&ch->in) > 0)
		return;
	ch->eof_told = 1;
	if (c->b->peer_eof != NULL)
		c->b->peer_eof(c->b->arg, id);
}

/*
 * The peer's CLOSE is in and the data it sent before is all consumed
 * (chan.h): tell the backend EOF if not done yet, answer with our CLOSE
 * (RFC 4254 s. 5.3) and forget the channel.  Does nothing until then.
 */
static int
finish_peer_close(struct chan_conn *c, uint32_t id)
{
	struct channel *ch = chan_slot(c, id);
	int r;

	if (ch == NULL || !ch->close_rcvd || ch->close_sent ||
	    wbuf_len(&ch->in) > 0)
		return 0;
	maybe_tell_eof(c, id);
	/* peer_eof may have closed it (and so freed it) itself. */
	if ((ch = chan_slot(c, id)) == NULL || !ch->close_rcvd ||
	    ch->close_sent)
		return 0;
	if ((r = chan_send_simple(c, SSH2_MSG_CHANNEL_CLOSE,
	    ch->remote_id)) != 0)
		return r;
	ch->close_sent = 1;
	maybe_free(c, id);
	return 0;
}

/*
 *   byte      SSH_MSG_CHANNEL_WINDOW_ADJUST
 *   uint32    recipient channel
 *   uint32    bytes to add
 * sent once half of our window is consumed; never after our CLOSE (RFC
 * 4254 s. 5.3: nothing more may be sent on the channel).
 */
static int
maybe_adjust(struct chan_conn *c, struct channel *ch)
{
	uint8_t m[9];
	int r;

	if (ch->state != CHAN_ST_OPEN || ch->eof_rcvd || ch->close_rcvd ||
	    ch->close_sent || ch->local_consumed < CHAN_WINDOW / 2)
		return 0;
	m[0] = SSH2_MSG_CHANNEL_WINDOW_ADJUST;
	pc_put_u32(m + 1, ch->remote_id);
	pc_put_u32(m + 5, ch->local_consumed);
	if ((r = tp_send(c->t, m, sizeof(m))) != 0)
		return r;
	ch->local_window += ch->local_consumed;
	ch->local_consumed = 0;
	return 0;
}

int
chan_recv_consume(struct chan_conn *c, uint32_t id, size_t n)
{
	struct channel *ch = chan_slot(c, id);
	int r;

	if (ch == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = wbuf_consume(&ch->in, n)) != 0)
		return r;
	c->in_total -= n;
	/* A drained buffer that grew large gives its storage back: buffers
	 * never shrink, and one channel after another filled to its window
	 * would otherwise keep CHAN_WINDOW each. */
	if (wbuf_len(&ch->in) == 0 && ch->in.alloc > CHAN_KEEP_BUFFER) {
		wbuf_clear(&ch->in);
		wbuf_init(&ch->in, CHAN_WINDOW);
	}
	/* n is at most what is buffered, itself at most CHAN_WINDOW. */
	ch->local_consumed += (uint32_t)n;
	if ((r = maybe_adjust(c, ch)) != 0)
		return r;
	if (ch->close_rcvd)
		return finish_peer_close(c, id);
	maybe_tell_eof(c, id);
	return 0;
}

/* The fields of each channel request type (RFC 4254 s. 6.2 - 6.10,
 * OpenSSH PROTOCOL for the agent). */
static int
parse_request(struct wbuf *m, struct chan_req *q, char **s1, char **s2)
{
	const char *t = q->type;
	int r;

	if (strcmp(t, "pty-req") == 0) {
		if ((r = wbuf_get_cstring(m, s1, NULL)) != 0 ||
		    (r = wbuf_get_u32(m, &q->cols)) != 0 ||
		    (r = wbuf_get_u32(m, &q->rows)) != 0 ||
		    (r = wbuf_get_u32(m, &q->width_px)) != 0 ||
		    (r = wbuf_get_u32(m, &q->height_px)) != 0 ||
		    (r = wbuf_get_string_direct(m, &q->modes,
		    &q->modeslen)) != 0)
			return r;
		q->term = *s1;
	} else if (strcmp(t, "x11-req") == 0) {
		/* s. 6.3.1 */
		if ((r = wbuf_get_bool(m, &q->single_connection)) != 0 ||
		    (r = wbuf_get_cstring(m, s1, NULL)) != 0 ||
		    (r = wbuf_get_cstring(m, s2, NULL)) != 0 ||
		    (r = wbuf_get_u32(m, &q->x11_screen)) != 0)
			return r;
		q->x11_auth_proto = *s1;
		q->x11_auth_cookie = *s2;
	} else if (strcmp(t, "window-change") == 0) {
		if ((r = wbuf_get_u32(m, &q->cols)) != 0 ||
		    (r = wbuf_get_u32(m, &q->rows)) != 0 ||
		    (r = wbuf_get_u32(m, &q->width_px)) != 0 ||
		    (r = wbuf_get_u32(m, &q->height_px)) != 0)
			return r;
	} else if (strcmp(t, "env") == 0) {
		if ((r = wbuf_get_cstring(m, s1, NULL)) != 0 ||
		    (r = wbuf_get_cstring(m, s2, NULL)) != 0)
			return r;
		q->name = *s1;
		q->value = *s2;
	} else if (strcmp(t, "exec") == 0 || strcmp(t, "subsystem") == 0) {
		if ((r = wbuf_get_cstring(m, s1, NULL)) != 0)
			return r;
		q->command = *s1;
	} else if (strcmp(t, "signal") == 0) {
		if ((r = wbuf_get_cstring(m, s1, NULL)) != 0)
			return r;
		q->signal = *s1;
	} else if (strcmp(t, "break") == 0) {
		if ((r = wbuf_get_u32(m, &q->break_ms)) != 0)
			return r;
	} else if (strcmp(t, "shell") != 0 &&
	    strcmp(t, "auth-agent-req@openssh.com") != 0) {
		/* Unknown here: the backend refuses it; fields ignored. */
		return 0;
	}
	return wbuf_get_end(m);
}

/*
 *   byte      SSH_MSG_CHANNEL_REQUEST
 *   uint32    recipient channel
 *   string    request type
 *   boolean   want reply
 *   ....      type-specific data
 */
static int
recv_channel_request(struct chan_conn *c, struct channel *ch, uint32_t id,
    struct wbuf *m)
{
	struct chan_req q;
	char *type = NULL, *s1 = NULL, *s2 = NULL;
	int want_reply, r, ok;

	memset(&q, 0, sizeof(q));
	if ((r = wbuf_get_cstring(m, &type, NULL)) != 0 ||
	    (r = wbuf_get_bool(m, &want_reply)) != 0)
		goto out;
	q.type = type;
	q.want_reply = want_reply;
	if ((r = parse_request(m, &q, &s1, &s2)) != 0)
		goto out;
	/* Requests on a closing channel are ignored (RFC 4254 s. 5.3). */
	if (ch->close_sent) {
		r = 0;
		goto out;
	}
	/* Only sessions take requests: forwarded channels carry bytes. */
	if (ch->kind == CHAN_KIND_SESSION)
		ok = c->b->session_request(c->b->arg, id, &q) == 0;
	else
		ok = 0;
	debug("channel %u: %s request %s", id, type, ok ? "done" : "refused");
	if (want_reply)
		r = chan_send_simple(c, ok ? SSH2_MSG_CHANNEL_SUCCESS :
		    SSH2_MSG_CHANNEL_FAILURE, ch->remote_id);
 out:
	free(type);
	free(s1);
	free(s2);
	return r;
}

/*
 *   byte      SSH_MSG_CHANNEL_DATA / SSH_MSG_CHANNEL_EXTENDED_DATA
 *   uint32    recipient channel
 *   [uint32   data_type_code]
 *   string    data
 */
static int
recv_data(struct chan_conn *c, uint8_t type, struct channel *ch,
    uint32_t id, struct wbuf *m)
{
	const uint8_t *data;
	uint32_t code;
	size_t len;
	int r;

	if (type == SSH2_MSG_CHANNEL_EXTENDED_DATA &&
	    (r = wbuf_get_u32(m, &code)) != 0)
		return r;
	if ((r = wbuf_get_string_direct(m, &data, &len)) != 0 ||
	    (r = wbuf_get_end(m)) != 0)
		return r;
	/* The window and packet size we granted bound the peer. */
	if (len > ch->local_window || len > CHAN_MAX_PACKET || ch->eof_rcvd) {
		error("channel %u: %zu bytes of data beyond the window "
		    "or after EOF", id, len);
		return PC_ERR_PROTOCOL;
	}
	ch->local_window -= (uint32_t)len;
	if (type == SSH2_MSG_CHANNEL_EXTENDED_DATA) {
		/* No channel kind has a use for the client's extended data
		 * (OpenSSH drops it too): account for it and drop it,
		 * re-opening the window here since no chan_recv_consume
		 * will. */
		ch->local_consumed += (uint32_t)len;
		return maybe_adjust(c, ch);
	}
	/*
	 * Nothing waiting before these bytes: offer them to the backend
	 * first, so that data its descriptor can take at once is not
	 * copied into the channel buffer and out again.
	 */
	if (wbuf_len(&ch->in) == 0 && c->b->data_in != NULL) {
		size_t n = c->b->data_in(c->b->arg, id, data, len);

		if (n > len) {
			error("channel %u: backend took more than given", id);
			return PC_ERR_INTERNAL;
		}
		data += n;
		len -= n;
		ch->local_consumed += (uint32_t)n;
		if ((r = maybe_adjust(c, ch)) != 0)
			return r;
	}
	if (len == 0)
		return 0;
	if ((r = wbuf_put(&ch->in, data, len)) != 0)
		return r;
	c->in_total += len;
	return 0;
}

/*
 *   byte      SSH_MSG_CHANNEL_CLOSE
 *   uint32    recipient channel
 * RFC 4254 s. 5.3: answered with our CLOSE, once what the peer sent
 * before is consumed (chan.h).
 */
static int
recv_close(struct chan_conn *c, struct channel *ch, uint32_t id,
    struct wbuf *m)
{
	int r;

	if ((r = wbuf_get_end(m)) != 0)
		return r;
	ch->close_rcvd = 1;
	if (ch->close_sent) {
		maybe_free(c, id);
		return 0;
	}
	if (wbuf_len(&ch->in) > 0) {
		debug("channel %u: peer closed with %zu bytes unconsumed",
		    id, wbuf_len(&ch->in));
		return 0;
	}
	if ((r = chan_send_simple(c, SSH2_MSG_CHANNEL_CLOSE,
	    ch->remote_id)) != 0)
		return r;
	ch->close_sent = 1;
	maybe_free(c, id);
	return 0;
}

/* Messages about an open channel: the recipient is our id. */
static int
recv_channel_msg(struct chan_conn *c, uint8_t type, struct wbuf *m,
    uint32_t *reason)
{
	struct channel *ch;
	uint32_t id, n;
	int r;

	if ((r = wbuf_get_u32(m, &id)) != 0)
		return r;
	/* A pending open's id is not known to the peer yet; ours it may
	 * use only after confirming (RFC 4254 s. 5.1). */
	if ((ch = get_open(c, id)) == NULL) {
		error("message %u for unknown channel %u", type, id);
		return PC_ERR_PROTOCOL;
	}
	/* RFC 4254 s. 5.3: nothing may follow the peer's CLOSE. */
	if (ch->close_rcvd) {
		error("channel %u: message %u after CLOSE", id, type);
		return PC_ERR_PROTOCOL;
	}
	switch (type) {
	case SSH2_MSG_CHANNEL_WINDOW_ADJUST:
		if ((r = wbuf_get_u32(m, &n)) != 0 ||
		    (r = wbuf_get_end(m)) != 0)
			return r;
		if (n > UINT32_MAX - ch->remote_window) {
			error("channel %u: window overflow", id);
			return PC_ERR_PROTOCOL;
		}
		ch->remote_window += n;
		return 0;
	case SSH2_MSG_CHANNEL_DATA:
	case SSH2_MSG_CHANNEL_EXTENDED_DATA:
		return recv_data(c, type, ch, id, m);
	case SSH2_MSG_CHANNEL_EOF:
		if ((r = wbuf_get_end(m)) != 0)
			return r;
		ch->eof_rcvd = 1;
		maybe_tell_eof(c, id);
		return 0;
	case SSH2_MSG_CHANNEL_CLOSE:
		return recv_close(c, ch, id, m);
	case SSH2_MSG_CHANNEL_REQUEST:
		return recv_channel_request(c, ch, id, m);
	case SSH2_MSG_CHANNEL_SUCCESS:
	case SSH2_MSG_CHANNEL_FAILURE:
		return 0;	/* replies to nothing we asked: ignored */
	default:
		*reason = SSH2_DISCONNECT_PROTOCOL_ERROR;
		error("unexpected channel message %u", type);
		return PC_ERR_PROTOCOL;
	}
}

int
chan_recv(struct chan_conn *c, const uint8_t *msg, size_t len,
    uint32_t *reason)
{
	struct wbuf m;

	*reason = SSH2_DISCONNECT_PROTOCOL_ERROR;
	if (len == 0)
		return PC_ERR_PROTOCOL;
	wbuf_init_const(&m, msg + 1, len - 1);
	switch (msg[0]) {
	case SSH2_MSG_GLOBAL_REQUEST:
		return chan_recv_global_request(c, &m);
	case SSH2_MSG_CHANNEL_OPEN:
		return chan_recv_open(c, &m, reason);
	case SSH2_MSG_CHANNEL_OPEN_CONFIRMATION:
	case SSH2_MSG_CHANNEL_OPEN_FAILURE:
		return chan_recv_open_reply(c, msg[0], &m);
	case SSH2_MSG_CHANNEL_WINDOW_ADJUST:
	case SSH2_MSG_CHANNEL_DATA:
	case SSH2_MSG_CHANNEL_EXTENDED_DATA:
	case SSH2_MSG_CHANNEL_EOF:
	case SSH2_MSG_CHANNEL_CLOSE:
	case SSH2_MSG_CHANNEL_REQUEST:
	case SSH2_MSG_CHANNEL_SUCCESS:
	case SSH2_MSG_CHANNEL_FAILURE:
		return recv_channel_msg(c, msg[0], &m, reason);
	default:
		break;
	}
	/* Any reply answers our keepalive probes (OpenSSH PROTOCOL). */
	if (msg[0] == SSH2_MSG_REQUEST_SUCCESS ||
	    msg[0] == SSH2_MSG_REQUEST_FAILURE) {
		c->alive_pending = 0;
		return 0;
	}
	/* RFC 4252 s. 5.1: authentication requests after success are
	 * ignored. */
	if (msg[0] >= SSH2_MSG_USERAUTH_REQUEST && msg[0] < 80)
		return 0;
	error("unexpected message type %u after authentication", msg[0]);
	return PC_ERR_UNEXPECTED_MESSAGE;
}
