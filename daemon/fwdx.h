/*
 * The sockets and files behind agent and X11 forwarding, as OpenSSH's
 * sshd makes them: the agent socket in a private directory owned by the
 * user, the X11 display listeners, and the xauth(1) commands a session
 * runs.  Used by daemon/fwd.c (listeners) and daemon/session*.c (the
 * child's environment and xauth).
 */
#ifndef PC_FWDX_H
#define PC_FWDX_H

#include <sys/types.h>

#include <stddef.h>

#include "err.h"

#define FWDX_PATH_MAX		108	/* sun_path */
#define FWDX_MAX_DISPLAYS	1000	/* tried from X11DisplayOffset */
#define FWDX_MAX_X11_FDS	4	/* addresses of one display */

/*
 * Make a directory /tmp/ssh-XXXXXXXXXX (mode 0700) and in it a listening
 * Unix socket "agent.PID" (PID: pid), both owned by uid:gid so only the
 * user can reach the agent.  0 with *fd (non-blocking, close-on-exec) and
 * path (the socket; its directory is the dirname); the caller removes
 * both with fwdx_agent_remove.
 */
int	fwdx_agent_listen(uid_t uid, gid_t gid, pid_t pid, char *path,
	    size_t pathlen, int *fd) PC_WUR;
void	fwdx_agent_remove(const char *path);

/*
 * Listen for X11 display N: TCP port 6000 + N on loopback (use_localhost,
 * 127.0.0.1 and ::1) or on every address, for the first N from offset
 * (X11DisplayOffset) where every address binds, at most
 * FWDX_MAX_DISPLAYS tries.  0 with fds[*nfds] (non-blocking,
 * close-on-exec) and *number.
 */
int	fwdx_x11_listen(int offset, int use_localhost, int *fds,
	    size_t *nfds, int *number) PC_WUR;

/*
 * The input for "xauth -q -" that a session with X11 forwarding runs as
 * the user before its command (OpenSSH's do_xauth): remove the display's
 * old entry, add proto and cookie for it.  display is what DISPLAY is
 * set to ("localhost:10.0"); with use_localhost the entry is for
 * "unix:N.S" as OpenSSH writes it, since xauth looks up local displays
 * that way.  *out is caller-freed.  PC_ERR_INVALID_FORMAT if proto or
 * cookie is empty, longer than 1024 bytes or holds anything but
 * letters, digits and ". : / - _" (OpenSSH's xauth_valid_string: they
 * come from the peer and go to a command's input).
 */
int	fwdx_xauth_input(const char *display, int use_localhost,
	    const char *proto, const char *cookie, char **out) PC_WUR;

#endif /* PC_FWDX_H */
