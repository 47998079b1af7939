/*
 * The wire between the monitor and its children (privilege separation,
 * docs/privsep.md): frames over a stream socketpair, descriptors passed
 * alongside, and the encoding of the structures requests and answers
 * carry.  Both sides use it: the monitor (daemon/monitor.c,
 * daemon/monreq.c) and the proxies in the children (daemon/monwrap.c).
 *
 * A frame is
 *   uint32  length of what follows (1 .. the reader's limit)
 *   byte    type: a MON_REQ_* request, or for an answer the request's
 *           type with MONMSG_ANSWER set
 *   byte[]  payload, the request's fields (monreq.h lists them)
 *
 * Everything a child sends is untrusted: the get functions check every
 * length and count against a cap and refuse trailing data where they
 * read a whole message.
 *
 * Ownership: decoded strings and structures are caller-freed
 * (auth_user_free, authopts_free, auth_kbdint_query_clear,
 * monmsg_settings_clear).
 */
#ifndef PC_MONMSG_H
#define PC_MONMSG_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "authopts.h"
#include "err.h"
#include "wbuf.h"

#define MONMSG_MAX		(256 * 1024)	/* a request or answer */
/* AUTH_DONE carries the transport state with its buffered bytes. */
#define MONMSG_MAX_STATE	(8 * 1024 * 1024)
#define MONMSG_ANSWER		0x80
#define MONMSG_MAX_GROUPS	1024	/* groups of a user */
#define MONMSG_MAX_TEXT		(64 * 1024)	/* one string field */
#define MONMSG_MAX_FDS		4

/*
 * Write one frame, blocking until it is written (EINTR and EAGAIN are
 * waited out).  0, PC_ERR_CONN_CLOSED if the peer is gone, PC_ERR_RANGE
 * if the payload is too long for a frame, PC_ERR_SYSTEM.
 */
int	monmsg_send(int fd, uint8_t type, const struct wbuf *payload) PC_WUR;
/*
 * Read one frame of at most max bytes (type included): *type, and the
 * payload in *payload (reset first).  timeout_ms bounds the wait for the
 * whole frame once its first byte is there, and for the first byte too
 * unless it is -1 (wait for ever).  PC_ERR_CONN_CLOSED on EOF before the
 * first byte, PC_ERR_MSG_INCOMPLETE on EOF inside a frame,
 * PC_ERR_RANGE for a length of 0 or over max, PC_ERR_TIMEOUT,
 * PC_ERR_SYSTEM.
 */
int	monmsg_recv(int fd, size_t max, int timeout_ms, uint8_t *type,
	    struct wbuf *payload) PC_WUR;
/* Pass n descriptors (1..MONMSG_MAX_FDS) with one byte (SCM_RIGHTS), and
 * receive exactly n of them (close-on-exec).  The sender keeps its own. */
int	monmsg_send_fds(int fd, const int *fds, size_t n) PC_WUR;
int	monmsg_recv_fds(int fd, int *fds, size_t n) PC_WUR;

/* A string field into a new NUL-terminated allocation of at most max
 * bytes (PC_ERR_RANGE beyond; no NUL inside: PC_ERR_INVALID_FORMAT). */
int	monmsg_get_text(struct wbuf *b, size_t max, char **s) PC_WUR;

/* The user of user_lookup: name, uid, gid, home, shell, groups. */
int	monmsg_put_user(struct wbuf *b, const struct auth_user *u) PC_WUR;
int	monmsg_get_user(struct wbuf *b, struct auth_user **u) PC_WUR;

/* A key's restrictions (auth/authopts.h), every field. */
int	monmsg_put_opts(struct wbuf *b, const struct auth_opts *o) PC_WUR;
int	monmsg_get_opts(struct wbuf *b, struct auth_opts **o) PC_WUR;

/*
 * struct auth_settings; the decoded strings live in the holder (freed
 * by monmsg_settings_clear), which must outlive the settings.
 */
struct monmsg_settings {
	struct auth_settings s;
	char *auth_methods;
	char *pubkey_algs;
	char *banner;
};
int	monmsg_put_settings(struct wbuf *b,
	    const struct auth_settings *s) PC_WUR;
int	monmsg_get_settings(struct wbuf *b,
	    struct monmsg_settings *out) PC_WUR;
void	monmsg_settings_clear(struct monmsg_settings *ms);

/* A keyboard-interactive round (prompts at most MONMSG_MAX_PROMPTS). */
#define MONMSG_MAX_PROMPTS	32
int	monmsg_put_query(struct wbuf *b,
	    const struct auth_kbdint_query *q) PC_WUR;
int	monmsg_get_query(struct wbuf *b,
	    struct auth_kbdint_query *q) PC_WUR;

#endif /* PC_MONMSG_H */
