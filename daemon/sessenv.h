/*
 * The decisions behind a session's process, as sshd(8) "LOGIN PROCESS"
 * and sshd_config(5) describe them, kept free of I/O so they can be unit
 * tested: the session settings resolved from the configuration, the
 * environment of the user's process, AcceptEnv matching, the forced
 * command, which rc file runs, and the login shell's argv[0].
 *
 * Ownership: a struct sessenv owns its strings ("NAME=value"); a struct
 * session_conf borrows everything from the server_config it was made
 * from, which must outlive it.
 */
#ifndef PC_SESSENV_H
#define PC_SESSENV_H

#include <sys/types.h>

#include <stddef.h>

#include "authopts.h"
#include "err.h"
#include "servconf.h"

#define SESSENV_MAX		1024	/* variables in one environment */
#define SESSENV_MAX_ACCEPTED	128	/* env requests kept per session */
#define SESSENV_MAX_VALUE	8192	/* longest NAME=value accepted */
#define SESSION_MAX_SUBSYSTEMS	256
#define SESSION_DEFAULT_MAX	10	/* MaxSessions */

#define SESSENV_STDPATH		"/usr/local/bin:/usr/bin:/bin:/usr/games"
#define SESSENV_SUPERUSER_PATH	\
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define SESSENV_MAILDIR		"/var/mail"
#define SESSENV_BSHELL		"/bin/sh"
#define SESSENV_USER_RC		".ssh/rc"	/* relative to HOME */
#define SESSENV_SYSTEM_RC	"/etc/ssh/sshrc"

/*
 * The session part of sshd_config for one user (after Match).  The
 * struct server_config does not carry these keywords yet (servconf.c
 * refuses them as unsupported); sessenv_conf_init gives every field
 * OpenSSH's default, and sessenv_conf_from_config takes what the
 * configuration has.
 */
struct session_conf {
	unsigned max_sessions;		/* MaxSessions */
	int permit_tty;			/* PermitTTY */
	int permit_user_rc;		/* PermitUserRC */
	/* PermitUserEnvironment: 0 no, 1 yes; with a pattern list, only
	 * the names it matches. */
	int permit_user_env;
	const char *permit_user_env_list;	/* NULL: all names */
	const char *accept_env;		/* comma-separated patterns; NULL */
	char *const *set_env;		/* SetEnv "NAME=value" */
	size_t nset_env;
	const char *force_command;	/* ForceCommand; NULL: none */
	const char *chroot_directory;	/* NULL: none */
	int print_motd;
	int print_lastlog;
	char *const *subsys_names;	/* Subsystem name and command */
	char *const *subsys_commands;
	size_t nsubsys;
	int use_pam;
	const char *pam_service;	/* NULL: AUTHPAM_SERVICE */
};

void	sessenv_conf_init(struct session_conf *sc);
void	sessenv_conf_from_config(const struct server_config *cfg,
	    struct session_conf *sc);

/* An environment: "NAME=value" strings and a terminating NULL. */
struct sessenv {
	char **v;
	size_t n;
	size_t cap;
};

void	sessenv_init(struct sessenv *e);
void	sessenv_clear(struct sessenv *e);
/* Set or replace NAME.  PC_ERR_INVALID_ARGUMENT for an empty name or one
 * with '='; PC_ERR_RANGE beyond SESSENV_MAX or SESSENV_MAX_VALUE. */
int	sessenv_set(struct sessenv *e, const char *name,
	    const char *value) PC_WUR;
/* Set from one "NAME=value" string (PAM, SetEnv, environment=). */
int	sessenv_put(struct sessenv *e, const char *nv) PC_WUR;
/* The value of NAME (borrowed), or NULL. */
const char *sessenv_get(const struct sessenv *e, const char *name);

/* May the client set NAME (RFC 4254 s. 6.4)?  Only if it matches the
 * AcceptEnv patterns (NULL: none) and is a plausible name. */
int	sessenv_accept(const char *accept_env, const char *name);

/* What sshd(8) puts in the environment of the user's process. */
struct sessenv_info {
	const char *user;
	uid_t uid;
	const char *home;
	const char *shell;		/* already defaulted */
	const char *peer_addr;
	int peer_port;
	const char *local_addr;
	int local_port;
	const char *tty;		/* "/dev/pts/N", or NULL */
	const char *term;		/* pty-req's TERM, or NULL */
	const char *original_command;	/* replaced by a forced command */
	const char *tz;			/* the daemon's TZ, or NULL */
	const char *auth_sock;		/* SSH_AUTH_SOCK, or NULL */
	const char *display;		/* DISPLAY (X11), or NULL */
	const struct sessenv *accepted;	/* env requests, or NULL */
	char *const *pam_env;		/* pam_getenvlist, or NULL */
	char *const *key_env;		/* environment= options, or NULL */
	size_t nkey_env;
};

/* Build the environment into out (initialised here; caller clears).
 * The order follows sshd's do_setup_env: the client's variables first so
 * that the standard ones override them, then PAM, the key's
 * environment= (only as PermitUserEnvironment allows), SetEnv, and the
 * SSH_ variables last. */
int	sessenv_build(const struct session_conf *sc,
	    const struct sessenv_info *in, struct sessenv *out) PC_WUR;

/* The user's shell, or /bin/sh when the account has none. */
const char *sessenv_shell(const char *pw_shell);
/* "-" + the shell's basename into buf, for a login shell's argv[0]. */
int	sessenv_login_argv0(const char *shell, char *buf,
	    size_t len) PC_WUR;

/*
 * The command to run: ForceCommand from the configuration wins, then
 * the key's command=; either replaces the requested one (NULL for a
 * shell), which becomes *original (NULL when nothing was replaced or
 * nothing was requested).  *forced tells which ("config", "key-option")
 * or NULL.  All borrowed.
 */
void	sessenv_command(const struct session_conf *sc,
	    const struct auth_opts *opts, const char *requested,
	    const char **command, const char **original,
	    const char **forced);

enum sessenv_rc {
	SESSENV_RC_NONE = 0,
	SESSENV_RC_USER,	/* sh ~/.ssh/rc */
	SESSENV_RC_SYSTEM,	/* sh /etc/ssh/sshrc */
};

/* Which rc file runs before the command (sshd(8) "SSHRC"): ~/.ssh/rc
 * unless this is a subsystem, ForceCommand is set, or PermitUserRC or
 * no-user-rc forbid it; else /etc/ssh/sshrc if it exists. */
enum sessenv_rc sessenv_rc_choice(const struct session_conf *sc,
	    const struct auth_opts *opts, int is_subsystem,
	    int user_rc_exists, int system_rc_exists);

/* The Subsystem command for name (borrowed), or NULL. */
const char *sessenv_subsystem(const struct session_conf *sc,
	    const char *name);

#endif /* PC_SESSENV_H */
