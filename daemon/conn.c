/* One connection's event loop (see conn.h). */
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "authbackend.h"
#include "config.h"
#include "chan.h"
#include "conn.h"
#include "fwd.h"
#include "hostkeys.h"
#include "log.h"
#include "session.h"
#include "ssh2.h"
#include "transport.h"
#include "userauth.h"

#define CONN_READ_MAX		(256 * 1024)
#define CONN_FLUSH_MS		1000	/* last output before closing */
/* Upper-layer messages held over the hand-over (a client that pipelines
 * requests behind its last userauth request, during a key exchange). */
#define CONN_MAX_HELD		256
#define CONN_MAX_HELD_BYTES	(512 * 1024)

struct conn {
	int rfd, wfd;
	const struct conn_peerinfo *pi;
	struct auth_peer peer;
	struct tp *t;
	/* Before authentication (the network process): */
	struct userauth *ua;
	const struct conn_handoff *ho;
	int handoff_due;	/* authenticated; waiting for the kex */
	int handed_off;
	struct wbuf held;	/* messages for the next process */
	uint32_t nheld;
	/* After authentication: */
	int authenticated;
	const struct conn_auth *a;
	struct sessions *sess;
	struct fwd *fwd;
	struct chan_conn *cc;
	struct chan_backend be;		/* routes to sess or fwd */
	struct session_fwd sfwd;	/* agent and X11 for sessions */
	int sigchld[2];		/* self-pipe: the handler writes a byte */
	uint64_t last_input;	/* ms, for ClientAliveInterval */
	uint64_t last_probe;
	const struct conn_settings *s;
	int grace_exceeded;	/* LoginGraceTime ran out */
};

/* The write end of the self-pipe, for the SIGCHLD handler. */
static volatile sig_atomic_t conn_sigchld_fd = -1;

static void
conn_sigchld_handler(int sig)
{
	int save = errno;
	char b = 0;

	(void)sig;
	if (conn_sigchld_fd != -1) {
		(void)!write(conn_sigchld_fd, &b, 1);
	}
	errno = save;
}

static uint64_t
monotime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
sockaddr_text(const struct sockaddr_storage *ss, char *host, size_t hlen,
    int *port)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

	*port = 0;
	snprintf(host, hlen, "UNKNOWN");
	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, host, hlen);
		*port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], host,
			    hlen);
		else
			inet_ntop(AF_INET6, &s6->sin6_addr, host, hlen);
		*port = ntohs(s6->sin6_port);
	}
}

void
conn_peerinfo_init(int fd, struct conn_peerinfo *pi)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
		memset(&ss, 0, sizeof(ss));
	sockaddr_text(&ss, pi->addr, sizeof(pi->addr), &pi->port);
	len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		memset(&ss, 0, sizeof(ss));
	sockaddr_text(&ss, pi->laddr, sizeof(pi->laddr), &pi->lport);
}

void
conn_auth_peer(const struct conn_peerinfo *pi, struct auth_peer *ap)
{
	memset(ap, 0, sizeof(*ap));
	ap->addr = pi->addr;
	ap->port = pi->port;
	ap->host = pi->addr;	/* no DNS lookups (UseDNS no) */
	ap->laddr = pi->laddr;
	ap->lport = pi->lport;
}

static void
set_socket_options(int fd, int keepalive)
{
	int on = 1;

	/* PERFORMANCE.md: no Nagle delay on our small flights. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	/* TCPKeepAlive */
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &keepalive,
	    sizeof(keepalive));
}

/* ACK the peer's small writes at once during the handshake: Linux clears
 * TCP_QUICKACK again by itself, so it is set after every read. */
static void
quickack(int fd)
{
	int on = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof(on));
}

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return PC_ERR_SYSTEM;
	return 0;
}

/* Write what the transport has; 0, or PC_ERR_SYSTEM on a dead socket. */
static int
flush_some(struct conn *c)
{
	const uint8_t *p;
	size_t len;
	ssize_t n;

	for (;;) {
		p = tp_output_ptr(c->t, &len);
		if (len == 0)
			return 0;
		n = write(c->wfd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return PC_ERR_SYSTEM;
		}
		if (tp_output_consume(c->t, (size_t)n) != 0)
			return PC_ERR_INTERNAL;
	}
}

/* Last output (a DISCONNECT) with a bounded wait. */
static void
flush_final(struct conn *c)
{
	uint64_t end = monotime_ms() + CONN_FLUSH_MS, now;
	struct pollfd pfd;
	size_t len;

	while (tp_output_ptr(c->t, &len), len > 0) {
		if (flush_some(c) != 0)
			return;
		if (tp_output_ptr(c->t, &len), len == 0)
			return;
		now = monotime_ms();
		if (now >= end)
			return;
		pfd.fd = c->wfd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, (int)(end - now)) <= 0)
			return;
	}
}

static void
disconnect(struct conn *c, uint32_t reason, const char *desc)
{
	tp_disconnect(c->t, reason, desc);
	flush_final(c);
}

/* " [preauth]" until the user is authenticated, as OpenSSH's logs. */
static const char *
stage(const struct conn *c)
{
	return c->authenticated ? "" : " [preauth]";
}

/* "authenticating user alice " / "invalid user bob " / "user alice ". */
static void
who(const struct conn *c, char *buf, size_t len)
{
	const char *u;

	if (c->a != NULL) {
		snprintf(buf, len, "user %s ", c->a->user->name);
		return;
	}
	u = userauth_user(c->ua);
	if (*u == '\0')
		buf[0] = '\0';
	else if (userauth_done(c->ua))
		snprintf(buf, len, "user %s ", u);
	else
		snprintf(buf, len, "%s user %s ", userauth_user_valid(c->ua) ?
		    "authenticating" : "invalid", u);
}

/* Log and answer an error from the transport. */
static void
transport_failed(struct conn *c, int r)
{
	switch (r) {
	case PC_ERR_PEER_DISCONNECTED:
		logit("Received disconnect from %s port %d:%u: %s%s",
		    c->pi->addr, c->pi->port, tp_peer_disconnect_reason(c->t),
		    tp_peer_disconnect_msg(c->t), stage(c));
		return;
	case PC_ERR_BANNER:
		logit("banner exchange: Connection from %s port %d: "
		    "invalid format", c->pi->addr, c->pi->port);
		break;
	case PC_ERR_NO_ALGORITHM_MATCH: {
		const char *offer, *what = tp_nomatch(c->t, &offer);

		logit("Unable to negotiate with %s port %d: no matching %s "
		    "found. Their offer: %s [preauth]", c->pi->addr,
		    c->pi->port, what, offer);
		break;
	}
	case PC_ERR_MAC_INVALID:
		logit("Corrupted MAC on input from %s port %d; "
		    "disconnecting [preauth]", c->pi->addr, c->pi->port);
		break;
	default:
		logit("Disconnecting %s port %d: %s%s", c->pi->addr,
		    c->pi->port, pc_strerror(r), stage(c));
		break;
	}
	disconnect(c, tp_error_reason(r), pc_strerror(r));
}

/*
 * The channel backend: "session" channels go to the sessions, every
 * other kind to the forwarding code.
 */
static const struct chan_backend *
route(const struct conn *c, uint32_t id)
{
	const struct chan_backend *sb = sessions_backend(c->sess);

	return chan_kind(c->cc, id) == CHAN_KIND_SESSION ? sb : NULL;
}

static uint32_t
be_session_open(void *arg, uint32_t id, char **why)
{
	struct conn *c = arg;
	const struct chan_backend *sb = sessions_backend(c->sess);

	return sb->session_open(sb->arg, id, why);
}

static int
be_session_request(void *arg, uint32_t id, const struct chan_req *req)
{
	struct conn *c = arg;
	const struct chan_backend *sb = sessions_backend(c->sess);

	return sb->session_request(sb->arg, id, req);
}

static void
be_peer_eof(void *arg, uint32_t id)
{
	struct conn *c = arg;
	const struct chan_backend *sb = route(c, id);

	if (sb != NULL)
		sb->peer_eof(sb->arg, id);
	else if (c->fwd != NULL)
		fwd_peer_eof(c->fwd, id);
}

static void
be_closed(void *arg, uint32_t id)
{
	struct conn *c = arg;
	const struct chan_backend *sb = route(c, id);

	if (sb != NULL)
		sb->closed(sb->arg, id);
	else if (c->fwd != NULL)
		fwd_closed(c->fwd, id);
}

static size_t
be_data_in(void *arg, uint32_t id, const uint8_t *p, size_t len)
{
	struct conn *c = arg;
	const struct chan_backend *sb = route(c, id);

	if (sb != NULL)
		return sb->data_in != NULL ? sb->data_in(sb->arg, id, p, len) :
		    0;
	return c->fwd != NULL ? fwd_data_in(c->fwd, id, p, len) : 0;
}

static uint32_t
be_direct_open(void *arg, uint32_t id, const struct chan_open_req *req,
    char **why)
{
	struct conn *c = arg;

	if (c->fwd == NULL)
		return SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED;
	return fwd_direct_open(c->fwd, id, req, why);
}

static int
be_global_request(void *arg, const struct chan_global_req *req,
    uint32_t *port)
{
	struct conn *c = arg;

	if (c->fwd == NULL)
		return PC_ERR_PERMISSION_DENIED;
	return fwd_global_request(c->fwd, req, port);
}

static void
be_open_result(void *arg, uint32_t id, int ok)
{
	struct conn *c = arg;

	if (c->fwd != NULL)
		fwd_open_result(c->fwd, id, ok);
}

static int
sfwd_agent(void *arg, const char **path)
{
	return fwd_agent_request(arg, path);
}

static int
sfwd_x11(void *arg, uint32_t session_id, int single, const char **display,
    int *number)
{
	return fwd_x11_request(arg, session_id, single, display, number);
}

static void
sfwd_session_closed(void *arg, uint32_t session_id)
{
	fwd_session_closed(arg, session_id);
}

/* The forwarding half of the connection, after the channel table. */
static int
forwarding_start(struct conn *c, const struct session_params *sp)
{
	struct fwd_params fp;
	int r;

	memset(&fp, 0, sizeof(fp));
	fp.cfg = sp->cfg;
	fp.user = sp->user;
	fp.opts = sp->opts;
	fp.key_fp = c->a->key_fp;
	fp.opts_where = c->a->opts_where;
	fp.peer = &c->peer;
	fp.cc = c->cc;
	if ((r = fwd_new(&fp, &c->fwd)) != 0)
		return r;
	c->sfwd.arg = c->fwd;
	c->sfwd.agent = sfwd_agent;
	c->sfwd.x11 = sfwd_x11;
	c->sfwd.session_closed = sfwd_session_closed;
	sessions_set_fwd(c->sess, &c->sfwd);
	return 0;
}

/*
 * After authentication, in the process that runs as the user: the
 * sessions with the user's configuration (Match applied by the
 * monitor's backend), the channel table with their backend, and SIGCHLD
 * delivered through a self-pipe.
 */
static int
sessions_start(struct conn *c)
{
	const struct conn_auth *a = c->a;
	struct session_params sp;
	struct sigaction sa;
	int r;

	memset(&sp, 0, sizeof(sp));
	sp.cfg = a->cfg;
	sp.user = a->user;
	sp.opts = a->opts;
	sp.peer = &c->peer;
	sp.methods = a->methods;
	sp.priv = a->priv;
	if (sp.user == NULL) {
		return PC_ERR_INTERNAL;
	}
	if (pipe(c->sigchld) == -1) {
		c->sigchld[0] = c->sigchld[1] = -1;
		error("pipe: %s", strerror(errno));
		return PC_ERR_SYSTEM;
	}
	(void)fcntl(c->sigchld[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(c->sigchld[1], F_SETFD, FD_CLOEXEC);
	if ((r = set_nonblock(c->sigchld[0])) != 0 ||
	    (r = set_nonblock(c->sigchld[1])) != 0)
		return r;
	conn_sigchld_fd = c->sigchld[1];
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = conn_sigchld_handler;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGCHLD, &sa, NULL) == -1) {
		error("sigaction: %s", strerror(errno));
		return PC_ERR_SYSTEM;
	}
	/* A session's reader may go away: EPIPE, not a dead daemon. */
	signal(SIGPIPE, SIG_IGN);
	if ((r = sessions_new(&sp, &c->sess)) != 0) {
		error("session setup for %s: %s", sp.user->name,
		    pc_strerror(r));
		return r;
	}
	c->be.arg = c;
	c->be.session_open = be_session_open;
	c->be.session_request = be_session_request;
	c->be.peer_eof = be_peer_eof;
	c->be.closed = be_closed;
	c->be.direct_open = be_direct_open;
	c->be.global_request = be_global_request;
	c->be.open_result = be_open_result;
	c->be.data_in = be_data_in;
	if ((r = chan_conn_new(c->t, &c->be, &c->cc)) != 0)
		return r;
	sessions_set_chan(c->sess, c->cc);
	/* Without a configuration nothing is forwarded, nor when the
	 * user's ChrootDirectory could not be entered. */
	if (sp.cfg == NULL || a->no_forwarding)
		return 0;
	return forwarding_start(c, &sp);
}

/* Drain the self-pipe; then reap and finish what exited. */
static int
sigchld_drain(struct conn *c)
{
	char buf[64];

	while (read(c->sigchld[0], buf, sizeof(buf)) > 0)
		;
	return sessions_sigchld(c->sess);
}

/* Keep an upper-layer message for the process after the hand-over. */
static int
hold(struct conn *c, const uint8_t *msg, size_t len)
{
	int r;

	if (c->nheld >= CONN_MAX_HELD ||
	    wbuf_len(&c->held) + len > CONN_MAX_HELD_BYTES) {
		logit("Disconnecting %s port %d: too much input during the "
		    "key exchange after authentication", c->pi->addr,
		    c->pi->port);
		disconnect(c, SSH2_DISCONNECT_BY_APPLICATION,
		    "too much input");
		return PC_ERR_NO_BUFFER_SPACE;
	}
	if ((r = wbuf_put_string(&c->held, msg, len)) != 0)
		return r;
	c->nheld++;
	return 0;
}

/*
 * The network process is done once authenticated and no key exchange
 * runs (RekeyLimit may start one with USERAUTH_SUCCESS): the state goes
 * to the monitor, and nothing more is written here.
 */
static int
handoff(struct conn *c)
{
	int r;

	if ((r = c->ho->done(c->ho->arg, c->t, c->ua, &c->held,
	    c->nheld)) != 0) {
		error("hand-over for %s port %d: %s", c->pi->addr,
		    c->pi->port, pc_strerror(r));
		return r;
	}
	c->handed_off = 1;
	return 0;
}

/* Run everything the input allows; an error ends the connection. */
static int
process_input(struct conn *c)
{
	const uint8_t *msg;
	size_t len;
	uint32_t reason;
	char w[USERAUTH_MAX_USER + 32];
	const char *why;
	int r;

	for (;;) {
		if (c->handoff_due && !tp_in_kex(c->t))
			return handoff(c);
		r = tp_next(c->t, &msg, &len);
		if (r == PC_ERR_AGAIN) {
			/* The last kex message may have ended the kex. */
			if (c->handoff_due && !tp_in_kex(c->t))
				return handoff(c);
			return 0;
		}
		if (r != 0) {
			transport_failed(c, r);
			return r;
		}
		if (c->handoff_due) {
			if ((r = hold(c, msg, len)) != 0)
				return r;
			continue;
		}
		if (c->ua != NULL) {
			r = userauth_recv(c->ua, msg, len, &reason);
			why = userauth_last_error(c->ua);
		} else {
			r = chan_recv(c->cc, msg, len, &reason);
			why = NULL;
		}
		if (r != 0) {
			if (why == NULL)
				why = pc_strerror(r);
			who(c, w, sizeof(w));
			logit("Disconnecting %s%s port %d: %s%s", w,
			    c->pi->addr, c->pi->port, why, stage(c));
			disconnect(c, reason, why);
			return r;
		}
		if (c->ua != NULL && userauth_done(c->ua)) {
			c->authenticated = 1;
			c->handoff_due = 1;
		}
	}
}

#define CONN_MAX_PFD	(3 + SESSION_MAX_POLLFDS + FWD_MAX_POLLFDS)

/* The configuration in force after authentication (Match applied). */
static const struct server_config *
conn_config(const struct conn *c)
{
	return c->a != NULL ? c->a->cfg : NULL;
}

/*
 * ClientAliveInterval / ClientAliveCountMax (sshd_config(5)): after an
 * interval without input, probe; after CountMax probes without a reply,
 * end the connection.  Shortens *timeout to the next probe.
 */
static int
client_alive(struct conn *c, uint64_t now, int *timeout)
{
	const struct server_config *cfg = conn_config(c);
	uint64_t interval, due;
	int r;

	if (cfg == NULL || cfg->client_alive_interval <= 0)
		return 0;
	interval = (uint64_t)cfg->client_alive_interval * 1000;
	due = (c->last_input > c->last_probe ? c->last_input :
	    c->last_probe) + interval;
	if (now >= due) {
		/* 0: probe, never disconnect (OpenSSH 8.2 and later). */
		if (cfg->client_alive_count_max > 0 &&
		    chan_alive_pending(c->cc) >=
		    (unsigned)cfg->client_alive_count_max) {
			char w[USERAUTH_MAX_USER + 32];

			who(c, w, sizeof(w));
			logit("Timeout, client not responding from %s%s "
			    "port %d", w, c->pi->addr, c->pi->port);
			disconnect(c, SSH2_DISCONNECT_BY_APPLICATION,
			    "Timeout, client not responding");
			return PC_ERR_TIMEOUT;
		}
		if ((r = chan_send_keepalive(c->cc)) != 0)
			return r;
		c->last_probe = now;
		due = now + interval;
	}
	if (*timeout < 0 || (uint64_t)*timeout > due - now)
		*timeout = (int)(due - now);
	return 0;
}

static int
conn_loop(struct conn *c, const struct conn_settings *s)
{
	uint8_t *rbuf;
	uint64_t start = monotime_ms(), now, deadline;
	static struct pollfd pfd[CONN_MAX_PFD];
	size_t len, space, nsess = 0, nfwd = 0;
	ssize_t n;
	int r, nfds, timeout, sig_at = -1, sess_at = 0, fwd_at = 0;

	for (;;) {
		if ((r = flush_some(c)) != 0) {
			logit("Connection reset by %s port %d%s",
			    c->pi->addr, c->pi->port, stage(c));
			return r;
		}
		now = monotime_ms();
		if ((r = tp_set_time(c->t, now / 1000)) != 0 ||
		    (c->sess != NULL && (r = sessions_flush(c->sess)) != 0) ||
		    (c->fwd != NULL && (r = fwd_flush(c->fwd)) != 0) ||
		    (r = flush_some(c)) != 0)
			return r;
		timeout = -1;
		if (s->login_grace_time != 0 && !c->authenticated) {
			deadline = start + (uint64_t)s->login_grace_time * 1000;
			if (now >= deadline) {
				logit("Timeout before authentication for %s "
				    "port %d", c->pi->addr, c->pi->port);
				disconnect(c, SSH2_DISCONNECT_PROTOCOL_ERROR,
				    "Timeout before authentication");
				c->grace_exceeded = 1;
				return PC_ERR_TIMEOUT;
			}
			timeout = (int)(deadline - now);
		}
		if (s->rekey_seconds != 0 &&
		    (timeout < 0 || timeout > (int)s->rekey_seconds * 1000))
			timeout = (int)s->rekey_seconds * 1000;
		if (c->cc != NULL && (r = client_alive(c, now, &timeout)) != 0)
			return r;
		space = tp_input_space(c->t);
		tp_output_ptr(c->t, &len);
		/* The connection's total cap (chan.h): at it, the socket is
		 * not read until the channels' consumers or the peer (by
		 * reading our output) make room.  Before authentication the
		 * transport's output is all there is. */
		if ((c->cc != NULL ? chan_buffered(c->cc) : len) >=
		    CHAN_MAX_BUFFERED)
			space = 0;
		pfd[0].fd = c->rfd;
		pfd[0].events = space > 0 ? POLLIN : 0;
		pfd[0].revents = 0;
		nfds = 1;
		if (c->wfd == c->rfd) {
			if (len > 0)
				pfd[0].events |= POLLOUT;
		} else if (len > 0) {
			pfd[1].fd = c->wfd;
			pfd[1].events = POLLOUT;
			pfd[1].revents = 0;
			nfds = 2;
		}
		sig_at = -1;
		nsess = 0;
		if (c->sess != NULL) {
			sig_at = nfds++;
			pfd[sig_at].fd = c->sigchld[0];
			pfd[sig_at].events = POLLIN;
			pfd[sig_at].revents = 0;
			sess_at = nfds;
			nsess = sessions_pollfds(c->sess, pfd + sess_at,
			    CONN_MAX_PFD - (size_t)sess_at);
			nfds += (int)nsess;
		}
		nfwd = 0;
		if (c->fwd != NULL) {
			fwd_at = nfds;
			nfwd = fwd_pollfds(c->fwd, pfd + fwd_at,
			    CONN_MAX_PFD - (size_t)fwd_at);
			nfds += (int)nfwd;
		}
		if (poll(pfd, (nfds_t)nfds, timeout) < 0) {
			if (errno == EINTR)
				continue;
			error("poll: %s", strerror(errno));
			return PC_ERR_SYSTEM;
		}
		if (sig_at >= 0 && pfd[sig_at].revents != 0 &&
		    (r = sigchld_drain(c)) != 0)
			return r;
		if (nsess > 0 &&
		    (r = sessions_handle(c->sess, pfd + sess_at, nsess)) != 0) {
			error("session I/O for %s port %d: %s", c->pi->addr,
			    c->pi->port, pc_strerror(r));
			return r;
		}
		if (nfwd > 0 &&
		    (r = fwd_handle(c->fwd, pfd + fwd_at, nfwd)) != 0) {
			error("forwarding for %s port %d: %s", c->pi->addr,
			    c->pi->port, pc_strerror(r));
			return r;
		}
		if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
			continue;
		if (space == 0)
			continue;
		/* Straight into the transport's input: no copy on the way. */
		if (space > CONN_READ_MAX)
			space = CONN_READ_MAX;
		if ((r = tp_input_reserve(c->t, space, &rbuf)) != 0)
			return r;
		n = read(c->rfd, rbuf, space);
		if ((r = tp_input_commit(c->t, space, n > 0 ? (size_t)n :
		    0)) != 0)
			return r;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			logit("Read error from %s port %d: %s%s",
			    c->pi->addr, c->pi->port, strerror(errno),
			    stage(c));
			return PC_ERR_SYSTEM;
		}
		if (n == 0) {
			char w[USERAUTH_MAX_USER + 32];

			who(c, w, sizeof(w));
			if (c->authenticated)
				logit("Disconnected from %s%s port %d", w,
				    c->pi->addr, c->pi->port);
			else
				logit("Connection closed by %s%s port %d%s", w,
				    c->pi->addr, c->pi->port, stage(c));
			return 0;
		}
		/* Until authenticated, every round trip counts; after it our
		 * answers carry the ACKs, and a bulk transfer should not pay
		 * a system call per read. */
		if (!c->authenticated)
			quickack(c->rfd);
#ifdef PC_TEST_HOOKS
		if (s->test_forbidden_syscall)
			(void)getppid();	/* not in the allow-list */
#endif
		c->last_input = monotime_ms();
		if ((r = process_input(c)) != 0 || c->handed_off)
			return r;
	}
}

int
conn_socket_setup(int rfd, int wfd, const struct conn_settings *s)
{
	const struct server_config *g;
	int r;

	g = s->authbackend != NULL ? s->authbackend->global : NULL;
	set_socket_options(rfd, g == NULL || g->tcp_keep_alive != 0);
	if ((r = set_nonblock(rfd)) != 0 ||
	    (wfd != rfd && (r = set_nonblock(wfd)) != 0))
		return r;
	return 0;
}

void
conn_tp_params(const struct conn_settings *s, struct tp_params *tpp,
    char *software, size_t len)
{
	const struct server_config *g;

	g = s->authbackend != NULL ? s->authbackend->global : NULL;
	memset(tpp, 0, sizeof(*tpp));
	tpp->role = TP_SERVER;
	tpp->kex_algs = s->kex_algs;
	tpp->hostkey_algs = s->hostkey_algs;
	tpp->ciphers = s->ciphers;
	tpp->macs = s->macs;
	tpp->rekey_bytes = s->rekey_bytes;
	tpp->rekey_seconds = s->rekey_seconds;
	tpp->hostkeys = s->hostkeys;
	tpp->nhostkeys = s->nhostkeys;
	tpp->sign = s->sign != NULL ? s->sign : hostkeys_sign;
	tpp->sign_arg = s->sign != NULL ? s->sign_arg : NULL;
	tpp->moduli = s->moduli;
	tpp->nmoduli = s->nmoduli;
	tpp->server_sig_algs = s->server_sig_algs;
	/* VersionAddendum goes after the software version, space-separated
	 * (RFC 4253 s. 4.2 comments). */
	if (g != NULL && g->version_addendum != NULL && len > 0) {
		snprintf(software, len, "Portcullis_%s %s", PC_VERSION,
		    g->version_addendum);
		tpp->software = software;
	}
}

static void
conn_init(struct conn *c, int rfd, int wfd, const struct conn_settings *s,
    const struct conn_peerinfo *pi)
{
	memset(c, 0, sizeof(*c));
	c->rfd = rfd;
	c->wfd = wfd;
	c->s = s;
	c->pi = pi;
	c->sigchld[0] = c->sigchld[1] = -1;
	wbuf_init(&c->held, 0);
	conn_auth_peer(pi, &c->peer);
}

/* How it ended (see enum conn_end). */
static enum conn_end
conn_ending(const struct conn *c)
{
	if (c->authenticated)
		return CONN_END_AUTHENTICATED;
	if (c->grace_exceeded)
		return CONN_END_GRACE;
	/* A failure counts every method but a first "none" (RFC 4252
	 * s. 5.2), which only asks for the list: what OpenSSH calls an
	 * attempt. */
	if (c->ua != NULL && userauth_failures(c->ua) > 0)
		return CONN_END_AUTHFAIL;
	return CONN_END_NOAUTH;
}

int
conn_preauth(int rfd, int wfd, const struct conn_settings *s,
    const struct conn_peerinfo *pi, const struct conn_handoff *ho,
    int *handed_off, enum conn_end *end)
{
	char software[256];
	struct tp_params tpp;
	struct userauth_params uap;
	struct conn c;
	int r;

	*handed_off = 0;
	conn_init(&c, rfd, wfd, s, pi);
	c.ho = ho;
	conn_tp_params(s, &tpp, software, sizeof(software));
	memset(&uap, 0, sizeof(uap));
	uap.backend = s->backend;
	uap.peer = &c.peer;
	uap.s = s->auth;
	if ((r = tp_new(&tpp, &c.t)) != 0 ||
	    (r = userauth_new(c.t, &uap, &c.ua)) != 0) {
		error("connection setup: %s", pc_strerror(r));
		goto out;
	}
	r = conn_loop(&c, s);
	*handed_off = c.handed_off;
 out:
	*end = conn_ending(&c);
	userauth_free(c.ua);
	tp_free(c.t);
	wbuf_clear(&c.held);
	return r;
}

int
conn_postauth(int rfd, int wfd, const struct conn_settings *s,
    const struct conn_peerinfo *pi, struct conn_auth *a)
{
	struct wbuf held;
	const uint8_t *msg;
	size_t len;
	uint32_t i, reason;
	int r;
	struct conn c;

	conn_init(&c, rfd, wfd, s, pi);
	c.a = a;
	c.t = a->t;
	a->t = NULL;
	c.authenticated = 1;
	if ((r = sessions_start(&c)) != 0)
		goto out;
	/* What the client sent behind its last userauth request, before
	 * anything still in the transport. */
	if (a->held != NULL)
		wbuf_init_const(&held, wbuf_ptr(a->held), wbuf_len(a->held));
	for (i = 0; a->held != NULL && i < a->nheld; i++) {
		if ((r = wbuf_get_string_direct(&held, &msg, &len)) != 0)
			goto out;
		if ((r = chan_recv(c.cc, msg, len, &reason)) != 0) {
			logit("Disconnecting user %s %s port %d: %s",
			    a->user->name, pi->addr, pi->port,
			    pc_strerror(r));
			disconnect(&c, reason, pc_strerror(r));
			goto out;
		}
	}
	/* The imported transport may hold input already. */
	if ((r = process_input(&c)) != 0)
		goto out;
	r = conn_loop(&c, s);
 out:
	/* The channels first: their closing calls into the sessions and
	 * the forwarding. */
	chan_conn_free(c.cc);
	if (c.sess != NULL)
		sessions_set_fwd(c.sess, NULL);
	fwd_free(c.fwd);
	sessions_free(c.sess);
	if (c.sigchld[0] != -1) {
		conn_sigchld_fd = -1;
		signal(SIGCHLD, SIG_DFL);
		close(c.sigchld[0]);
		close(c.sigchld[1]);
	}
	tp_free(c.t);
	wbuf_clear(&c.held);
	return r;
}
