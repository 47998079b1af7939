/*
 * The user's process for a session, as sshd's do_exec_pty/do_exec_no_pty
 * and do_child: fork; in the child setsid, the pty as controlling
 * terminal (or three pipes), the login messages, ChrootDirectory,
 * initgroups/setgid/setuid (checked to be irreversible), the
 * environment, chdir to the home directory, the rc file, then the shell.
 */
#ifndef PC_SESSPROC_H
#define PC_SESSPROC_H

#include <sys/types.h>

#include <stddef.h>

#include "auth.h"
#include "authopts.h"
#include "err.h"
#include "sessenv.h"

struct sessproc_params {
	const struct session_conf *sc;
	const struct auth_user *user;
	const struct auth_opts *opts;		/* or NULL */
	const char *shell;			/* sessenv_shell() */
	const char *command;			/* NULL: a login shell */
	int is_subsystem;
	int slave;				/* pty slave, or -1 */
	char *const *env;			/* NULL-terminated */
	/* Interactive login (shell on a pty): text printed first ("Last
	 * login", PAM's messages), and whether /etc/motd follows. */
	const char *login_msg;			/* or NULL */
	int print_motd;
	/*
	 * X11 forwarding (x11-req), or all NULL.  As sshd's do_rc_files:
	 * an rc file that runs gets "PROTO COOKIE\n" on its standard
	 * input; without one, xauth_location runs as "-q -" with
	 * xauth_input (fwdx_xauth_input) on its standard input.
	 */
	const char *x11_proto;
	const char *x11_cookie;
	const char *xauth_location;
	const char *xauth_input;
	/* The session cannot run (ChrootDirectory could not be entered):
	 * the child prints this on its stderr, logs it and exits 1, as
	 * sshd's child does.  Or NULL. */
	const char *fail_msg;
};

/* The parent's ends: with a pty all -1 (the caller has the master). */
struct sessproc_fds {
	int in, out, err;
};

/* Start the process; *pid is its id (and process group). */
int	sessproc_spawn(const struct sessproc_params *p, pid_t *pid,
	    struct sessproc_fds *fds) PC_WUR;

/* sshd's safely_chroot checks: an absolute path whose every component
 * is a directory owned by root and not writable by group or others.
 * 0, or PC_ERR_AUTH_FAILED with the reason in why. */
int	sessproc_chroot_check(const char *path, char *why,
	    size_t whylen) PC_WUR;

#endif /* PC_SESSPROC_H */
