/* The listening daemon (see server.h). */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "rand.h"
#include "sdnotify.h"
#include "server.h"
#include "tcpwrap.h"

#define SERVER_MAX_LISTEN	SERVCONF_MAX_LISTEN
#define SERVER_MAX_CHILDREN	4096	/* unauthenticated at once, hard cap */

static int sig_pipe[2] = { -1, -1 };

/* Children still before authentication: their startup pipe is open. */
struct startup {
	pid_t pid;
	int fd;
};

struct server {
	const struct server_config *cfg;
	const struct conn_settings *cs;
	const struct server_opts *o;
	int lfd[SERVER_MAX_LISTEN];
	size_t nlisten;
	struct startup *startups;
	size_t nstartups;
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
	int n = (int)s->nstartups, begin = s->cfg->max_startups_begin;
	int rate = s->cfg->max_startups_rate, full = s->cfg->max_startups;
	int p;

	if (n >= full || s->nstartups >= SERVER_MAX_CHILDREN)
		return 1;
	if (n < begin || full <= begin)
		return 0;
	p = rate + (100 - rate) * (n - begin) / (full - begin);
	return (int)rand_uniform(100) < p;
}

static void
forget_startup(struct server *s, size_t i)
{
	close(s->startups[i].fd);
	s->startups[i] = s->startups[--s->nstartups];
}

static void
reap_children(void)
{
	int status;

	while (waitpid(-1, &status, WNOHANG) > 0)
		;
}

static void
close_all(struct server *s)
{
	size_t i;

	for (i = 0; i < s->nlisten; i++)
		close(s->lfd[i]);
	s->nlisten = 0;
	for (i = 0; i < s->nstartups; i++)
		close(s->startups[i].fd);
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

/* The child: serve the connection and exit. */
static void
child_main(struct server *s, int fd, int startup_fd)
{
	int r;

	reset_signals();
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	close_all(s);
	/* startup_fd stays open until authentication (conn_serve closes
	 * it then) or the end: the parent counts the connection as a
	 * startup until it sees EOF on it. */
	/* hosts_access(5) before the first byte, as sshd with libwrap: a
	 * refused peer never sees a banner. */
	if (!server_peer_allowed(s->cfg, fd)) {
		close(fd);
		_exit(255);
	}
	r = conn_serve(fd, fd, s->cs, startup_fd);
	close(fd);
	_exit(r == 0 ? 0 : 255);
}

static void
accept_one(struct server *s, int lfd)
{
	struct startup *ns;
	int fd, sp[2];
	pid_t pid;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			error("accept: %s", strerror(errno));
		return;
	}
	if (s->o->debug_one) {
		if (server_peer_allowed(s->cfg, fd))
			(void)!conn_serve(fd, fd, s->cs, -1);
		close(fd);
		s->served_one = 1;
		return;
	}
	if (should_drop(s)) {
		verbose("drop connection: %zu unauthenticated (MaxStartups "
		    "%d:%d:%d)", s->nstartups, s->cfg->max_startups_begin,
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
	if (pipe2(sp, O_CLOEXEC) == -1) {
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
	s->startups[s->nstartups].pid = pid;
	s->startups[s->nstartups].fd = sp[0];
	s->nstartups++;
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
	size_t i, n;
	unsigned char c;
	int r, stop = 0, hup = 0;

	memset(&s, 0, sizeof(s));
	s.cfg = cfg;
	s.cs = cs;
	s.o = o;
	if ((r = setup_signals()) != 0 || (r = open_listeners(&s)) != 0)
		goto out;
	if (!o->no_daemon && daemon(0, 0) == -1) {
		error("daemon: %s", strerror(errno));
		r = PC_ERR_SYSTEM;
		goto out;
	}
	write_pidfile(&s);
	(void)sdnotify_send("READY=1");
	while (!stop && !hup) {
		n = 1 + s.nlisten + s.nstartups;
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
		for (i = 0; i < s.nstartups; i++) {
			pfd[1 + s.nlisten + i].fd = s.startups[i].fd;
			pfd[1 + s.nlisten + i].events = POLLIN;
		}
		if (poll(pfd, n, -1) == -1) {
			if (errno == EINTR)
				continue;
			error("poll: %s", strerror(errno));
			r = PC_ERR_SYSTEM;
			goto out;
		}
		if (pfd[0].revents & POLLIN) {
			while (read(sig_pipe[0], &c, 1) == 1) {
				if (c == SIGCHLD)
					reap_children();
				else if (c == SIGHUP)
					hup = 1;
				else
					stop = 1;
			}
		}
		/* Startup pipes first (backwards: forget_startup moves the
		 * last entry into the hole). */
		for (i = s.nstartups; i-- > 0;) {
			if (pfd[1 + s.nlisten + i].revents != 0)
				forget_startup(&s, i);
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
	remove_pidfile(&s);
	return r;
}
