/*
 * Forwarding on the daemon side (see fwd.h): the policy decision and its
 * log line for every request, the sockets behind forwarding channels, and
 * the listeners of remote forwards, the agent and X11.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forward.h"
#include "fwd.h"
#include "fwdx.h"
#include "log.h"
#include "userfiles.h"

#define FWD_READ_MAX		(256 * 1024)
#define FWD_ORIGIN_MAX		160
#define FWD_NOFILE_WANT		4096	/* RLIMIT_NOFILE we raise to */

enum fwd_lkind { L_TCP = 1, L_STREAMLOCAL, L_AGENT, L_X11 };

/* The socket behind one channel (indexed by the channel's id). */
struct fwd_sock {
	int used;
	enum chan_kind kind;
	int fd;
	int connecting;		/* non-blocking connect under way */
	struct addrinfo *ai;	/* direct-tcpip: all addresses */
	struct addrinfo *next;	/* the one being tried */
	int open;		/* channel open both ways */
	int rd_eof;		/* socket EOF seen, our EOF sent */
	int wr_shut;		/* peer EOF: write side shut down */
	int dead;		/* socket failed: EOF and CLOSE to send */
	char what[320];		/* "127.0.0.1 port 80", for logs */
};

struct fwd_listener {
	int used;
	enum fwd_lkind kind;
	int fds[FWDX_MAX_X11_FDS];
	size_t nfds;
	char *req_host;		/* tcpip-forward address as sent */
	int req_port;		/* as sent (0: allocate) */
	int port;		/* bound */
	char *path;		/* streamlocal as sent; agent socket */
	uint32_t session;	/* X11: its session channel */
	int single;		/* X11: one connection only */
	char wrapname[TCPWRAP_NAME_MAX];
};

struct fwd {
	struct fwd_params p;
	/* The socket of each channel id, allocated while in use: an idle
	 * connection holds a table of pointers only. */
	struct fwd_sock *s[CHAN_MAX_CHANNELS];
	uint32_t nsocks;	/* s[nsocks..] are all unused */
	struct fwd_listener l[FWD_MAX_LISTENERS];
	struct policy_fwd_cfg pc;
	struct policy_fwd_subject subj;
	char origin[POLICY_FWD_RULE_COUNT][FWD_ORIGIN_MAX];
	struct tcpwrap_cfg tw;
	int agent;		/* listener index, or -1 */
	char x11_display[NI_MAXHOST + 16];
	int accept_paused;	/* out of descriptors: stop accepting */
	/* What each pollfd of the last fwd_pollfds() stands for. */
	struct {
		int listener;	/* index, or -1: the socket of channel id */
		uint32_t id;
	} map[FWD_MAX_POLLFDS];
	uint8_t buf[FWD_READ_MAX];
};

/* ------------------------------------------------------------ policy */

/* The keyword each configuration rule is read from, for its origin. */
static const char *const rule_keyword[POLICY_FWD_RULE_COUNT] = {
	[POLICY_FWD_RULE_DISABLE_FORWARDING] = "disableforwarding",
	[POLICY_FWD_RULE_ALLOW_TCP_FORWARDING] = "allowtcpforwarding",
	[POLICY_FWD_RULE_ALLOW_STREAMLOCAL_FORWARDING] =
	    "allowstreamlocalforwarding",
	[POLICY_FWD_RULE_ALLOW_AGENT_FORWARDING] = "allowagentforwarding",
	[POLICY_FWD_RULE_X11_FORWARDING] = "x11forwarding",
	[POLICY_FWD_RULE_PERMIT_TUNNEL] = "permittunnel",
	[POLICY_FWD_RULE_DENY_TCP_USERS] = "denytcpforwardingforusers",
	[POLICY_FWD_RULE_DENY_TCP_GROUPS] = "denytcpforwardingforgroups",
	[POLICY_FWD_RULE_ALLOW_TCP_USERS] = "allowtcpforwardingforusers",
	[POLICY_FWD_RULE_ALLOW_TCP_GROUPS] = "allowtcpforwardingforgroups",
	[POLICY_FWD_RULE_PERMIT_OPEN] = "permitopen",
	[POLICY_FWD_RULE_PERMIT_LISTEN] = "permitlisten",
};

static void
policy_setup(struct fwd *f)
{
	const struct server_config *cfg = f->p.cfg;
	struct policy_fwd_cfg *pc = &f->pc;
	const char *key_where;
	size_t i;

	memset(pc, 0, sizeof(*pc));
	pc->allow_tcp = cfg->allow_tcp_forwarding;
	pc->allow_streamlocal = cfg->allow_streamlocal_forwarding;
	pc->disable_forwarding = cfg->disable_forwarding;
	pc->allow_agent = cfg->allow_agent_forwarding;
	pc->x11_forwarding = cfg->x11_forwarding;
	pc->permit_open = (const char *const *)cfg->permit_open.v;
	pc->npermit_open = cfg->permit_open.n;
	pc->permit_listen = (const char *const *)cfg->permit_listen.v;
	pc->npermit_listen = cfg->permit_listen.n;
	pc->allow_tcp_users = (const char *const *)cfg->allow_tcp_fwd_users.v;
	pc->n_allow_tcp_users = cfg->allow_tcp_fwd_users.n;
	pc->allow_tcp_groups =
	    (const char *const *)cfg->allow_tcp_fwd_groups.v;
	pc->n_allow_tcp_groups = cfg->allow_tcp_fwd_groups.n;
	pc->deny_tcp_users = (const char *const *)cfg->deny_tcp_fwd_users.v;
	pc->n_deny_tcp_users = cfg->deny_tcp_fwd_users.n;
	pc->deny_tcp_groups = (const char *const *)cfg->deny_tcp_fwd_groups.v;
	pc->n_deny_tcp_groups = cfg->deny_tcp_fwd_groups.n;
	for (i = 0; i < POLICY_FWD_RULE_COUNT; i++) {
		if (rule_keyword[i] == NULL)
			continue;
		servconf_origin(cfg, rule_keyword[i], f->origin[i],
		    sizeof(f->origin[i]));
		pc->origin[i] = f->origin[i];
	}
	key_where = f->p.opts_where != NULL ? f->p.opts_where :
	    "key options";
	snprintf(f->origin[POLICY_FWD_RULE_KEY_PORT_FORWARDING],
	    FWD_ORIGIN_MAX, "%s", key_where);
	pc->origin[POLICY_FWD_RULE_KEY_PORT_FORWARDING] =
	    pc->origin[POLICY_FWD_RULE_KEY_AGENT_FORWARDING] =
	    pc->origin[POLICY_FWD_RULE_KEY_X11_FORWARDING] =
	    pc->origin[POLICY_FWD_RULE_KEY_PERMITOPEN] =
	    pc->origin[POLICY_FWD_RULE_KEY_PERMITLISTEN] =
	    f->origin[POLICY_FWD_RULE_KEY_PORT_FORWARDING];

	memset(&f->subj, 0, sizeof(f->subj));
	f->subj.who.user = f->p.user->name;
	f->subj.who.host = f->p.peer->host;
	f->subj.who.addr = f->p.peer->addr;
	f->subj.who.groups = (const char *const *)f->p.user->groups;
	f->subj.who.ngroups = f->p.user->ngroups;
	f->subj.is_root = f->p.user->uid == 0;
	f->subj.key = f->p.opts;
}

/*
 * Decide and log at INFO: user, key, source, request, decision and the
 * rule that decided.  0 if allowed, PC_ERR_PERMISSION_DENIED if not.
 */
static int
decide(struct fwd *f, enum policy_fwd_kind kind, const char *host, int port,
    const char *path, int want_reply, const char *what)
{
	struct policy_fwd_request req;
	struct policy_fwd_decision d;
	int r;

	memset(&req, 0, sizeof(req));
	req.kind = kind;
	req.host = host;
	req.port = port;
	req.path = path;
	req.want_reply = want_reply;
	if ((r = policy_forward(&f->pc, &f->subj, &req, &d)) != 0)
		d.allowed = 0;
	logit("Forwarding %s for user %s (key %s%s%s) from %s port %d: %s; "
	    "rule: %s", d.allowed ? "allowed" : "refused", f->p.user->name,
	    f->p.key_fp != NULL ? f->p.key_fp : "none",
	    f->p.opts_where != NULL ? " found at " : "",
	    f->p.opts_where != NULL ? f->p.opts_where : "",
	    f->p.peer->addr, f->p.peer->port, what,
	    r != 0 ? pc_strerror(r) : d.reason);
	return d.allowed ? 0 : PC_ERR_PERMISSION_DENIED;
}

/* A debug message (SSH_MSG_DEBUG) is how OpenSSH tells a client why a
 * forward was refused; failing to queue one is no reason to stop. */
static void
tell_client(struct fwd *f, const char *msg)
{
	if (chan_send_debug(f->p.cc, msg) != 0)
		debug("cannot send a debug message to the client");
}

/* ----------------------------------------------------------- sockets */

static int
set_nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return PC_ERR_SYSTEM;
	return 0;
}

static void
sockaddr_host(const struct sockaddr *sa, socklen_t len, char *host,
    size_t hlen, int *port)
{
	char serv[NI_MAXSERV];

	*port = 0;
	if (getnameinfo(sa, len, host, (socklen_t)hlen, serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(host, hlen, "UNKNOWN");
		return;
	}
	*port = atoi(serv);
}

static void
close_fd(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

static struct fwd_sock *
sock_get(struct fwd *f, uint32_t id)
{
	if (id >= CHAN_MAX_CHANNELS)
		return NULL;
	return f->s[id];
}

static void
sock_free(struct fwd *f, uint32_t id)
{
	struct fwd_sock *s = sock_get(f, id);

	if (s == NULL)
		return;
	close_fd(&s->fd);
	if (s->ai != NULL)
		freeaddrinfo(s->ai);
	free(s);
	f->s[id] = NULL;
	f->accept_paused = 0;
}

static struct fwd_sock *
sock_new(struct fwd *f, uint32_t id, enum chan_kind kind, int fd)
{
	struct fwd_sock *s;

	sock_free(f, id);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	f->s[id] = s;
	s->used = 1;
	if (id >= f->nsocks)
		f->nsocks = id + 1;
	s->kind = kind;
	s->fd = fd;
	return s;
}

/* An error from socket(2) or accept(2): out of descriptors? */
static uint32_t
open_reason(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOBUFS ||
	    err == ENOMEM ? SSH2_OPEN_RESOURCE_SHORTAGE :
	    SSH2_OPEN_CONNECT_FAILED;
}

/* Start connecting to s->next and the addresses after it.  0: under way
 * or done (s->connecting says which); else the last error's errno. */
static int
tcp_connect_next(struct fwd_sock *s)
{
	int fd, err = ECONNREFUSED;

	for (; s->next != NULL; s->next = s->next->ai_next) {
		fd = socket(s->next->ai_family, s->next->ai_socktype,
		    s->next->ai_protocol);
		if (fd == -1) {
			err = errno;
			continue;
		}
		if (set_nonblock_cloexec(fd) != 0) {
			err = errno;
			close(fd);
			continue;
		}
		if (connect(fd, s->next->ai_addr, s->next->ai_addrlen) == 0) {
			s->fd = fd;
			s->connecting = 0;
			return 0;
		}
		if (errno == EINPROGRESS) {
			s->fd = fd;
			s->connecting = 1;
			return 0;
		}
		err = errno;
		close(fd);
	}
	return err;
}

static void
tcp_tune(int fd)
{
	int on = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

/* direct-tcpip (RFC 4254 s. 7.2): resolve, then a non-blocking connect
 * to each address in turn. */
static uint32_t
direct_tcp(struct fwd *f, uint32_t id, const struct chan_open_req *req,
    char **why)
{
	struct addrinfo hints;
	struct fwd_sock *s;
	char what[320], port[16];
	int gai, err;

	snprintf(what, sizeof(what), "direct-tcpip to %.100s port %u "
	    "(originator %.100s port %u)", req->host, req->port,
	    req->orig_host, req->orig_port);
	if (req->port > 65535 ||
	    decide(f, POLICY_FWD_DIRECT_TCP, req->host, (int)req->port, NULL,
	    0, what) != 0) {
		*why = strdup("administratively prohibited");
		return SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
	if ((s = sock_new(f, id, CHAN_KIND_DIRECT_TCPIP, -1)) == NULL) {
		*why = strdup("out of memory");
		return SSH2_OPEN_RESOURCE_SHORTAGE;
	}
	snprintf(s->what, sizeof(s->what), "%.100s port %u", req->host,
	    req->port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", req->port);
	if ((gai = getaddrinfo(req->host, port, &hints, &s->ai)) != 0) {
		logit("connect to %s failed: name lookup: %s", s->what,
		    gai_strerror(gai));
		if (asprintf(why, "name lookup failed: %s",
		    gai_strerror(gai)) < 0)
			*why = NULL;
		s->ai = NULL;
		sock_free(f, id);
		return SSH2_OPEN_CONNECT_FAILED;
	}
	s->next = s->ai;
	if ((err = tcp_connect_next(s)) != 0) {
		logit("connect to %s failed: %s", s->what, strerror(err));
		*why = strdup(strerror(err));
		sock_free(f, id);
		return open_reason(err);
	}
	tcp_tune(s->fd);
	if (s->connecting)
		return CHAN_OPEN_PENDING;
	s->open = 1;
	return 0;
}

/* A connect finished (POLLOUT): confirm, or try the next address. */
static int
connect_done(struct fwd *f, uint32_t id)
{
	struct fwd_sock *s = f->s[id];
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err == 0) {
		s->connecting = 0;
		s->open = 1;
		debug("channel %u: connected to %s", id, s->what);
		return chan_open_confirm(f->p.cc, id);
	}
	close_fd(&s->fd);
	s->next = s->next->ai_next;
	if (s->next != NULL && (err = tcp_connect_next(s)) == 0) {
		tcp_tune(s->fd);
		if (!s->connecting) {
			s->open = 1;
			return chan_open_confirm(f->p.cc, id);
		}
		return 0;
	}
	logit("connect to %s failed: %s", s->what, strerror(err));
	sock_free(f, id);
	return chan_open_fail(f->p.cc, id, open_reason(err), strerror(err));
}

static int
unix_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return PC_ERR_RANGE;
	memcpy(sun->sun_path, path, strlen(path));
	return 0;
}

/* direct-streamlocal@openssh.com (PROTOCOL 2.4): connect as the user, so
 * the socket file's permissions apply to them, not to us. */
static uint32_t
direct_streamlocal(struct fwd *f, uint32_t id,
    const struct chan_open_req *req, char **why)
{
	struct userfile_ids ids;
	struct sockaddr_un sun;
	struct fwd_sock *s;
	char what[320];
	int fd, err = 0;

	snprintf(what, sizeof(what), "direct-streamlocal to %.200s",
	    req->path);
	if (decide(f, POLICY_FWD_DIRECT_STREAMLOCAL, NULL, 0, req->path, 0,
	    what) != 0) {
		*why = strdup("administratively prohibited");
		return SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
	if (unix_addr(req->path, &sun) != 0) {
		*why = strdup("socket path too long");
		return SSH2_OPEN_CONNECT_FAILED;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    set_nonblock_cloexec(fd) != 0) {
		err = errno;
		if (fd != -1)
			close(fd);
		*why = strdup(strerror(err));
		return open_reason(err);
	}
	if (userfile_become(f->p.user, &ids) != 0) {
		close(fd);
		*why = strdup("cannot act as the user");
		return SSH2_OPEN_CONNECT_FAILED;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 &&
	    errno != EINPROGRESS)
		err = errno;
	userfile_restore(&ids);
	if (err != 0) {
		logit("connect to %.200s failed: %s", req->path,
		    strerror(err));
		close(fd);
		*why = strdup(strerror(err));
		return open_reason(err);
	}
	if ((s = sock_new(f, id, CHAN_KIND_DIRECT_STREAMLOCAL, fd)) == NULL) {
		close(fd);
		*why = strdup("out of memory");
		return SSH2_OPEN_RESOURCE_SHORTAGE;
	}
	snprintf(s->what, sizeof(s->what), "%.200s", req->path);
	s->open = 1;
	return 0;
}

/* tun@openssh.com (ssh -w): tun(4) devices are not implemented, so the
 * policy refuses every one; the decision is logged like the others. */
static uint32_t
direct_tun(struct fwd *f, const struct chan_open_req *req, char **why)
{
	char what[128];

	snprintf(what, sizeof(what), "tunnel mode %u to unit %u",
	    req->tun_mode, req->tun_unit);
	if (decide(f, POLICY_FWD_TUNNEL, NULL, 0, NULL, 0, what) == 0)
		error("tunnel allowed, but tun devices are not implemented");
	tell_client(f, "Server has rejected tunnel device forwarding");
	*why = strdup("administratively prohibited");
	return SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED;
}

uint32_t
fwd_direct_open(struct fwd *f, uint32_t id, const struct chan_open_req *req,
    char **why)
{
	*why = NULL;
	if (id >= CHAN_MAX_CHANNELS)
		return SSH2_OPEN_RESOURCE_SHORTAGE;
	switch (req->kind) {
	case CHAN_KIND_DIRECT_TCPIP:
		return direct_tcp(f, id, req, why);
	case CHAN_KIND_DIRECT_STREAMLOCAL:
		return direct_streamlocal(f, id, req, why);
	case CHAN_KIND_TUN:
		return direct_tun(f, req, why);
	default:
		return SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
}

/* --------------------------------------------------------- listeners */

static int
listener_new(struct fwd *f, enum fwd_lkind kind)
{
	int i;

	for (i = 0; i < FWD_MAX_LISTENERS; i++) {
		if (!f->l[i].used) {
			memset(&f->l[i], 0, sizeof(f->l[i]));
			f->l[i].used = 1;
			f->l[i].kind = kind;
			return i;
		}
	}
	return -1;
}

static void
listener_free(struct fwd *f, int i)
{
	struct fwd_listener *l = &f->l[i];
	size_t j;

	if (!l->used)
		return;
	for (j = 0; j < l->nfds; j++)
		close_fd(&l->fds[j]);
	if (l->kind == L_AGENT && l->path != NULL)
		fwdx_agent_remove(l->path);
	free(l->req_host);
	free(l->path);
	memset(l, 0, sizeof(*l));
	if (f->agent == i)
		f->agent = -1;
}

/* Bind one TCP listening socket; 0 or an errno. */
static int
tcp_listen_one(const struct addrinfo *ai, int port, int *fdp, int *bound)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, on = 1, err;

	memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	else if (ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port =
		    htons((uint16_t)port);
	else
		return EAFNOSUPPORT;
	if ((fd = socket(ss.ss_family, SOCK_STREAM, 0)) == -1)
		return errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	/* Both families on one port: :: must not take 0.0.0.0 too. */
	if (ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on));
	if (set_nonblock_cloexec(fd) != 0 ||
	    bind(fd, (struct sockaddr *)&ss, ai->ai_addrlen) != 0 ||
	    listen(fd, 128) != 0) {
		err = errno;
		close(fd);
		return err;
	}
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		err = errno;
		close(fd);
		return err;
	}
	*bound = ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	*fdp = fd;
	return 0;
}

/*
 * tcpip-forward (RFC 4254 s. 7.1): where to bind comes from GatewayPorts
 * (policy_fwd_bind_address); every address of it is bound, port 0 being
 * allocated on the first and reused for the rest, as OpenSSH.
 */
static int
listen_tcp(struct fwd *f, const struct chan_global_req *req, uint32_t *port)
{
	struct policy_bind b;
	struct addrinfo hints, *ai = NULL, *a;
	char what[320], pstr[16], msg[256];
	const char *host = req->addr != NULL ? req->addr : "";
	int i, gai, bound = 0, want, r = PC_ERR_SYSTEM, err = 0;
	struct fwd_listener *l;

	snprintf(what, sizeof(what), "tcpip-forward listen on \"%.100s\" "
	    "port %u", host, req->port);
	if (req->port > 65535 ||
	    decide(f, POLICY_FWD_LISTEN_TCP, host, (int)req->port, NULL,
	    req->want_reply, what) != 0) {
		tell_client(f, "Server has disabled port forwarding.");
		return PC_ERR_PERMISSION_DENIED;
	}
	if ((r = policy_fwd_bind_address(f->p.cfg->gateway_ports, host,
	    &b)) != 0)
		return r;
	if (b.overridden) {
		snprintf(msg, sizeof(msg), "Forwarding listen address "
		    "\"%.100s\" overridden by server GatewayPorts", host);
		tell_client(f, msg);
	}
	if ((i = listener_new(f, L_TCP)) < 0) {
		logit("tcpip-forward refused: %d listeners already",
		    FWD_MAX_LISTENERS);
		return PC_ERR_NO_BUFFER_SPACE;
	}
	l = &f->l[i];
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV |
	    (b.kind == POLICY_BIND_WILDCARD ? AI_PASSIVE : 0);
	snprintf(pstr, sizeof(pstr), "%u", req->port);
	gai = getaddrinfo(b.kind == POLICY_BIND_ADDRESS ? host : NULL, pstr,
	    &hints, &ai);
	if (gai != 0) {
		logit("tcpip-forward on \"%.100s\": %s", host,
		    gai_strerror(gai));
		r = PC_ERR_NOT_FOUND;
		goto out;
	}
	want = (int)req->port;
	for (a = ai; a != NULL && l->nfds < FWDX_MAX_X11_FDS; a = a->ai_next) {
		if ((err = tcp_listen_one(a, want, &l->fds[l->nfds],
		    &bound)) != 0) {
			debug("tcpip-forward bind: %s", strerror(err));
			continue;
		}
		l->nfds++;
		want = bound;
	}
	if (l->nfds == 0) {
		logit("tcpip-forward on \"%.100s\" port %u: cannot listen: %s",
		    host, req->port, strerror(err ? err : EADDRNOTAVAIL));
		r = PC_ERR_SYSTEM;
		goto out;
	}
	l->req_port = (int)req->port;
	l->port = want;
	if ((l->req_host = strdup(host)) == NULL) {
		r = PC_ERR_ALLOC;
		goto out;
	}
	tcpwrap_fwd_name(l->port, l->wrapname, sizeof(l->wrapname));
	*port = (uint32_t)l->port;
	verbose("listening on port %d for remote forward \"%.100s\" port %u",
	    l->port, host, req->port);
	r = 0;
 out:
	if (ai != NULL)
		freeaddrinfo(ai);
	if (r != 0)
		listener_free(f, i);
	return r;
}

static int
cancel_tcp(struct fwd *f, const struct chan_global_req *req)
{
	const char *host = req->addr != NULL ? req->addr : "";
	int i;

	for (i = 0; i < FWD_MAX_LISTENERS; i++) {
		struct fwd_listener *l = &f->l[i];

		if (!l->used || l->kind != L_TCP ||
		    strcmp(l->req_host, host) != 0 ||
		    ((uint32_t)l->port != req->port &&
		    (uint32_t)l->req_port != req->port))
			continue;
		verbose("cancelled remote forward \"%.100s\" port %d", host,
		    l->port);
		listener_free(f, i);
		return 0;
	}
	logit("cancel-tcpip-forward: no forward on \"%.100s\" port %u",
	    host, req->port);
	return PC_ERR_NOT_FOUND;
}

/*
 * streamlocal-forward@openssh.com (PROTOCOL 2.4): a Unix socket made as
 * the user (so it is theirs and their permissions apply), with
 * StreamLocalBindMask as the umask; StreamLocalBindUnlink removes a file
 * already there first.
 */
static int
listen_streamlocal(struct fwd *f, const struct chan_global_req *req)
{
	const struct server_config *cfg = f->p.cfg;
	struct userfile_ids ids;
	struct sockaddr_un sun;
	char what[320];
	mode_t omask;
	int i, fd = -1, err = 0, r;

	snprintf(what, sizeof(what), "streamlocal-forward listen on %.200s",
	    req->path);
	if (decide(f, POLICY_FWD_LISTEN_STREAMLOCAL, NULL, 0, req->path,
	    req->want_reply, what) != 0) {
		tell_client(f, "Server has disabled streamlocal forwarding.");
		return PC_ERR_PERMISSION_DENIED;
	}
	if (unix_addr(req->path, &sun) != 0) {
		logit("streamlocal-forward: path too long");
		return PC_ERR_RANGE;
	}
	if ((i = listener_new(f, L_STREAMLOCAL)) < 0)
		return PC_ERR_NO_BUFFER_SPACE;
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    set_nonblock_cloexec(fd) != 0) {
		err = errno;
		goto fail;
	}
	if ((r = userfile_become(f->p.user, &ids)) != 0) {
		err = EPERM;
		goto fail;
	}
	if (cfg->streamlocal_bind_unlink && unlink(req->path) != 0 &&
	    errno != ENOENT)
		debug("unlink %.200s: %s", req->path, strerror(errno));
	omask = umask((mode_t)cfg->streamlocal_bind_mask);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		err = errno;
	umask(omask);
	userfile_restore(&ids);
	if (err != 0 || listen(fd, 128) != 0) {
		if (err == 0)
			err = errno;
		goto fail;
	}
	f->l[i].fds[0] = fd;
	f->l[i].nfds = 1;
	if ((f->l[i].path = strdup(req->path)) == NULL) {
		listener_free(f, i);
		return PC_ERR_ALLOC;
	}
	verbose("listening on %.200s for remote forward", req->path);
	return 0;
 fail:
	logit("streamlocal-forward on %.200s: %s", req->path, strerror(err));
	if (fd != -1)
		close(fd);
	listener_free(f, i);
	return PC_ERR_SYSTEM;
}

static int
cancel_streamlocal(struct fwd *f, const struct chan_global_req *req)
{
	int i;

	for (i = 0; i < FWD_MAX_LISTENERS; i++) {
		if (f->l[i].used && f->l[i].kind == L_STREAMLOCAL &&
		    strcmp(f->l[i].path, req->path) == 0) {
			listener_free(f, i);
			return 0;
		}
	}
	return PC_ERR_NOT_FOUND;
}

int
fwd_global_request(struct fwd *f, const struct chan_global_req *req,
    uint32_t *port)
{
	*port = 0;
	if (strcmp(req->name, "tcpip-forward") == 0)
		return listen_tcp(f, req, port);
	if (strcmp(req->name, "cancel-tcpip-forward") == 0)
		return cancel_tcp(f, req);
	if (strcmp(req->name, "streamlocal-forward@openssh.com") == 0 &&
	    req->path != NULL)
		return listen_streamlocal(f, req);
	if (strcmp(req->name, "cancel-streamlocal-forward@openssh.com") == 0 &&
	    req->path != NULL)
		return cancel_streamlocal(f, req);
	debug("global request %.64s refused", req->name);
	return PC_ERR_NOT_FOUND;
}

/* A connection on listener i: check it, then open its channel towards
 * the client (forwarded-tcpip, forwarded-streamlocal, agent, x11). */
static int
accept_one(struct fwd *f, int i, int lfd)
{
	struct fwd_listener *l = &f->l[i];
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct chan_open_req req;
	char client[NI_MAXHOST], msg[512];
	struct fwd_sock *s;
	uint32_t id;
	int fd, cport = 0, r;
	enum chan_kind kind;

	if ((fd = accept(lfd, (struct sockaddr *)&ss, &len)) == -1) {
		if (errno == EMFILE || errno == ENFILE) {
			error("accept: %s: pausing listeners", strerror(errno));
			f->accept_paused = 1;
		}
		return 0;
	}
	if (set_nonblock_cloexec(fd) != 0) {
		close(fd);
		return 0;
	}
	memset(&req, 0, sizeof(req));
	snprintf(client, sizeof(client), "UNKNOWN");
	if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
		sockaddr_host((struct sockaddr *)&ss, len, client,
		    sizeof(client), &cport);
	switch (l->kind) {
	case L_TCP:
		tcp_tune(fd);
		if (tcpwrap_check(&f->tw, l->wrapname, fd, client,
		    sizeof(client)) != 0) {
			logit("refused connect from %s to forwarded port %d "
			    "(TCP wrappers, %s) for user %s", client, l->port,
			    l->wrapname, f->p.user->name);
			snprintf(msg, sizeof(msg), "Fwd connection from %.100s "
			    "to local port %s refused by tcp_wrappers.",
			    client, l->wrapname);
			close(fd);
			tell_client(f, msg);
			return 0;
		}
		kind = CHAN_KIND_FORWARDED_TCPIP;
		req.host = l->req_host;
		req.port = (uint32_t)l->port;
		req.orig_host = client;
		req.orig_port = (uint32_t)cport;
		break;
	case L_STREAMLOCAL:
		kind = CHAN_KIND_FORWARDED_STREAMLOCAL;
		req.path = l->path;
		break;
	case L_AGENT:
		kind = CHAN_KIND_AGENT;
		break;
	case L_X11:
	default:
		tcp_tune(fd);
		kind = CHAN_KIND_X11;
		req.orig_host = client;
		req.orig_port = (uint32_t)cport;
		break;
	}
	req.kind = kind;
	if ((r = chan_open(f->p.cc, &req, &id)) != 0) {
		logit("forwarded connection from %s dropped: %s", client,
		    pc_strerror(r));
		close(fd);
		return r == PC_ERR_NO_BUFFER_SPACE ? 0 : r;
	}
	if ((s = sock_new(f, id, kind, fd)) == NULL) {
		/* The client's answer will find no socket: CLOSE then. */
		close(fd);
		return chan_send_close(f->p.cc, id);
	}
	snprintf(s->what, sizeof(s->what), "%.100s port %d",
	    client, cport);
	debug("channel %u: %s connection from %s port %d", id,
	    kind == CHAN_KIND_FORWARDED_TCPIP ? "forwarded-tcpip" :
	    kind == CHAN_KIND_FORWARDED_STREAMLOCAL ? "forwarded-streamlocal" :
	    kind == CHAN_KIND_AGENT ? "agent" : "x11", client, cport);
	if (l->kind == L_X11 && l->single) {
		/* x11-req single connection (RFC 4254 s. 6.3.1). */
		listener_free(f, i);
	}
	return 0;
}

/* -------------------------------------------------- agent and X11 */

int
fwd_agent_request(struct fwd *f, const char **path)
{
	char p[FWDX_PATH_MAX];
	int i, fd, r;

	*path = NULL;
	if (decide(f, POLICY_FWD_AGENT, NULL, 0, NULL, 1,
	    "agent forwarding") != 0)
		return PC_ERR_PERMISSION_DENIED;
	if (f->agent >= 0) {
		/* One socket per connection serves every session. */
		*path = f->l[f->agent].path;
		return 0;
	}
	if ((i = listener_new(f, L_AGENT)) < 0)
		return PC_ERR_NO_BUFFER_SPACE;
	if ((r = fwdx_agent_listen(f->p.user->uid, f->p.user->gid, getpid(),
	    p, sizeof(p), &fd)) != 0) {
		error("agent forwarding: cannot make the socket: %s",
		    pc_strerror(r));
		listener_free(f, i);
		return r;
	}
	f->l[i].fds[0] = fd;
	f->l[i].nfds = 1;
	if ((f->l[i].path = strdup(p)) == NULL) {
		fwdx_agent_remove(p);
		listener_free(f, i);
		return PC_ERR_ALLOC;
	}
	f->agent = i;
	*path = f->l[i].path;
	return 0;
}

int
fwd_x11_request(struct fwd *f, uint32_t session_id, int single,
    const char **display, int *number)
{
	const struct server_config *cfg = f->p.cfg;
	char host[NI_MAXHOST];
	int i, r;

	*display = NULL;
	*number = -1;
	if (decide(f, POLICY_FWD_X11, NULL, 0, NULL, 1, "X11 forwarding") != 0)
		return PC_ERR_PERMISSION_DENIED;
	if ((i = listener_new(f, L_X11)) < 0)
		return PC_ERR_NO_BUFFER_SPACE;
	if ((r = fwdx_x11_listen(cfg->x11_display_offset,
	    cfg->x11_use_localhost, f->l[i].fds, &f->l[i].nfds,
	    number)) != 0) {
		error("X11 forwarding: no display available: %s",
		    pc_strerror(r));
		listener_free(f, i);
		return r;
	}
	f->l[i].session = session_id;
	f->l[i].single = single;
	/* sshd(8): "localhost:N" with X11UseLocalhost, else the host's
	 * name, so clients elsewhere on the network can reach it. */
	if (cfg->x11_use_localhost || gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(f->x11_display, sizeof(f->x11_display), "%s:%d", host,
	    *number);
	*display = f->x11_display;
	return 0;
}

void
fwd_session_closed(struct fwd *f, uint32_t session_id)
{
	int i;

	for (i = 0; i < FWD_MAX_LISTENERS; i++) {
		if (f->l[i].used && f->l[i].kind == L_X11 &&
		    f->l[i].session == session_id)
			listener_free(f, i);
	}
}

/* -------------------------------------------------- channel events */

void
fwd_open_result(struct fwd *f, uint32_t id, int ok)
{
	struct fwd_sock *s = sock_get(f, id);

	if (s == NULL)
		return;
	if (ok) {
		s->open = 1;
		return;
	}
	debug("channel %u: the client refused the forwarded connection", id);
	close_fd(&s->fd);
}

void
fwd_peer_eof(struct fwd *f, uint32_t id)
{
	struct fwd_sock *s = sock_get(f, id);

	if (s == NULL || s->wr_shut)
		return;
	/* All the peer's data is written: half-close (RFC 4254 s. 5.3). */
	s->wr_shut = 1;
	if (s->fd != -1)
		(void)shutdown(s->fd, SHUT_WR);
}

size_t
fwd_data_in(struct fwd *f, uint32_t id, const uint8_t *p, size_t len)
{
	struct fwd_sock *s = sock_get(f, id);
	ssize_t n;

	if (s == NULL || s->fd == -1 || s->connecting || !s->open || s->dead)
		return 0;
	n = write(s->fd, p, len);
	/* Errors are left to sock_write, which sees them next time. */
	return n > 0 ? (size_t)n : 0;
}

void
fwd_closed(struct fwd *f, uint32_t id)
{
	sock_free(f, id);
}

/* Socket to channel: read only what the channel can take now. */
static int
sock_read(struct fwd *f, uint32_t id)
{
	struct fwd_sock *s = f->s[id];
	size_t space = chan_send_space(f->p.cc, id);
	ssize_t n;

	if (space == 0)
		return 0;
	if (space > sizeof(f->buf))
		space = sizeof(f->buf);
	n = read(s->fd, f->buf, space);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		debug("channel %u: read: %s", id, strerror(errno));
		s->dead = 1;
		return 0;
	}
	if (n == 0) {
		s->rd_eof = 1;
		return chan_send_eof(f->p.cc, id);
	}
	if (chan_send_data(f->p.cc, id, 0, f->buf, (size_t)n) != (size_t)n) {
		/* Cannot happen: we read at most the space. */
		error("channel %u: data lost", id);
		return PC_ERR_INTERNAL;
	}
	return 0;
}

/* Channel to socket: write what the peer sent. */
static int
sock_write(struct fwd *f, uint32_t id)
{
	struct fwd_sock *s = f->s[id];
	const uint8_t *p;
	size_t len;
	ssize_t n;

	p = chan_recv_ptr(f->p.cc, id, &len);
	if (len == 0)
		return 0;
	n = write(s->fd, p, len);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		debug("channel %u: write: %s", id, strerror(errno));
		s->dead = 1;
		/* Drop what cannot be delivered, reopening the window. */
		return chan_recv_consume(f->p.cc, id, len);
	}
	return chan_recv_consume(f->p.cc, id, (size_t)n);
}

/* Both directions done, or the socket failed: EOF and CLOSE. */
static int
sock_finish(struct fwd *f, uint32_t id)
{
	struct fwd_sock *s = f->s[id];
	size_t len;
	int r;

	if (!s->used || !s->open)
		return 0;
	(void)chan_recv_ptr(f->p.cc, id, &len);
	if (s->dead || (s->rd_eof && s->wr_shut && len == 0)) {
		close_fd(&s->fd);
		if ((r = chan_send_eof(f->p.cc, id)) != 0 ||
		    (r = chan_send_close(f->p.cc, id)) != 0)
			return r;
	}
	return 0;
}

size_t
fwd_pollfds(struct fwd *f, struct pollfd *pfd, size_t max)
{
	size_t n = 0, j, len;
	uint32_t id;
	int i;

	while (f->nsocks > 0 && f->s[f->nsocks - 1] == NULL)
		f->nsocks--;
	for (id = 0; id < f->nsocks && n < max; id++) {
		struct fwd_sock *s = f->s[id];
		short ev = 0;

		if (s == NULL || s->fd == -1)
			continue;
		if (s->connecting) {
			ev = POLLOUT;
		} else if (s->open) {
			if (!s->rd_eof && chan_send_space(f->p.cc, id) > 0)
				ev |= POLLIN;
			(void)chan_recv_ptr(f->p.cc, id, &len);
			if (len > 0)
				ev |= POLLOUT;
		}
		if (ev == 0)
			continue;
		pfd[n].fd = s->fd;
		pfd[n].events = ev;
		pfd[n].revents = 0;
		f->map[n].listener = -1;
		f->map[n].id = id;
		n++;
	}
	for (i = 0; i < FWD_MAX_LISTENERS && !f->accept_paused; i++) {
		if (!f->l[i].used)
			continue;
		for (j = 0; j < f->l[i].nfds && n < max; j++) {
			pfd[n].fd = f->l[i].fds[j];
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			f->map[n].listener = i;
			f->map[n].id = (uint32_t)j;
			n++;
		}
	}
	return n;
}

int
fwd_handle(struct fwd *f, const struct pollfd *pfd, size_t n)
{
	size_t k;
	int r;

	for (k = 0; k < n; k++) {
		short re = pfd[k].revents;
		uint32_t id = f->map[k].id;
		int li = f->map[k].listener;

		if (re == 0)
			continue;
		if (li >= 0) {
			/* The listener may have gone (single X11). */
			if (f->l[li].used && id < f->l[li].nfds &&
			    f->l[li].fds[id] == pfd[k].fd &&
			    (r = accept_one(f, li, pfd[k].fd)) != 0)
				return r;
			continue;
		}
		if (f->s[id] == NULL || f->s[id]->fd != pfd[k].fd)
			continue;
		if (f->s[id]->connecting) {
			if ((r = connect_done(f, id)) != 0)
				return r;
			continue;
		}
		if ((re & (POLLOUT | POLLERR)) != 0 &&
		    (r = sock_write(f, id)) != 0)
			return r;
		if ((re & (POLLIN | POLLHUP | POLLERR)) != 0 &&
		    f->s[id] != NULL && f->s[id]->fd != -1 &&
		    !f->s[id]->rd_eof &&
		    (r = sock_read(f, id)) != 0)
			return r;
	}
	return fwd_flush(f);
}

int
fwd_flush(struct fwd *f)
{
	uint32_t id;
	int r;

	for (id = 0; id < f->nsocks; id++) {
		if (f->s[id] != NULL && (r = sock_finish(f, id)) != 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------- lifecycle */

/* 1024 channels and the listeners need more than the usual 1024
 * descriptors: raise the soft limit towards the hard one. */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < FWD_NOFILE_WANT) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
		    rl.rlim_max > FWD_NOFILE_WANT ? FWD_NOFILE_WANT :
		    rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
fwd_new(const struct fwd_params *p, struct fwd **fp)
{
	struct fwd *f;

	*fp = NULL;
	if (p->cfg == NULL || p->user == NULL || p->peer == NULL ||
	    p->cc == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return PC_ERR_ALLOC;
	f->p = *p;
	f->agent = -1;
	f->tw.enabled = p->cfg->tcp_wrappers > 0;
	f->tw.allow_file = p->cfg->tcp_wrappers_allow_file;
	f->tw.deny_file = p->cfg->tcp_wrappers_deny_file;
	policy_setup(f);
	raise_nofile();
	*fp = f;
	return 0;
}

void
fwd_free(struct fwd *f)
{
	uint32_t id;
	int i;

	if (f == NULL)
		return;
	for (id = 0; id < CHAN_MAX_CHANNELS; id++)
		sock_free(f, id);
	for (i = 0; i < FWD_MAX_LISTENERS; i++)
		listener_free(f, i);
	free(f);
}
