/* The children's proxies to the monitor (see monwrap.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "monitor.h"
#include "monwrap.h"
#include "sesspty.h"
#include "userauth.h"

/* A keyboard-interactive conversation: the monitor holds the real one. */
struct monwrap_kbd {
	struct monwrap *mw;
};

static void __attribute__((noreturn))
monwrap_fatal(const char *what, int r)
{
	error("monitor: %s: %s", what, pc_strerror(r));
	_exit(255);
}

/* Send mw->req as a type request, read the answer into mw->ans and its
 * status into *status. */
static void
call(struct monwrap *mw, uint8_t type, int *status)
{
	uint8_t atype;
	uint32_t st;
	int r;

	if ((r = monmsg_send(mw->fd, type, &mw->req)) != 0)
		monwrap_fatal(mon_req_name(type), r);
	/* Wiped: a request may carry a password or the keys. */
	wbuf_reset(&mw->req);
	if ((r = monmsg_recv(mw->fd, MONMSG_MAX, -1, &atype,
	    &mw->ans)) != 0)
		monwrap_fatal(mon_req_name(type), r);
	if (atype != (type | MONMSG_ANSWER))
		monwrap_fatal(mon_req_name(type), PC_ERR_UNEXPECTED_MESSAGE);
	if ((r = wbuf_get_u32(&mw->ans, &st)) != 0)
		monwrap_fatal(mon_req_name(type), r);
	*status = (int)st;
}

static void
check(int r, uint8_t type)
{
	if (r != 0)
		monwrap_fatal(mon_req_name(type), r);
}

/* The answer's message string, NULL when empty; caller frees. */
static char *
answer_text(struct monwrap *mw, uint8_t type)
{
	char *s = NULL;

	check(monmsg_get_text(&mw->ans, MONMSG_MAX_TEXT, &s), type);
	if (*s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

static void
answer_end(struct monwrap *mw, uint8_t type)
{
	check(wbuf_get_end(&mw->ans), type);
	wbuf_reset(&mw->ans);
}

/* A key's blob as a string field of the request. */
static void
put_key(struct monwrap *mw, const struct pc_key *key, uint8_t type)
{
	struct wbuf blob;

	wbuf_init(&blob, 0);
	check(key_to_blob(key, &blob), type);
	check(wbuf_put_stringb(&mw->req, &blob), type);
	wbuf_clear(&blob);
}

/* ------------------------------------------------------------ signing */

int
monwrap_sign(void *arg, const struct pc_key *key, const char *sigalg,
    const uint8_t *data, size_t len, struct wbuf *sig)
{
	struct monwrap *mw = arg;
	const uint8_t *p;
	size_t i, plen;
	int st;

	/* The monitor knows the keys by their place in the list. */
	for (i = 0; i < mw->nhostkeys && mw->hostkeys[i] != key; i++)
		;
	if (i == mw->nhostkeys)
		return PC_ERR_INVALID_ARGUMENT;
	check(wbuf_put_u32(&mw->req, (uint32_t)i), MON_REQ_SIGN);
	check(wbuf_put_cstring(&mw->req, sigalg != NULL ? sigalg : ""),
	    MON_REQ_SIGN);
	check(wbuf_put_string(&mw->req, data, len), MON_REQ_SIGN);
	call(mw, MON_REQ_SIGN, &st);
	check(wbuf_get_string_direct(&mw->ans, &p, &plen), MON_REQ_SIGN);
	if (st == 0 && plen > 0)
		st = wbuf_put(sig, p, plen);
	else if (st == 0)
		st = PC_ERR_INTERNAL;
	answer_end(mw, MON_REQ_SIGN);
	return st;
}

/* ------------------------------------------------------------ backend */

static int
w_settings_for_user(void *arg, const char *name, const struct auth_user *u,
    const struct auth_peer *peer, struct auth_settings *s)
{
	struct monwrap *mw = arg;
	int st;

	(void)name;
	(void)u;
	(void)peer;
	call(mw, MON_REQ_SETTINGS, &st);
	if (st == 0) {
		monmsg_settings_clear(&mw->settings);
		check(monmsg_get_settings(&mw->ans, &mw->settings),
		    MON_REQ_SETTINGS);
		*s = mw->settings.s;
	}
	answer_end(mw, MON_REQ_SETTINGS);
	return st;
}

static int
w_user_lookup(void *arg, const char *name, struct auth_user **up)
{
	struct monwrap *mw = arg;
	int st, found;

	*up = NULL;
	check(wbuf_put_cstring(&mw->req, name), MON_REQ_USER);
	call(mw, MON_REQ_USER, &st);
	check(wbuf_get_bool(&mw->ans, &found), MON_REQ_USER);
	if (st == 0 && found)
		check(monmsg_get_user(&mw->ans, up), MON_REQ_USER);
	answer_end(mw, MON_REQ_USER);
	return st;
}

static int
w_user_allowed(void *arg, const struct auth_user *u,
    const struct auth_peer *peer, char **why)
{
	struct monwrap *mw = arg;
	int st;

	(void)u;
	(void)peer;
	call(mw, MON_REQ_USER_ALLOWED, &st);
	*why = answer_text(mw, MON_REQ_USER_ALLOWED);
	answer_end(mw, MON_REQ_USER_ALLOWED);
	return st;
}

static int
w_method_allowed(void *arg, const struct auth_user *u, const char *method,
    const struct auth_opts *opts, char **why)
{
	struct monwrap *mw = arg;
	int st;

	(void)u;
	(void)opts;	/* the monitor has its own record */
	check(wbuf_put_cstring(&mw->req, method), MON_REQ_METHOD_ALLOWED);
	call(mw, MON_REQ_METHOD_ALLOWED, &st);
	*why = answer_text(mw, MON_REQ_METHOD_ALLOWED);
	answer_end(mw, MON_REQ_METHOD_ALLOWED);
	return st;
}

static int
w_pubkey_allowed(void *arg, const struct auth_user *u,
    const struct auth_peer *peer, const struct pc_key *key,
    struct auth_opts **opts, char **where)
{
	struct monwrap *mw = arg;
	int st;

	(void)u;
	(void)peer;
	*opts = NULL;
	*where = NULL;
	put_key(mw, key, MON_REQ_PUBKEY_ALLOWED);
	call(mw, MON_REQ_PUBKEY_ALLOWED, &st);
	if (st == 0) {
		check(monmsg_get_opts(&mw->ans, opts), MON_REQ_PUBKEY_ALLOWED);
		*where = answer_text(mw, MON_REQ_PUBKEY_ALLOWED);
	}
	answer_end(mw, MON_REQ_PUBKEY_ALLOWED);
	return st;
}

static int
w_pubkey_verify(void *arg, const struct pc_key *key, const char *sigalg,
    const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen)
{
	struct monwrap *mw = arg;
	int st;

	put_key(mw, key, MON_REQ_KEY_VERIFY);
	check(wbuf_put_cstring(&mw->req, sigalg), MON_REQ_KEY_VERIFY);
	check(wbuf_put_string(&mw->req, data, len), MON_REQ_KEY_VERIFY);
	check(wbuf_put_string(&mw->req, sig, siglen), MON_REQ_KEY_VERIFY);
	call(mw, MON_REQ_KEY_VERIFY, &st);
	answer_end(mw, MON_REQ_KEY_VERIFY);
	return st;
}

static int
w_password(void *arg, const struct auth_user *u,
    const struct auth_peer *peer, const char *password, char **msg)
{
	struct monwrap *mw = arg;
	int st;

	(void)u;
	(void)peer;
	check(wbuf_put_cstring(&mw->req, password), MON_REQ_PASSWORD);
	call(mw, MON_REQ_PASSWORD, &st);
	*msg = answer_text(mw, MON_REQ_PASSWORD);
	answer_end(mw, MON_REQ_PASSWORD);
	return st;
}

static int
w_kbdint_start(void *arg, const struct auth_user *u,
    const struct auth_peer *peer, struct auth_kbdint **kp)
{
	struct monwrap *mw = arg;
	struct monwrap_kbd *k;
	int st;

	(void)u;
	(void)peer;
	*kp = NULL;
	call(mw, MON_REQ_KBDINT_START, &st);
	answer_end(mw, MON_REQ_KBDINT_START);
	if (st != 0)
		return st;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		monwrap_fatal("keyboard-interactive", PC_ERR_ALLOC);
	k->mw = mw;
	/* Opaque to the core, which hands it back to the calls below. */
	*kp = (struct auth_kbdint *)(void *)k;
	return 0;
}

static int
w_kbdint_next(struct auth_kbdint *kbd, struct auth_kbdint_query *q)
{
	struct monwrap_kbd *k = (struct monwrap_kbd *)(void *)kbd;
	struct monwrap *mw = k->mw;
	int st;

	memset(q, 0, sizeof(*q));
	call(mw, MON_REQ_KBDINT_NEXT, &st);
	if (st == 0)
		check(monmsg_get_query(&mw->ans, q), MON_REQ_KBDINT_NEXT);
	answer_end(mw, MON_REQ_KBDINT_NEXT);
	return st;
}

static int
w_kbdint_respond(struct auth_kbdint *kbd, unsigned n,
    char *const *responses)
{
	struct monwrap_kbd *k = (struct monwrap_kbd *)(void *)kbd;
	struct monwrap *mw = k->mw;
	unsigned i;
	int st;

	check(wbuf_put_u32(&mw->req, n), MON_REQ_KBDINT_RESPOND);
	for (i = 0; i < n; i++)
		check(wbuf_put_cstring(&mw->req, responses[i]),
		    MON_REQ_KBDINT_RESPOND);
	call(mw, MON_REQ_KBDINT_RESPOND, &st);
	answer_end(mw, MON_REQ_KBDINT_RESPOND);
	return st;
}

static void
w_kbdint_free(struct auth_kbdint *kbd)
{
	struct monwrap_kbd *k = (struct monwrap_kbd *)(void *)kbd;
	int st;

	if (k == NULL)
		return;
	call(k->mw, MON_REQ_KBDINT_FREE, &st);
	answer_end(k->mw, MON_REQ_KBDINT_FREE);
	free(k);
}

static int
w_account_ok(void *arg, const struct auth_user *u,
    const struct auth_peer *peer, char **msg)
{
	struct monwrap *mw = arg;
	int st;

	(void)u;
	(void)peer;
	call(mw, MON_REQ_ACCOUNT, &st);
	*msg = answer_text(mw, MON_REQ_ACCOUNT);
	answer_end(mw, MON_REQ_ACCOUNT);
	return st;
}

/* ---------------------------------------------------------- hand-over */

int
monwrap_auth_done(void *arg, const struct tp *t, const struct userauth *ua,
    const struct wbuf *held, uint32_t n)
{
	struct monwrap *mw = arg;
	const char *key = NULL, *where = NULL;
	struct wbuf state;
	int r, st;

	/* The transport state first: it may not be ready (kex). */
	wbuf_init(&state, MONMSG_MAX_STATE);
	if ((r = tp_export(t, &state)) != 0) {
		wbuf_clear(&state);
		return r;
	}
	userauth_key_info(ua, &key, &where);
	check(wbuf_put_cstring(&mw->req, userauth_user(ua)),
	    MON_REQ_AUTH_DONE);
	check(wbuf_put_cstring(&mw->req, userauth_methods_used(ua)),
	    MON_REQ_AUTH_DONE);
	check(wbuf_put_cstring(&mw->req, key != NULL ? key : ""),
	    MON_REQ_AUTH_DONE);
	check(wbuf_put_stringb(&mw->req, &state), MON_REQ_AUTH_DONE);
	wbuf_clear(&state);
	check(wbuf_put_u32(&mw->req, n), MON_REQ_AUTH_DONE);
	if (held != NULL && wbuf_len(held) > 0)
		check(wbuf_put(&mw->req, wbuf_ptr(held), wbuf_len(held)),
		    MON_REQ_AUTH_DONE);
	call(mw, MON_REQ_AUTH_DONE, &st);
	answer_end(mw, MON_REQ_AUTH_DONE);
	return st;
}

/* ------------------------------------------------------- session_priv */

static int
w_pty_open(void *arg, struct sesspty *p)
{
	struct monwrap *mw = arg;
	char *name = NULL;
	int st, fds[2];

	p->master = p->slave = -1;
	p->name[0] = '\0';
	call(mw, MON_REQ_PTY, &st);
	if (st == 0)
		check(monmsg_get_text(&mw->ans, SESSPTY_NAME_MAX - 1, &name),
		    MON_REQ_PTY);
	answer_end(mw, MON_REQ_PTY);
	if (st != 0)
		return st;
	check(monmsg_recv_fds(mw->fd, fds, 2), MON_REQ_PTY);
	p->master = fds[0];
	p->slave = fds[1];
	snprintf(p->name, sizeof(p->name), "%s", name);
	free(name);
	return 0;
}

static int
w_login_message(void *arg, char *buf, size_t len)
{
	struct monwrap *mw = arg;
	char *text = NULL;
	int st;

	call(mw, MON_REQ_LOGIN_MSG, &st);
	check(monmsg_get_text(&mw->ans, MONMSG_MAX_TEXT, &text),
	    MON_REQ_LOGIN_MSG);
	answer_end(mw, MON_REQ_LOGIN_MSG);
	snprintf(buf, len, "%s", text);
	free(text);
	return st;
}

static int
w_login(void *arg, pid_t pid, const char *tty)
{
	struct monwrap *mw = arg;
	int st;

	check(wbuf_put_u32(&mw->req, (uint32_t)pid), MON_REQ_LOGIN);
	check(wbuf_put_cstring(&mw->req, tty), MON_REQ_LOGIN);
	call(mw, MON_REQ_LOGIN, &st);
	answer_end(mw, MON_REQ_LOGIN);
	return st;
}

static void
w_pty_done(void *arg, pid_t pid, const char *tty)
{
	struct monwrap *mw = arg;
	int st;

	check(wbuf_put_u32(&mw->req, (uint32_t)pid), MON_REQ_LOGOUT);
	check(wbuf_put_cstring(&mw->req, tty), MON_REQ_LOGOUT);
	call(mw, MON_REQ_LOGOUT, &st);
	answer_end(mw, MON_REQ_LOGOUT);
	if (st != 0)
		debug("monitor: logout of %s: %s", tty, pc_strerror(st));
}

/* ---------------------------------------------------------- life cycle */

void
monwrap_init(struct monwrap *mw, int fd, struct pc_key *const *hostkeys,
    size_t nhostkeys)
{
	memset(mw, 0, sizeof(*mw));
	mw->fd = fd;
	mw->hostkeys = hostkeys;
	mw->nhostkeys = nhostkeys;
	wbuf_init(&mw->req, MONMSG_MAX_STATE);
	wbuf_init(&mw->ans, MONMSG_MAX);
	mw->vt.arg = mw;
	mw->vt.settings_for_user = w_settings_for_user;
	mw->vt.user_lookup = w_user_lookup;
	mw->vt.user_allowed = w_user_allowed;
	mw->vt.method_allowed = w_method_allowed;
	mw->vt.pubkey_allowed = w_pubkey_allowed;
	mw->vt.password = w_password;
	mw->vt.kbdint_start = w_kbdint_start;
	mw->vt.kbdint_next = w_kbdint_next;
	mw->vt.kbdint_respond = w_kbdint_respond;
	mw->vt.kbdint_free = w_kbdint_free;
	mw->vt.account_ok = w_account_ok;
	mw->vt.pubkey_verify = w_pubkey_verify;
	mw->priv.arg = mw;
	mw->priv.pty_open = w_pty_open;
	mw->priv.login_message = w_login_message;
	mw->priv.login = w_login;
	mw->priv.pty_done = w_pty_done;
}

void
monwrap_clear(struct monwrap *mw)
{
	monmsg_settings_clear(&mw->settings);
	wbuf_clear(&mw->req);
	wbuf_clear(&mw->ans);
	memset(mw, 0, sizeof(*mw));
}
