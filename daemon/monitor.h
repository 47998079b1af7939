/*
 * Privilege separation (issue 7; docs/privsep.md): one monitor per
 * connection, OpenSSH's privsep adapted to the sans-IO cores.
 *
 *   listener -> fork -> MONITOR (root when the daemon is root)
 *      monitor -> fork -> NETWORK process: sandboxed (daemon/sandbox.h),
 *         runs the transport and userauth (conn_preauth); its
 *         auth_backend and host key signing are proxies
 *         (daemon/monwrap.h) that ask the monitor; its log lines reach
 *         the monitor over a SOCK_SEQPACKET socket.  On success it hands
 *         the transport state over (AUTH_DONE) and exits.
 *      monitor -> fork -> POST-AUTH process: becomes the user
 *         (initgroups, ChrootDirectory, setgid, setuid), imports the
 *         transport and runs channels, sessions and forwarding
 *         (conn_postauth); asks the monitor for what needs root: host key
 *         signatures for rekeys, ptys (owned by the user, group tty), the
 *         login message and the utmp/wtmp/lastlog records.
 *      The monitor keeps the PAM session, writes the records and waits;
 *      when the post-auth process ends it writes the logout records,
 *      closes the PAM session and exits.
 *
 * The monitor answers only the requests of its table (monitor.c), each
 * with flags: the phase it belongs to, once only.  Anything else --
 * unknown, out of phase, repeated, out of order, malformed, oversized --
 * is logged ("monitor: refused request ...") and ends the connection.
 * The monitor decides authentication on its own record (monauth.c): it
 * verifies publickey signatures itself, over data it checks, counts the
 * methods that succeeded, and applies AuthenticationMethods and the
 * account check before it accepts the hand-over.
 *
 * Requests (fields in order; "string" as RFC 4251, answers start with
 * uint32 status, 0 or a PC_ERR_* code, unless said otherwise):
 *   SIGN          uint32 host key index, string sigalg, string data
 *                 -> status, string signature
 *   USER          string name -> status, bool found, [user]
 *   SETTINGS      (none) -> status, [settings]
 *   USER_ALLOWED  (none) -> status, string why
 *   METHOD_ALLOWED string method -> status, string why
 *   PUBKEY_ALLOWED string key blob -> status, [opts, string where]
 *   KEY_VERIFY    string key blob, string sigalg, string data,
 *                 string signature -> status
 *   PASSWORD      string password -> status, string message
 *   KBDINT_START  (none) -> status
 *   KBDINT_NEXT   (none) -> status (0, PC_OK_AUTHENTICATED or a
 *                 failure), [query when 0]
 *   KBDINT_RESPOND uint32 n, string response[n] -> status
 *   KBDINT_FREE   (none) -> status
 *   ACCOUNT       (none) -> status, string message
 *   AUTH_DONE     string user, string methods, string key (the child's
 *                 view), string transport state, uint32 n,
 *                 string message[n] (upper-layer messages the transport
 *                 delivered after USERAUTH_SUCCESS) -> status
 *   PTY           (none) -> status, string tty name; then the master and
 *                 slave descriptors (SCM_RIGHTS) when status is 0
 *   LOGIN_MSG     (none) -> status, string text
 *   LOGIN         uint32 pid, string tty -> status
 *   LOGOUT        uint32 pid, string tty -> status
 */
#ifndef PC_MONITOR_H
#define PC_MONITOR_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "authopts.h"
#include "conn.h"
#include "err.h"
#include "key.h"
#include "sesspty.h"
#include "transport.h"
#include "userauth.h"
#include "wbuf.h"

enum mon_req {
	MON_REQ_SIGN = 1,
	MON_REQ_USER,
	MON_REQ_SETTINGS,
	MON_REQ_USER_ALLOWED,
	MON_REQ_METHOD_ALLOWED,
	MON_REQ_PUBKEY_ALLOWED,
	MON_REQ_KEY_VERIFY,
	MON_REQ_PASSWORD,
	MON_REQ_KBDINT_START,
	MON_REQ_KBDINT_NEXT,
	MON_REQ_KBDINT_RESPOND,
	MON_REQ_KBDINT_FREE,
	MON_REQ_ACCOUNT,
	MON_REQ_AUTH_DONE,
	MON_REQ_PTY,
	MON_REQ_LOGIN_MSG,
	MON_REQ_LOGIN,
	MON_REQ_LOGOUT,
	MON_REQ_MAX		/* one past the last */
};

enum mon_phase {
	MON_PREAUTH = 1,	/* the network process asks */
	MON_POSTAUTH = 2,	/* the post-auth process asks */
};

/* Caps: past them a request is refused. */
#define MON_MAX_PREAUTH_REQUESTS 4096	/* everything before AUTH_DONE */
#define MON_MAX_PREAUTH_SIGNS	64	/* key exchanges before auth */
#define MON_MAX_KEYS		32	/* keys pubkey_allowed accepted */
#define MON_MAX_DONE		32	/* methods that succeeded */
#define MON_MAX_PTYS		64	/* ptys handed out at once */
#define MON_MAX_HELD		1024	/* messages held over to post-auth */
#define MON_MAX_LOGIN_MSG	8192

/* The data of a host key signature: an exchange hash (RFC 4253 s. 8,
 * RFC 5656 s. 4, RFC 8731): SHA-256, -384 or -512. */
#define MON_SESSION_ID_MAX	64

struct pamsession;
struct authbackend;

struct mon_params {
	/* The daemon's own backend (files, PAM, policy), run here. */
	const struct auth_backend *backend;
	/* For the user's configuration after Match (print_lastlog); NULL:
	 * defaults.  Borrowed. */
	const struct authbackend *ab;
	struct pc_key *const *hostkeys;	/* private halves, borrowed */
	size_t nhostkeys;
	const struct auth_peer *peer;		/* borrowed */
	/* The transport parameters the network process used, to check the
	 * state handed over (tp_import).  Borrowed. */
	const struct tp_params *tpp;
	/* What authentication starts with (before Match). */
	struct auth_settings initial;
};

/* A key pubkey_allowed accepted for the user. */
struct mon_key {
	struct pc_key *key;
	uint8_t *blob;			/* key_to_blob of key */
	size_t bloblen;
	struct auth_opts *opts;		/* its restrictions */
	char *where;			/* "PATH:LINE", ... */
};

/* A pty handed to the post-auth process. */
struct mon_pty {
	char name[SESSPTY_NAME_MAX];	/* "/dev/pts/N"; "" if free */
	int logged_in;			/* utmp record written */
	pid_t pid;			/* of the login record */
};

struct mon {
	struct mon_params p;
	enum mon_phase phase;
	uint32_t once;			/* once-only requests answered */
	unsigned nrequests;		/* before the hand-over */
	const char *why;		/* why the last request was refused */
	char whybuf[160];
	int pass_fds[2];		/* to send after the answer */
	size_t npass_fds;

	/* Key exchange: the first exchange hash is the session id. */
	uint8_t session_id[MON_SESSION_ID_MAX];
	size_t session_id_len;
	size_t hostkey_idx;		/* of the last signature */
	unsigned nsigns;

	/* The user, as the first request named it. */
	char user[USERAUTH_MAX_USER + 1];
	struct auth_user *u;		/* NULL: no such user */
	int settings_done;
	struct auth_settings s;		/* after Match (borrowed) */
	int user_checked;		/* user_allowed was asked */
	int user_ok;			/* ... and said yes */

	/* The monitor's own record of authentication. */
	struct mon_key keys[MON_MAX_KEYS];
	size_t nkeys;
	char *done[MON_MAX_DONE];	/* "publickey", "password",
					 * "keyboard-interactive:pam" */
	char *done_fps[MON_MAX_DONE];	/* keys verified, no key twice */
	size_t ndone, ndone_fps;
	struct auth_opts *opts;		/* merged restrictions */
	char *opts_where;		/* of the last key verified */
	char *key_desc;			/* that key, for logs */
	int account_ok;			/* last account check passed */
	unsigned failures;		/* failed attempts seen here */
	struct auth_kbdint *kbd;	/* a conversation in progress */
	char methods[128];		/* done, comma-separated, no sub */

	/* The hand-over. */
	int authenticated;
	struct wbuf state;		/* transport state (secret) */
	struct wbuf held;		/* string message, repeated */
	uint32_t nheld;

	/* After authentication. */
	struct pamsession *pam;		/* borrowed; or NULL */
	struct mon_pty ptys[MON_MAX_PTYS];
	int pam_msgs_taken;
};

/* p is copied; what it points to is borrowed for the life of m. */
int	mon_init(struct mon *m, const struct mon_params *p) PC_WUR;
/* Frees and wipes everything (the kbdint conversation, the state);
 * does not touch ptys or records (mon_postauth_end does). */
void	mon_clear(struct mon *m);

/*
 * Handle one request (type, payload) in the current phase.  0 with the
 * answer's payload in ans (to be sent with type | MONMSG_ANSWER, then
 * m->pass_fds when npass_fds > 0); PC_ERR_PERMISSION_DENIED when the
 * request is refused (already logged, with m->why): the caller ends the
 * connection.  Other errors (PC_ERR_ALLOC) end it too.
 */
int	mon_dispatch(struct mon *m, uint8_t type, struct wbuf *req,
	    struct wbuf *ans) PC_WUR;
/* Read one request from fd (within timeout_ms once it starts), handle
 * it and write the answer: 0, PC_ERR_CONN_CLOSED when the child closed
 * its end, or the error that ends the connection. */
int	mon_serve_one(struct mon *m, int fd, int timeout_ms) PC_WUR;
/* The request's name for logs ("sign", "key-verify"), or "unknown". */
const char *mon_req_name(unsigned type);

/* The post-auth process is gone: logout records for what is still
 * logged in, and the ptys back to root. */
void	mon_postauth_end(struct mon *m);

/*
 * The handlers (monauth.c for the pre-auth ones, monpost.c for the
 * post-auth ones), called by mon_dispatch with the phase and order
 * checked by the table.  0 with the answer in ans, or
 * PC_ERR_PERMISSION_DENIED with m->why set (mon_refuse).
 */
int	mon_refuse(struct mon *m, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	monauth_sign(struct mon *, struct wbuf *, struct wbuf *) PC_WUR;
int	monauth_user(struct mon *, struct wbuf *, struct wbuf *) PC_WUR;
int	monauth_settings(struct mon *, struct wbuf *, struct wbuf *) PC_WUR;
int	monauth_user_allowed(struct mon *, struct wbuf *,
	    struct wbuf *) PC_WUR;
int	monauth_method_allowed(struct mon *, struct wbuf *,
	    struct wbuf *) PC_WUR;
int	monauth_pubkey_allowed(struct mon *, struct wbuf *,
	    struct wbuf *) PC_WUR;
int	monauth_key_verify(struct mon *, struct wbuf *,
	    struct wbuf *) PC_WUR;
int	monauth_password(struct mon *, struct wbuf *, struct wbuf *) PC_WUR;
int	monauth_kbdint_start(struct mon *, struct wbuf *,
	    struct wbuf *) PC_WUR;
int	monauth_kbdint_next(struct mon *, struct wbuf *,
	    struct wbuf *) PC_WUR;
int	monauth_kbdint_respond(struct mon *, struct wbuf *,
	    struct wbuf *) PC_WUR;
int	monauth_kbdint_free(struct mon *, struct wbuf *,
	    struct wbuf *) PC_WUR;
int	monauth_account(struct mon *, struct wbuf *, struct wbuf *) PC_WUR;
int	monauth_auth_done(struct mon *, struct wbuf *, struct wbuf *) PC_WUR;
void	monauth_clear(struct mon *m);
int	monpost_pty(struct mon *, struct wbuf *, struct wbuf *) PC_WUR;
int	monpost_login_msg(struct mon *, struct wbuf *, struct wbuf *) PC_WUR;
int	monpost_login(struct mon *, struct wbuf *, struct wbuf *) PC_WUR;
int	monpost_logout(struct mon *, struct wbuf *, struct wbuf *) PC_WUR;

/*
 * One connection, privilege separated: what daemon/server.c's child (and
 * -d, and inetd mode) runs.  Logs "Connection from ...", forks the
 * network process, serves it, and after authentication forks the
 * post-auth process and serves that.  startup_fd (the listener's startup
 * pipe, or -1) gets CONN_STARTUP_AUTHENTICATED and is closed once the
 * user is authenticated, and is closed in every child.  rfd and wfd are
 * closed.  *end (may be NULL) says how the connection ended: the network
 * process's account (its exit status), raised to AUTHFAIL when the
 * monitor saw a failed attempt itself, CRASH when the network process
 * died of a signal or sent a request the monitor refused, GRACE when the
 * monitor had to kill it.  Returns 0 for an orderly end.
 */
int	mon_serve(int rfd, int wfd, const struct conn_settings *cs,
	    int startup_fd, enum conn_end *end) PC_WUR;

#endif /* PC_MONITOR_H */
