/* Session decisions without I/O (see sessenv.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "sessenv.h"

/* PAM modules must not plant these (sshd's do_setup_env denylist). */
#define SESSENV_PAM_DENY	"SSH_AUTH_INFO*,SSH_CONNECTION*"

void
sessenv_conf_init(struct session_conf *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->max_sessions = SESSION_DEFAULT_MAX;
	sc->permit_tty = 1;
	sc->permit_user_rc = 1;
	sc->permit_user_env = 0;
	sc->print_motd = 1;
	sc->print_lastlog = 1;
}

void
sessenv_conf_from_config(const struct server_config *cfg,
    struct session_conf *sc)
{
	sessenv_conf_init(sc);
	if (cfg == NULL) {
		return;
	}
	sc->use_pam = cfg->use_pam == 1;
	sc->pam_service = cfg->pam_service_name;
	if (cfg->max_sessions >= 0)
		sc->max_sessions = (unsigned)cfg->max_sessions;
	sc->permit_tty = cfg->permit_tty != 0;
	sc->permit_user_rc = cfg->permit_user_rc != 0;
	sc->permit_user_env = cfg->permit_user_env == 1;
	sc->permit_user_env_list = cfg->permit_user_env_allowlist;
	sc->set_env = cfg->set_env.v;
	sc->nset_env = cfg->set_env.n;
	sc->force_command = cfg->force_command;
	sc->print_motd = cfg->print_motd == 1;
	sc->print_lastlog = cfg->print_lastlog == 1;
	sc->subsys_names = cfg->subsystem_names.v;
	sc->subsys_commands = cfg->subsystem_commands.v;
	sc->nsubsys = cfg->subsystem_names.n;
	/* accept_env (a joined list) and chroot_directory (with its
	 * %-tokens expanded for the user) need storage: sessions_new. */
}

void
sessenv_init(struct sessenv *e)
{
	memset(e, 0, sizeof(*e));
}

void
sessenv_clear(struct sessenv *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		free(e->v[i]);
	}
	free(e->v);
	memset(e, 0, sizeof(*e));
}

static int
name_ok(const char *name, size_t len)
{
	return len > 0 && memchr(name, '=', len) == NULL;
}

/* Index of the variable named name[0..len), or -1. */
static long
find(const struct sessenv *e, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		if (strncmp(e->v[i], name, len) == 0 && e->v[i][len] == '=') {
			return (long)i;
		}
	}
	return -1;
}

static int
set_len(struct sessenv *e, const char *name, size_t nlen, const char *value)
{
	size_t vlen = strlen(value), newcap;
	char *s, **nv;
	long at;

	if (!name_ok(name, nlen)) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (nlen > SESSENV_MAX_VALUE || vlen > SESSENV_MAX_VALUE - nlen) {
		return PC_ERR_RANGE;
	}
	if ((s = malloc(nlen + vlen + 2)) == NULL) {
		return PC_ERR_ALLOC;
	}
	memcpy(s, name, nlen);
	s[nlen] = '=';
	memcpy(s + nlen + 1, value, vlen + 1);
	if ((at = find(e, name, nlen)) >= 0) {
		free(e->v[at]);
		e->v[at] = s;
		return 0;
	}
	if (e->n >= SESSENV_MAX) {
		free(s);
		return PC_ERR_RANGE;
	}
	/* Room for the new entry and the terminating NULL. */
	if (e->n + 2 > e->cap) {
		newcap = e->cap == 0 ? 32 : e->cap * 2;
		if ((nv = realloc(e->v, newcap * sizeof(*nv))) == NULL) {
			free(s);
			return PC_ERR_ALLOC;
		}
		e->v = nv;
		e->cap = newcap;
	}
	e->v[e->n++] = s;
	e->v[e->n] = NULL;
	return 0;
}

int
sessenv_set(struct sessenv *e, const char *name, const char *value)
{
	return set_len(e, name, strlen(name), value);
}

int
sessenv_put(struct sessenv *e, const char *nv)
{
	const char *eq = strchr(nv, '=');

	if (eq == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	return set_len(e, nv, (size_t)(eq - nv), eq + 1);
}

const char *
sessenv_get(const struct sessenv *e, const char *name)
{
	size_t len = strlen(name);
	long at;

	if (!name_ok(name, len) || (at = find(e, name, len)) < 0) {
		return NULL;
	}
	return e->v[at] + len + 1;
}

int
sessenv_accept(const char *accept_env, const char *name)
{
	if (accept_env == NULL || !name_ok(name, strlen(name))) {
		return 0;
	}
	return match_pattern_list(name, accept_env, 0) == MATCH_YES;
}

/* Copy a list of "NAME=value" strings, skipping names listed in deny
 * (NULL: none) and, with allow set, names it does not match. */
static int
copy_list(struct sessenv *out, char *const *list, size_t n, const char *deny,
    const char *allow)
{
	char name[256];
	const char *eq;
	size_t i, len;
	int r;

	for (i = 0; i < n && list[i] != NULL; i++) {
		if ((eq = strchr(list[i], '=')) == NULL) {
			continue;
		}
		len = (size_t)(eq - list[i]);
		if (len == 0 || len >= sizeof(name)) {
			continue;
		}
		memcpy(name, list[i], len);
		name[len] = '\0';
		if (deny != NULL &&
		    match_pattern_list(name, deny, 0) == MATCH_YES) {
			continue;
		}
		if (allow != NULL &&
		    match_pattern_list(name, allow, 0) != MATCH_YES) {
			continue;
		}
		if ((r = sessenv_put(out, list[i])) != 0) {
			return r;
		}
	}
	return 0;
}

int
sessenv_build(const struct session_conf *sc, const struct sessenv_info *in,
    struct sessenv *out)
{
	char buf[1024];
	size_t npam = 0;
	int r;

	sessenv_init(out);
	if (in->accepted != NULL &&
	    (r = copy_list(out, in->accepted->v, in->accepted->n, NULL,
	    NULL)) != 0) {
		goto out;
	}
	if ((r = sessenv_set(out, "USER", in->user)) != 0 ||
	    (r = sessenv_set(out, "LOGNAME", in->user)) != 0 ||
	    (r = sessenv_set(out, "HOME", in->home)) != 0 ||
	    (r = sessenv_set(out, "PATH", in->uid == 0 ?
	    SESSENV_SUPERUSER_PATH : SESSENV_STDPATH)) != 0) {
		goto out;
	}
	if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", SESSENV_MAILDIR,
	    in->user) >= sizeof(buf)) {
		r = PC_ERR_RANGE;
		goto out;
	}
	if ((r = sessenv_set(out, "MAIL", buf)) != 0 ||
	    (r = sessenv_set(out, "SHELL", in->shell)) != 0) {
		goto out;
	}
	if (in->tz != NULL && (r = sessenv_set(out, "TZ", in->tz)) != 0) {
		goto out;
	}
	if (in->term != NULL &&
	    (r = sessenv_set(out, "TERM", in->term)) != 0) {
		goto out;
	}
	/* After TERM, before PAM's variables: sshd's do_setup_env. */
	if (in->display != NULL &&
	    (r = sessenv_set(out, "DISPLAY", in->display)) != 0) {
		goto out;
	}
	if (in->pam_env != NULL) {
		while (in->pam_env[npam] != NULL && npam < SESSENV_MAX) {
			npam++;
		}
		if ((r = copy_list(out, in->pam_env, npam, SESSENV_PAM_DENY,
		    NULL)) != 0) {
			goto out;
		}
	}
	if (in->auth_sock != NULL &&
	    (r = sessenv_set(out, "SSH_AUTH_SOCK", in->auth_sock)) != 0) {
		goto out;
	}
	if (sc->permit_user_env && in->key_env != NULL &&
	    (r = copy_list(out, in->key_env, in->nkey_env, NULL,
	    sc->permit_user_env_list)) != 0) {
		goto out;
	}
	if (sc->set_env != NULL &&
	    (r = copy_list(out, sc->set_env, sc->nset_env, NULL, NULL)) != 0) {
		goto out;
	}
	if ((size_t)snprintf(buf, sizeof(buf), "%s %d %d", in->peer_addr,
	    in->peer_port, in->local_port) >= sizeof(buf) ||
	    (r = sessenv_set(out, "SSH_CLIENT", buf)) != 0) {
		r = r != 0 ? r : PC_ERR_RANGE;
		goto out;
	}
	if ((size_t)snprintf(buf, sizeof(buf), "%s %d %s %d", in->peer_addr,
	    in->peer_port, in->local_addr, in->local_port) >= sizeof(buf) ||
	    (r = sessenv_set(out, "SSH_CONNECTION", buf)) != 0) {
		r = r != 0 ? r : PC_ERR_RANGE;
		goto out;
	}
	if (in->tty != NULL &&
	    (r = sessenv_set(out, "SSH_TTY", in->tty)) != 0) {
		goto out;
	}
	if (in->original_command != NULL &&
	    (r = sessenv_set(out, "SSH_ORIGINAL_COMMAND",
	    in->original_command)) != 0) {
		goto out;
	}
	r = 0;
 out:
	if (r != 0) {
		sessenv_clear(out);
	}
	return r;
}

const char *
sessenv_shell(const char *pw_shell)
{
	return pw_shell == NULL || *pw_shell == '\0' ? SESSENV_BSHELL :
	    pw_shell;
}

int
sessenv_login_argv0(const char *shell, char *buf, size_t len)
{
	const char *base = strrchr(shell, '/');

	base = base == NULL ? shell : base + 1;
	if (*base == '\0') {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((size_t)snprintf(buf, len, "-%s", base) >= len) {
		return PC_ERR_RANGE;
	}
	return 0;
}

void
sessenv_command(const struct session_conf *sc, const struct auth_opts *opts,
    const char *requested, const char **command, const char **original,
    const char **forced)
{
	*command = requested;
	*original = NULL;
	*forced = NULL;
	if (sc->force_command != NULL) {
		*command = sc->force_command;
		*forced = "config";
	} else if (opts != NULL && opts->force_command != NULL) {
		*command = opts->force_command;
		*forced = "key-option";
	}
	if (*forced != NULL) {
		*original = requested;
	}
}

enum sessenv_rc
sessenv_rc_choice(const struct session_conf *sc, const struct auth_opts *opts,
    int is_subsystem, int user_rc_exists, int system_rc_exists)
{
	int user_ok = sc->permit_user_rc &&
	    (opts == NULL || opts->permit_user_rc);

	if (!is_subsystem && sc->force_command == NULL && user_ok &&
	    user_rc_exists) {
		return SESSENV_RC_USER;
	}
	if (system_rc_exists) {
		return SESSENV_RC_SYSTEM;
	}
	return SESSENV_RC_NONE;
}

const char *
sessenv_subsystem(const struct session_conf *sc, const char *name)
{
	size_t i;

	for (i = 0; i < sc->nsubsys && i < SESSION_MAX_SUBSYSTEMS; i++) {
		if (strcmp(sc->subsys_names[i], name) == 0) {
			return sc->subsys_commands[i];
		}
	}
	return NULL;
}
