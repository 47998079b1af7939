/*
 * The connection protocol after authentication (see chan.h; RFC 4254).
 *
 * Each message has its parse next to what it does; the channel's state is
 * a handful of flags (RFC 4254 s. 5.3: EOF and CLOSE each way).  Data from
 * the peer waits in the channel's input buffer, bounded by the window we
 * granted; data to the peer goes straight into the transport, bounded by
 * the peer's window and by how much output is already pending.
 */
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "log.h"
#include "ssh2.h"

#define CHAN_MAX_TYPE		64
#define CHAN_MIN_PEER_PACKET	64	/* smaller peer max packets refused */
#define CHAN_DATA_HEADER	(1 + 4 + 4 + 4)	/* type, id, [code], len */

struct channel {
	int used;
	uint32_t remote_id;
	int is_session;
	/* RFC 4254 s. 5.3 */
	int eof_rcvd, eof_sent, close_rcvd, close_sent, exit_sent;
	int eof_told;			/* backend->peer_eof called */
	/* peer -> us */
	struct wbuf in;
	uint32_t local_window;		/* what the peer may still send */
	uint32_t local_consumed;	/* consumed since the last adjust */
	/* us -> peer */
	uint32_t remote_window;
	uint32_t remote_maxpacket;
};

struct chan_conn {
	struct tp *t;
	const struct chan_backend *b;
	struct channel ch[CHAN_MAX_CHANNELS];
	unsigned nopen;
	unsigned nsessions;
	unsigned max_sessions;
	int no_more_sessions;
	unsigned alive_pending;		/* probes without a reply */
	struct wbuf msg;
};

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

static void
chan_free_one(struct chan_conn *c, uint32_t id)
{
	struct channel *ch = &c->ch[id];

	if (!ch->used)
		return;
	if (c->b != NULL && c->b->closed != NULL)
		c->b->closed(c->b->arg, id);
	wbuf_clear(&ch->in);
	if (ch->is_session && c->nsessions > 0)
		c->nsessions--;
	memset(ch, 0, sizeof(*ch));
	c->nopen--;
}

void
chan_conn_free(struct chan_conn *c)
{
	uint32_t i;

	if (c == NULL)
		return;
	for (i = 0; i < CHAN_MAX_CHANNELS; i++)
		chan_free_one(c, i);
	wbuf_clear(&c->msg);
	free(c);
}

/*
 *   byte      SSH_MSG_GLOBAL_REQUEST
 *   string    "keepalive@openssh.com"
 *   boolean   TRUE
 * ClientAliveInterval's probe: any reply will do.
 */
int
chan_send_keepalive(struct chan_conn *c)
{
	int r;

	wbuf_reset(&c->msg);
	if ((r = wbuf_put_u8(&c->msg, SSH2_MSG_GLOBAL_REQUEST)) != 0 ||
	    (r = wbuf_put_cstring(&c->msg, "keepalive@openssh.com")) != 0 ||
	    (r = wbuf_put_bool(&c->msg, 1)) != 0 ||
	    (r = tp_send_wbuf(c->t, &c->msg)) != 0)
		return r;
	c->alive_pending++;
	return 0;
}

unsigned
chan_alive_pending(const struct chan_conn *c)
{
	return c->alive_pending;
}

void
chan_set_limits(struct chan_conn *c, unsigned max_sessions)
{
	c->max_sessions = max_sessions;
}

static struct channel *
get(const struct chan_conn *c, uint32_t id)
{
	if (id >= CHAN_MAX_CHANNELS || !c->ch[id].used)
		return NULL;
	return (struct channel *)&c->ch[id];
}

int
chan_exists(const struct chan_conn *c, uint32_t id)
{
	return get(c, id) != NULL;
}

int
chan_peer_closed(const struct chan_conn *c, uint32_t id)
{
	const struct channel *ch = get(c, id);

	return ch == NULL || ch->close_rcvd;
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
	struct channel *ch = get(c, id);

	if (ch != NULL && ch->close_sent && ch->close_rcvd)
		chan_free_one(c, id);
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
	const struct channel *ch = get(c, id);
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
	if (pend >= CHAN_SEND_BUFFER)
		return 0;
	space = CHAN_SEND_BUFFER - pend;
	return ch->remote_window < space ? ch->remote_window : space;
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
	struct channel *ch = get(c, id);
	size_t total = 0, n, space = chan_send_space(c, id), maxp;

	if (ch == NULL)
		return 0;
	maxp = ch->remote_maxpacket;
	if (maxp > CHAN_MAX_PACKET)
		maxp = CHAN_MAX_PACKET;
	if (len > space)
		len = space;
	while (total < len) {
		n = len - total < maxp ? len - total : maxp;
		wbuf_reset(&c->msg);
		if (wbuf_put_u8(&c->msg, ext ? SSH2_MSG_CHANNEL_EXTENDED_DATA :
		    SSH2_MSG_CHANNEL_DATA) != 0 ||
		    wbuf_put_u32(&c->msg, ch->remote_id) != 0 ||
		    (ext && wbuf_put_u32(&c->msg,
		    SSH2_EXTENDED_DATA_STDERR) != 0) ||
		    wbuf_put_string(&c->msg, p + total, n) != 0 ||
		    tp_send_wbuf(c->t, &c->msg) != 0)
			break;
		ch->remote_window -= (uint32_t)n;
		total += n;
	}
	return total;
}

static int
send_simple(struct chan_conn *c, uint8_t type, uint32_t remote_id)
{
	uint8_t m[5];

	m[0] = type;
	pc_put_u32(m + 1, remote_id);
	return tp_send(c->t, m, sizeof(m));
}

int
chan_send_eof(struct chan_conn *c, uint32_t id)
{
	struct channel *ch = get(c, id);
	int r;

	if (ch == NULL || ch->eof_sent || ch->close_sent)
		return 0;
	if ((r = send_simple(c, SSH2_MSG_CHANNEL_EOF, ch->remote_id)) != 0)
		return r;
	ch->eof_sent = 1;
	return 0;
}

int
chan_send_close(struct chan_conn *c, uint32_t id)
{
	struct channel *ch = get(c, id);
	int r;

	if (ch == NULL || ch->close_sent)
		return 0;
	if ((r = send_simple(c, SSH2_MSG_CHANNEL_CLOSE, ch->remote_id)) != 0)
		return r;
	ch->close_sent = 1;
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

int
chan_send_exit_status(struct chan_conn *c, uint32_t id, uint32_t status)
{
	struct channel *ch = get(c, id);
	int r;

	if (ch == NULL || ch->exit_sent || ch->close_sent || ch->close_rcvd)
		return 0;
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
	struct channel *ch = get(c, id);
	int r;

	if (ch == NULL || ch->exit_sent || ch->close_sent || ch->close_rcvd)
		return 0;
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

/* ---------------------------------------------------------- receiving */

const uint8_t *
chan_recv_ptr(const struct chan_conn *c, uint32_t id, size_t *len)
{
	const struct channel *ch = get(c, id);

	*len = 0;
	if (ch == NULL)
		return NULL;
	*len = wbuf_len(&ch->in);
	return wbuf_ptr(&ch->in);
}

/* Tell the backend about the peer's EOF once its data is all taken. */
static void
maybe_tell_eof(struct chan_conn *c, uint32_t id)
{
	struct channel *ch = get(c, id);

	if (ch == NULL || !ch->eof_rcvd || ch->eof_told ||
	    wbuf_len(&ch->in) > 0)
		return;
	ch->eof_told = 1;
	if (c->b->peer_eof != NULL)
		c->b->peer_eof(c->b->arg, id);
}

/*
 *   byte      SSH_MSG_CHANNEL_WINDOW_ADJUST
 *   uint32    recipient channel
 *   uint32    bytes to add
 * sent once half of our window is consumed.
 */
static int
maybe_adjust(struct chan_conn *c, struct channel *ch)
{
	uint8_t m[9];
	int r;

	if (ch->eof_rcvd || ch->close_rcvd ||
	    ch->local_consumed < CHAN_WINDOW / 2)
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
	struct channel *ch = get(c, id);
	int r;

	if (ch == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = wbuf_consume(&ch->in, n)) != 0)
		return r;
	ch->local_consumed += (uint32_t)n;
	if ((r = maybe_adjust(c, ch)) != 0)
		return r;
	maybe_tell_eof(c, id);
	return 0;
}

/*
 *   byte      SSH_MSG_GLOBAL_REQUEST
 *   string    request name
 *   boolean   want reply
 *   ....      request-specific data
 * (RFC 4254 s. 4; OpenSSH PROTOCOL 2.2 and 2.5 for no-more-sessions and
 * keepalive, which any reply answers)
 */
static int
recv_global_request(struct chan_conn *c, struct wbuf *m)
{
	char *name = NULL;
	int want_reply, r;
	uint8_t fail = SSH2_MSG_REQUEST_FAILURE;

	if ((r = wbuf_get_cstring(m, &name, NULL)) != 0 ||
	    (r = wbuf_get_bool(m, &want_reply)) != 0)
		goto out;
	if (strcmp(name, "no-more-sessions@openssh.com") == 0) {
		c->no_more_sessions = 1;
		debug("no more sessions");
	} else
		debug("global request %s refused", name);
	if (want_reply)
		r = tp_send(c->t, &fail, 1);
 out:
	free(name);
	return r;
}

static int
send_open_failure(struct chan_conn *c, uint32_t sender, uint32_t reason,
    const char *desc)
{
	int r;

	wbuf_reset(&c->msg);
	if ((r = wbuf_put_u8(&c->msg, SSH2_MSG_CHANNEL_OPEN_FAILURE)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, sender)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, reason)) != 0 ||
	    (r = wbuf_put_cstring(&c->msg, desc)) != 0 ||
	    (r = wbuf_put_cstring(&c->msg, "")) != 0)
		return r;
	return tp_send_wbuf(c->t, &c->msg);
}

/*
 *   byte      SSH_MSG_CHANNEL_OPEN
 *   string    channel type
 *   uint32    sender channel
 *   uint32    initial window size
 *   uint32    maximum packet size
 *   ....      channel type specific data
 * (RFC 4254 s. 5.1)
 */
static int
recv_channel_open(struct chan_conn *c, struct wbuf *m, uint32_t *reason)
{
	char *type = NULL, *why = NULL;
	uint32_t sender, window, maxpacket, id, code;
	struct channel *ch;
	int r;

	if ((r = wbuf_get_cstring(m, &type, NULL)) != 0 ||
	    (r = wbuf_get_u32(m, &sender)) != 0 ||
	    (r = wbuf_get_u32(m, &window)) != 0 ||
	    (r = wbuf_get_u32(m, &maxpacket)) != 0)
		goto out;
	if (strcmp(type, "session") != 0) {
		logit("refused %.*s channel open: unknown channel type",
		    CHAN_MAX_TYPE, type);
		r = send_open_failure(c, sender, SSH2_OPEN_UNKNOWN_CHANNEL_TYPE,
		    "unknown channel type");
		goto out;
	}
	if ((r = wbuf_get_end(m)) != 0)
		goto out;
	if (c->no_more_sessions) {
		/* OpenSSH: a client that promised no more sessions and
		 * opens one is attacking; end the connection. */
		error("session channel open after no-more-sessions");
		*reason = SSH2_DISCONNECT_BY_APPLICATION;
		r = PC_ERR_PROTOCOL;
		goto out;
	}
	if (maxpacket < CHAN_MIN_PEER_PACKET) {
		r = send_open_failure(c, sender, SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
		    "maximum packet size too small");
		goto out;
	}
	if (c->nsessions >= c->max_sessions) {
		logit("refused session channel open: MaxSessions (%u) reached",
		    c->max_sessions);
		r = send_open_failure(c, sender,
		    SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED, "no more sessions");
		goto out;
	}
	for (id = 0; id < CHAN_MAX_CHANNELS && c->ch[id].used; id++)
		;
	if (id == CHAN_MAX_CHANNELS) {
		r = send_open_failure(c, sender, SSH2_OPEN_RESOURCE_SHORTAGE,
		    "too many channels");
		goto out;
	}
	ch = &c->ch[id];
	memset(ch, 0, sizeof(*ch));
	ch->used = 1;
	ch->is_session = 1;
	ch->remote_id = sender;
	ch->remote_window = window;
	ch->remote_maxpacket = maxpacket;
	ch->local_window = CHAN_WINDOW;
	wbuf_init(&ch->in, CHAN_WINDOW);
	c->nopen++;
	c->nsessions++;
	code = c->b->session_open(c->b->arg, id, &why);
	if (code != 0) {
		/* Refused: forget the channel without a closed() call. */
		wbuf_clear(&ch->in);
		memset(ch, 0, sizeof(*ch));
		c->nopen--;
		c->nsessions--;
		r = send_open_failure(c, sender, code, why ? why :
		    "session refused");
		goto out;
	}
	wbuf_reset(&c->msg);
	if ((r = wbuf_put_u8(&c->msg, SSH2_MSG_CHANNEL_OPEN_CONFIRMATION)) ||
	    (r = wbuf_put_u32(&c->msg, sender)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, id)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, CHAN_WINDOW)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, CHAN_MAX_PACKET)) != 0)
		goto out;
	r = tp_send_wbuf(c->t, &c->msg);
 out:
	free(type);
	free(why);
	return r;
}

/* The fields of each channel request type (RFC 4254 s. 6.2 - 6.10). */
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
	} else if (strcmp(t, "shell") != 0) {
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
	if (ch->close_rcvd || ch->close_sent) {
		r = 0;
		goto out;
	}
	ok = c->b->session_request(c->b->arg, id, &q) == 0;
	debug("channel %u: %s request %s", id, type, ok ? "done" : "refused");
	if (want_reply)
		r = send_simple(c, ok ? SSH2_MSG_CHANNEL_SUCCESS :
		    SSH2_MSG_CHANNEL_FAILURE, ch->remote_id);
 out:
	free(type);
	free(s1);
	free(s2);
	return r;
}

/* Messages about an open channel: the recipient is our id. */
static int
recv_channel_msg(struct chan_conn *c, uint8_t type, struct wbuf *m,
    uint32_t *reason)
{
	const uint8_t *data;
	struct channel *ch;
	uint32_t id, n, code;
	size_t len;
	int r;

	if ((r = wbuf_get_u32(m, &id)) != 0)
		return r;
	if ((ch = get(c, id)) == NULL) {
		error("message %u for unknown channel %u", type, id);
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
		if (type == SSH2_MSG_CHANNEL_EXTENDED_DATA &&
		    (r = wbuf_get_u32(m, &code)) != 0)
			return r;
		if ((r = wbuf_get_string_direct(m, &data, &len)) != 0 ||
		    (r = wbuf_get_end(m)) != 0)
			return r;
		/* The window and packet size we granted bound the peer. */
		if (len > ch->local_window || len > CHAN_MAX_PACKET ||
		    ch->eof_rcvd || ch->close_rcvd) {
			error("channel %u: %zu bytes of data beyond the window "
			    "or after EOF", id, len);
			return PC_ERR_PROTOCOL;
		}
		ch->local_window -= (uint32_t)len;
		if (type == SSH2_MSG_CHANNEL_EXTENDED_DATA) {
			/* Sessions have no use for the client's extended
			 * data: account for it and drop it, re-opening the
			 * window here since no chan_recv_consume will. */
			ch->local_consumed += (uint32_t)len;
			return maybe_adjust(c, ch);
		}
		return wbuf_put(&ch->in, data, len);
	case SSH2_MSG_CHANNEL_EOF:
		if ((r = wbuf_get_end(m)) != 0)
			return r;
		ch->eof_rcvd = 1;
		maybe_tell_eof(c, id);
		return 0;
	case SSH2_MSG_CHANNEL_CLOSE:
		if ((r = wbuf_get_end(m)) != 0)
			return r;
		ch->close_rcvd = 1;
		/* RFC 4254 s. 5.3: answer with our CLOSE. */
		if (!ch->close_sent) {
			if ((r = send_simple(c, SSH2_MSG_CHANNEL_CLOSE,
			    ch->remote_id)) != 0)
				return r;
			ch->close_sent = 1;
		}
		maybe_free(c, id);
		return 0;
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
		return recv_global_request(c, &m);
	case SSH2_MSG_CHANNEL_OPEN:
		return recv_channel_open(c, &m, reason);
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
