/*
 * Internals shared by channels/chan.c (the channel table, data, windows,
 * requests and closing) and channels/chanopen.c (channel opens both ways
 * and global requests).  Nothing outside channels/chan*.c includes this
 * header: everyone else sees a channel only through chan.h.
 */
#ifndef PC_CHAN_INT_H
#define PC_CHAN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "chan.h"
#include "wbuf.h"

#define CHAN_MAX_TYPE		64	/* bytes of a type name we log */
#define CHAN_MIN_PEER_PACKET	64	/* smaller peer max packets refused */

/*
 * Where a channel is in its opening (RFC 4254 s. 5.1).  Only an OPEN
 * channel takes messages from the peer or data from the daemon.
 */
enum chan_state {
	CHAN_ST_OPEN = 0,	/* confirmed both ways */
	CHAN_ST_PENDING,	/* the peer's open, waiting for the backend;
				 * the peer does not know our id yet */
	CHAN_ST_OPENING,	/* our open, waiting for the peer's answer */
};

struct channel {
	int used;
	enum chan_kind kind;
	enum chan_state state;
	uint32_t remote_id;		/* unknown (0) while OPENING */
	/* RFC 4254 s. 5.3 */
	int eof_rcvd, eof_sent, close_rcvd, close_sent, exit_sent;
	int eof_told;			/* backend->peer_eof called */
	int close_wanted;		/* chan_send_close while OPENING */
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
	unsigned nopen;			/* slots used, every kind and state */
	unsigned nsessions;		/* of which "session" (MaxSessions) */
	unsigned max_sessions;
	int no_more_sessions;
	unsigned alive_pending;		/* probes without a reply */
	size_t in_total;		/* input buffered, all channels */
	struct wbuf msg;		/* the message being built */
};

/* chan.c: the table */

/* The channel in slot id in any state, or NULL if the slot is free. */
struct channel *chan_slot(const struct chan_conn *c, uint32_t id);
/* Take the lowest free slot for a channel of kind k (window, buffer and
 * counters set up, state OPEN); PC_ERR_NO_BUFFER_SPACE when all
 * CHAN_MAX_CHANNELS are in use. */
int	chan_slot_new(struct chan_conn *c, enum chan_kind k,
	    uint32_t *id) PC_WUR;
/* Give the slot back without telling the backend (an open that failed
 * before the backend kept anything for it). */
void	chan_slot_forget(struct chan_conn *c, uint32_t id);
/* The channel is gone: backend->closed, then the slot is free. */
void	chan_slot_free(struct chan_conn *c, uint32_t id);
/* A message of one uint32 field: type, recipient channel. */
int	chan_send_simple(struct chan_conn *c, uint8_t type,
	    uint32_t remote_id) PC_WUR;

/* chanopen.c: the messages it handles for chan_recv (m is after the
 * type byte; *reason is set for errors that end the connection). */
int	chan_recv_open(struct chan_conn *c, struct wbuf *m,
	    uint32_t *reason) PC_WUR;
int	chan_recv_open_reply(struct chan_conn *c, uint8_t type,
	    struct wbuf *m) PC_WUR;
int	chan_recv_global_request(struct chan_conn *c, struct wbuf *m) PC_WUR;

#endif /* PC_CHAN_INT_H */
