/*
 * The children's side of the monitor (see monitor.h): proxies that turn
 * a call into a request, wait for the answer and return it as the
 * real function would.
 *
 * In the network process: a struct auth_backend for the userauth core,
 * a tp_sign_fn for the transport, and the hand-over (conn_handoff).  In
 * the post-auth process: the tp_sign_fn for rekeys and the
 * struct session_priv of the sessions (ptys, login message and records).
 *
 * The monitor is trusted; losing it, or an answer that does not parse,
 * ends the process at once (_exit(255) after an error line): a child
 * must never carry on as if the monitor had said no (a lost lookup would
 * otherwise look like an invalid user).
 */
#ifndef PC_MONWRAP_H
#define PC_MONWRAP_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "err.h"
#include "key.h"
#include "monmsg.h"
#include "session.h"
#include "transport.h"
#include "wbuf.h"

struct userauth;

struct monwrap {
	int fd;				/* the monitor socket */
	struct auth_backend vt;		/* the proxy backend */
	struct session_priv priv;	/* the proxy session_priv */
	struct monmsg_settings settings; /* the last SETTINGS answer */
	struct pc_key *const *hostkeys;	/* public halves, borrowed */
	size_t nhostkeys;
	struct wbuf req, ans;
};

/* fd and hostkeys (the array the transport was given) are borrowed. */
void	monwrap_init(struct monwrap *mw, int fd,
	    struct pc_key *const *hostkeys, size_t nhostkeys);
void	monwrap_clear(struct monwrap *mw);

/* tp_sign_fn; arg is the struct monwrap. */
int	monwrap_sign(void *arg, const struct pc_key *key, const char *sigalg,
	    const uint8_t *data, size_t len, struct wbuf *sig) PC_WUR;

/* conn_handoff's done: AUTH_DONE with the exported transport state.
 * arg is the struct monwrap.  0 when the monitor accepted it. */
int	monwrap_auth_done(void *arg, const struct tp *t,
	    const struct userauth *ua, const struct wbuf *held,
	    uint32_t n) PC_WUR;

#endif /* PC_MONWRAP_H */
