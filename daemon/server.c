/* The listening daemon (see server.h). */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "monitor.h"
#include "penalty.h"
#include "rand.h"
#include "sdnotify.h"
#include "server.h"
#include "tcpwrap.h"

#define SERVER_MAX_LISTEN	SERVCONF_MAX_LISTEN
#define SERVER_MAX_CHILDREN	4096	/* unauthenticated at once, hard cap */

static int sig_pipe[2] = { -1, -1 };

/*
 * Children not yet authenticated.  fd is the startup pipe (-1 once it
 * closed); the entry stays until the child is reaped, for its exit status
 * and source address (PerSourcePenalties).  An authenticated child writes
 * CONN_STARTUP_AUTHENTICATED and is forgotten at once.
 */
struct startup {
	pid_t pid;
	int fd;
	int family;		/* AF_INET, AF_INET6, or 0: unknown */
	uint8_t addr[16];
	char addr_s[INET6_ADDRSTRLEN];
	int port;
	char id[INET6_ADDRSTRLEN + 16];	/* "ADDR port N", for logs */
};

struct server {
	const struct server_config *cfg;
	const struct conn_settings *cs;
	const struct server_opts *o;
	int lfd[SERVER_MAX_LISTEN];
	size_t nlisten;
	struct startup *startups;
	size_t nstartups;	/* entries */
	size_t nopen;		/* entries whose pipe is open: MaxStartups */
	struct policy_penalties penalties;
	int pidfile_written;
	int served_one;		/* -d: the one connection is done */
};

static void
sig_handler(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	(void)!write(sig_pipe[1], &c, 1);
	errno = saved;
}

static int
setup_signals(void)
{
	struct sigaction sa;
	int i;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return PC_ERR_SYSTEM;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGCHLD, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1)
		return PC_ERR_SYSTEM;
	signal(SIGPIPE, SIG_IGN);
	/* A re-exec keeps the mask; make sure nothing is blocked. */
	for (i = 1; i < 32; i++) {
		sigset_t s;

		sigemptyset(&s);
		sigaddset(&s, i);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
	}
	return 0;
}

/* A child process starts with the default signal dispositions. */
static void
reset_signals(void)
{
	signal(SIGCHLD, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

static int
open_listeners(struct server *s)
{
	const struct server_config *cfg = s->cfg;
	size_t i;
	int fd, on = 1;

	for (i = 0; i < cfg->num_listen && s->nlisten < SERVER_MAX_LISTEN;
	    i++) {
		const struct servconf_listen *l = &cfg->listen[i];

		fd = socket(l->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
		if (fd == -1) {
			error("socket for %s port %d: %s", l->host, l->port,
			    strerror(errno));
			continue;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
		    sizeof(on));
		/* Each IPv6 listener is IPv6 only; IPv4 has its own. */
		if (l->ss.ss_family == AF_INET6)
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
			    sizeof(on));
		if (bind(fd, (const struct sockaddr *)&l->ss, l->sslen) ==
		    -1) {
			error("Bind to port %d on %s failed: %s.", l->port,
			    l->host, strerror(errno));
			close(fd);
			continue;
		}
		if (listen(fd, 128) == -1) {
			error("listen on %s port %d: %s", l->host, l->port,
			    strerror(errno));
			close(fd);
			continue;
		}
		logit("Server listening on %s port %d.", l->host, l->port);
		s->lfd[s->nlisten++] = fd;
	}
	if (s->nlisten == 0) {
		error("Cannot bind any address.");
		return PC_ERR_SYSTEM;
	}
	return 0;
}

static void
write_pidfile(struct server *s)
{
	const char *path = s->cfg->pid_file;
	FILE *f;

	if (path == NULL || strcmp(path, "none") == 0)
		return;
	if ((f = fopen(path, "w")) == NULL) {
		error("Couldn't create pid file \"%s\": %s", path,
		    strerror(errno));
		return;
	}
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
	s->pidfile_written = 1;
}

static void
remove_pidfile(struct server *s)
{
	if (s->pidfile_written)
		(void)unlink(s->cfg->pid_file);
}

/*
 * MaxStartups start:rate:full (sshd_config(5)): refuse with probability
 * rate% at start unauthenticated connections, rising linearly to 100% at
 * full.
 */
static int
should_drop(const struct server *s)
{
	int n = (int)s->nopen, begin = s->cfg->max_startups_begin;
	int rate = s->cfg->max_startups_rate, full = s->cfg->max_startups;
	int p;

	if (n >= full || s->nstartups >= SERVER_MAX_CHILDREN)
		return 1;
	if (n < begin || full <= begin)
		return 0;
	p = rate + (100 - rate) * (n - begin) / (full - begin);
	return (int)rand_uniform(100) < p;
}

static uint64_t
monotime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
close_startup_pipe(struct server *s, struct startup *st)
{
	if (st->fd == -1)
		return;
	close(st->fd);
	st->fd = -1;
	s->nopen--;
}

static void
forget_startup(struct server *s, size_t i)
{
	close_startup_pipe(s, &s->startups[i]);
	s->startups[i] = s->startups[--s->nstartups];
}

/*
 * The startup pipe of entry i is readable: the authenticated byte (the
 * child is forgotten: no longer a startup, never penalised), or EOF (the
 * child is ending; the entry waits for its exit status).  Returns 1 if
 * the entry was removed.
 */
static int
startup_readable(struct server *s, size_t i)
{
	struct startup *st = &s->startups[i];
	char b;
	ssize_t n;

	if (st->fd == -1)
		return 0;
	n = read(st->fd, &b, 1);
	if (n == 1 && b == CONN_STARTUP_AUTHENTICATED) {
		debug("child %ld for %s auth done", (long)st->pid, st->id);
		forget_startup(s, i);
		return 1;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n == 1)
		error("unexpected message 0x%02x from child %ld for %s",
		    (unsigned char)b, (long)st->pid, st->id);
	close_startup_pipe(s, st);
	return 0;
}

static int
signal_is_crash(int sig)
{
	/* The signals of a fault, an abort or a seccomp violation. */
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGTRAP ||
	    sig == SIGSYS || sig == SIGFPE || sig == SIGILL || sig == SIGABRT;
}

/* How an unauthenticated child ended, from its wait status (OpenSSH's
 * child_reap). */
static enum policy_penalty_kind
penalty_kind(const struct startup *st, int status)
{
	if (WIFSIGNALED(status)) {
		if (signal_is_crash(WTERMSIG(status))) {
			error("session process %ld for %s killed by signal %d",
			    (long)st->pid, st->id, WTERMSIG(status));
			return POLICY_PENALTY_CRASH;
		}
		debug("session process %ld for %s killed by signal %d",
		    (long)st->pid, st->id, WTERMSIG(status));
		return POLICY_PENALTY_NONE;
	}
	if (!WIFEXITED(status)) {
		error("session process %ld for %s terminated abnormally, "
		    "status=0x%x", (long)st->pid, st->id, status);
		return POLICY_PENALTY_CRASH;
	}
	switch (WEXITSTATUS(status)) {
	case SERVER_EXIT_OK:
		return POLICY_PENALTY_NONE;
	case SERVER_EXIT_GRACE:
		return POLICY_PENALTY_GRACE;
	case SERVER_EXIT_CRASH:
		logit("Session process %ld unpriv child crash for %s",
		    (long)st->pid, st->id);
		return POLICY_PENALTY_CRASH;
	case SERVER_EXIT_AUTHFAIL:
		return POLICY_PENALTY_AUTHFAIL;
	default:
		return POLICY_PENALTY_NOAUTH;
	}
}

static void
log_penalty(const struct policy_penalty_event *ev)
{
	unsigned long long sec = ev->remaining / 1000;
	unsigned ms = (unsigned)(ev->remaining % 1000);

	/* OpenSSH's srclimit_penalise() lines and levels. */
	switch (ev->what) {
	case POLICY_PENALTY_NEW_ACTIVE:
		logit("%s: new %s active penalty of %llu.%03u seconds for %s",
		    ev->family, ev->net, sec, ms, ev->reason);
		break;
	case POLICY_PENALTY_NEW_DEFERRED:
		verbose("%s: new %s deferred penalty of %llu.%03u seconds "
		    "for %s", ev->family, ev->net, sec, ms, ev->reason);
		break;
	case POLICY_PENALTY_ACTIVATED:
		logit("%s: activating %s penalty of %llu.%03u seconds for %s",
		    ev->net, ev->family, sec, ms, ev->reason);
		break;
	case POLICY_PENALTY_EXTENDED:
		debug("%s penalty for %s extended: %llu.%03u seconds "
		    "remaining", ev->family, ev->net, sec, ms);
		break;
	case POLICY_PENALTY_TABLE_FULL:
		verbose("%s penalty table full, cannot penalise %s for %s",
		    ev->family, ev->net, ev->reason);
		break;
	default:
		break;
	}
	if (ev->evicted > 0)
		debug("%s penalty table overflow: %zu entries dropped",
		    ev->family, ev->evicted);
}

/* A child of ours ended: penalise its source if it never
 * authenticated. */
static void
child_ended(struct server *s, pid_t pid, int status)
{
	struct policy_penalty_event ev;
	enum policy_penalty_kind kind;
	struct startup *st;
	size_t i;
	int r;

	for (i = 0; i < s->nstartups && s->startups[i].pid != pid; i++)
		;
	if (i == s->nstartups)
		return;		/* authenticated, or not a connection */
	/* The authenticated byte may still be in the pipe. */
	if (startup_readable(s, i))
		return;
	st = &s->startups[i];
	kind = penalty_kind(st, status);
	if (st->family != 0 && kind != POLICY_PENALTY_NONE) {
		r = policy_penalty_add(&s->penalties, st->family, st->addr,
		    kind, monotime_ms(), &ev);
		if (r != 0)
			error("penalty for %s: %s", st->id, pc_strerror(r));
		else
			log_penalty(&ev);
	}
	forget_startup(s, i);
}

static void
reap_children(struct server *s)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		child_ended(s, pid, status);
}

static void
close_all(struct server *s)
{
	size_t i;

	for (i = 0; i < s->nlisten; i++)
		close(s->lfd[i]);
	s->nlisten = 0;
	for (i = 0; i < s->nstartups; i++)
		close_startup_pipe(s, &s->startups[i]);
	s->nstartups = 0;
}

int
server_peer_allowed(const struct server_config *cfg, int fd)
{
	struct tcpwrap_cfg tw;
	char client[64];
	int r;

	memset(&tw, 0, sizeof(tw));
	tw.enabled = cfg->tcp_wrappers == 1;
	tw.allow_file = cfg->tcp_wrappers_allow_file;
	tw.deny_file = cfg->tcp_wrappers_deny_file;
	r = tcpwrap_check(&tw, SERVER_DAEMON_NAME, fd, client,
	    sizeof(client));
	if (r == 0) {
		return 1;
	}
	if (r == PC_ERR_PERMISSION_DENIED) {
		/* libwrap's refuse() says "refused connect from NAME (ADDR)";
		 * with no name lookups NAME is the address.  fail2ban's sshd
		 * filter matches exactly that much. */
		logit("refused connect from %s (%s) (TCP wrappers)", client,
		    client);
	} else {
		error("TCP wrappers check for %s failed: %s", client,
		    pc_strerror(r));
	}
	return 0;
}

/* The child: serve the connection and exit with how it ended (the
 * listener's PerSourcePenalties read it). */
static void
child_main(struct server *s, int fd, int startup_fd)
{
	enum conn_end end = CONN_END_NOAUTH;
	int r;

	reset_signals();
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	close_all(s);
	/* The monitor writes CONN_STARTUP_AUTHENTICATED on startup_fd and
	 * closes it once the user is authenticated; before that, the
	 * parent sees an unauthenticated connection end as EOF on it. */
	/* hosts_access(5) before the first byte, as sshd with libwrap: a
	 * refused peer never sees a banner. */
	if (!server_peer_allowed(s->cfg, fd)) {
		close(fd);
		_exit(SERVER_EXIT_NOAUTH);
	}
	r = mon_serve(fd, fd, s->cs, startup_fd, &end);
	switch (end) {
	case CONN_END_AUTHENTICATED:
		_exit(r == 0 ? SERVER_EXIT_OK : SERVER_EXIT_NOAUTH);
	case CONN_END_GRACE:
		_exit(SERVER_EXIT_GRACE);
	case CONN_END_AUTHFAIL:
		_exit(SERVER_EXIT_AUTHFAIL);
	case CONN_END_CRASH:
		_exit(SERVER_EXIT_CRASH);
	default:
		_exit(SERVER_EXIT_NOAUTH);
	}
}

/* An address as the penalty table keys it (IPv4-mapped IPv6 as IPv4),
 * and its text. */
static void
sock_key(const struct sockaddr_storage *ss, struct startup *st)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

	st->family = 0;
	st->port = 0;
	memset(st->addr, 0, sizeof(st->addr));
	if (ss->ss_family == AF_INET) {
		st->family = AF_INET;
		memcpy(st->addr, &s4->sin_addr, 4);
		st->port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			st->family = AF_INET;
			memcpy(st->addr, &s6->sin6_addr.s6_addr[12], 4);
		} else {
			st->family = AF_INET6;
			memcpy(st->addr, &s6->sin6_addr, 16);
		}
		st->port = ntohs(s6->sin6_port);
	}
	if (st->family == 0 || inet_ntop(st->family, st->addr, st->addr_s,
	    sizeof(st->addr_s)) == NULL)
		snprintf(st->addr_s, sizeof(st->addr_s), "UNKNOWN");
	snprintf(st->id, sizeof(st->id), "%s port %d", st->addr_s, st->port);
}

/* Unauthenticated connections from st's source (PerSourceNetBlockSize). */
static size_t
source_startups(const struct server *s, const struct startup *st)
{
	size_t i, n = 0;

	for (i = 0; i < s->nstartups; i++) {
		const struct startup *o = &s->startups[i];

		if (o->fd != -1 && o->family == st->family &&
		    policy_penalty_same_source(&s->penalties, st->family,
		    o->addr, st->addr))
			n++;
	}
	return n;
}

/*
 * PerSourcePenalties and PerSourceMaxStartups at accept: 0 to go on, 1
 * to drop, logged as OpenSSH's drop_connection() does (INFO for a
 * penalty) and the client told "Not allowed at this time".
 */
static int
drop_source(struct server *s, int fd, const struct startup *st)
{
	static const char msg[] = "Not allowed at this time\r\n";
	struct sockaddr_storage ss;
	struct startup local;
	socklen_t len = sizeof(ss);
	const char *reason = NULL;
	int max = s->cfg->per_source_max_startups;
	enum log_level level = LOG_LEVEL_INFO;

	if (st->family == 0)
		return 0;
	if (policy_penalty_check(&s->penalties, st->family, st->addr,
	    monotime_ms(), &reason)) {
		if (max <= 0 || source_startups(s, st) < (size_t)max)
			return 0;
		reason = "past PerSourceMaxStartups";
		level = LOG_LEVEL_VERBOSE;
	}
	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		memset(&ss, 0, sizeof(ss));
	sock_key(&ss, &local);
	pc_log(level, "drop connection #%zu from [%s]:%d on [%s]:%d %s",
	    s->nopen, st->addr_s, st->port, local.addr_s, local.port, reason);
	(void)!write(fd, msg, sizeof(msg) - 1);
	return 1;
}

static void
accept_one(struct server *s, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct startup st, *ns;
	int fd, sp[2];
	pid_t pid;

	memset(&ss, 0, sizeof(ss));
	fd = accept4(lfd, (struct sockaddr *)&ss, &sslen, SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			error("accept: %s", strerror(errno));
		return;
	}
	if (s->o->debug_one) {
		/* One connection, then exit: the listeners are not handed
		 * down to its processes. */
		close_all(s);
		if (server_peer_allowed(s->cfg, fd))
			(void)!mon_serve(fd, fd, s->cs, -1, NULL);
		else
			close(fd);
		s->served_one = 1;
		return;
	}
	memset(&st, 0, sizeof(st));
	sock_key(&ss, &st);
	if (drop_source(s, fd, &st)) {
		close(fd);
		return;
	}
	if (should_drop(s)) {
		verbose("drop connection: %zu unauthenticated (MaxStartups "
		    "%d:%d:%d)", s->nopen, s->cfg->max_startups_begin,
		    s->cfg->max_startups_rate, s->cfg->max_startups);
		close(fd);
		return;
	}
	ns = realloc(s->startups, (s->nstartups + 1) * sizeof(*ns));
	if (ns == NULL) {
		close(fd);
		return;
	}
	s->startups = ns;
	/* Non-blocking read end: a reaped child's pipe is read once more
	 * for the authenticated byte without waiting. */
	if (pipe2(sp, O_CLOEXEC | O_NONBLOCK) == -1) {
		error("pipe: %s", strerror(errno));
		close(fd);
		return;
	}
	if ((pid = fork()) == -1) {
		error("fork: %s", strerror(errno));
		close(sp[0]);
		close(sp[1]);
		close(fd);
		return;
	}
	if (pid == 0) {
		close(sp[0]);
		child_main(s, fd, sp[1]);
	}
	close(sp[1]);
	close(fd);
	st.pid = pid;
	st.fd = sp[0];
	s->startups[s->nstartups++] = st;
	s->nopen++;
}

/* The penalty table from PerSourcePenalties and its companions. */
static int
penalties_init(struct server *s)
{
	const struct servconf_penalties *p = &s->cfg->penalties;
	struct policy_penalty_cfg pc;
	int r;

	memset(&pc, 0, sizeof(pc));
	pc.enabled = p->enabled == 1;
	pc.crash = p->crash;
	pc.authfail = p->authfail;
	pc.noauth = p->noauth;
	pc.grace = p->grace;
	pc.max = p->max;
	pc.min = p->min;
	pc.max_sources4 = p->max_sources4;
	pc.max_sources6 = p->max_sources6;
	pc.overflow4 = p->overflow4;
	pc.overflow6 = p->overflow6;
	pc.bits4 = s->cfg->per_source_masklen4;
	pc.bits6 = s->cfg->per_source_masklen6;
	pc.exempt = s->cfg->penalty_exempt;
	if ((r = policy_penalty_init(&s->penalties, &pc)) != 0)
		error("PerSourcePenalties: %s", pc_strerror(r));
	return r;
}

/* SIGHUP: start again from the top with the (new) configuration. */
static void
reexec(struct server *s)
{
	logit("Received SIGHUP; restarting.");
	(void)sdnotify_send("RELOADING=1");
	close_all(s);
	remove_pidfile(s);
	execv("/proc/self/exe", s->o->argv);
	error("RESTART FAILED: exec: %s", strerror(errno));
	_exit(1);
}

int
server_run(const struct server_config *cfg, const struct conn_settings *cs,
    const struct server_opts *o)
{
	struct server s;
	struct pollfd *pfd = NULL;
	size_t i, k, n;
	unsigned char c;
	int r, stop = 0, hup = 0;

	memset(&s, 0, sizeof(s));
	s.cfg = cfg;
	s.cs = cs;
	s.o = o;
	if ((r = penalties_init(&s)) != 0 || (r = setup_signals()) != 0 ||
	    (r = open_listeners(&s)) != 0)
		goto out;
	if (!o->no_daemon && daemon(0, 0) == -1) {
		error("daemon: %s", strerror(errno));
		r = PC_ERR_SYSTEM;
		goto out;
	}
	write_pidfile(&s);
	(void)sdnotify_send("READY=1");
	while (!stop && !hup) {
		n = 1 + s.nlisten + s.nopen;
		free(pfd);
		if ((pfd = calloc(n, sizeof(*pfd))) == NULL) {
			r = PC_ERR_ALLOC;
			goto out;
		}
		pfd[0].fd = sig_pipe[0];
		pfd[0].events = POLLIN;
		for (i = 0; i < s.nlisten; i++) {
			pfd[1 + i].fd = s.lfd[i];
			pfd[1 + i].events = POLLIN;
		}
		for (i = 0, k = 1 + s.nlisten; i < s.nstartups; i++) {
			if (s.startups[i].fd == -1 || k >= n)
				continue;
			pfd[k].fd = s.startups[i].fd;
			pfd[k++].events = POLLIN;
		}
		n = k;
		if (poll(pfd, n, -1) == -1) {
			if (errno == EINTR)
				continue;
			error("poll: %s", strerror(errno));
			r = PC_ERR_SYSTEM;
			goto out;
		}
		/* Startup pipes before SIGCHLD: a child's authenticated byte
		 * is read before its exit is seen. */
		for (k = 1 + s.nlisten; k < n; k++) {
			if (pfd[k].revents == 0)
				continue;
			for (i = 0; i < s.nstartups; i++) {
				if (s.startups[i].fd == pfd[k].fd) {
					(void)startup_readable(&s, i);
					break;
				}
			}
		}
		if (pfd[0].revents & POLLIN) {
			while (read(sig_pipe[0], &c, 1) == 1) {
				if (c == SIGCHLD)
					reap_children(&s);
				else if (c == SIGHUP)
					hup = 1;
				else
					stop = 1;
			}
		}
		for (i = 0; i < s.nlisten && !stop && !hup; i++) {
			if (pfd[1 + i].revents & POLLIN)
				accept_one(&s, s.lfd[i]);
		}
		if (s.served_one)
			stop = 1;	/* -d: one connection, then exit */
	}
	if (hup)
		reexec(&s);
	logit("Received signal; terminating.");
	(void)sdnotify_send("STOPPING=1");
	r = 0;
 out:
	free(pfd);
	close_all(&s);
	free(s.startups);
	policy_penalty_clear(&s.penalties);
	remove_pidfile(&s);
	return r;
}
