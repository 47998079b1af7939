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
};

/*
 * What the daemon decides.  Every function returns 0 for yes; for an open,
 * a non-zero reason code refuses it (with *why, caller-freed, as the
 * description); for a request, an error sends CHANNEL_FAILURE (when a
 * reply was wanted) and leaves the channel as it was.
 */
struct chan_backend {
	void *arg;
	/* A "session" channel (RFC 4254 s. 6.1); id is its local id. */
	uint32_t (*session_open)(void *arg, uint32_t id, char **why);
	int (*session_request)(void *arg, uint32_t id,
	    const struct chan_req *req);
	/* The peer sent EOF and all its data has been consumed: close the
	 * process's standard input. */
	void (*peer_eof)(void *arg, uint32_t id);
	/* The channel is gone (both CLOSEs): free what belongs to it.  The
	 * id may then be reused. */
	void (*closed)(void *arg, uint32_t id);
};

struct chan_conn;

/* t and backend are borrowed.  Caller frees (chan_conn_free accepts
 * NULL; it calls backend->closed for every channel still open). */
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
/* Data from the peer not yet consumed (borrowed until the next call). */
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

#endif /* PC_CHAN_H */
