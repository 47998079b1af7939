/*
 * PAM authentication in a child process (see authpam.h).
 *
 * The protocol between the connection process (parent) and the PAM child:
 * each frame is a uint32 payload length (1 to AUTHPAM_MAX_FRAME) and the
 * payload, a byte type then fields in RFC 4251 section 5 encodings:
 *
 *   CONV    child -> parent: string text (PAM_TEXT_INFO and PAM_ERROR_MSG
 *           lines since the last frame), uint32 n (1..AUTHPAM_MAX_PROMPTS),
 *           n times (boolean echo, string prompt)
 *   RESP    parent -> child: uint32 n, n times string response
 *   RESULT  child -> parent: uint32 PAM status, string stage (the PAM call
 *           that decided), string pam_strerror() of the status, string
 *           text (messages for the user not yet sent)
 *
 * Only keyboard-interactive sends CONV; password and account transactions
 * answer their own conversation in the child and send RESULT alone.  The
 * child is trusted code, but the parent still parses every frame with
 * caps and end-of-message checks: a module may have corrupted it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "auth.h"
#include "authpam.h"
#include "err.h"
#include "log.h"
#include "wbuf.h"

#define AUTHPAM_MSG_CONV	1
#define AUTHPAM_MSG_RESP	2
#define AUTHPAM_MSG_RESULT	3

#define AUTHPAM_MAX_FRAME	(64 * 1024)
#define AUTHPAM_MAX_STAGE	64
#define AUTHPAM_REAP_TRIES	200	/* 10 ms each before SIGKILL */

#define AUTHPAM_MSG_NO_TTY	"Password change required but no TTY available."

enum authpam_mode {
	AUTHPAM_MODE_PASSWORD,
	AUTHPAM_MODE_KBDINT,
	AUTHPAM_MODE_ACCOUNT,
};

/* The child's side of one transaction. */
struct authpam_child {
	int fd;
	enum authpam_mode mode;
	int timeout_ms;
	const char *password;	/* password mode: the child's own copy */
	int password_used;
	unsigned rounds;
	char text[AUTHPAM_MAX_TEXT + 1];
	size_t textlen;
};

enum authpam_kstate {
	AUTHPAM_K_RUNNING,	/* the child owes the next frame */
	AUTHPAM_K_PROMPTED,	/* prompts handed out, respond() next */
	AUTHPAM_K_INFO,		/* final messages handed out, respond(0) */
	AUTHPAM_K_DONE,		/* result known, child reaped */
};

/* A keyboard-interactive conversation (auth.h: backend-owned). */
struct auth_kbdint {
	pid_t pid;		/* -1 once reaped */
	int fd;			/* -1 once closed */
	int timeout_ms;
	enum authpam_kstate state;
	unsigned rounds;
	unsigned expect;	/* responses owed for the last round */
	int result;		/* PC_OK_AUTHENTICATED or PC_ERR_AUTH_FAILED */
	char *user;		/* for the logs */
	char *addr;
};

/* Frame I/O, shared by both sides. */

static long long
authpam_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
authpam_write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		/* MSG_NOSIGNAL: a dead peer must not SIGPIPE the daemon. */
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return PC_ERR_SYSTEM;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
authpam_read_all(int fd, uint8_t *p, size_t len, long long deadline)
{
	struct pollfd pfd;
	long long left;
	ssize_t n;
	int pr;

	while (len > 0) {
		left = deadline - authpam_now_ms();
		if (left <= 0) {
			return PC_ERR_TIMEOUT;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		pr = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (pr == -1 && errno == EINTR) {
			continue;
		}
		if (pr == -1) {
			return PC_ERR_SYSTEM;
		}
		if (pr == 0) {
			continue;	/* the deadline check decides */
		}
		n = read(fd, p, len);
		if (n == -1 && (errno == EINTR || errno == EAGAIN)) {
			continue;
		}
		if (n == -1) {
			return PC_ERR_SYSTEM;
		}
		if (n == 0) {
			return PC_ERR_CONN_CLOSED;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
authpam_send(int fd, const struct wbuf *payload)
{
	uint8_t hdr[4];
	size_t len = wbuf_len(payload);
	int r;

	if (len == 0 || len > AUTHPAM_MAX_FRAME) {
		return PC_ERR_INTERNAL;
	}
	pc_put_u32(hdr, (uint32_t)len);
	if ((r = authpam_write_all(fd, hdr, sizeof(hdr))) != 0) {
		return r;
	}
	return authpam_write_all(fd, wbuf_ptr(payload), len);
}

/* Read one frame into out (which is reset first); *type is its type. */
static int
authpam_recv(int fd, int timeout_ms, struct wbuf *out, uint8_t *type)
{
	long long deadline = authpam_now_ms() + timeout_ms;
	uint8_t hdr[4], *dst;
	uint32_t len;
	int r;

	wbuf_reset(out);
	if ((r = authpam_read_all(fd, hdr, sizeof(hdr), deadline)) != 0) {
		return r;
	}
	len = pc_get_u32(hdr);
	if (len == 0 || len > AUTHPAM_MAX_FRAME) {
		return PC_ERR_PACKET_TOO_LARGE;
	}
	if ((r = wbuf_reserve(out, len, &dst)) != 0) {
		return r;
	}
	if ((r = authpam_read_all(fd, dst, len, deadline)) != 0) {
		return r;
	}
	return wbuf_get_u8(out, type);
}

/* The child. */

static void
authpam_text_add(struct authpam_child *c, const char *s)
{
	size_t len, room;

	if (s == NULL) {
		return;
	}
	len = strlen(s);
	room = AUTHPAM_MAX_TEXT - c->textlen;
	/* A chatty module gets its first AUTHPAM_MAX_TEXT bytes through. */
	if (len + 1 > room) {
		debug("PAM: message text over %d bytes dropped",
		    AUTHPAM_MAX_TEXT);
		return;
	}
	memcpy(c->text + c->textlen, s, len);
	c->textlen += len;
	c->text[c->textlen++] = '\n';
	c->text[c->textlen] = '\0';
}

static void
authpam_free_responses(struct pam_response *resp, int n)
{
	int i;

	if (resp == NULL) {
		return;
	}
	for (i = 0; i < n; i++) {
		if (resp[i].resp != NULL) {
			pc_wipe(resp[i].resp, strlen(resp[i].resp));
			free(resp[i].resp);
		}
	}
	free(resp);
}

/* Keyboard-interactive: send the prompts to the parent, read its answers
 * into resp at the prompts' indices. */
static int
authpam_conv_remote(struct authpam_child *c, int n,
    const struct pam_message **msg, unsigned nprompts,
    struct pam_response *resp)
{
	struct wbuf b;
	uint32_t count;
	uint8_t type;
	char *s = NULL;
	size_t len;
	int i, r, style;

	wbuf_init(&b, AUTHPAM_MAX_FRAME);
	if ((r = wbuf_put_u8(&b, AUTHPAM_MSG_CONV)) != 0 ||
	    (r = wbuf_put_cstring(&b, c->text)) != 0 ||
	    (r = wbuf_put_u32(&b, nprompts)) != 0) {
		goto out;
	}
	for (i = 0; i < n; i++) {
		style = msg[i]->msg_style;
		if (style != PAM_PROMPT_ECHO_OFF &&
		    style != PAM_PROMPT_ECHO_ON) {
			continue;
		}
		if ((r = wbuf_put_bool(&b, style == PAM_PROMPT_ECHO_ON)) != 0 ||
		    (r = wbuf_put_cstring(&b, msg[i]->msg != NULL ?
		    msg[i]->msg : "")) != 0) {
			goto out;
		}
	}
	if ((r = authpam_send(c->fd, &b)) != 0) {
		goto out;
	}
	c->textlen = 0;
	c->text[0] = '\0';
	if ((r = authpam_recv(c->fd, c->timeout_ms, &b, &type)) != 0) {
		goto out;
	}
	if (type != AUTHPAM_MSG_RESP) {
		r = PC_ERR_UNEXPECTED_MESSAGE;
		goto out;
	}
	if ((r = wbuf_get_u32(&b, &count)) != 0) {
		goto out;
	}
	if (count != nprompts) {
		r = PC_ERR_INVALID_FORMAT;
		goto out;
	}
	for (i = 0; i < n; i++) {
		style = msg[i]->msg_style;
		if (style != PAM_PROMPT_ECHO_OFF &&
		    style != PAM_PROMPT_ECHO_ON) {
			continue;
		}
		if ((r = wbuf_get_cstring(&b, &s, &len)) != 0) {
			goto out;
		}
		if (len > AUTHPAM_MAX_PASSWORD) {
			pc_wipe(s, len);
			free(s);
			r = PC_ERR_STRING_TOO_LARGE;
			goto out;
		}
		resp[i].resp = s;	/* PAM frees it */
		s = NULL;
	}
	r = wbuf_get_end(&b);
 out:
	wbuf_clear(&b);
	return r;
}

/* The pam_conv callback in the child. */
static int
authpam_conv(int n, const struct pam_message **msg,
    struct pam_response **respp, void *arg)
{
	struct authpam_child *c = arg;
	struct pam_response *resp;
	unsigned nprompts = 0;
	int i, r;

	if (respp != NULL) {
		*respp = NULL;
	}
	if (n <= 0 || n > AUTHPAM_MAX_PROMPTS || msg == NULL) {
		return PAM_CONV_ERR;
	}
	if ((resp = calloc((size_t)n, sizeof(*resp))) == NULL) {
		return PAM_BUF_ERR;
	}
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			nprompts++;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			authpam_text_add(c, msg[i]->msg);
			break;
		default:
			debug("PAM: conversation message style %d refused",
			    msg[i]->msg_style);
			goto fail;
		}
	}
	if (nprompts == 0) {
		goto done;	/* messages only: kept for the next frame */
	}
	if (respp == NULL) {
		goto fail;
	}
	switch (c->mode) {
	case AUTHPAM_MODE_ACCOUNT:
		debug("PAM: prompt during account management refused");
		goto fail;
	case AUTHPAM_MODE_PASSWORD:
		/* One echo-off prompt gets the password, as OpenSSH's
		 * sshpam_passwd_conv; anything more cannot be answered. */
		for (i = 0; i < n; i++) {
			if (msg[i]->msg_style == PAM_PROMPT_ECHO_ON ||
			    (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF &&
			    c->password_used)) {
				debug("PAM: second prompt in password "
				    "authentication refused");
				goto fail;
			}
			if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF) {
				continue;
			}
			if ((resp[i].resp = strdup(c->password)) == NULL) {
				goto fail;
			}
			c->password_used = 1;
		}
		break;
	case AUTHPAM_MODE_KBDINT:
		if (++c->rounds > AUTHPAM_MAX_ROUNDS) {
			debug("PAM: more than %d prompting rounds",
			    AUTHPAM_MAX_ROUNDS);
			goto fail;
		}
		if ((r = authpam_conv_remote(c, n, msg, nprompts,
		    resp)) != 0) {
			debug("PAM: conversation with the connection "
			    "failed: %s", pc_strerror(r));
			goto fail;
		}
		break;
	}
 done:
	if (respp != NULL) {
		*respp = resp;
	} else {
		free(resp);
	}
	return PAM_SUCCESS;
 fail:
	authpam_free_responses(resp, n);
	return PAM_CONV_ERR;
}

static int
authpam_set_items(pam_handle_t *h, const struct auth_peer *peer)
{
	char conn[512];
	const char *rhost;
	int pr;

	rhost = peer->host != NULL ? peer->host : peer->addr;
	if (rhost != NULL &&
	    (pr = pam_set_item(h, PAM_RHOST, rhost)) != PAM_SUCCESS) {
		error("PAM: pam_set_item(PAM_RHOST): %s", pam_strerror(h, pr));
		return pr;
	}
	/* Some modules (pam_time) need a tty; OpenSSH sets "ssh". */
	if ((pr = pam_set_item(h, PAM_TTY, "ssh")) != PAM_SUCCESS) {
		error("PAM: pam_set_item(PAM_TTY): %s", pam_strerror(h, pr));
		return pr;
	}
	if (peer->addr != NULL && peer->laddr != NULL) {
		/* For pam_exec scripts, as OpenSSH exports it. */
		snprintf(conn, sizeof(conn), "SSH_CONNECTION=%.100s %d %.100s %d",
		    peer->addr, peer->port, peer->laddr, peer->lport);
		if ((pr = pam_putenv(h, conn)) != PAM_SUCCESS) {
			error("PAM: pam_putenv: %s", pam_strerror(h, pr));
			return pr;
		}
	}
	return PAM_SUCCESS;
}

static void __attribute__((noreturn))
authpam_child_main(const struct authpam_params *p, enum authpam_mode mode,
    const struct auth_user *u, const struct auth_peer *peer,
    const char *password, int fd, int timeout_ms)
{
	static struct authpam_child c;	/* static: text is 4 KiB */
	struct pam_conv conv;
	pam_handle_t *h = NULL;
	const void *item = NULL;
	const char *stage = "pam_start";
	char errstr[256];
	struct wbuf b;
	int pr, flags, r;

	/* Modules (pam_exec, unix_chkpwd) wait for their own children. */
	signal(SIGCHLD, SIG_DFL);
	memset(&c, 0, sizeof(c));
	c.fd = fd;
	c.mode = mode;
	c.timeout_ms = timeout_ms;
	c.password = password;
	conv.conv = authpam_conv;
	conv.appdata_ptr = &c;
	flags = p->permit_empty_passwords ? 0 : PAM_DISALLOW_NULL_AUTHTOK;

	pr = pam_start(p->service != NULL ? p->service : AUTHPAM_SERVICE,
	    u->name, &conv, &h);
	if (pr != PAM_SUCCESS) {
		error("PAM: pam_start: %s", pam_strerror(h, pr));
		goto done;
	}
	stage = "pam_set_item";
	if ((pr = authpam_set_items(h, peer)) != PAM_SUCCESS) {
		goto done;
	}
	if (mode != AUTHPAM_MODE_ACCOUNT) {
		stage = "pam_authenticate";
		if ((pr = pam_authenticate(h, flags)) != PAM_SUCCESS) {
			goto done;
		}
		/* A module may rewrite PAM_USER; the login must not change
		 * to another account behind our back (as OpenSSH checks). */
		stage = "PAM user check";
		pr = pam_get_item(h, PAM_USER, &item);
		if (pr != PAM_SUCCESS || item == NULL ||
		    strcmp((const char *)item, u->name) != 0) {
			error("PAM: user changed by a module: %s",
			    pr != PAM_SUCCESS ? pam_strerror(h, pr) :
			    "PAM_USER differs");
			pr = PAM_AUTH_ERR;
			goto done;
		}
	}
	stage = "pam_acct_mgmt";
	pr = pam_acct_mgmt(h, flags);
	if (pr == PAM_NEW_AUTHTOK_REQD) {
		if (mode == AUTHPAM_MODE_KBDINT) {
			/* The client answers the new-password prompts. */
			stage = "pam_chauthtok";
			pr = pam_chauthtok(h, PAM_CHANGE_EXPIRED_AUTHTOK);
		} else {
			authpam_text_add(&c, AUTHPAM_MSG_NO_TTY);
		}
	}
 done:
	snprintf(errstr, sizeof(errstr), "%s", pam_strerror(h, pr));
	if (h != NULL) {
		/* PAM's own result, not pam_end's, is what we report. */
		(void)pam_end(h, pr);
	}
	wbuf_init(&b, AUTHPAM_MAX_FRAME);
	if ((r = wbuf_put_u8(&b, AUTHPAM_MSG_RESULT)) != 0 ||
	    (r = wbuf_put_u32(&b, (uint32_t)pr)) != 0 ||
	    (r = wbuf_put_cstring(&b, stage)) != 0 ||
	    (r = wbuf_put_cstring(&b, errstr)) != 0 ||
	    (r = wbuf_put_cstring(&b, c.text)) != 0 ||
	    (r = authpam_send(fd, &b)) != 0) {
		debug("PAM: result not sent: %s", pc_strerror(r));
	}
	wbuf_clear(&b);
	pc_wipe(&c, sizeof(c));
	/* _exit: no atexit handlers or stdio buffers of the parent. */
	_exit(0);
}

/* The parent. */

static int
authpam_timeout(const struct authpam_params *p)
{
	return p->timeout_ms > 0 ? p->timeout_ms : AUTHPAM_TIMEOUT_MS;
}

static int
authpam_spawn(const struct authpam_params *p, enum authpam_mode mode,
    const struct auth_user *u, const struct auth_peer *peer,
    const char *password, pid_t *pidp, int *fdp)
{
	int sv[2];
	pid_t pid;

	*pidp = -1;
	*fdp = -1;
	/* CLOEXEC: programs that modules run (pam_exec) get no socket. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		error("PAM: socketpair: %s", strerror(errno));
		return PC_ERR_SYSTEM;
	}
	if ((pid = fork()) == -1) {
		error("PAM: fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return PC_ERR_SYSTEM;
	}
	if (pid == 0) {
		close(sv[0]);
		authpam_child_main(p, mode, u, peer, password, sv[1],
		    authpam_timeout(p));
	}
	close(sv[1]);
	*pidp = pid;
	*fdp = sv[0];
	return 0;
}

/*
 * Close our end (a child still in its conversation then sees EOF and
 * ends the transaction with pam_end), give it a moment, then kill it.
 * kill_now for a child that stopped answering.
 */
static void
authpam_reap(pid_t pid, int fd, int kill_now)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	pid_t w;
	int i, st;

	if (fd != -1) {
		close(fd);
	}
	if (pid <= 0) {
		return;
	}
	if (kill_now) {
		kill(pid, SIGKILL);
	}
	for (i = 0; i < AUTHPAM_REAP_TRIES; i++) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid || (w == -1 && errno != EINTR)) {
			/* ECHILD: a SIGCHLD handler reaped it first. */
			return;
		}
		nanosleep(&ts, NULL);
	}
	debug("PAM: child %ld did not exit; killing it", (long)pid);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR) {
		;
	}
}

/*
 * Parse a RESULT frame (type already read): log it and return 0 with
 * *ok set, and *text (caller frees) when the user has messages.
 */
static int
authpam_result(struct wbuf *b, const char *what, const char *user,
    const char *addr, int *ok, char **text)
{
	char *stage = NULL, *errstr = NULL, *t = NULL;
	uint32_t status;
	int r;

	*ok = 0;
	*text = NULL;
	if ((r = wbuf_get_u32(b, &status)) != 0 ||
	    (r = wbuf_get_cstring(b, &stage, NULL)) != 0 ||
	    (r = wbuf_get_cstring(b, &errstr, NULL)) != 0 ||
	    (r = wbuf_get_cstring(b, &t, NULL)) != 0 ||
	    (r = wbuf_get_end(b)) != 0) {
		goto out;
	}
	if (strlen(stage) > AUTHPAM_MAX_STAGE || strlen(t) > AUTHPAM_MAX_TEXT) {
		r = PC_ERR_STRING_TOO_LARGE;
		goto out;
	}
	if (status == PAM_SUCCESS) {
		*ok = 1;
		debug("PAM: %s accepted for %s from %s", what, user, addr);
	} else if (status == PAM_AUTH_ERR || status == PAM_USER_UNKNOWN ||
	    status == PAM_PERM_DENIED || status == PAM_ACCT_EXPIRED ||
	    status == PAM_NEW_AUTHTOK_REQD || status == PAM_MAXTRIES ||
	    status == PAM_CRED_INSUFFICIENT || status == PAM_CONV_ERR ||
	    status == PAM_AUTHTOK_ERR || status == PAM_AUTHINFO_UNAVAIL) {
		verbose("PAM: %s for %s from %s failed at %s: %s", what, user,
		    addr, stage, errstr);
	} else {
		error("PAM: %s for %s from %s: %s: %s", what, user, addr,
		    stage, errstr);
	}
	if (*t != '\0') {
		*text = t;
		t = NULL;
	}
 out:
	free(stage);
	free(errstr);
	free(t);
	return r;
}

static const char *
authpam_addr(const struct auth_peer *peer)
{
	return peer->addr != NULL ? peer->addr : "UNKNOWN";
}

/* A whole transaction answered in the child: password or account. */
static int
authpam_oneshot(const struct authpam_params *p, enum authpam_mode mode,
    const struct auth_user *u, const struct auth_peer *peer,
    const char *password, char **msg)
{
	const char *what = mode == AUTHPAM_MODE_PASSWORD ?
	    "password authentication" : "account management";
	struct wbuf b;
	uint8_t type;
	pid_t pid = -1;
	int fd = -1, ok = 0, r, dead = 0;

	*msg = NULL;
	wbuf_init(&b, AUTHPAM_MAX_FRAME + 4);
	if ((r = authpam_spawn(p, mode, u, peer, password, &pid, &fd)) != 0) {
		goto out;
	}
	if ((r = authpam_recv(fd, authpam_timeout(p), &b, &type)) != 0 ||
	    type != AUTHPAM_MSG_RESULT ||
	    (r = authpam_result(&b, what, u->name, authpam_addr(peer), &ok,
	    msg)) != 0) {
		error("PAM: %s for %s: no result from the PAM process: %s",
		    what, u->name, r != 0 ? pc_strerror(r) :
		    "unexpected message");
		dead = 1;
	}
	r = ok ? 0 : PC_ERR_AUTH_FAILED;
 out:
	authpam_reap(pid, fd, dead);
	wbuf_clear(&b);
	return r;
}

int
authpam_password(const struct authpam_params *p, const struct auth_user *u,
    const struct auth_peer *peer, const char *password, char **msg)
{
	*msg = NULL;
	if (p == NULL || u == NULL || u->name == NULL || peer == NULL ||
	    password == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (strlen(password) > AUTHPAM_MAX_PASSWORD) {
		verbose("PAM: password for %s longer than %d bytes refused",
		    u->name, AUTHPAM_MAX_PASSWORD);
		return PC_ERR_AUTH_FAILED;
	}
	return authpam_oneshot(p, AUTHPAM_MODE_PASSWORD, u, peer, password,
	    msg);
}

int
authpam_account(const struct authpam_params *p, const struct auth_user *u,
    const struct auth_peer *peer, char **msg)
{
	*msg = NULL;
	if (p == NULL || u == NULL || u->name == NULL || peer == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	return authpam_oneshot(p, AUTHPAM_MODE_ACCOUNT, u, peer, NULL, msg);
}

/* Keyboard-interactive. */

int
authpam_kbdint_start(const struct authpam_params *p,
    const struct auth_user *u, const struct auth_peer *peer,
    struct auth_kbdint **kp)
{
	struct auth_kbdint *k;
	int r;

	*kp = NULL;
	if (p == NULL || u == NULL || u->name == NULL || peer == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		return PC_ERR_ALLOC;
	}
	k->pid = -1;
	k->fd = -1;
	k->timeout_ms = authpam_timeout(p);
	k->state = AUTHPAM_K_RUNNING;
	k->result = PC_ERR_AUTH_FAILED;
	if ((k->user = strdup(u->name)) == NULL ||
	    (k->addr = strdup(authpam_addr(peer))) == NULL) {
		r = PC_ERR_ALLOC;
		goto fail;
	}
	if ((r = authpam_spawn(p, AUTHPAM_MODE_KBDINT, u, peer, NULL,
	    &k->pid, &k->fd)) != 0) {
		goto fail;
	}
	*kp = k;
	return 0;
 fail:
	authpam_kbdint_free(k);
	return r;
}

/* End the conversation with result (child killed if kill_now). */
static void
authpam_kbdint_finish(struct auth_kbdint *k, int result, int kill_now)
{
	authpam_reap(k->pid, k->fd, kill_now);
	k->pid = -1;
	k->fd = -1;
	k->result = result;
	k->state = AUTHPAM_K_DONE;
}

/* Parse a CONV frame into q. */
static int
authpam_parse_conv(struct wbuf *b, struct auth_kbdint_query *q)
{
	uint32_t n, i;
	size_t len;
	int r, echo;

	if ((r = wbuf_get_cstring(b, &q->instruction, &len)) != 0) {
		return r;
	}
	if (len > AUTHPAM_MAX_TEXT) {
		return PC_ERR_STRING_TOO_LARGE;
	}
	if ((r = wbuf_get_u32(b, &n)) != 0) {
		return r;
	}
	if (n == 0 || n > AUTHPAM_MAX_PROMPTS) {
		return PC_ERR_RANGE;
	}
	if ((q->prompts = calloc(n, sizeof(*q->prompts))) == NULL ||
	    (q->echo = calloc(n, sizeof(*q->echo))) == NULL) {
		return PC_ERR_ALLOC;
	}
	for (i = 0; i < n; i++) {
		if ((r = wbuf_get_bool(b, &echo)) != 0 ||
		    (r = wbuf_get_cstring(b, &q->prompts[i], &len)) != 0) {
			return r;
		}
		q->echo[i] = echo;
		q->nprompts = i + 1;	/* cleared by the caller on error */
		if (len > AUTHPAM_MAX_TEXT) {
			return PC_ERR_STRING_TOO_LARGE;
		}
	}
	if ((r = wbuf_get_end(b)) != 0) {
		return r;
	}
	if ((q->name = strdup("")) == NULL) {
		return PC_ERR_ALLOC;
	}
	return 0;
}

int
authpam_kbdint_next(struct auth_kbdint *k, struct auth_kbdint_query *q)
{
	struct wbuf b;
	char *text = NULL;
	uint8_t type;
	int r, ok;

	memset(q, 0, sizeof(*q));
	if (k == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (k->state == AUTHPAM_K_DONE) {
		return k->result;
	}
	if (k->state != AUTHPAM_K_RUNNING) {
		return PC_ERR_INVALID_ARGUMENT;	/* respond() was owed */
	}
	wbuf_init(&b, AUTHPAM_MAX_FRAME + 4);
	if ((r = authpam_recv(k->fd, k->timeout_ms, &b, &type)) != 0) {
		error("PAM: keyboard-interactive for %s from %s: PAM process "
		    "lost: %s", k->user, k->addr, pc_strerror(r));
		authpam_kbdint_finish(k, PC_ERR_AUTH_FAILED, 1);
		r = k->result;
		goto out;
	}
	if (type == AUTHPAM_MSG_CONV) {
		if (++k->rounds > AUTHPAM_MAX_ROUNDS ||
		    (r = authpam_parse_conv(&b, q)) != 0) {
			error("PAM: keyboard-interactive for %s: bad round "
			    "from the PAM process: %s", k->user,
			    k->rounds > AUTHPAM_MAX_ROUNDS ? "too many rounds" :
			    pc_strerror(r));
			auth_kbdint_query_clear(q);
			authpam_kbdint_finish(k, PC_ERR_AUTH_FAILED, 1);
			r = k->result;
			goto out;
		}
		k->expect = q->nprompts;
		k->state = AUTHPAM_K_PROMPTED;
		r = 0;
		goto out;
	}
	if (type != AUTHPAM_MSG_RESULT ||
	    (r = authpam_result(&b, "keyboard-interactive", k->user, k->addr,
	    &ok, &text)) != 0) {
		error("PAM: keyboard-interactive for %s: bad result from the "
		    "PAM process", k->user);
		authpam_kbdint_finish(k, PC_ERR_AUTH_FAILED, 1);
		r = k->result;
		goto out;
	}
	authpam_kbdint_finish(k, ok ? PC_OK_AUTHENTICATED : PC_ERR_AUTH_FAILED,
	    0);
	if (text == NULL) {
		r = k->result;
		goto out;
	}
	/* Messages after the last prompt: one round without prompts
	 * (RFC 4256 section 3.2), then the result. */
	if ((q->name = strdup("")) == NULL) {
		free(text);
		r = PC_ERR_ALLOC;
		goto out;
	}
	q->instruction = text;
	k->state = AUTHPAM_K_INFO;
	r = 0;
 out:
	wbuf_clear(&b);
	return r;
}

int
authpam_kbdint_respond(struct auth_kbdint *k, unsigned n,
    char *const *responses)
{
	struct wbuf b;
	unsigned i;
	int r;

	if (k == NULL || (n > 0 && responses == NULL)) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (k->state == AUTHPAM_K_INFO) {
		if (n != 0) {
			/* RFC 4256 section 3.4: the counts must match. */
			k->result = PC_ERR_AUTH_FAILED;
		}
		k->state = AUTHPAM_K_DONE;
		return n != 0 ? PC_ERR_AUTH_FAILED : 0;
	}
	if (k->state != AUTHPAM_K_PROMPTED) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (n != k->expect) {
		verbose("PAM: keyboard-interactive for %s: %u responses to %u "
		    "prompts", k->user, n, k->expect);
		authpam_kbdint_finish(k, PC_ERR_AUTH_FAILED, 0);
		return PC_ERR_AUTH_FAILED;
	}
	wbuf_init(&b, AUTHPAM_MAX_FRAME);
	if ((r = wbuf_put_u8(&b, AUTHPAM_MSG_RESP)) != 0 ||
	    (r = wbuf_put_u32(&b, n)) != 0) {
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (responses[i] == NULL ||
		    strlen(responses[i]) > AUTHPAM_MAX_PASSWORD) {
			verbose("PAM: keyboard-interactive for %s: response "
			    "refused (missing or over %d bytes)", k->user,
			    AUTHPAM_MAX_PASSWORD);
			r = PC_ERR_AUTH_FAILED;
			goto out;
		}
		if ((r = wbuf_put_cstring(&b, responses[i])) != 0) {
			goto out;
		}
	}
	if ((r = authpam_send(k->fd, &b)) != 0) {
		error("PAM: keyboard-interactive for %s: PAM process lost: %s",
		    k->user, pc_strerror(r));
		r = PC_ERR_AUTH_FAILED;
		goto out;
	}
	k->state = AUTHPAM_K_RUNNING;
	r = 0;
 out:
	wbuf_clear(&b);		/* wipes the responses */
	if (r != 0) {
		authpam_kbdint_finish(k, PC_ERR_AUTH_FAILED, 0);
		if (r != PC_ERR_ALLOC) {
			r = PC_ERR_AUTH_FAILED;
		}
	}
	return r;
}

void
authpam_kbdint_free(struct auth_kbdint *k)
{
	if (k == NULL) {
		return;
	}
	authpam_reap(k->pid, k->fd, 0);
	free(k->user);
	free(k->addr);
	free(k);
}
