/*
 * Sessions (RFC 4254 s. 6) on the daemon side: the chan_backend for
 * "session" channels, and the processes, ptys and file descriptors behind
 * them.  One struct sessions per authenticated connection.
 *
 * A session's process runs as the user: initgroups, setgid, setuid
 * (checked to be irreversible), the environment sshd(8) documents, the
 * PAM session, utmp/wtmp/lastlog, motd, ChrootDirectory, ForceCommand and
 * the user's rc as sshd_config says.
 *
 * The connection loop (conn.c) asks sessions_pollfds() which descriptors
 * to watch, polls them with the socket, and hands the results to
 * sessions_handle(), which moves data between the descriptors and the
 * channels (respecting the windows: a descriptor is only read while its
 * channel can take data), reaps exited children (after sessions_sigchld)
 * and ends channels with exit-status, EOF and CLOSE once the process has
 * exited and its output is drained.
 */
#ifndef PC_SESSION_H
#define PC_SESSION_H

#include <sys/types.h>

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "authopts.h"
#include "chan.h"
#include "err.h"
#include "servconf.h"

#define SESSION_MAX_POLLFDS	(3 * 64)

/*
 * Privilege separation (daemon/monitor.h): the sessions run in a process
 * that is the user already (and inside ChrootDirectory); what needs root
 * is asked of the monitor, which also keeps the PAM session.  Without it
 * (NULL) the sessions do it all themselves, as root.
 */
struct sesspty;
struct session_priv {
	void *arg;
	char *const *pam_env;		/* the PAM session's, or NULL */
	/* The process is inside ChrootDirectory already. */
	int chrooted;
	/* ChrootDirectory could not be entered (sshd's reason): each
	 * session prints it on its stderr and exits 1.  Or NULL. */
	const char *chroot_error;
	/* A pty, the slave given to the user (group tty, mode 0620). */
	int (*pty_open)(void *arg, struct sesspty *p);
	/* The text before an interactive login ("Last login", PAM's
	 * messages), into buf (len bytes). */
	int (*login_message)(void *arg, char *buf, size_t len);
	/* utmp, wtmp and lastlog for the process pid on the pty tty. */
	int (*login)(void *arg, pid_t pid, const char *tty);
	/* The pty is done with (its process exited or the channel closed):
	 * the logout record if there was a login, the tty back to root. */
	void (*pty_done)(void *arg, pid_t pid, const char *tty);
};

struct session_params {
	const struct server_config *cfg;	/* after Match for the user */
	const struct auth_user *user;
	const struct auth_opts *opts;		/* key restrictions, or NULL */
	const struct auth_peer *peer;
	const char *methods;			/* "publickey", for the env */
	const struct session_priv *priv;	/* or NULL */
};

struct sessions;

/* Everything in p is borrowed for the life of the sessions.  Opens the
 * PAM session when UsePAM is on (without p->priv). */
int	sessions_new(const struct session_params *p,
	    struct sessions **sp) PC_WUR;
/* Kills (SIGHUP) and reaps what is left, closes the PAM session. */
void	sessions_free(struct sessions *s);
const struct chan_backend *sessions_backend(struct sessions *s);
/* The channel table the sessions talk to (made with their backend). */
void	sessions_set_chan(struct sessions *s, struct chan_conn *cc);

/*
 * Agent and X11 forwarding for sessions, provided by the connection
 * (daemon/fwd.c: fwd_agent_request, fwd_x11_request and
 * fwd_session_closed have these contracts).  Without it (NULL) both
 * requests are refused.  Borrowed for the life of the sessions.
 */
struct session_fwd {
	void *arg;
	int (*agent)(void *arg, const char **path);
	int (*x11)(void *arg, uint32_t session_id, int single,
	    const char **display, int *number);
	void (*session_closed)(void *arg, uint32_t session_id);
};
void	sessions_set_fwd(struct sessions *s, const struct session_fwd *f);

/* Fill at most max entries; returns how many. */
size_t	sessions_pollfds(struct sessions *s, struct pollfd *pfd, size_t max);
/* After poll: the same entries with revents set. */
int	sessions_handle(struct sessions *s, const struct pollfd *pfd,
	    size_t n) PC_WUR;
/* SIGCHLD arrived: reap, then finish channels whose output is drained. */
int	sessions_sigchld(struct sessions *s) PC_WUR;
/* Work that needs no event (channels to finish): call after each loop. */
int	sessions_flush(struct sessions *s) PC_WUR;

#endif /* PC_SESSION_H */
