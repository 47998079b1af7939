/* Sessions: the chan_backend for "session" channels (see session.h). */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "fwdx.h"
#include "log.h"
#include "loginrec.h"
#include "pamsession.h"
#include "session.h"
#include "sessenv.h"
#include "sessproc.h"
#include "sesspty.h"

#define SESSION_MAX		(SESSION_MAX_POLLFDS / 3)
#define SESSION_READ_MAX	(64 * 1024)
#define SESSION_LOGIN_MSG	4096
#define SESSION_REAP_MS		1000	/* wait for HUP'd children */
#define SESSION_X11_FIELD	1025	/* fwdx's longest proto or cookie */
#define SESSION_DISPLAY_MAX	512
#define SESSION_XAUTH_DEFAULT	"/usr/bin/xauth"	/* XAuthLocation */

enum sess_role { ROLE_IN, ROLE_OUT, ROLE_ERR, ROLE_PTY };

struct sess {
	uint32_t id;
	int attached;		/* the channel exists */
	char *term;
	struct sesspty pty;
	int have_pty;
	struct sessenv accepted;	/* env requests */
	pid_t pid;		/* 0: not started */
	int exited;
	int status;		/* from waitpid */
	int fd_in, fd_out, fd_err;	/* -1: closed; pty: master */
	int out_eof, err_eof;
	int peer_eof;
	int done;		/* exit message, EOF and CLOSE sent */
	int restricted;		/* forced command or subsystem: no signals */
	int logged_in;		/* utmp record written */
	int pty_done;		/* the monitor was told (privsep) */
	/* auth-agent-req@openssh.com: SSH_AUTH_SOCK, "" for none. */
	char auth_sock[FWDX_PATH_MAX];
	/* x11-req (RFC 4254 s. 6.3.1), once per session: DISPLAY, the
	 * client's (fake) protocol and cookie for xauth or the rc file, and
	 * the xauth input, which holds the cookie too (wiped). */
	int x11;
	char display[SESSION_DISPLAY_MAX];
	char x11_proto[SESSION_X11_FIELD];
	char x11_cookie[SESSION_X11_FIELD];
	char *xauth_input;
};

struct sessions {
	struct session_params p;
	struct session_conf sc;
	struct chan_backend be;
	struct chan_conn *cc;
	struct pamsession *pam;
	const struct session_fwd *fwd;	/* agent and X11; or NULL */
	struct sess *s[SESSION_MAX];
	char *accept_env;		/* AcceptEnv patterns, joined */
	char *chroot;			/* ChrootDirectory, expanded */
	/* What each pollfd of the last sessions_pollfds() stands for. */
	struct {
		struct sess *se;
		int role;
	} map[SESSION_MAX_POLLFDS];
	size_t nmap;
};

static const struct {
	const char *name;
	int sig;
} sig_table[] = {
	{ "ABRT", SIGABRT }, { "ALRM", SIGALRM }, { "FPE", SIGFPE },
	{ "HUP", SIGHUP }, { "ILL", SIGILL }, { "INT", SIGINT },
	{ "KILL", SIGKILL }, { "PIPE", SIGPIPE }, { "QUIT", SIGQUIT },
	{ "SEGV", SIGSEGV }, { "TERM", SIGTERM }, { "USR1", SIGUSR1 },
	{ "USR2", SIGUSR2 },
};

static int
sig_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(sig_table) / sizeof(sig_table[0]); i++) {
		if (strcmp(sig_table[i].name, name) == 0) {
			return sig_table[i].sig;
		}
	}
	return -1;
}

/* RFC 4254 s. 6.10: the name without "SIG"; others as OpenSSH. */
static const char *
sig_to_name(int sig)
{
	size_t i;

	for (i = 0; i < sizeof(sig_table) / sizeof(sig_table[0]); i++) {
		if (sig_table[i].sig == sig) {
			return sig_table[i].name;
		}
	}
	return "SIG@openssh.com";
}

static struct sess *
find(struct sessions *s, uint32_t id)
{
	size_t i;

	for (i = 0; i < SESSION_MAX; i++) {
		if (s->s[i] != NULL && s->s[i]->attached &&
		    s->s[i]->id == id) {
			return s->s[i];
		}
	}
	return NULL;
}

static void
close_fd(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

static void
sess_close_fds(struct sess *se)
{
	if (se->have_pty) {
		/* One descriptor, the master, behind all three. */
		se->fd_in = se->fd_out = se->fd_err = -1;
		sesspty_close(&se->pty);
	} else {
		close_fd(&se->fd_in);
		close_fd(&se->fd_out);
		close_fd(&se->fd_err);
	}
}

/* The pty is no longer the session's: with privilege separation the
 * monitor writes the logout record and takes the tty back. */
static void
sess_pty_release(struct sessions *s, struct sess *se)
{
	const struct session_priv *pv = s->p.priv;

	if (pv == NULL) {
		sesspty_release(se->pty.name);
		return;
	}
	if (!se->pty_done && se->pty.name[0] != '\0') {
		se->pty_done = 1;
		pv->pty_done(pv->arg, se->logged_in ? se->pid : 0,
		    se->pty.name);
	}
	se->logged_in = 0;
}

static void
sess_logout(struct sessions *s, struct sess *se)
{
	struct loginrec li;

	if (s->p.priv != NULL) {
		if (se->have_pty) {
			sess_pty_release(s, se);
		}
		return;
	}
	if (!se->logged_in) {
		return;
	}
	memset(&li, 0, sizeof(li));
	li.pid = se->pid;
	li.user = s->p.user->name;
	li.uid = s->p.user->uid;
	li.tty = se->pty.name;
	li.host = s->p.peer->addr;
	loginrec_logout(&li);
	sesspty_release(se->pty.name);
	se->logged_in = 0;
}

/* Free a string that held a secret (an X11 cookie). */
static void
wipe_free(char *p)
{
	if (p != NULL) {
		explicit_bzero(p, strlen(p));
		free(p);
	}
}

static void
sess_free(struct sessions *s, size_t i)
{
	struct sess *se = s->s[i];

	sess_logout(s, se);
	sess_close_fds(se);
	sessenv_clear(&se->accepted);
	free(se->term);
	wipe_free(se->xauth_input);
	explicit_bzero(se->x11_cookie, sizeof(se->x11_cookie));
	free(se);
	s->s[i] = NULL;
}

static unsigned
attached_count(const struct sessions *s)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < SESSION_MAX; i++) {
		if (s->s[i] != NULL && s->s[i]->attached) {
			n++;
		}
	}
	return n;
}

static uint32_t
be_session_open(void *arg, uint32_t id, char **why)
{
	struct sessions *s = arg;
	struct sess *se;
	size_t i;

	*why = NULL;
	if (attached_count(s) >= s->sc.max_sessions) {
		/* sshd: "no more sessions" */
		*why = strdup("no more sessions");
		return SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED;
	}
	for (i = 0; i < SESSION_MAX && s->s[i] != NULL; i++) {
		;
	}
	if (i == SESSION_MAX || (se = calloc(1, sizeof(*se))) == NULL) {
		*why = strdup("no more sessions");
		return SSH2_OPEN_RESOURCE_SHORTAGE;
	}
	se->id = id;
	se->attached = 1;
	se->pty.master = se->pty.slave = -1;
	se->fd_in = se->fd_out = se->fd_err = -1;
	sessenv_init(&se->accepted);
	s->s[i] = se;
	debug("session opened on channel %u", id);
	return 0;
}

static const char *
xauth_location(const struct sessions *s)
{
	if (s->p.cfg != NULL && s->p.cfg->xauth_location != NULL) {
		return s->p.cfg->xauth_location;
	}
	return SESSION_XAUTH_DEFAULT;
}

static int
x11_use_localhost(const struct sessions *s)
{
	/* X11UseLocalhost defaults to yes (also before fill_defaults). */
	return s->p.cfg == NULL || s->p.cfg->x11_use_localhost != 0;
}

static int
req_pty(struct sessions *s, struct sess *se, const struct chan_req *req)
{
	int r;

	if (se->have_pty || se->pid != 0) {
		return PC_ERR_PROTOCOL;
	}
	if (!s->sc.permit_tty ||
	    (s->p.opts != NULL && !s->p.opts->permit_pty)) {
		logit("Pty allocation disabled.");
		return PC_ERR_AUTH_FAILED;
	}
	if (s->p.priv != NULL) {
		/* Opened by the monitor, the slave already the user's. */
		se->pty_done = 0;
		if ((r = s->p.priv->pty_open(s->p.priv->arg,
		    &se->pty)) != 0) {
			return r;
		}
	} else if ((r = sesspty_open(&se->pty)) != 0) {
		return r;
	} else if ((r = sesspty_setowner(&se->pty, s->p.user->uid,
	    s->p.user->gid)) != 0) {
		error("pty-req on channel %u: %s", se->id, pc_strerror(r));
		sess_pty_release(s, se);
		sesspty_close(&se->pty);
		return r;
	}
	if ((r = sesspty_set_winsize(se->pty.master, req->cols, req->rows,
	    req->width_px, req->height_px)) != 0 ||
	    (r = sesspty_modes_apply(se->pty.slave, req->modes,
	    req->modeslen)) != 0) {
		error("pty-req on channel %u: %s", se->id, pc_strerror(r));
		sess_pty_release(s, se);
		sesspty_close(&se->pty);
		return r;
	}
	if ((se->term = strdup(req->term != NULL ? req->term : "")) == NULL) {
		sess_pty_release(s, se);
		sesspty_close(&se->pty);
		return PC_ERR_ALLOC;
	}
	se->have_pty = 1;
	debug("session %u: pty %s", se->id, se->pty.name);
	return 0;
}

static int
req_env(struct sess *se, const struct sessions *s, const struct chan_req *req)
{
	if (se->pid != 0 || req->name == NULL || req->value == NULL) {
		return PC_ERR_PROTOCOL;
	}
	if (!sessenv_accept(s->sc.accept_env, req->name)) {
		debug("Ignoring env request %s: disallowed name", req->name);
		return PC_ERR_AUTH_FAILED;
	}
	if (se->accepted.n >= SESSENV_MAX_ACCEPTED) {
		debug("Ignoring env request %s: too many env vars",
		    req->name);
		return PC_ERR_RANGE;
	}
	return sessenv_set(&se->accepted, req->name, req->value);
}

/* utmp, wtmp and lastlog for a pty session (after the "Last login"
 * message was read, as sshd does). */
static void
login_records(struct sessions *s, struct sess *se)
{
	struct loginrec li;

	if (s->p.priv != NULL) {
		se->logged_in = s->p.priv->login(s->p.priv->arg, se->pid,
		    se->pty.name) == 0;
		return;
	}
	memset(&li, 0, sizeof(li));
	li.pid = se->pid;
	li.user = s->p.user->name;
	li.uid = s->p.user->uid;
	li.tty = se->pty.name;
	li.host = s->p.peer->addr;
	loginrec_login(&li);
	loginrec_lastlog_write(NULL, &li);
	se->logged_in = 1;
}

/* "/dev/pts/0" -> "pts/0" for the logs. */
static const char *
tty_line(const char *name)
{
	return strncmp(name, "/dev/", 5) == 0 ? name + 5 : name;
}

static int
start(struct sessions *s, struct sess *se, const char *type,
    const char *requested, int is_subsystem)
{
	const char *command, *original, *forced;
	struct sessproc_params pp;
	struct sessproc_fds fds;
	struct sessenv_info info;
	struct sessenv env;
	char msg[SESSION_LOGIN_MSG], what[160];
	char **pamenv = NULL;
	int interactive, r;

	sessenv_command(&s->sc, s->p.opts, requested, &command, &original,
	    &forced);
	if (command != NULL && strcmp(command, "internal-sftp") == 0) {
		logit("internal-sftp is not supported; refusing %s for %s",
		    type, s->p.user->name);
		return PC_ERR_NOT_FOUND;
	}
	memset(&info, 0, sizeof(info));
	info.user = s->p.user->name;
	info.uid = s->p.user->uid;
	info.home = s->p.user->home;
	info.shell = sessenv_shell(s->p.user->shell);
	info.peer_addr = s->p.peer->addr;
	info.peer_port = s->p.peer->port;
	info.local_addr = s->p.peer->laddr;
	info.local_port = s->p.peer->lport;
	info.tty = se->have_pty ? se->pty.name : NULL;
	info.term = se->have_pty ? se->term : NULL;
	info.original_command = original;
	info.tz = getenv("TZ");
	info.accepted = &se->accepted;
	info.auth_sock = se->auth_sock[0] != '\0' ? se->auth_sock : NULL;
	info.display = se->x11 ? se->display : NULL;
	if (s->pam != NULL) {
		pamenv = pamsession_env(s->pam);
	}
	info.pam_env = s->p.priv != NULL ? s->p.priv->pam_env : pamenv;
	if (s->p.opts != NULL) {
		info.key_env = s->p.opts->env;
		info.nkey_env = s->p.opts->nenv;
	}
	r = sessenv_build(&s->sc, &info, &env);
	pamsession_env_free(pamenv);
	if (r != 0) {
		return r;
	}
	/* sshd's wording: "shell on pts/0", "forced-command (config)". */
	if (forced != NULL) {
		snprintf(what, sizeof(what), "forced-command (%s)", forced);
	} else if (is_subsystem) {
		snprintf(what, sizeof(what), "subsystem '%.100s'", type);
	} else {
		snprintf(what, sizeof(what), "%s", type);
	}
	verbose("Starting session: %s%s%s for %s from %s port %d id %u",
	    what, se->have_pty ? " on " : "",
	    se->have_pty ? tty_line(se->pty.name) : "", s->p.user->name,
	    s->p.peer->addr, s->p.peer->port, se->id);
	interactive = command == NULL && se->have_pty;
	msg[0] = '\0';
	memset(&pp, 0, sizeof(pp));
	pp.sc = &s->sc;
	pp.user = s->p.user;
	pp.opts = s->p.opts;
	pp.shell = info.shell;
	pp.command = command;
	pp.is_subsystem = is_subsystem;
	pp.slave = se->have_pty ? se->pty.slave : -1;
	pp.env = env.v;
	pp.login_msg = msg;
	pp.print_motd = interactive && s->sc.print_motd;
	if (s->p.priv != NULL) {
		pp.fail_msg = s->p.priv->chroot_error;
	}
	if (se->x11) {
		pp.x11_proto = se->x11_proto;
		pp.x11_cookie = se->x11_cookie;
		pp.xauth_location = xauth_location(s);
		pp.xauth_input = se->xauth_input;
	}
	if (interactive && s->p.priv != NULL) {
		if (s->p.priv->login_message(s->p.priv->arg, msg,
		    sizeof(msg)) != 0) {
			msg[0] = '\0';
		}
	} else if (interactive) {
		/* Read before the record below updates it. */
		if (s->sc.print_lastlog) {
			loginrec_lastlog_message(NULL, s->p.user->uid, msg,
			    sizeof(msg));
		}
		if (s->pam != NULL) {
			size_t used = strlen(msg);

			snprintf(msg + used, sizeof(msg) - used, "%s",
			    pamsession_messages(s->pam));
			pamsession_messages_taken(s->pam);
		}
	}
	r = sessproc_spawn(&pp, &se->pid, &fds);
	sessenv_clear(&env);
	if (r != 0) {
		se->pid = 0;
		return r;
	}
	se->restricted = forced != NULL || is_subsystem;
	if (se->have_pty) {
		sesspty_close_slave(&se->pty);
		se->fd_in = se->fd_out = se->pty.master;
		se->err_eof = 1;
		login_records(s, se);
	} else {
		se->fd_in = fds.in;
		se->fd_out = fds.out;
		se->fd_err = fds.err;
	}
	return 0;
}

static int
req_start(struct sessions *s, struct sess *se, const struct chan_req *req)
{
	const char *cmd;

	if (se->pid != 0) {
		return PC_ERR_PROTOCOL;
	}
	if (strcmp(req->type, "shell") == 0) {
		return start(s, se, "shell", NULL, 0);
	}
	if (strcmp(req->type, "exec") == 0) {
		if (req->command == NULL) {
			return PC_ERR_PROTOCOL;
		}
		return start(s, se, "command", req->command, 0);
	}
	/* subsystem */
	if (req->command == NULL) {
		return PC_ERR_PROTOCOL;
	}
	if ((cmd = sessenv_subsystem(&s->sc, req->command)) == NULL) {
		logit("subsystem request for %.100s by user %s failed, "
		    "subsystem not found", req->command, s->p.user->name);
		return PC_ERR_NOT_FOUND;
	}
	if (strcmp(cmd, "internal-sftp") == 0) {
		logit("subsystem request for %.100s by user %s failed, "
		    "internal-sftp is not supported", req->command,
		    s->p.user->name);
		return PC_ERR_NOT_FOUND;
	}
	debug("subsystem: exec() %s", cmd);
	return start(s, se, req->command, cmd, 1);
}

static int
req_signal(struct sessions *s, struct sess *se, const struct chan_req *req)
{
	int sig, r = 0;

	if (se->pid <= 0 || se->exited || req->signal == NULL) {
		return PC_ERR_PROTOCOL;
	}
	if ((sig = sig_from_name(req->signal)) == -1) {
		debug("session %u: unsupported signal \"%s\"", se->id,
		    req->signal);
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (se->restricted) {
		/* sshd refuses signals to forced commands and subsystems. */
		error("refusing to send signal %s to restricted session",
		    req->signal);
		return PC_ERR_AUTH_FAILED;
	}
	/* With the user's uid, as sshd: the user may not signal a setuid
	 * program they started. */
	if (geteuid() == 0 && seteuid(s->p.user->uid) == -1) {
		return PC_ERR_SYSTEM;
	}
	if (killpg(se->pid, sig) == -1) {
		error("session signal kill(%d, %s): %s", (int)se->pid,
		    req->signal, strerror(errno));
		r = PC_ERR_SYSTEM;
	}
	if (getuid() == 0 && seteuid(0) == -1) {
		error("seteuid(0): %s", strerror(errno));
		abort();	/* a corrupted invariant: root lost */
	}
	return r;
}

/*
 * auth-agent-req@openssh.com (draft-ietf-sshm-ssh-agent s. 5.1): the
 * connection's forwarding decides, logs and makes the socket; the
 * session's process gets SSH_AUTH_SOCK.  Before the process starts:
 * afterwards its environment cannot change.
 */
static int
req_agent(struct sessions *s, struct sess *se)
{
	const char *path = NULL;
	size_t len;
	int r;

	if (se->pid != 0) {
		return PC_ERR_PROTOCOL;
	}
	if (s->fwd == NULL || s->fwd->agent == NULL) {
		debug("session %u: agent forwarding not available", se->id);
		return PC_ERR_PERMISSION_DENIED;
	}
	if ((r = s->fwd->agent(s->fwd->arg, &path)) != 0) {
		return r;
	}
	if (path == NULL || (len = strlen(path)) == 0 ||
	    len >= sizeof(se->auth_sock)) {
		return PC_ERR_INTERNAL;
	}
	memcpy(se->auth_sock, path, len + 1);
	return 0;
}

/* The checks that are the session's own (sshd's session_x11_req): once
 * per session, and proto and cookie safe for xauth's input. */
static int
x11_check(struct sess *se, const struct chan_req *req)
{
	char *probe = NULL;
	int r;

	if (se->pid != 0) {
		return PC_ERR_PROTOCOL;
	}
	if (se->x11) {
		error("session %u: x11 forwarding already active", se->id);
		return PC_ERR_PROTOCOL;
	}
	if (req->x11_auth_proto == NULL || req->x11_auth_cookie == NULL ||
	    strlen(req->x11_auth_proto) >= SESSION_X11_FIELD ||
	    strlen(req->x11_auth_cookie) >= SESSION_X11_FIELD) {
		error("Invalid X11 forwarding data");
		return PC_ERR_INVALID_FORMAT;
	}
	/* The same character check the xauth input gets later. */
	r = fwdx_xauth_input("unix:0.0", 1, req->x11_auth_proto,
	    req->x11_auth_cookie, &probe);
	wipe_free(probe);
	if (r != 0) {
		error("Invalid X11 forwarding data");
		return r;
	}
	return 0;
}

/*
 * x11-req (RFC 4254 s. 6.3.1): after our own checks, the connection's
 * forwarding decides, logs and listens on a display; then, as sshd, the
 * xauth program must exist (else the listener is released and the
 * client told).  The process gets DISPLAY=display.SCREEN and its xauth
 * (or rc) entry when it starts.
 */
static int
req_x11(struct sessions *s, struct sess *se, const struct chan_req *req)
{
	const char *display = NULL, *xauth;
	struct stat st;
	int r, n, number = -1;

	if ((r = x11_check(se, req)) != 0) {
		return r;
	}
	if (s->fwd == NULL || s->fwd->x11 == NULL) {
		debug("session %u: X11 forwarding not available", se->id);
		return PC_ERR_PERMISSION_DENIED;
	}
	if ((r = s->fwd->x11(s->fwd->arg, se->id, req->single_connection,
	    &display, &number)) != 0) {
		return r;
	}
	xauth = xauth_location(s);
	if (stat(xauth, &st) == -1) {
		/* sshd's words, logged and sent to the client. */
		logit("No xauth program; cannot forward X11. (%s: %s)",
		    xauth, strerror(errno));
		if (s->cc != NULL && chan_send_debug(s->cc,
		    "No xauth program; cannot forward X11.") != 0) {
			debug("cannot send a debug message to the client");
		}
		r = PC_ERR_NOT_FOUND;
		goto fail;
	}
	n = display == NULL ? -1 : snprintf(se->display,
	    sizeof(se->display), "%s.%u", display, (unsigned)req->x11_screen);
	if (n < 0 || (size_t)n >= sizeof(se->display)) {
		r = PC_ERR_INTERNAL;
		goto fail;
	}
	if ((r = fwdx_xauth_input(se->display, x11_use_localhost(s),
	    req->x11_auth_proto, req->x11_auth_cookie,
	    &se->xauth_input)) != 0) {
		goto fail;
	}
	/* Lengths checked in x11_check. */
	snprintf(se->x11_proto, sizeof(se->x11_proto), "%s",
	    req->x11_auth_proto);
	snprintf(se->x11_cookie, sizeof(se->x11_cookie), "%s",
	    req->x11_auth_cookie);
	se->x11 = 1;
	debug("session %u: X11 display %s", se->id, se->display);
	return 0;
 fail:
	/* Release the display listener made for this session. */
	se->display[0] = '\0';
	if (s->fwd->session_closed != NULL) {
		s->fwd->session_closed(s->fwd->arg, se->id);
	}
	return r;
}

static int
be_session_request(void *arg, uint32_t id, const struct chan_req *req)
{
	struct sessions *s = arg;
	struct sess *se = find(s, id);

	if (se == NULL) {
		return PC_ERR_INTERNAL;
	}
	if (strcmp(req->type, "pty-req") == 0) {
		return req_pty(s, se, req);
	}
	if (strcmp(req->type, "env") == 0) {
		return req_env(se, s, req);
	}
	if (strcmp(req->type, "shell") == 0 ||
	    strcmp(req->type, "exec") == 0 ||
	    strcmp(req->type, "subsystem") == 0) {
		return req_start(s, se, req);
	}
	if (strcmp(req->type, "window-change") == 0) {
		if (!se->have_pty || se->pty.master == -1) {
			return PC_ERR_PROTOCOL;
		}
		return sesspty_set_winsize(se->pty.master, req->cols,
		    req->rows, req->width_px, req->height_px);
	}
	if (strcmp(req->type, "signal") == 0) {
		return req_signal(s, se, req);
	}
	if (strcmp(req->type, "auth-agent-req@openssh.com") == 0) {
		return req_agent(s, se);
	}
	if (strcmp(req->type, "x11-req") == 0) {
		return req_x11(s, se, req);
	}
	if (strcmp(req->type, "break") == 0) {
		if (!se->have_pty || se->pty.master == -1 ||
		    tcsendbreak(se->pty.master, 0) == -1) {
			return PC_ERR_SYSTEM;
		}
		return 0;
	}
	debug("session %u: unsupported request %s", id, req->type);
	return PC_ERR_NOT_FOUND;
}

/* The peer's data, offered before it is buffered (chan.h data_in):
 * written to the process's standard input if the pipe takes it now. */
static size_t
be_data_in(void *arg, uint32_t id, const uint8_t *p, size_t len)
{
	struct sessions *s = arg;
	struct sess *se = find(s, id);
	ssize_t n;

	if (se == NULL || se->fd_in == -1 || se->pid <= 0) {
		return 0;
	}
	n = write(se->fd_in, p, len);
	/* Errors are left to pump_in, which sees them on the next try. */
	return n > 0 ? (size_t)n : 0;
}

static void
be_peer_eof(void *arg, uint32_t id)
{
	struct sessions *s = arg;
	struct sess *se = find(s, id);

	if (se == NULL) {
		return;
	}
	se->peer_eof = 1;
	/* A pipe's reader sees EOF; a pty is left alone, as sshd does. */
	if (!se->have_pty) {
		close_fd(&se->fd_in);
	}
}

static void
be_closed(void *arg, uint32_t id)
{
	struct sessions *s = arg;
	struct sess *se = find(s, id);
	size_t i;

	if (se == NULL) {
		return;
	}
	for (i = 0; i < SESSION_MAX && s->s[i] != se; i++) {
		;
	}
	/* Its X11 listener (and what else forwarding keeps for it) ends
	 * with the channel, as sshd's session_close_x11. */
	if (s->fwd != NULL && s->fwd->session_closed != NULL) {
		s->fwd->session_closed(s->fwd->arg, id);
	}
	se->attached = 0;
	if (se->pid > 0 && !se->exited) {
		/* Keep it for reaping; closing the pty hangs it up. */
		sess_close_fds(se);
		return;
	}
	sess_free(s, i);
}

/* The settings that need storage: AcceptEnv as one comma-separated
 * pattern list, and ChrootDirectory with %h %u %U expanded. */
static int
config_strings(struct sessions *s)
{
	const struct server_config *cfg = s->p.cfg;
	struct servconf_tokens t;
	char uid[24];
	size_t i, len = 0;

	if (cfg == NULL)
		return 0;
	for (i = 0; i < cfg->accept_env.n; i++)
		len += strlen(cfg->accept_env.v[i]) + 1;
	if (len > 0) {
		if ((s->accept_env = calloc(1, len)) == NULL)
			return PC_ERR_ALLOC;
		for (i = 0; i < cfg->accept_env.n; i++) {
			if (i > 0)
				strcat(s->accept_env, ",");
			strcat(s->accept_env, cfg->accept_env.v[i]);
		}
		s->sc.accept_env = s->accept_env;
	}
	/* With privilege separation the process entered ChrootDirectory
	 * before it became the user (or says why it could not). */
	if (cfg->chroot_directory != NULL && s->p.priv == NULL) {
		memset(&t, 0, sizeof(t));
		snprintf(uid, sizeof(uid), "%u", (unsigned)s->p.user->uid);
		t.home = s->p.user->home;
		t.user = s->p.user->name;
		t.uid = uid;
		if (servconf_expand_tokens(cfg->chroot_directory, &t,
		    &s->chroot) != 0) {
			error("ChrootDirectory %s: cannot expand tokens",
			    cfg->chroot_directory);
			return PC_ERR_CONFIG;
		}
		s->sc.chroot_directory = s->chroot;
	}
	return 0;
}

int
sessions_new(const struct session_params *p, struct sessions **sp)
{
	struct sessions *s;
	int r;

	*sp = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		return PC_ERR_ALLOC;
	}
	s->p = *p;
	sessenv_conf_from_config(p->cfg, &s->sc);
	if ((r = config_strings(s)) != 0) {
		free(s->accept_env);
		free(s->chroot);
		free(s);
		return r;
	}
	if (s->sc.max_sessions > SESSION_MAX) {
		s->sc.max_sessions = SESSION_MAX;
	}
	s->be.arg = s;
	s->be.session_open = be_session_open;
	s->be.session_request = be_session_request;
	s->be.peer_eof = be_peer_eof;
	s->be.closed = be_closed;
	s->be.data_in = be_data_in;
	if (s->sc.use_pam && p->priv == NULL &&
	    (r = pamsession_open(s->sc.pam_service, p->user->name,
	    p->peer->addr, &s->pam)) != 0) {
		free(s->accept_env);
		free(s->chroot);
		free(s);
		return r;
	}
	*sp = s;
	return 0;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
reap(struct sessions *s)
{
	pid_t pid;
	size_t i;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < SESSION_MAX; i++) {
			struct sess *se = s->s[i];

			if (se == NULL || se->pid != pid || se->exited) {
				continue;
			}
			se->exited = 1;
			se->status = st;
			debug("session %u: child %d exited", se->id,
			    (int)pid);
			sess_logout(s, se);
			if (!se->attached) {
				sess_free(s, i);
			}
			break;
		}
	}
}

void
sessions_free(struct sessions *s)
{
	uint64_t end;
	size_t i;
	int left;

	if (s == NULL) {
		return;
	}
	for (i = 0; i < SESSION_MAX; i++) {
		if (s->s[i] != NULL && s->s[i]->pid > 0 && !s->s[i]->exited) {
			sess_close_fds(s->s[i]);
			(void)killpg(s->s[i]->pid, SIGHUP);
		}
	}
	end = now_ms() + SESSION_REAP_MS;
	do {
		reap(s);
		left = 0;
		for (i = 0; i < SESSION_MAX; i++) {
			if (s->s[i] != NULL && s->s[i]->pid > 0 &&
			    !s->s[i]->exited) {
				left = 1;
			}
		}
		if (left) {
			usleep(10000);
		}
	} while (left && now_ms() < end);
	for (i = 0; i < SESSION_MAX; i++) {
		if (s->s[i] != NULL) {
			sess_free(s, i);
		}
	}
	pamsession_close(s->pam);
	free(s->accept_env);
	free(s->chroot);
	free(s);
}

const struct chan_backend *
sessions_backend(struct sessions *s)
{
	return &s->be;
}

void
sessions_set_fwd(struct sessions *s, const struct session_fwd *f)
{
	s->fwd = f;
}

void
sessions_set_chan(struct sessions *s, struct chan_conn *cc)
{
	s->cc = cc;
	if (cc != NULL) {
		chan_set_limits(cc, s->sc.max_sessions);
	}
}

static int
add_pfd(struct sessions *s, struct pollfd *pfd, size_t max, size_t *n,
    struct sess *se, int role, int fd, short events)
{
	if (events == 0 || fd == -1) {
		return 0;
	}
	if (*n >= max || *n >= SESSION_MAX_POLLFDS) {
		return PC_ERR_RANGE;
	}
	pfd[*n].fd = fd;
	pfd[*n].events = events;
	pfd[*n].revents = 0;
	s->map[*n].se = se;
	s->map[*n].role = role;
	(*n)++;
	return 0;
}

size_t
sessions_pollfds(struct sessions *s, struct pollfd *pfd, size_t max)
{
	size_t i, n = 0, pending;
	struct sess *se;
	int space, in;
	short ev;

	for (i = 0; i < SESSION_MAX; i++) {
		if ((se = s->s[i]) == NULL || !se->attached || se->pid == 0 ||
		    s->cc == NULL) {
			continue;
		}
		space = chan_send_space(s->cc, se->id) > 0;
		(void)chan_recv_ptr(s->cc, se->id, &pending);
		in = pending > 0 && se->fd_in != -1;
		if (se->have_pty) {
			ev = (space && !se->out_eof ? POLLIN : 0) |
			    (in ? POLLOUT : 0);
			if (add_pfd(s, pfd, max, &n, se, ROLE_PTY,
			    se->pty.master, ev) != 0) {
				break;
			}
			continue;
		}
		if (add_pfd(s, pfd, max, &n, se, ROLE_OUT, se->fd_out,
		    space ? POLLIN : 0) != 0 ||
		    add_pfd(s, pfd, max, &n, se, ROLE_ERR, se->fd_err,
		    space ? POLLIN : 0) != 0 ||
		    add_pfd(s, pfd, max, &n, se, ROLE_IN, se->fd_in,
		    in ? POLLOUT : 0) != 0) {
			break;
		}
	}
	s->nmap = n;
	return n;
}

/* Output of the process to the channel; at most what the window takes. */
static int
pump_out(struct sessions *s, struct sess *se, int role)
{
	static uint8_t buf[SESSION_READ_MAX];
	int ext = role == ROLE_ERR ? SSH2_EXTENDED_DATA_STDERR : 0;
	int *fd = role == ROLE_ERR ? &se->fd_err : &se->fd_out;
	size_t space = chan_send_space(s->cc, se->id), taken;
	ssize_t n;

	if (space == 0 || *fd == -1) {
		return 0;
	}
	n = read(*fd, buf, space < sizeof(buf) ? space : sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
		return 0;
	}
	if (n <= 0) {
		/* EOF, or EIO from a pty whose slave is closed. */
		if (role == ROLE_ERR) {
			se->err_eof = 1;
			close_fd(&se->fd_err);
		} else if (se->have_pty) {
			se->out_eof = 1;
		} else {
			se->out_eof = 1;
			close_fd(&se->fd_out);
		}
		return 0;
	}
	taken = chan_send_data(s->cc, se->id, ext, buf, (size_t)n);
	if (taken != (size_t)n) {
		return PC_ERR_INTERNAL;	/* we read only what fits */
	}
	return 0;
}

/* The peer's data to the process's standard input. */
static int
pump_in(struct sessions *s, struct sess *se)
{
	const uint8_t *p;
	size_t len;
	ssize_t n;

	p = chan_recv_ptr(s->cc, se->id, &len);
	if (len == 0 || se->fd_in == -1) {
		return 0;
	}
	n = write(se->fd_in, p, len);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN) {
			return 0;
		}
		/* The reader is gone: what comes later is discarded. */
		debug("session %u: stdin: %s", se->id, strerror(errno));
		if (!se->have_pty) {
			close_fd(&se->fd_in);
		} else {
			se->fd_in = -1;
		}
		return chan_recv_consume(s->cc, se->id, len);
	}
	return chan_recv_consume(s->cc, se->id, (size_t)n);
}

/* Whether se is still one of ours, without reading it: consuming the
 * channel's input may end the channel and free the session (chan.h). */
static int
sess_alive(const struct sessions *s, const struct sess *se)
{
	size_t i;

	for (i = 0; i < SESSION_MAX; i++) {
		if (s->s[i] == se) {
			return se != NULL && se->attached;
		}
	}
	return 0;
}

int
sessions_handle(struct sessions *s, const struct pollfd *pfd, size_t n)
{
	struct sess *se;
	size_t i;
	int r;

	if (n > s->nmap) {
		return PC_ERR_INTERNAL;
	}
	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0) {
			continue;
		}
		/* A session may have ended during this loop. */
		se = s->map[i].se;
		if (!sess_alive(s, se)) {
			continue;
		}
		switch (s->map[i].role) {
		case ROLE_IN:
			r = se->fd_in == pfd[i].fd ? pump_in(s, se) : 0;
			break;
		case ROLE_OUT:
		case ROLE_ERR:
			r = pump_out(s, se, s->map[i].role);
			break;
		default:
			r = 0;
			if ((pfd[i].revents & POLLOUT) != 0) {
				r = pump_in(s, se);
			}
			if (r == 0 && sess_alive(s, se) && (pfd[i].revents &
			    (POLLIN | POLLHUP | POLLERR)) != 0) {
				r = pump_out(s, se, ROLE_OUT);
			}
			break;
		}
		if (r != 0) {
			return r;
		}
	}
	s->nmap = 0;
	return sessions_flush(s);
}

int
sessions_sigchld(struct sessions *s)
{
	reap(s);
	return sessions_flush(s);
}

/* RFC 4254 s. 6.10: exit-status or exit-signal, then EOF and CLOSE. */
static int
finish(struct sessions *s, struct sess *se)
{
	int r, st = se->status;

	if (WIFSIGNALED(st)) {
		r = chan_send_exit_signal(s->cc, se->id,
		    sig_to_name(WTERMSIG(st)), WCOREDUMP(st) != 0, "");
	} else {
		r = chan_send_exit_status(s->cc, se->id,
		    (uint32_t)WEXITSTATUS(st));
	}
	if (r != 0 || (r = chan_send_eof(s->cc, se->id)) != 0 ||
	    (r = chan_send_close(s->cc, se->id)) != 0) {
		return r;
	}
	se->done = 1;
	sess_close_fds(se);
	return 0;
}

int
sessions_flush(struct sessions *s)
{
	struct sess *se;
	size_t i, len;
	int r;

	if (s->cc == NULL) {
		return 0;
	}
	for (i = 0; i < SESSION_MAX; i++) {
		if ((se = s->s[i]) == NULL || !se->attached || se->done) {
			continue;
		}
		/* Input nobody will read: keep the window open. */
		if (se->pid != 0 && se->fd_in == -1) {
			(void)chan_recv_ptr(s->cc, se->id, &len);
			if (len > 0 &&
			    (r = chan_recv_consume(s->cc, se->id, len)) != 0) {
				return r;
			}
			if (s->s[i] != se) {
				continue;	/* the channel ended, freeing it */
			}
		}
		if (se->pid > 0 && se->exited && se->out_eof &&
		    (se->err_eof || se->have_pty) &&
		    (r = finish(s, se)) != 0) {
			return r;
		}
	}
	return 0;
}
