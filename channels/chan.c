/* The connection protocol after authentication (see chan.h; RFC 4254). */
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "log.h"
#include "ssh2.h"

#define CHAN_MAX_TYPE	64

struct chan_conn {
	struct tp *t;
	struct wbuf msg;
	unsigned refused;	/* channel opens refused so far */
};

int
chan_conn_new(struct tp *t, struct chan_conn **cp)
{
	struct chan_conn *c;

	*cp = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return PC_ERR_ALLOC;
	c->t = t;
	wbuf_init(&c->msg, 0);
	*cp = c;
	return 0;
}

void
chan_conn_free(struct chan_conn *c)
{
	if (c == NULL)
		return;
	wbuf_clear(&c->msg);
	free(c);
}

/*
 *   byte      SSH_MSG_GLOBAL_REQUEST
 *   string    request name
 *   boolean   want reply
 *   ....      request-specific data
 * (RFC 4254 s. 4)
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
	debug("global request %s refused", name);
	if (want_reply)
		r = tp_send(c->t, &fail, 1);
 out:
	free(name);
	return r;
}

/*
 *   byte      SSH_MSG_CHANNEL_OPEN
 *   string    channel type
 *   uint32    sender channel
 *   uint32    initial window size
 *   uint32    maximum packet size
 *   ....      channel type specific data
 * answered by
 *   byte      SSH_MSG_CHANNEL_OPEN_FAILURE
 *   uint32    recipient channel
 *   uint32    reason code
 *   string    description
 *   string    language tag
 * (RFC 4254 s. 5.1)
 */
static int
recv_channel_open(struct chan_conn *c, struct wbuf *m)
{
	char *type = NULL;
	uint32_t sender, window, maxpacket;
	int r;

	if ((r = wbuf_get_cstring(m, &type, NULL)) != 0 ||
	    (r = wbuf_get_u32(m, &sender)) != 0 ||
	    (r = wbuf_get_u32(m, &window)) != 0 ||
	    (r = wbuf_get_u32(m, &maxpacket)) != 0)
		goto out;
	c->refused++;
	logit("refused %.*s channel open: this server has no channel types "
	    "enabled", CHAN_MAX_TYPE, type);
	wbuf_reset(&c->msg);
	if ((r = wbuf_put_u8(&c->msg, SSH2_MSG_CHANNEL_OPEN_FAILURE)) != 0 ||
	    (r = wbuf_put_u32(&c->msg, sender)) != 0 ||
	    (r = wbuf_put_u32(&c->msg,
	    SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED)) != 0 ||
	    (r = wbuf_put_cstring(&c->msg,
	    "no channel types are enabled on this server")) != 0 ||
	    (r = wbuf_put_cstring(&c->msg, "")) != 0)
		goto out;
	r = tp_send_wbuf(c->t, &c->msg);
 out:
	free(type);
	return r;
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
		return recv_channel_open(c, &m);
	default:
		break;
	}
	/* RFC 4252 s. 5.1: authentication requests after success are
	 * ignored. */
	if (msg[0] >= SSH2_MSG_USERAUTH_REQUEST && msg[0] < 80)
		return 0;
	/* There is no channel any other message could be about. */
	error("unexpected message type %u: no such channel", msg[0]);
	return PC_ERR_UNEXPECTED_MESSAGE;
}
