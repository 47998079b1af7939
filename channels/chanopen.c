/*
 * Channel opens and global requests (see chan.h; RFC 4254 s. 4, 5.1, 7;
 * OpenSSH PROTOCOL 2.2, 2.4, 2.5).
 *
 * The peer opens "session", "direct-tcpip" and
 * "direct-streamlocal@openssh.com" channels; the backend accepts one at
 * once, refuses it, or leaves it pending (the slot and the peer's id are
 * kept, nothing else happens) until chan_open_confirm or chan_open_fail.
 * We open the forwarded, agent and X11 channels with chan_open; the
 * peer's OPEN_CONFIRMATION or OPEN_FAILURE is handed to
 * backend->open_result.
 */
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "chan_int.h"
#include "log.h"
#include "ssh2.h"

#define CHAN_PORT_MAX		65535u
#define CHAN_DESC_LOG_MAX	256	/* bytes of a peer's description */

/* The channel types by name, and who may open each. */
static const struct {
	const char *name;
	enum chan_kind kind;
	int server_only;	/* a client's open is refused */
} chan_types[] = {
	{ "session", CHAN_KIND_SESSION, 0 },
	{ "direct-tcpip", CHAN_KIND_DIRECT_TCPIP, 0 },
	{ "direct-streamlocal@openssh.com", CHAN_KIND_DIRECT_STREAMLOCAL, 0 },
	{ "forwarded-tcpip", CHAN_KIND_FORWARDED_TCPIP, 1 },
	{ "forwarded-streamlocal@openssh.com",
	    CHAN_KIND_FORWARDED_STREAMLOCAL, 1 },
	{ "auth-agent@openssh.com", CHAN_KIND_AGENT, 1 },
	{ "x11", CHAN_KIND_X11, 1 },
	{ "tun@openssh.com", CHAN_KIND_TUN, 0 },
};
#define CHAN_NTYPES	(sizeof(chan_types) / sizeof(chan_types[0]))

static const char *
kind_name(enum chan_kind k)
{
	size_t i;

	for (i = 0; i < CHAN_NTYPES; i++) {
		if (chan_types[i].kind == k)
			return chan_types[i].name;
	}
	return NULL;
}

/* ---------------------------------------------------- the peer's opens */

/*
 *   byte      SSH_MSG_CHANNEL_OPEN_FAILURE
 *   uint32    recipient channel
 *   uint32    reason code
 *   string    description in ISO-10646 UTF-8 encoding
 *   string    language tag
 */
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
 *   byte      SSH_MSG_CHANNEL_OPEN_CONFIRMATION
 *   uint32    recipient channel
 *   uint32    sender channel
 *   uint32    initial window size
 *   uint32    maximum packet size
 */
static int
send_open_confirmation(struct chan_conn *c, const struct channel *ch,
    uint32_t id)
{
	int r;

	wbuf_reset(&c->msg);
	if ((r = wbuf_put_u8(&c->msg,
	    SSH2_MSG_CHANNEL_OPEN_CONFIRMATION)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, ch->remote_id)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, id)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, CHAN_WINDOW)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, CHAN_MAX_PACKET)) != 0)
		return r;
	return tp_send_wbuf(c->t, &c->msg);
}

/* The peer's half of the open (RFC 4254 s. 5.1). */
struct open_params {
	enum chan_kind kind;
	uint32_t sender;
	uint32_t window;
	uint32_t maxpacket;
};

/* Take a slot for the peer's open, PENDING until the backend answers;
 * 0 with *id, or an OPEN_FAILURE sent and *id CHAN_MAX_CHANNELS. */
static int
open_slot(struct chan_conn *c, const struct open_params *op, uint32_t *id)
{
	struct channel *ch;

	if (chan_slot_new(c, op->kind, id) != 0) {
		*id = CHAN_MAX_CHANNELS;
		return send_open_failure(c, op->sender,
		    SSH2_OPEN_RESOURCE_SHORTAGE, "too many channels");
	}
	ch = chan_slot(c, *id);
	ch->state = CHAN_ST_PENDING;
	ch->remote_id = op->sender;
	ch->remote_window = op->window;
	ch->remote_maxpacket = op->maxpacket;
	return 0;
}

/*
 * The backend's answer for slot id: 0 confirms, CHAN_OPEN_PENDING waits,
 * anything else refuses (the slot is given back without closed()).  The
 * backend may have confirmed or failed the open itself meanwhile.
 */
static int
open_answer(struct chan_conn *c, uint32_t id, uint32_t sender,
    uint32_t code, const char *why, const char *dflt)
{
	struct channel *ch = chan_slot(c, id);

	if (ch == NULL || ch->state != CHAN_ST_PENDING ||
	    ch->remote_id != sender)
		return 0;
	if (code == CHAN_OPEN_PENDING)
		return 0;
	if (code == 0)
		return chan_open_confirm(c, id);
	return chan_open_fail(c, id, code, why != NULL ? why : dflt);
}

/* "session" (s. 6.1): no fields. */
static int
recv_session_open(struct chan_conn *c, struct wbuf *m,
    const struct open_params *op, uint32_t *reason)
{
	char *why = NULL;
	uint32_t id, code;
	int r;

	if ((r = wbuf_get_end(m)) != 0)
		return r;
	if (c->no_more_sessions) {
		/* OpenSSH: a client that promised no more sessions and
		 * opens one is attacking; end the connection. */
		error("session channel open after no-more-sessions");
		*reason = SSH2_DISCONNECT_BY_APPLICATION;
		return PC_ERR_PROTOCOL;
	}
	if (op->maxpacket < CHAN_MIN_PEER_PACKET)
		return send_open_failure(c, op->sender,
		    SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
		    "maximum packet size too small");
	if (c->nsessions >= c->max_sessions) {
		logit("refused session channel open: MaxSessions (%u) reached",
		    c->max_sessions);
		return send_open_failure(c, op->sender,
		    SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED, "no more sessions");
	}
	if ((r = open_slot(c, op, &id)) != 0 || id == CHAN_MAX_CHANNELS)
		return r;
	code = c->b->session_open(c->b->arg, id, &why);
	/* A session is never left pending. */
	if (code == CHAN_OPEN_PENDING)
		code = SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED;
	r = open_answer(c, id, op->sender, code, why, "session refused");
	free(why);
	return r;
}

/*
 * "direct-tcpip" (RFC 4254 s. 7.2):
 *   string    host to connect
 *   uint32    port to connect
 *   string    originator IP address
 *   uint32    originator port
 */
static int
parse_direct_tcpip(struct wbuf *m, struct chan_open_req *q, char **s1,
    char **s2)
{
	int r;

	if ((r = wbuf_get_cstring(m, s1, NULL)) != 0 ||
	    (r = wbuf_get_u32(m, &q->port)) != 0 ||
	    (r = wbuf_get_cstring(m, s2, NULL)) != 0 ||
	    (r = wbuf_get_u32(m, &q->orig_port)) != 0)
		return r;
	q->host = *s1;
	q->orig_host = *s2;
	return wbuf_get_end(m);
}

/*
 * "direct-streamlocal@openssh.com" (OpenSSH PROTOCOL 2.4):
 *   string    socket path
 *   string    reserved
 *   uint32    reserved
 */
static int
parse_direct_streamlocal(struct wbuf *m, struct chan_open_req *q, char **s1)
{
	uint32_t reserved;
	int r;

	if ((r = wbuf_get_cstring(m, s1, NULL)) != 0 ||
	    (r = wbuf_get_string_direct(m, NULL, NULL)) != 0 ||
	    (r = wbuf_get_u32(m, &reserved)) != 0)
		return r;
	q->path = *s1;
	return wbuf_get_end(m);
}

/*
 * "tun@openssh.com" (OpenSSH PROTOCOL 2.3):
 *   uint32    tunnel mode
 *   uint32    remote unit number
 */
static int
parse_tun(struct wbuf *m, struct chan_open_req *q)
{
	int r;

	if ((r = wbuf_get_u32(m, &q->tun_mode)) != 0 ||
	    (r = wbuf_get_u32(m, &q->tun_unit)) != 0)
		return r;
	return wbuf_get_end(m);
}

/* direct-tcpip, direct-streamlocal and tun, for backend->direct_open. */
static int
recv_direct_open(struct chan_conn *c, struct wbuf *m,
    const struct open_params *op)
{
	struct chan_open_req q;
	char *s1 = NULL, *s2 = NULL, *why = NULL;
	const char *name = kind_name(op->kind);
	uint32_t id, code;
	int r;

	memset(&q, 0, sizeof(q));
	q.kind = op->kind;
	/* OpenSSH ends the connection on a malformed open (a packet
	 * parse error); so do we. */
	if (op->kind == CHAN_KIND_DIRECT_TCPIP)
		r = parse_direct_tcpip(m, &q, &s1, &s2);
	else if (op->kind == CHAN_KIND_TUN)
		r = parse_tun(m, &q);
	else
		r = parse_direct_streamlocal(m, &q, &s1);
	if (r != 0) {
		error("malformed %s channel open", name);
		goto out;
	}
	if (op->maxpacket < CHAN_MIN_PEER_PACKET) {
		r = send_open_failure(c, op->sender,
		    SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
		    "maximum packet size too small");
		goto out;
	}
	if (c->b->direct_open == NULL) {
		debug("refused %s channel open: no forwarding here", name);
		r = send_open_failure(c, op->sender,
		    SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
		    "administratively prohibited");
		goto out;
	}
	/* As OpenSSH's server_request_direct_tcpip. */
	if (q.port > CHAN_PORT_MAX || q.orig_port > CHAN_PORT_MAX) {
		logit("refused %s channel open: invalid port %u or "
		    "originator port %u", name, q.port, q.orig_port);
		r = send_open_failure(c, op->sender,
		    SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED, "invalid port");
		goto out;
	}
	if ((r = open_slot(c, op, &id)) != 0 || id == CHAN_MAX_CHANNELS)
		goto out;
	code = c->b->direct_open(c->b->arg, id, &q, &why);
	r = open_answer(c, id, op->sender, code, why, "open failed");
 out:
	free(s1);
	free(s2);
	free(why);
	return r;
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
int
chan_recv_open(struct chan_conn *c, struct wbuf *m, uint32_t *reason)
{
	struct open_params op;
	char *type = NULL;
	size_t i;
	int r;

	memset(&op, 0, sizeof(op));
	if ((r = wbuf_get_cstring(m, &type, NULL)) != 0 ||
	    (r = wbuf_get_u32(m, &op.sender)) != 0 ||
	    (r = wbuf_get_u32(m, &op.window)) != 0 ||
	    (r = wbuf_get_u32(m, &op.maxpacket)) != 0)
		goto out;
	for (i = 0; i < CHAN_NTYPES; i++) {
		if (strcmp(type, chan_types[i].name) == 0)
			break;
	}
	if (i == CHAN_NTYPES) {
		logit("refused %.*s channel open: unknown channel type",
		    CHAN_MAX_TYPE, type);
		r = send_open_failure(c, op.sender,
		    SSH2_OPEN_UNKNOWN_CHANNEL_TYPE, "unknown channel type");
		goto out;
	}
	op.kind = chan_types[i].kind;
	if (chan_types[i].server_only) {
		/* Only the server opens these (s. 6.3.2, 7.2; PROTOCOL). */
		logit("refused %s channel open from the client: only the "
		    "server opens these", type);
		r = send_open_failure(c, op.sender,
		    SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED,
		    "administratively prohibited");
		goto out;
	}
	if (op.kind == CHAN_KIND_SESSION)
		r = recv_session_open(c, m, &op, reason);
	else
		r = recv_direct_open(c, m, &op);
 out:
	free(type);
	return r;
}

int
chan_open_confirm(struct chan_conn *c, uint32_t id)
{
	struct channel *ch = chan_slot(c, id);
	int r;

	if (ch == NULL || ch->state != CHAN_ST_PENDING)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = send_open_confirmation(c, ch, id)) != 0)
		return r;
	ch->state = CHAN_ST_OPEN;
	return 0;
}

int
chan_open_fail(struct chan_conn *c, uint32_t id, uint32_t reason,
    const char *desc)
{
	struct channel *ch = chan_slot(c, id);
	uint32_t sender;

	if (ch == NULL || ch->state != CHAN_ST_PENDING)
		return PC_ERR_INVALID_ARGUMENT;
	sender = ch->remote_id;
	chan_slot_forget(c, id);
	return send_open_failure(c, sender, reason,
	    desc != NULL ? desc : "open failed");
}

/* ---------------------------------------------------------- our opens */

/* The type-specific fields of our opens (see struct chan_open_req). */
static int
put_open_fields(struct wbuf *b, const struct chan_open_req *req)
{
	int r;

	switch (req->kind) {
	case CHAN_KIND_FORWARDED_TCPIP:
		/*
		 * s. 7.2:
		 *   string    address that was connected
		 *   uint32    port that was connected
		 *   string    originator IP address
		 *   uint32    originator port
		 */
		if (req->host == NULL || req->orig_host == NULL ||
		    req->port > CHAN_PORT_MAX || req->orig_port > CHAN_PORT_MAX)
			return PC_ERR_INVALID_ARGUMENT;
		if ((r = wbuf_put_cstring(b, req->host)) != 0 ||
		    (r = wbuf_put_u32(b, req->port)) != 0 ||
		    (r = wbuf_put_cstring(b, req->orig_host)) != 0 ||
		    (r = wbuf_put_u32(b, req->orig_port)) != 0)
			return r;
		return 0;
	case CHAN_KIND_FORWARDED_STREAMLOCAL:
		/*
		 * PROTOCOL 2.4:
		 *   string    socket path
		 *   string    reserved for future use
		 */
		if (req->path == NULL)
			return PC_ERR_INVALID_ARGUMENT;
		if ((r = wbuf_put_cstring(b, req->path)) != 0 ||
		    (r = wbuf_put_cstring(b, "")) != 0)
			return r;
		return 0;
	case CHAN_KIND_X11:
		/*
		 * s. 6.3.2:
		 *   string    originator address (e.g., "192.168.7.38")
		 *   uint32    originator port
		 */
		if (req->orig_host == NULL || req->orig_port > CHAN_PORT_MAX)
			return PC_ERR_INVALID_ARGUMENT;
		if ((r = wbuf_put_cstring(b, req->orig_host)) != 0 ||
		    (r = wbuf_put_u32(b, req->orig_port)) != 0)
			return r;
		return 0;
	case CHAN_KIND_AGENT:
		return 0;	/* PROTOCOL: no fields */
	default:
		return PC_ERR_INVALID_ARGUMENT;	/* the peer opens these */
	}
}

/*
 *   byte      SSH_MSG_CHANNEL_OPEN
 *   string    channel type
 *   uint32    sender channel (our id)
 *   uint32    initial window size
 *   uint32    maximum packet size
 *   ....      channel type specific data
 */
int
chan_open(struct chan_conn *c, const struct chan_open_req *req,
    uint32_t *id)
{
	struct channel *ch;
	const char *name = kind_name(req->kind);
	uint32_t nid;
	int r;

	*id = CHAN_MAX_CHANNELS;
	if (req->kind == CHAN_KIND_SESSION || name == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = chan_slot_new(c, req->kind, &nid)) != 0)
		return r;
	ch = chan_slot(c, nid);
	ch->state = CHAN_ST_OPENING;
	wbuf_reset(&c->msg);
	if ((r = wbuf_put_u8(&c->msg, SSH2_MSG_CHANNEL_OPEN)) != 0 ||
	    (r = wbuf_put_cstring(&c->msg, name)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, nid)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, CHAN_WINDOW)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, CHAN_MAX_PACKET)) != 0 ||
	    (r = put_open_fields(&c->msg, req)) != 0 ||
	    (r = tp_send_wbuf(c->t, &c->msg)) != 0) {
		chan_slot_forget(c, nid);
		return r;
	}
	debug("channel %u: %s open sent", nid, name);
	*id = nid;
	return 0;
}

/*
 * The peer's answer to our open (RFC 4254 s. 5.1):
 *   byte      SSH_MSG_CHANNEL_OPEN_CONFIRMATION
 *   uint32    recipient channel (our id)
 *   uint32    sender channel
 *   uint32    initial window size
 *   uint32    maximum packet size
 * A maximum packet too small for data closes the channel at once (open
 * refused for the backend; closed() comes with the peer's CLOSE).  A
 * channel the backend closed while it was opening gets its CLOSE now and
 * no open_result.
 */
static int
recv_open_confirmation(struct chan_conn *c, struct channel *ch, uint32_t id,
    struct wbuf *m)
{
	uint32_t sender, window, maxpacket;
	int r;

	if ((r = wbuf_get_u32(m, &sender)) != 0 ||
	    (r = wbuf_get_u32(m, &window)) != 0 ||
	    (r = wbuf_get_u32(m, &maxpacket)) != 0 ||
	    (r = wbuf_get_end(m)) != 0)
		return r;
	ch->state = CHAN_ST_OPEN;
	ch->remote_id = sender;
	ch->remote_window = window;
	ch->remote_maxpacket = maxpacket;
	if (!ch->close_wanted && maxpacket >= CHAN_MIN_PEER_PACKET) {
		debug("channel %u: open confirmed", id);
		if (c->b->open_result != NULL)
			c->b->open_result(c->b->arg, id, 1);
		return 0;
	}
	if (!ch->close_wanted)
		logit("channel %u: peer's maximum packet size %u too small: "
		    "closing", id, maxpacket);
	if ((r = chan_send_simple(c, SSH2_MSG_CHANNEL_CLOSE, sender)) != 0)
		return r;
	ch->close_sent = 1;
	if (!ch->close_wanted && c->b->open_result != NULL)
		c->b->open_result(c->b->arg, id, 0);
	return 0;
}

/*
 *   byte      SSH_MSG_CHANNEL_OPEN_FAILURE
 *   uint32    recipient channel (our id)
 *   uint32    reason code
 *   string    description in ISO-10646 UTF-8 encoding
 *   string    language tag
 */
static int
recv_open_failure(struct chan_conn *c, struct channel *ch, uint32_t id,
    struct wbuf *m)
{
	const uint8_t *desc;
	size_t desclen;
	uint32_t code;
	int r;

	if ((r = wbuf_get_u32(m, &code)) != 0 ||
	    (r = wbuf_get_string_direct(m, &desc, &desclen)) != 0 ||
	    (r = wbuf_get_string_direct(m, NULL, NULL)) != 0 ||
	    (r = wbuf_get_end(m)) != 0)
		return r;
	verbose("channel %u: %s open refused by the peer: reason %u: %.*s",
	    id, kind_name(ch->kind), code,
	    (int)(desclen < CHAN_DESC_LOG_MAX ? desclen : CHAN_DESC_LOG_MAX),
	    (const char *)desc);
	if (!ch->close_wanted && c->b->open_result != NULL)
		c->b->open_result(c->b->arg, id, 0);
	chan_slot_free(c, id);
	return 0;
}

int
chan_recv_open_reply(struct chan_conn *c, uint8_t type, struct wbuf *m)
{
	struct channel *ch;
	uint32_t id;
	int r;

	if ((r = wbuf_get_u32(m, &id)) != 0)
		return r;
	if ((ch = chan_slot(c, id)) == NULL || ch->state != CHAN_ST_OPENING) {
		error("open %s for channel %u, which is not opening",
		    type == SSH2_MSG_CHANNEL_OPEN_CONFIRMATION ?
		    "confirmation" : "failure", id);
		return PC_ERR_PROTOCOL;
	}
	if (type == SSH2_MSG_CHANNEL_OPEN_CONFIRMATION)
		return recv_open_confirmation(c, ch, id, m);
	return recv_open_failure(c, ch, id, m);
}

/* ---------------------------------------------------- global requests */

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

/* The forwarding requests the backend is asked about. */
static int
is_forward_request(const char *name)
{
	return strcmp(name, "tcpip-forward") == 0 ||
	    strcmp(name, "cancel-tcpip-forward") == 0 ||
	    strcmp(name, "streamlocal-forward@openssh.com") == 0 ||
	    strcmp(name, "cancel-streamlocal-forward@openssh.com") == 0;
}

/*
 * "tcpip-forward" / "cancel-tcpip-forward" (RFC 4254 s. 7.1):
 *   string    address to bind (e.g., "0.0.0.0")
 *   uint32    port number to bind
 * "streamlocal-forward@openssh.com" / "cancel-streamlocal-forward@..."
 * (OpenSSH PROTOCOL 2.4):
 *   string    socket path
 */
static int
parse_forward_request(struct wbuf *m, struct chan_global_req *q, char **s1)
{
	int r;

	if (strcmp(q->name, "tcpip-forward") == 0 ||
	    strcmp(q->name, "cancel-tcpip-forward") == 0) {
		if ((r = wbuf_get_cstring(m, s1, NULL)) != 0 ||
		    (r = wbuf_get_u32(m, &q->port)) != 0)
			return r;
		if (q->port > CHAN_PORT_MAX)
			return PC_ERR_RANGE;
		q->addr = *s1;
	} else {
		if ((r = wbuf_get_cstring(m, s1, NULL)) != 0)
			return r;
		q->path = *s1;
	}
	return wbuf_get_end(m);
}

/*
 *   byte      SSH_MSG_REQUEST_SUCCESS
 *   [uint32   port that was bound on the server]
 * the port only for a tcpip-forward of port 0 (RFC 4254 s. 7.1).
 */
static int
send_global_reply(struct chan_conn *c, int ok, int with_port, uint32_t port)
{
	int r;

	wbuf_reset(&c->msg);
	if ((r = wbuf_put_u8(&c->msg, ok ? SSH2_MSG_REQUEST_SUCCESS :
	    SSH2_MSG_REQUEST_FAILURE)) != 0 ||
	    (ok && with_port && (r = wbuf_put_u32(&c->msg, port)) != 0))
		return r;
	return tp_send_wbuf(c->t, &c->msg);
}

/* A forwarding request: parsed, then up to the backend.  A malformed one
 * is refused, not a reason to end the connection (as OpenSSH). */
static int
forward_request(struct chan_conn *c, struct wbuf *m,
    struct chan_global_req *q, int *with_port, uint32_t *port)
{
	char *s1 = NULL;
	int ok = 0;

	if (parse_forward_request(m, q, &s1) != 0) {
		logit("refused malformed %s global request", q->name);
		goto out;
	}
	if (c->b->global_request == NULL) {
		debug("global request %s refused: no forwarding here",
		    q->name);
		goto out;
	}
	*port = q->port;
	ok = c->b->global_request(c->b->arg, q, port) == 0;
	*with_port = strcmp(q->name, "tcpip-forward") == 0 && q->port == 0;
	if (ok && *with_port && (*port == 0 || *port > CHAN_PORT_MAX)) {
		error("tcpip-forward of port 0: no port allocated (%u)",
		    *port);
		ok = 0;
	}
 out:
	free(s1);
	return ok;
}

/*
 *   byte      SSH_MSG_GLOBAL_REQUEST
 *   string    request name
 *   boolean   want reply
 *   ....      request-specific data
 * (RFC 4254 s. 4).  no-more-sessions@openssh.com (PROTOCOL 2.2) is kept
 * here; keepalive@openssh.com (PROTOCOL 2.5) and other names are refused
 * without asking the backend, which sees only the forwarding requests it
 * has parsed fields for.
 */
int
chan_recv_global_request(struct chan_conn *c, struct wbuf *m)
{
	struct chan_global_req q;
	char *name = NULL;
	uint32_t port = 0;
	int want_reply, r, ok = 0, with_port = 0;

	memset(&q, 0, sizeof(q));
	if ((r = wbuf_get_cstring(m, &name, NULL)) != 0 ||
	    (r = wbuf_get_bool(m, &want_reply)) != 0)
		goto out;
	q.name = name;
	q.want_reply = want_reply;
	if (strcmp(name, "no-more-sessions@openssh.com") == 0) {
		c->no_more_sessions = 1;
		debug("no more sessions");
	} else if (is_forward_request(name))
		ok = forward_request(c, m, &q, &with_port, &port);
	else
		debug("global request %.*s refused", CHAN_MAX_TYPE, name);
	if (want_reply)
		r = send_global_reply(c, ok, with_port, port);
 out:
	free(name);
	return r;
}
