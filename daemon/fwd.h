/*
 * Forwarding on the daemon side (RFC 4254 s. 7, OpenSSH PROTOCOL 2.4):
 * the sockets behind direct-tcpip, direct-streamlocal, forwarded-tcpip,
 * forwarded-streamlocal, agent and X11 channels, the listeners of remote
 * forwards, agent and X11, and the policy decision with its log line for
 * every request (policy/forward.h).  One struct fwd per authenticated
 * connection, next to its struct sessions.
 *
 * The connection loop routes the channel backend's calls for every kind
 * but "session" here, asks fwd_pollfds() which descriptors to watch and
 * hands the results to fwd_handle(), which accepts on listeners (TCP
 * wrappers checked first), finishes non-blocking connects (trying each
 * address the name resolved to), and moves bytes between sockets and
 * channels within the windows.  A socket is read only while its channel
 * can take data, and written from the channel's input, so nothing is
 * buffered here beyond the channel windows.
 *
 * Half-close: the peer's EOF shuts down the socket's write side once its
 * data is written; the socket's EOF sends EOF; CLOSE goes out when both
 * directions are done or the socket failed.
 */
#ifndef PC_FWD_H
#define PC_FWD_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "authopts.h"
#include "chan.h"
#include "err.h"
#include "servconf.h"
#include "tcpwrap.h"

#define FWD_MAX_LISTENERS	64	/* remote forwards per connection */
#define FWD_MAX_POLLFDS		(CHAN_MAX_CHANNELS + 2 * FWD_MAX_LISTENERS)

struct fwd_params {
	const struct server_config *cfg;	/* after Match for the user */
	const struct auth_user *user;
	const struct auth_opts *opts;	/* the key's restrictions, or NULL */
	const char *opts_where;		/* where they came from, or NULL */
	const char *key_fp;		/* "ED25519 SHA256:...", or NULL */
	const struct auth_peer *peer;
	struct chan_conn *cc;
};

struct fwd;

/* Everything in p is borrowed for the life of the fwd.  Caller frees;
 * fwd_free (accepts NULL) closes every socket and listener and removes
 * the Unix sockets it made. */
int	fwd_new(const struct fwd_params *p, struct fwd **fp) PC_WUR;
void	fwd_free(struct fwd *f);

/* The channel backend's calls for the kinds other than "session" (see
 * chan.h for their contracts). */
uint32_t fwd_direct_open(struct fwd *f, uint32_t id,
	    const struct chan_open_req *req, char **why);
int	fwd_global_request(struct fwd *f, const struct chan_global_req *req,
	    uint32_t *port);
void	fwd_open_result(struct fwd *f, uint32_t id, int ok);
void	fwd_peer_eof(struct fwd *f, uint32_t id);
void	fwd_closed(struct fwd *f, uint32_t id);
size_t	fwd_data_in(struct fwd *f, uint32_t id, const uint8_t *p,
	    size_t len);

/* Fill at most max entries; returns how many. */
size_t	fwd_pollfds(struct fwd *f, struct pollfd *pfd, size_t max);
/* After poll: the same entries with revents set. */
int	fwd_handle(struct fwd *f, const struct pollfd *pfd, size_t n) PC_WUR;
/* Work that needs no event (data to write, channels to finish). */
int	fwd_flush(struct fwd *f) PC_WUR;

/*
 * Agent forwarding for a session (auth-agent-req@openssh.com): decide
 * (and log), then make the listening socket once per connection.  0 with
 * *path (borrowed, for SSH_AUTH_SOCK) or PC_ERR_PERMISSION_DENIED.
 */
int	fwd_agent_request(struct fwd *f, const char **path) PC_WUR;
/*
 * X11 forwarding for session channel session_id (x11-req): decide (and
 * log), then listen on the first free display from X11DisplayOffset.
 * 0 with *display (borrowed: "localhost:N" or, with X11UseLocalhost no,
 * "HOSTNAME:N"; the caller appends ".SCREEN") and *number (N), or
 * PC_ERR_PERMISSION_DENIED / an error.  single: accept one connection
 * only.  fwd_session_closed closes the session's X11 listener.
 */
int	fwd_x11_request(struct fwd *f, uint32_t session_id, int single,
	    const char **display, int *number) PC_WUR;
void	fwd_session_closed(struct fwd *f, uint32_t session_id);

#endif /* PC_FWD_H */
