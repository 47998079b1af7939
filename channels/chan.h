/*
 * The connection protocol (RFC 4254) after authentication, sans-IO: the
 * channel table, flow-control windows, the channel and global requests.
 *
 * The daemon moves bytes between the channels and its processes (sessions
 * now, forwarded sockets later) through the data functions below; what a
 * channel does is decided by a backend (struct chan_backend) the daemon
 * provides, called for channel opens and requests.  Channels are named by
 * their local id (the number we gave the peer as "sender channel").
 *
 * Flow control: the peer may send at most our window; chan_recv_consume
 * re-opens it with WINDOW_ADJUST once half is used, so the window (and the
 * buffered input) never exceeds CHAN_WINDOW.  We send at most the peer's
 * window, in packets of at most its maximum packet size: chan_send_data
 * takes only what fits, and the caller stops reading its source until
 * chan_send_space is non-zero again.
 *
 * Closing (s. 5.3): a channel is gone once CLOSE went both ways.  A peer
 * CLOSE while its data is still unconsumed keeps the channel (no more
 * data accepted) until the data is consumed, when backend->peer_eof is
 * called and our CLOSE goes out, or until the backend sends CLOSE
 * itself: data the peer sent before closing is not lost.
 */
#ifndef PC_CHAN_H
#define PC_CHAN_H

#include <stddef.h>
#include <stdint.h>

#include "authopts.h"
#include "err.h"
#include "transport.h"

/* RFC 4254 s. 5.1 reason codes */
#define SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED	1
#define SSH2_OPEN_CONNECT_FAILED		2
#define SSH2_OPEN_UNKNOWN_CHANNEL_TYPE		3
#define SSH2_OPEN_RESOURCE_SHORTAGE		4

#define SSH2_EXTENDED_DATA_STDERR		1

#define CHAN_WINDOW		(4u * 1024 * 1024)	/* our window */
#define CHAN_MAX_PACKET		(32u * 1024)		/* our max packet */
#define CHAN_MAX_CHANNELS	1024	/* open at once, per connection */
#define CHAN_SEND_BUFFER	(CHAN_WINDOW)	/* held while rekeying */
/*
 * The most a connection buffers in total: every channel's unconsumed
 * input plus the transport's pending output.  At the cap the daemon
 * stops reading the socket (chan_buffered) and its descriptors
 * (chan_send_space is 0), so a peer that stops reading -- or keeps
 * CHAN_MAX_CHANNELS windows full -- cannot grow it further.
 */
#define CHAN_MAX_BUFFERED	(16u * 1024 * 1024)
/* A channel's input storage above this is released once drained. */
#define CHAN_KEEP_BUFFER	(64u * 1024)

/* A channel request, parsed (RFC 4254 s. 6, OpenSSH PROTOCOL).  Strings
 * are borrowed for the duration of the backend call. */
struct chan_req {
	const char *type;	/* "pty-req", "env", "shell", "exec", ... */
	int want_reply;
	/* pty-req, window-change */
	const char *term;
	uint32_t cols, rows, width_px, height_px;
	const uint8_t *modes;	/* encoded terminal modes (s. 8) */
	size_t modeslen;
	/* env */
	const char *name;
	const char *value;
	/* exec: the command; subsystem: its name */
	const char *command;
	/* signal: the name without "SIG" */
	const char *signal;
	/* break */
	uint32_t break_ms;
	/* x11-req (RFC 4254 s. 6.3.1) */
	int single_connection;
	const char *x11_auth_proto;	/* "MIT-MAGIC-COOKIE-1" */
	const char *x11_auth_cookie;	/* hex, as sent */
	uint32_t x11_screen;
	/* auth-agent-req@openssh.com (draft-ietf-sshm-ssh-agent s. 5.1):
	 * no fields. */
};

/* What a channel carries; named by its type string on the wire. */
enum chan_kind {
	CHAN_KIND_SESSION = 0,		/* "session" (s. 6.1), from the peer */
	CHAN_KIND_DIRECT_TCPIP,		/* "direct-tcpip" (s. 7.2), peer */
	CHAN_KIND_DIRECT_STREAMLOCAL,	/* "direct-streamlocal@openssh.com" */
	CHAN_KIND_FORWARDED_TCPIP,	/* "forwarded-tcpip" (s. 7.2), ours */
	CHAN_KIND_FORWARDED_STREAMLOCAL, /* "forwarded-streamlocal@openssh.com" */
	CHAN_KIND_AGENT,		/* "auth-agent@openssh.com", ours */
	CHAN_KIND_X11,			/* "x11" (s. 6.3.2), ours */
	CHAN_KIND_TUN,			/* "tun@openssh.com", from the peer */
};

/*
 * A channel open other than "session": from the peer (DIRECT_*), parsed
 * by chan.c and given to backend->direct_open; or from us (FORWARDED_*,
 * AGENT, X11) given to chan_open.  Strings are borrowed for the call.
 *
 *   direct-tcpip / forwarded-tcpip (RFC 4254 s. 7.2):
 *     host, port: to connect to (direct) / the address and port that
 *       were connected (forwarded: as the client's tcpip-forward asked)
 *     orig_host, orig_port: the originator
 *   direct-streamlocal@openssh.com (PROTOCOL 2.4):
 *     path; then string reserved, uint32 reserved (ignored)
 *   forwarded-streamlocal@openssh.com: path (the listening socket as the
 *     client asked), then string reserved
 *   x11 (s. 6.3.2): orig_host, orig_port
 *   auth-agent@openssh.com: nothing
 *   tun@openssh.com (PROTOCOL 2.3): tun_mode, tun_unit; given to
 *     direct_open like the direct kinds
 */
struct chan_open_req {
	enum chan_kind kind;
	const char *host;
	uint32_t port;
	const char *orig_host;
	uint32_t orig_port;
	const char *path;
	/* tun@openssh.com (PROTOCOL 2.3): uint32 tunnel mode (1
	 * point-to-point, 2 ethernet), uint32 remote unit. */
	uint32_t tun_mode;
	uint32_t tun_unit;
};

/*
 * A global request (RFC 4254 s. 4 and 7.1; PROTOCOL 2.4) other than the
 * ones chan.c answers itself (keepalive@openssh.com and
 * no-more-sessions@openssh.com).  name is as sent; the fields are parsed
 * for:
 *   tcpip-forward / cancel-tcpip-forward: addr (the address to bind, as
 *     sent), port (at most 65535: larger is refused as malformed)
 *   streamlocal-forward@openssh.com / cancel-streamlocal-forward@...:
 *     path
 * A malformed one, and any other name, is refused by chan.c without a
 * backend call.
 */
struct chan_global_req {
	const char *name;
	int want_reply;
	const char *addr;
	uint32_t port;
	const char *path;
};

/* backend->direct_open: accepted, CHANNEL_OPEN_CONFIRMATION comes later
 * (chan_open_confirm / chan_open_fail) when the connect finishes. */
#define CHAN_OPEN_PENDING	0xffffffffu

/*
 * What the daemon decides.  Every function returns 0 for yes; for an open,
 * a non-zero reason code refuses it (with *why, caller-freed, as the
 * description); for a request, an error sends CHANNEL_FAILURE (when a
 * reply was wanted) and leaves the channel as it was.
 */
struct chan_backend {
	void *arg;
	/* A "session" channel (RFC 4254 s. 6.1); id is its local id.
	 * CHAN_OPEN_PENDING is not for sessions (refused). */
	uint32_t (*session_open)(void *arg, uint32_t id, char **why);
	int (*session_request)(void *arg, uint32_t id,
	    const struct chan_req *req);
	/* The peer sent EOF and all its data has been consumed: close the
	 * process's standard input. */
	void (*peer_eof)(void *arg, uint32_t id);
	/* The channel is gone (both CLOSEs): free what belongs to it.  The
	 * id may then be reused.  Called for every kind, and for a channel
	 * we opened whose open failed. */
	void (*closed)(void *arg, uint32_t id);
	/*
	 * A direct-tcpip or direct-streamlocal open (see struct
	 * chan_open_req); id is the local id it will have.  Return 0 to
	 * confirm at once, CHAN_OPEN_PENDING to confirm or refuse later, or
	 * a reason code (SSH2_OPEN_*) with *why (caller-freed, may stay
	 * NULL) to refuse.  NULL: every such open is refused
	 * administratively prohibited.
	 */
	uint32_t (*direct_open)(void *arg, uint32_t id,
	    const struct chan_open_req *req, char **why);
	/*
	 * A global request (see struct chan_global_req): 0 for
	 * REQUEST_SUCCESS, anything else for REQUEST_FAILURE.  For a
	 * tcpip-forward with port 0, *port is the port allocated, sent in
	 * the success reply (RFC 4254 s. 7.1).  NULL: every one refused.
	 */
	int (*global_request)(void *arg, const struct chan_global_req *req,
	    uint32_t *port);
	/* The peer answered a chan_open: ok 1 (confirmed, data may flow),
	 * or 0 (refused; closed() follows). */
	void (*open_result)(void *arg, uint32_t id, int ok);
	/*
	 * Optional: the peer's data for a channel whose input buffer is
	 * empty, before it is buffered.  Return how many bytes were taken
	 * (written to the descriptor at once: 0 to len); the rest is
	 * buffered for chan_recv_ptr as usual.  Must not call back into the
	 * channel layer.
	 */
	size_t (*data_in)(void *arg, uint32_t id, const uint8_t *p,
	    size_t len);
};

struct chan_conn;

/* t and backend are borrowed.  Caller frees (chan_conn_free accepts
 * NULL; it calls backend->closed for every channel still there, pending
 * and opening ones included). */
int	chan_conn_new(struct tp *t, const struct chan_backend *backend,
	    struct chan_conn **cp) PC_WUR;
void	chan_conn_free(struct chan_conn *c);
/* One message from tp_next after authentication.  An error ends the
 * connection with *reason. */
int	chan_recv(struct chan_conn *c, const uint8_t *msg, size_t len,
	    uint32_t *reason) PC_WUR;

/* Send to the peer (ext 0: CHANNEL_DATA, 1: EXTENDED_DATA stderr);
 * returns the bytes taken, at most chan_send_space(). */
size_t	chan_send_data(struct chan_conn *c, uint32_t id, int ext,
	    const uint8_t *p, size_t len);
size_t	chan_send_space(const struct chan_conn *c, uint32_t id);
/* Bytes held for the connection: all channels' unconsumed input plus the
 * transport's pending output (compare with CHAN_MAX_BUFFERED). */
size_t	chan_buffered(const struct chan_conn *c);
/* Data from the peer not yet consumed (borrowed until the next call).
 * Consuming the last of it may call backend->peer_eof and, if the peer's
 * CLOSE is in, send ours and call backend->closed: the channel may be
 * gone when chan_recv_consume returns. */
const uint8_t *chan_recv_ptr(const struct chan_conn *c, uint32_t id,
	    size_t *len);
int	chan_recv_consume(struct chan_conn *c, uint32_t id, size_t n) PC_WUR;
/* The end of a session, in this order (RFC 4254 s. 6.10 and 5.3):
 * exit-status or exit-signal, EOF, CLOSE.  Each is sent once. */
int	chan_send_exit_status(struct chan_conn *c, uint32_t id,
	    uint32_t status) PC_WUR;
int	chan_send_exit_signal(struct chan_conn *c, uint32_t id,
	    const char *signame, int core_dumped, const char *msg) PC_WUR;
int	chan_send_eof(struct chan_conn *c, uint32_t id) PC_WUR;
int	chan_send_close(struct chan_conn *c, uint32_t id) PC_WUR;
/* Whether the channel exists, has seen the peer's EOF / CLOSE. */
int	chan_exists(const struct chan_conn *c, uint32_t id);
int	chan_peer_closed(const struct chan_conn *c, uint32_t id);
/* Channels open (for "the connection ends when all channels are done"). */
unsigned chan_count(const struct chan_conn *c);
/* ClientAliveInterval: send a keepalive@openssh.com probe; count the
 * probes sent since the last reply to any global request. */
int	chan_send_keepalive(struct chan_conn *c) PC_WUR;
unsigned chan_alive_pending(const struct chan_conn *c);
/* Settings from sshd_config and the key's options. */
void	chan_set_limits(struct chan_conn *c, unsigned max_sessions);

/* The kind of an existing channel (CHAN_KIND_SESSION if none). */
enum chan_kind chan_kind(const struct chan_conn *c, uint32_t id);
/*
 * Open a channel towards the peer (FORWARDED_TCPIP, FORWARDED_STREAMLOCAL,
 * AGENT, X11; see struct chan_open_req), with our window and maximum
 * packet.  *id is its local id; data may be sent once backend->open_result
 * said ok (chan_send_space is 0 until then).  PC_ERR_NO_BUFFER_SPACE if
 * CHAN_MAX_CHANNELS are open.  chan_send_close before the answer: CLOSE
 * goes out when the peer confirms, and open_result is not called.
 */
int	chan_open(struct chan_conn *c, const struct chan_open_req *req,
	    uint32_t *id) PC_WUR;
/* Finish a direct open the backend left pending: confirm it, or refuse
 * it with a reason code and description (the channel is then forgotten
 * without a closed() call, as an open refused at once). */
int	chan_open_confirm(struct chan_conn *c, uint32_t id) PC_WUR;
int	chan_open_fail(struct chan_conn *c, uint32_t id, uint32_t reason,
	    const char *desc) PC_WUR;
/* Whether we sent EOF, and whether the peer's EOF was received (both 1
 * for a channel that does not exist, as chan_peer_closed). */
int	chan_eof_sent(const struct chan_conn *c, uint32_t id);
int	chan_peer_eof(const struct chan_conn *c, uint32_t id);
/* Send SSH_MSG_DEBUG (RFC 4253 s. 11.3) with always_display false: how
 * OpenSSH tells a client why a forwarding was refused. */
int	chan_send_debug(struct chan_conn *c, const char *msg) PC_WUR;

#endif /* PC_CHAN_H */
