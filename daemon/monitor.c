/*
 * The monitor (see monitor.h): the table of requests with their flags,
 * the dispatcher, and one connection's processes -- the sandboxed
 * network process before authentication, the user's process after it --
 * with the loops that serve them.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "authbackend.h"
#include "hostkeys.h"
#include "log.h"
#include "monitor.h"
#include "monmsg.h"
#include "monwrap.h"
#include "pamsession.h"
#include "sandbox.h"
#include "sessenv.h"
#include "sessproc.h"

#define MON_F_PREAUTH	0x01u	/* from the network process */
#define MON_F_POSTAUTH	0x02u	/* from the post-auth process */
#define MON_F_ONCE	0x04u	/* at most once per connection */

#define MON_FRAME_MS		10000	/* a request, once started */
#define MON_GRACE_SLACK_MS	10000	/* past LoginGraceTime: kill */
#define MON_REAP_MS		2000	/* the network process to exit */
#define MON_RELAY_ROUNDS	64	/* log relay calls per drain */
/* The network process's exit status: this plus its enum conn_end. */
#define MON_NET_EXIT_BASE	64

typedef int (*mon_handler)(struct mon *, struct wbuf *, struct wbuf *);

/*
 * The requests the monitor answers, and when.  Everything else is
 * refused.  The handlers check the order within a phase (no SETTINGS
 * before USER, no KEY_VERIFY for a key PUBKEY_ALLOWED did not accept,
 * no AUTH_DONE before the record is complete).
 */
static const struct mon_entry {
	uint8_t type;
	const char *name;
	unsigned flags;
	mon_handler fn;
} mon_table[] = {
	/* Exchange hashes: every kex, and rekeys after authentication. */
	{ MON_REQ_SIGN, "sign", MON_F_PREAUTH | MON_F_POSTAUTH,
	    monauth_sign },
	{ MON_REQ_USER, "user", MON_F_PREAUTH | MON_F_ONCE, monauth_user },
	{ MON_REQ_SETTINGS, "settings", MON_F_PREAUTH | MON_F_ONCE,
	    monauth_settings },
	{ MON_REQ_USER_ALLOWED, "user-allowed", MON_F_PREAUTH | MON_F_ONCE,
	    monauth_user_allowed },
	{ MON_REQ_METHOD_ALLOWED, "method-allowed", MON_F_PREAUTH,
	    monauth_method_allowed },
	{ MON_REQ_PUBKEY_ALLOWED, "pubkey-allowed", MON_F_PREAUTH,
	    monauth_pubkey_allowed },
	{ MON_REQ_KEY_VERIFY, "key-verify", MON_F_PREAUTH,
	    monauth_key_verify },
	{ MON_REQ_PASSWORD, "password", MON_F_PREAUTH, monauth_password },
	{ MON_REQ_KBDINT_START, "kbdint-start", MON_F_PREAUTH,
	    monauth_kbdint_start },
	{ MON_REQ_KBDINT_NEXT, "kbdint-next", MON_F_PREAUTH,
	    monauth_kbdint_next },
	{ MON_REQ_KBDINT_RESPOND, "kbdint-respond", MON_F_PREAUTH,
	    monauth_kbdint_respond },
	{ MON_REQ_KBDINT_FREE, "kbdint-free", MON_F_PREAUTH,
	    monauth_kbdint_free },
	{ MON_REQ_ACCOUNT, "account", MON_F_PREAUTH, monauth_account },
	{ MON_REQ_AUTH_DONE, "auth-done", MON_F_PREAUTH | MON_F_ONCE,
	    monauth_auth_done },
	{ MON_REQ_PTY, "pty", MON_F_POSTAUTH, monpost_pty },
	{ MON_REQ_LOGIN_MSG, "login-message", MON_F_POSTAUTH,
	    monpost_login_msg },
	{ MON_REQ_LOGIN, "login", MON_F_POSTAUTH, monpost_login },
	{ MON_REQ_LOGOUT, "logout", MON_F_POSTAUTH, monpost_logout },
};

static const struct mon_entry *
mon_find(unsigned type)
{
	size_t i;

	for (i = 0; i < sizeof(mon_table) / sizeof(mon_table[0]); i++) {
		if (mon_table[i].type == type)
			return &mon_table[i];
	}
	return NULL;
}

const char *
mon_req_name(unsigned type)
{
	const struct mon_entry *e = mon_find(type);

	return e != NULL ? e->name : "unknown";
}

int
mon_refuse(struct mon *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->whybuf, sizeof(m->whybuf), fmt, ap);
	va_end(ap);
	m->why = m->whybuf;
	return PC_ERR_PERMISSION_DENIED;
}

static const char *
mon_process(const struct mon *m)
{
	return m->phase == MON_PREAUTH ? "network" : "post-auth";
}

static int
mon_refused(struct mon *m, unsigned type, const char *why)
{
	error("monitor: refused request %s (%u) from the %s process: %s",
	    mon_req_name(type), type, mon_process(m), why);
	return PC_ERR_PERMISSION_DENIED;
}

int
mon_dispatch(struct mon *m, uint8_t type, struct wbuf *req,
    struct wbuf *ans)
{
	const struct mon_entry *e = mon_find(type);
	unsigned phase = m->phase == MON_PREAUTH ? MON_F_PREAUTH :
	    MON_F_POSTAUTH;
	int r;

	m->why = NULL;
	m->npass_fds = 0;
	wbuf_reset(ans);
	if (e == NULL)
		return mon_refused(m, type, "not a request");
	if ((e->flags & phase) == 0)
		return mon_refused(m, type, phase == MON_F_PREAUTH ?
		    "only after authentication" :
		    "only before authentication");
	if (m->phase == MON_PREAUTH && m->authenticated)
		return mon_refused(m, type, "after the hand-over");
	if ((e->flags & MON_F_ONCE) != 0 && (m->once & (1u << type)) != 0)
		return mon_refused(m, type, "repeated");
	if (m->phase == MON_PREAUTH &&
	    ++m->nrequests > MON_MAX_PREAUTH_REQUESTS)
		return mon_refused(m, type, "too many requests");
	r = e->fn(m, req, ans);
	/* Once answered; a refusal ends the connection anyway. */
	if (r == 0 && (e->flags & MON_F_ONCE) != 0)
		m->once |= 1u << type;
	if (r == PC_ERR_PERMISSION_DENIED)
		return mon_refused(m, type, m->why != NULL ? m->why :
		    "refused");
	if (r != 0)
		error("monitor: request %s from the %s process: %s", e->name,
		    mon_process(m), pc_strerror(r));
	return r;
}

static void
mon_close_passed(struct mon *m)
{
	size_t i;

	for (i = 0; i < m->npass_fds; i++)
		close(m->pass_fds[i]);
	m->npass_fds = 0;
}

int
mon_serve_one(struct mon *m, int fd, int timeout_ms)
{
	struct wbuf req, ans;
	size_t max = m->phase == MON_PREAUTH ? MONMSG_MAX_STATE : MONMSG_MAX;
	uint8_t type = 0;
	int r;

	wbuf_init(&req, 0);
	wbuf_init(&ans, 0);
	r = monmsg_recv(fd, max, timeout_ms, &type, &req);
	if (r == PC_ERR_CONN_CLOSED)
		goto out;
	if (r != 0) {
		error("monitor: refused request from the %s process: %s",
		    mon_process(m), pc_strerror(r));
		goto out;
	}
	/* Only the hand-over carries the transport state. */
	if (type != MON_REQ_AUTH_DONE && wbuf_len(&req) >= MONMSG_MAX) {
		r = mon_refused(m, type, "oversized");
		goto out;
	}
	if ((r = mon_dispatch(m, type, &req, &ans)) != 0)
		goto out;
	if ((r = monmsg_send(fd, type | MONMSG_ANSWER, &ans)) != 0 ||
	    (m->npass_fds > 0 &&
	    (r = monmsg_send_fds(fd, m->pass_fds, m->npass_fds)) != 0))
		error("monitor: answer to the %s process: %s",
		    mon_process(m), pc_strerror(r));
 out:
	mon_close_passed(m);
	/* Wiped: passwords, responses, the transport state. */
	wbuf_clear(&req);
	wbuf_clear(&ans);
	return r;
}

int
mon_init(struct mon *m, const struct mon_params *p)
{
	memset(m, 0, sizeof(*m));
	if (p->backend == NULL || p->backend->user_lookup == NULL ||
	    p->backend->pubkey_allowed == NULL || p->nhostkeys == 0)
		return PC_ERR_INVALID_ARGUMENT;
	m->p = *p;
	m->phase = MON_PREAUTH;
	wbuf_init(&m->state, MONMSG_MAX_STATE);
	wbuf_init(&m->held, MONMSG_MAX_STATE);
	return 0;
}

void
mon_clear(struct mon *m)
{
	monauth_clear(m);
	mon_close_passed(m);
	pc_wipe(m, sizeof(*m));
}

/* ======================================================== processes */

/* One connection's monitor. */
struct mon_conn {
	int rfd, wfd;
	int startup_fd;
	const struct conn_settings *cs;
	struct conn_peerinfo pi;
	struct auth_peer peer;
	struct tp_params tpp;		/* the private keys: state check */
	char software[256];
	enum conn_end end;		/* how it ended, for the listener */
	struct mon m;
};

static uint64_t
mon_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The user's configuration (after Match), or NULL for defaults. */
static const struct server_config *
mon_user_cfg(const struct mon_conn *mc)
{
	const struct authbackend *ab = mc->cs->authbackend;

	if (ab == NULL)
		return NULL;
	return ab->have_user_cfg ? &ab->user_cfg : ab->global;
}

/*
 * In a child: public copies of the host keys for the transport, and
 * the private ones (which are the monitor's) freed and wiped here.
 */
static int
mon_public_hostkeys(const struct conn_settings *cs,
    struct pc_key *pub[HOSTKEYS_MAX])
{
	struct wbuf b;
	size_t i;
	int r = 0;

	if (cs->nhostkeys > HOSTKEYS_MAX)
		return PC_ERR_RANGE;
	wbuf_init(&b, 0);
	for (i = 0; i < cs->nhostkeys; i++) {
		pub[i] = NULL;
		wbuf_reset(&b);
		if (r == 0 && ((r = key_to_blob(cs->hostkeys[i], &b)) != 0 ||
		    (r = key_from_blob(wbuf_ptr(&b), wbuf_len(&b),
		    &pub[i])) != 0))
			error("monitor: host key %zu: %s", i, pc_strerror(r));
		key_free(cs->hostkeys[i]);
	}
	wbuf_clear(&b);
	return r;
}

/* Close every descriptor but the n in keep. */
static void
mon_close_fds_except(const int *keep, size_t n)
{
	int sorted[8], t;
	size_t i, j;
	unsigned lo = 0;

	if (n > sizeof(sorted) / sizeof(sorted[0]))
		return;
	memcpy(sorted, keep, n * sizeof(int));
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
			t = sorted[j];
			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	}
	for (i = 0; i < n; i++) {
		if (sorted[i] < 0 || (unsigned)sorted[i] < lo)
			continue;
		if ((unsigned)sorted[i] > lo)
			(void)close_range(lo, (unsigned)sorted[i] - 1, 0);
		lo = (unsigned)sorted[i] + 1;
	}
	closefrom((int)lo);
}

/* The network process's log lines go to the monitor only. */
static void
mon_log_to(int fd)
{
	struct log_settings ls;

	memset(&ls, 0, sizeof(ls));
	ls.ident = NULL;
	ls.level = log_get_level();
	ls.to_stderr = 0;
	ls.to_syslog = 0;
	ls.facility = 0;
	ls.fd = fd;
	log_init(&ls);
}

/* ---------------------------------------------------- network process */

static void __attribute__((noreturn))
mon_network_main(struct mon_conn *mc, int reqfd, int logfd,
    const struct sandbox *sb)
{
	struct pc_key *pub[HOSTKEYS_MAX];
	struct conn_settings cs = *mc->cs;
	struct conn_handoff ho;
	struct monwrap mw;
	enum conn_end end = CONN_END_NOAUTH;
	int keep[4], handed = 0, r;

	mon_log_to(logfd);
	if (mon_public_hostkeys(mc->cs, pub) != 0)
		_exit(255);
	/* Nothing of the daemon's but the client, the monitor and the
	 * log socket: no listener, log file or startup pipe. */
	keep[0] = mc->rfd;
	keep[1] = mc->wfd;
	keep[2] = reqfd;
	keep[3] = logfd;
	mon_close_fds_except(keep, 4);
#ifdef PC_TEST_HOOKS
	{
		const char *hook = getenv("PC_TEST_HOOK");

		cs.test_forbidden_syscall = hook != NULL &&
		    strcmp(hook, "forbidden-syscall") == 0;
	}
#endif
	if ((r = sandbox_enter(sb)) != 0) {
		error("monitor: network process for %s port %d: cannot enter "
		    "the sandbox", mc->pi.addr, mc->pi.port);
		_exit(255);
	}
	monwrap_init(&mw, reqfd, pub, mc->cs->nhostkeys);
	cs.hostkeys = pub;
	cs.backend = &mw.vt;
	cs.sign = monwrap_sign;
	cs.sign_arg = &mw;
	ho.arg = &mw;
	ho.done = monwrap_auth_done;
	r = conn_preauth(mc->rfd, mc->wfd, &cs, &mc->pi, &ho, &handed, &end);
	if (!handed) {
		/* The monitor holds the socket too: close() alone would
		 * send no FIN. */
		(void)shutdown(mc->rfd, SHUT_RDWR);
		if (mc->wfd != mc->rfd)
			(void)shutdown(mc->wfd, SHUT_RDWR);
	}
	/* _exit: no exit handlers, and LeakSanitizer cannot run here
	 * (docs/sandbox.md).  The status says how the connection ended. */
	(void)r;
	_exit(MON_NET_EXIT_BASE + (int)end);
}

/* Relay what the network process logged, at most MON_RELAY_ROUNDS
 * batches. */
static void
mon_relay_drain(int fd, int *eof)
{
	struct pollfd p;
	int i;

	for (i = 0; i < MON_RELAY_ROUNDS && !*eof && fd != -1; i++) {
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, 0) <= 0)
			return;
		if (sandbox_log_relay(fd, eof) != 0) {
			*eof = 1;
			return;
		}
	}
}

/* Serve the network process until it ends, is refused, or hands over. */
static int
mon_preauth_loop(struct mon_conn *mc, pid_t pid, int reqfd, int logfd,
    int *killed)
{
	const struct conn_settings *cs = mc->cs;
	uint64_t deadline = 0, now;
	struct pollfd pfd[2];
	int r, n, timeout, eof = 0;

	if (cs->login_grace_time != 0)
		deadline = mon_now_ms() +
		    (uint64_t)cs->login_grace_time * 1000 +
		    MON_GRACE_SLACK_MS;
	for (;;) {
		timeout = -1;
		if (deadline != 0) {
			now = mon_now_ms();
			timeout = now >= deadline ? 0 : (int)(deadline - now);
		}
		pfd[0].fd = reqfd;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		pfd[1].fd = eof ? -1 : logfd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		n = poll(pfd, 2, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error("monitor: poll: %s", strerror(errno));
			return PC_ERR_SYSTEM;
		}
		if (n == 0) {
			/* The network process enforces LoginGraceTime
			 * itself; one that does not is not trusted to. */
			error("monitor: network process for %s port %d "
			    "outlived LoginGraceTime", mc->pi.addr,
			    mc->pi.port);
			(void)kill(pid, SIGKILL);
			*killed = 1;
			mc->end = CONN_END_GRACE;
			return PC_ERR_TIMEOUT;
		}
		if (pfd[1].revents != 0)
			mon_relay_drain(logfd, &eof);
		if (pfd[0].revents == 0)
			continue;
		/* Its lines logged before the request come first. */
		mon_relay_drain(logfd, &eof);
		r = mon_serve_one(&mc->m, reqfd, MON_FRAME_MS);
		if (r == PC_ERR_CONN_CLOSED)
			return 0;
		if (r != 0) {
			/* A refused request: a network process that does
			 * what no honest one does is penalised as a crash,
			 * which is what an exploit attempt looks like. */
			(void)kill(pid, SIGKILL);
			*killed = 1;
			mc->end = CONN_END_CRASH;
			return r;
		}
		if (mc->m.authenticated)
			return 0;
	}
}

/* Wait for the network process (killing it if it lingers), relay its
 * last lines, and say how it ended. */
static int
mon_reap_network(struct mon_conn *mc, pid_t pid, int logfd, int killed)
{
	uint64_t end = mon_now_ms() + MON_REAP_MS;
	struct pollfd p;
	int st = 0, eof = 0;
	pid_t w;

	for (;;) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid || (w == -1 && errno != EINTR))
			break;
		if (mon_now_ms() >= end) {
			(void)kill(pid, SIGKILL);
			killed = 1;
			while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
				;
			break;
		}
		mon_relay_drain(logfd, &eof);
		p.fd = eof ? -1 : logfd;
		p.events = POLLIN;
		(void)poll(&p, 1, 10);
	}
	while (!eof && logfd != -1) {
		p.fd = logfd;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, 0) <= 0)
			break;
		mon_relay_drain(logfd, &eof);
	}
	if (killed)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) >= MON_NET_EXIT_BASE &&
	    WEXITSTATUS(st) <= MON_NET_EXIT_BASE + CONN_END_GRACE) {
		mc->end = (enum conn_end)(WEXITSTATUS(st) - MON_NET_EXIT_BASE);
		return 0;
	}
	if (!WIFSIGNALED(st))
		return 0;
	/* The signals of a fault, an abort or a seccomp violation, as the
	 * listener tells a crash (daemon/server.c); others (a kill from
	 * outside) are no crash of ours. */
	switch (WTERMSIG(st)) {
	case SIGSEGV: case SIGBUS: case SIGTRAP: case SIGSYS: case SIGFPE:
	case SIGILL: case SIGABRT:
		mc->end = CONN_END_CRASH;
		break;
	default:
		debug("monitor: network process %ld for %s port %d killed by "
		    "signal %d", (long)pid, mc->pi.addr, mc->pi.port,
		    WTERMSIG(st));
		return 0;
	}
	if (WTERMSIG(st) == SIGSYS)
		error("monitor: network process %ld for %s port %d killed by "
		    "the sandbox (SIGSYS: a forbidden system call)",
		    (long)pid, mc->pi.addr, mc->pi.port);
	else
		error("monitor: network process %ld for %s port %d killed by "
		    "signal %d", (long)pid, mc->pi.addr, mc->pi.port,
		    WTERMSIG(st));
	return PC_ERR_SYSTEM;
}

static int
mon_preauth(struct mon_conn *mc)
{
	struct sandbox_params sp;
	struct sandbox sb;
	int req[2] = { -1, -1 }, lg[2] = { -1, -1 }, killed = 0, r, r2;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, req) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    lg) == -1) {
		error("monitor: socketpair: %s", strerror(errno));
		r = PC_ERR_SYSTEM;
		goto out;
	}
	memset(&sp, 0, sizeof(sp));
	/* conn_loop polls the socket, or stdin and stdout (inetd). */
	sp.max_poll_fds = 2;
	sp.log_fd = lg[1];
	/* A monitor killed (by a crash, by the administrator) takes its
	 * network process along: nothing else would answer it. */
	sp.parent_death_signal = SIGKILL;
	if ((r = sandbox_prepare(&sb, &sp)) != 0)
		goto out;
	if ((pid = fork()) == -1) {
		error("monitor: fork: %s", strerror(errno));
		r = PC_ERR_SYSTEM;
		goto out;
	}
	if (pid == 0) {
		close(req[0]);
		close(lg[0]);
		mon_network_main(mc, req[1], lg[1], &sb);
	}
	close(req[1]);
	close(lg[1]);
	req[1] = lg[1] = -1;
	r = mon_preauth_loop(mc, pid, req[0], lg[0], &killed);
	r2 = mon_reap_network(mc, pid, lg[0], killed);
	if (r == 0 && !mc->m.authenticated)
		r = r2;
	/* The network process's word, but not below what this process saw
	 * itself (it cannot hide failed attempts from the penalties). */
	if (mc->m.authenticated)
		mc->end = CONN_END_AUTHENTICATED;
	else if (mc->end == CONN_END_NOAUTH && mc->m.failures > 0)
		mc->end = CONN_END_AUTHFAIL;
 out:
	if (req[0] != -1)
		close(req[0]);
	if (req[1] != -1)
		close(req[1]);
	if (lg[0] != -1)
		close(lg[0]);
	if (lg[1] != -1)
		close(lg[1]);
	return r;
}

/* -------------------------------------------------- post-auth process */

/*
 * Become the user for good, as sshd's do_setusercontext: groups,
 * ChrootDirectory (while still root), then gid and uid, checked to be
 * irreversible.  A ChrootDirectory that cannot be entered is not fatal
 * here: *err says why and every session prints it, as sshd's child does;
 * the connection then forwards nothing.  Not root: only our own user.
 */
static int
mon_become_user(const struct auth_user *u, const struct server_config *cfg,
    char *err, size_t errlen, int *chrooted)
{
	struct servconf_tokens t;
	char uid[24], *dir = NULL;
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	int r = PC_ERR_SYSTEM;

	err[0] = '\0';
	*chrooted = 0;
	if (cfg != NULL && cfg->chroot_directory != NULL &&
	    strcasecmp(cfg->chroot_directory, "none") != 0) {
		memset(&t, 0, sizeof(t));
		snprintf(uid, sizeof(uid), "%u", (unsigned)u->uid);
		t.home = u->home;
		t.user = u->name;
		t.uid = uid;
		if (servconf_expand_tokens(cfg->chroot_directory, &t,
		    &dir) != 0) {
			error("ChrootDirectory %s: cannot expand tokens",
			    cfg->chroot_directory);
			return PC_ERR_CONFIG;
		}
	}
	if (geteuid() != 0) {
		if (getuid() != u->uid) {
			error("monitor: cannot serve %s (uid %u) as uid %u: "
			    "not root", u->name, (unsigned)u->uid,
			    (unsigned)getuid());
			r = PC_ERR_PERMISSION_DENIED;
			goto out;
		}
		if (dir != NULL)
			snprintf(err, errlen, "chroot(\"%s\"): %s", dir,
			    strerror(EPERM));
		r = 0;
		goto out;
	}
	if (initgroups(u->name, u->gid) == -1) {
		error("initgroups %s: %s", u->name, strerror(errno));
		goto out;
	}
	if (dir != NULL) {
		if (sessproc_chroot_check(dir, err, errlen) != 0) {
			/* err is sshd's reason; the sessions report it. */
		} else if (chdir(dir) == -1 || chroot(dir) == -1 ||
		    chdir("/") == -1) {
			snprintf(err, errlen, "chroot(\"%s\"): %s", dir,
			    strerror(errno));
		} else {
			verbose("Changed root directory to \"%s\"", dir);
			*chrooted = 1;
		}
	}
	if (setresgid(u->gid, u->gid, u->gid) == -1 ||
	    setresuid(u->uid, u->uid, u->uid) == -1) {
		error("cannot become uid %u gid %u: %s", (unsigned)u->uid,
		    (unsigned)u->gid, strerror(errno));
		goto out;
	}
	/* sshd's permanently_set_uid: no way back to root. */
	if (u->uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		error("was able to restore old [e]uid");
		r = PC_ERR_INTERNAL;
		goto out;
	}
	if (u->gid != 0 && u->uid != 0 &&
	    (setgid(0) != -1 || setegid(0) != -1)) {
		error("was able to restore old [e]gid");
		r = PC_ERR_INTERNAL;
		goto out;
	}
	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0 ||
	    ru != u->uid || eu != u->uid || su != u->uid ||
	    rg != u->gid || eg != u->gid || sg != u->gid) {
		error("failed to set uids to %u", (unsigned)u->uid);
		r = PC_ERR_INTERNAL;
		goto out;
	}
	r = 0;
 out:
	free(dir);
	return r;
}

static void __attribute__((noreturn))
mon_postauth_main(struct mon_conn *mc, int reqfd, char **pamenv)
{
	const struct server_config *cfg = mon_user_cfg(mc);
	struct pc_key *pub[HOSTKEYS_MAX];
	struct conn_settings cs = *mc->cs;
	struct tp_params tpp;
	struct conn_auth a;
	struct monwrap mw;
	struct mon *m = &mc->m;
	char software[256], chroot_err[512];
	int chrooted = 0, r;

	if (mon_public_hostkeys(mc->cs, pub) != 0)
		_exit(255);
	if (mon_become_user(m->u, cfg, chroot_err, sizeof(chroot_err),
	    &chrooted) != 0)
		_exit(255);
	/* The kernel made it so when the uid changed; also when not root:
	 * the user's other processes may not ptrace the one that holds the
	 * connection's keys and the monitor socket. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		error("monitor: PR_SET_DUMPABLE: %s", strerror(errno));
		_exit(255);
	}
	monwrap_init(&mw, reqfd, pub, mc->cs->nhostkeys);
	cs.hostkeys = pub;
	cs.backend = NULL;
	cs.sign = monwrap_sign;
	cs.sign_arg = &mw;
	conn_tp_params(&cs, &tpp, software, sizeof(software));
	memset(&a, 0, sizeof(a));
	r = tp_import(&tpp, wbuf_ptr(&m->state), wbuf_len(&m->state), &a.t);
	/* The keys are in the transport now; the copy goes. */
	wbuf_clear(&m->state);
	if (r != 0) {
		error("monitor: cannot import the transport for %s: %s",
		    m->u->name, pc_strerror(r));
		_exit(255);
	}
	mw.priv.pam_env = pamenv;
	mw.priv.chrooted = chrooted;
	mw.priv.chroot_error = chroot_err[0] != '\0' ? chroot_err : NULL;
	a.cfg = cfg;
	a.user = m->u;
	a.opts = m->opts;
	a.key_fp = m->key_desc;
	a.opts_where = m->opts_where;
	a.methods = m->methods;
	a.priv = &mw.priv;
	a.no_forwarding = chroot_err[0] != '\0';
	a.held = &m->held;
	a.nheld = m->nheld;
	r = conn_postauth(mc->rfd, mc->wfd, &cs, &mc->pi, &a);
	_exit(r == 0 ? 0 : 255);
}

static int
mon_postauth(struct mon_conn *mc)
{
	const struct server_config *cfg = mon_user_cfg(mc);
	struct session_conf sc;
	struct pamsession *pam = NULL;
	struct pollfd p;
	char **env = NULL;
	int req[2] = { -1, -1 }, r, st, killed = 0;
	pid_t pid;

	/* The listener stops counting the connection for MaxStartups and
	 * will not penalise its source. */
	if (mc->startup_fd != -1) {
		char b = CONN_STARTUP_AUTHENTICATED;

		while (write(mc->startup_fd, &b, 1) == -1 && errno == EINTR)
			;
		close(mc->startup_fd);
		mc->startup_fd = -1;
	}
	mc->m.phase = MON_POSTAUTH;
	sessenv_conf_init(&sc);
	sessenv_conf_from_config(cfg, &sc);
	/* The PAM session stays here, with root, for the connection. */
	if (sc.use_pam && (r = pamsession_open(sc.pam_service,
	    mc->m.u->name, mc->pi.addr, &pam)) != 0) {
		error("session setup for %s: %s", mc->m.u->name,
		    pc_strerror(r));
		goto out;
	}
	mc->m.pam = pam;
	if (pam != NULL)
		env = pamsession_env(pam);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, req) == -1) {
		error("monitor: socketpair: %s", strerror(errno));
		r = PC_ERR_SYSTEM;
		goto out;
	}
	if ((pid = fork()) == -1) {
		error("monitor: fork: %s", strerror(errno));
		r = PC_ERR_SYSTEM;
		goto out;
	}
	if (pid == 0) {
		close(req[0]);
		mon_postauth_main(mc, req[1], env);
	}
	close(req[1]);
	req[1] = -1;
	/* The connection is the user's process's now: the keys and what
	 * the client sent are not kept here. */
	wbuf_clear(&mc->m.state);
	wbuf_clear(&mc->m.held);
	close(mc->rfd);
	if (mc->wfd != mc->rfd)
		close(mc->wfd);
	mc->rfd = mc->wfd = -1;
	for (;;) {
		p.fd = req[0];
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			error("monitor: poll: %s", strerror(errno));
			(void)kill(pid, SIGKILL);
			killed = 1;
			break;
		}
		r = mon_serve_one(&mc->m, req[0], MON_FRAME_MS);
		if (r == PC_ERR_CONN_CLOSED)
			break;
		if (r != 0) {
			(void)kill(pid, SIGKILL);
			killed = 1;
			break;
		}
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (!killed && WIFSIGNALED(st))
		error("monitor: post-auth process %ld of %s killed by signal "
		    "%d", (long)pid, mc->m.u->name, WTERMSIG(st));
	r = 0;
 out:
	if (req[0] != -1)
		close(req[0]);
	if (req[1] != -1)
		close(req[1]);
	mon_postauth_end(&mc->m);
	pamsession_env_free(env);
	pamsession_close(pam);
	mc->m.pam = NULL;
	return r;
}

int
mon_serve(int rfd, int wfd, const struct conn_settings *cs, int startup_fd,
    enum conn_end *end)
{
	struct mon_params mp;
	struct mon_conn *mc;
	int r;

	if ((mc = calloc(1, sizeof(*mc))) == NULL)
		return PC_ERR_ALLOC;
	mc->rfd = rfd;
	mc->wfd = wfd;
	mc->startup_fd = startup_fd;
	mc->cs = cs;
	mc->end = CONN_END_NOAUTH;
	conn_peerinfo_init(rfd, &mc->pi);
	logit("Connection from %s port %d on %s port %d", mc->pi.addr,
	    mc->pi.port, mc->pi.laddr, mc->pi.lport);
	/* A child gone mid-answer: EPIPE, not the end of the monitor. */
	signal(SIGPIPE, SIG_IGN);
	if ((r = conn_socket_setup(rfd, wfd, cs)) != 0)
		goto out;
	conn_auth_peer(&mc->pi, &mc->peer);
	conn_tp_params(cs, &mc->tpp, mc->software, sizeof(mc->software));
	memset(&mp, 0, sizeof(mp));
	mp.backend = cs->backend;
	mp.ab = cs->authbackend;
	mp.hostkeys = cs->hostkeys;
	mp.nhostkeys = cs->nhostkeys;
	mp.peer = &mc->peer;
	mp.tpp = &mc->tpp;
	mp.initial = cs->auth;
	if ((r = mon_init(&mc->m, &mp)) != 0) {
		error("monitor: %s", pc_strerror(r));
		goto out;
	}
	r = mon_preauth(mc);
	if (r == 0 && mc->m.authenticated)
		r = mon_postauth(mc);
 out:
	if (mc->rfd != -1)
		close(mc->rfd);
	if (mc->wfd != -1 && mc->wfd != mc->rfd)
		close(mc->wfd);
	if (mc->startup_fd != -1)
		close(mc->startup_fd);
	if (end != NULL)
		*end = mc->end;
	mon_clear(&mc->m);
	free(mc);
	return r;
}
