/*
 * The daemon's authentication backend (see authbackend.h): where the
 * userauth core's questions meet sshd_config, the system's databases and
 * files, PAM and policy/.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "authbackend.h"
#include "authkeys.h"
#include "authpam.h"
#include "authpasswd.h"
#include "base64.h"
#include "cert.h"
#include "certcheck.h"
#include "krl.h"
#include "log.h"
#include "login.h"
#include "userfiles.h"

#define MAX_GROUPS		1024
#define MAX_CA_KEYS		1024
#define BANNER_MAX		(64 * 1024)
#define CONFIG_FILE_MAX		(64u * 1024 * 1024)

static const struct server_config *
cfg(const struct authbackend *ab)
{
	return ab->have_user_cfg ? &ab->user_cfg : ab->global;
}

/* A root-owned file named by sshd_config (Banner, TrustedUserCAKeys,
 * RevokedKeys), read whole. */
static int
read_config_file(const char *path, size_t max, char **out, size_t *lenp)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd;

	*out = NULL;
	*lenp = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return PC_ERR_SYSTEM;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return PC_ERR_SYSTEM;
	}
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*lenp = len;
	return 0;
}

/* ------------------------------------------------------------ settings */

static int
fill_settings(struct authbackend *ab, struct auth_settings *s)
{
	const struct server_config *c = cfg(ab);
	size_t i, len = 0;
	char *b = NULL;

	free(ab->auth_methods);
	ab->auth_methods = NULL;
	/* The lists, space-separated, as userauth takes them. */
	for (i = 0; i < c->auth_methods.n; i++)
		len += strlen(c->auth_methods.v[i]) + 1;
	if (len > 0) {
		if ((ab->auth_methods = calloc(1, len)) == NULL)
			return PC_ERR_ALLOC;
		for (i = 0; i < c->auth_methods.n; i++) {
			if (i > 0)
				strcat(ab->auth_methods, " ");
			strcat(ab->auth_methods, c->auth_methods.v[i]);
		}
	}
	free(ab->banner);
	ab->banner = NULL;
	if (c->banner != NULL) {
		if (read_config_file(c->banner, BANNER_MAX, &b, &len) == 0)
			ab->banner = b;
		else
			error("Banner %s: %s", c->banner, strerror(errno));
	}
	memset(s, 0, sizeof(*s));
	s->pubkey = c->pubkey_authentication;
	s->password = c->password_authentication;
	/* Keyboard-interactive is PAM's conversation. */
	s->kbdint = c->kbd_interactive_authentication && c->use_pam;
	s->permit_empty_passwords = c->permit_empty_passwords;
	s->auth_methods = ab->auth_methods;
	s->max_tries = c->max_auth_tries > 0 ? (unsigned)c->max_auth_tries : 0;
	s->pubkey_algs = c->pubkey_accepted_algorithms;
	s->banner = ab->banner;
	return 0;
}

int
authbackend_settings(struct authbackend *ab, struct auth_settings *s)
{
	return fill_settings(ab, s);
}

/* Match blocks for this user (sshd applies them at the first request). */
static int
settings_for_user(void *arg, const char *name, const struct auth_user *u,
    const struct auth_peer *peer, struct auth_settings *s)
{
	struct authbackend *ab = arg;
	struct servconf_match_ctx ctx;
	int r;

	ab->peer = peer;
	servconf_match_ctx_init(&ctx);
	/* Borrowed strings: this ctx is not cleared. */
	ctx.user = (char *)(uintptr_t)name;
	ctx.host = (char *)(uintptr_t)peer->host;
	ctx.addr = (char *)(uintptr_t)peer->addr;
	ctx.laddr = (char *)(uintptr_t)peer->laddr;
	ctx.lport = peer->lport;
	ctx.invalid_user = u == NULL;
	if (u != NULL) {
		ctx.groups = u->groups;
		ctx.ngroups = u->ngroups;
	}
	ctx.groups_set = 1;
	if (ab->have_user_cfg)
		servconf_clear(&ab->user_cfg);
	ab->have_user_cfg = 0;
	if ((r = servconf_apply_match(ab->global, &ctx, &ab->user_cfg)) != 0)
		return r;
	ab->have_user_cfg = 1;
	return fill_settings(ab, s);
}

/* --------------------------------------------------------------- users */

static int
user_lookup(void *arg, const char *name, struct auth_user **up)
{
	struct passwd *pw;
	struct auth_user *u;
	gid_t groups[MAX_GROUPS];
	int ngroups = MAX_GROUPS, i;

	*up = NULL;
	if ((pw = getpwnam(name)) == NULL)
		return 0;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return PC_ERR_ALLOC;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	if ((u->name = strdup(pw->pw_name)) == NULL ||
	    (u->home = strdup(pw->pw_dir)) == NULL ||
	    (u->shell = strdup(pw->pw_shell[0] ? pw->pw_shell :
	    "/bin/sh")) == NULL)
		goto fail;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &ngroups) < 0)
		ngroups = 1, groups[0] = pw->pw_gid;
	if ((u->groups = calloc((size_t)ngroups, sizeof(char *))) == NULL)
		goto fail;
	for (i = 0; i < ngroups; i++) {
		struct group *g = getgrgid(groups[i]);
		char num[24];

		snprintf(num, sizeof(num), "%u", (unsigned)groups[i]);
		if ((u->groups[u->ngroups] = strdup(g ? g->gr_name : num)) ==
		    NULL)
			goto fail;
		u->ngroups++;
	}
	*up = u;
	return 0;
 fail:
	auth_user_free(u);
	return PC_ERR_ALLOC;
}

static int refuse(char **why, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
refuse(char **why, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	*why = strdup(buf);
	return PC_ERR_AUTH_FAILED;
}

/* OpenSSH's allowed_user(): the lists, the shell, a locked account. */
static int
user_allowed(void *arg, const struct auth_user *u,
    const struct auth_peer *peer, char **why)
{
	struct authbackend *ab = arg;
	const struct server_config *c = cfg(ab);
	struct policy_login_cfg pc;
	struct policy_login_subject ps;
	struct policy_decision d;
	struct spwd *sp;
	struct stat st;

	*why = NULL;
	if (stat(u->shell, &st) != 0)
		return refuse(why, "User %.100s not allowed because shell "
		    "%.100s does not exist", u->name, u->shell);
	if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0)
		return refuse(why, "User %.100s not allowed because shell "
		    "%.100s is not executable", u->name, u->shell);
	/* Without PAM, a locked password locks the account (OpenSSH). */
	if (!c->use_pam && geteuid() == 0 &&
	    (sp = getspnam(u->name)) != NULL && sp->sp_pwdp != NULL &&
	    (sp->sp_pwdp[0] == '!' ||
	    strncmp(sp->sp_pwdp, "*LOCKED*", 8) == 0))
		return refuse(why, "User %.100s not allowed because account "
		    "is locked", u->name);
	memset(&pc, 0, sizeof(pc));
	pc.allow_users = (const char *const *)c->allow_users.v;
	pc.n_allow_users = c->allow_users.n;
	pc.deny_users = (const char *const *)c->deny_users.v;
	pc.n_deny_users = c->deny_users.n;
	pc.allow_groups = (const char *const *)c->allow_groups.v;
	pc.n_allow_groups = c->allow_groups.n;
	pc.deny_groups = (const char *const *)c->deny_groups.v;
	pc.n_deny_groups = c->deny_groups.n;
	memset(&ps, 0, sizeof(ps));
	ps.user = u->name;
	ps.host = peer->host;
	ps.addr = peer->addr;
	ps.groups = (const char *const *)u->groups;
	ps.ngroups = u->ngroups;
	if (policy_login_allowed(&pc, &ps, &d) != 0 || !d.allowed) {
		*why = strdup(d.reason);
		return PC_ERR_AUTH_FAILED;
	}
	return 0;
}

static int
method_allowed(void *arg, const struct auth_user *u, const char *method,
    const struct auth_opts *opts, char **why)
{
	struct authbackend *ab = arg;
	struct policy_decision d;

	*why = NULL;
	if (u->uid != 0)
		return 0;
	if (policy_root_login(cfg(ab)->permit_root_login, method,
	    opts != NULL && opts->force_command != NULL, &d) != 0 ||
	    !d.allowed) {
		/* OpenSSH: "ROOT LOGIN REFUSED FROM 192.0.2.1 port 4242". */
		if (ab->peer != NULL)
			return refuse(why, "%s FROM %.200s port %d", d.reason,
			    ab->peer->addr, ab->peer->port);
		*why = strdup(d.reason);
		return PC_ERR_AUTH_FAILED;
	}
	return 0;
}

/* ----------------------------------------------------------- publickey */

/* The %-tokens sshd_config(5) offers for the key files and commands. */
struct tokbuf {
	char uid[24], fp[KEY_FP_MAX], cafp[KEY_FP_MAX], serial[24];
	char conn[160];
	char *key64, *ca64;
};

static void
tokbuf_clear(struct tokbuf *tb)
{
	free(tb->key64);
	free(tb->ca64);
	tb->key64 = tb->ca64 = NULL;
}

/* The base64 of a key's blob, for %k and %K. */
static char *
key_base64(const struct pc_key *k)
{
	struct wbuf b;
	char *s = NULL;
	size_t n;

	wbuf_init(&b, 0);
	if (key_to_blob(k, &b) == 0) {
		n = base64_encoded_len(wbuf_len(&b), 0);
		if ((s = malloc(n + 1)) != NULL &&
		    base64_encode(s, n + 1, wbuf_ptr(&b), wbuf_len(&b),
		    0) != 0) {
			free(s);
			s = NULL;
		}
	}
	wbuf_clear(&b);
	return s;
}

static void
tokens_for(const struct auth_user *u, const struct auth_peer *peer,
    const struct pc_key *key, struct tokbuf *tb, struct servconf_tokens *t)
{
	const struct pc_cert *cert = key != NULL ? key_cert(key) : NULL;

	memset(t, 0, sizeof(*t));
	memset(tb, 0, sizeof(*tb));
	snprintf(tb->uid, sizeof(tb->uid), "%u", (unsigned)u->uid);
	t->home = u->home;
	t->user = u->name;
	t->uid = tb->uid;
	if (peer != NULL) {
		/* %C: "client-address client-port server-address port" */
		snprintf(tb->conn, sizeof(tb->conn), "%s %d %s %d",
		    peer->addr, peer->port, peer->laddr, peer->lport);
		t->conn = tb->conn;
	}
	if (key == NULL)
		return;
	t->key = tb->key64 = key_base64(key);
	if (key_fingerprint(key, tb->fp, sizeof(tb->fp)) == 0)
		t->key_fp = tb->fp;
	t->key_type = key_name(key);
	if (cert != NULL) {
		snprintf(tb->serial, sizeof(tb->serial), "%llu",
		    (unsigned long long)cert->serial);
		t->serial = tb->serial;
		t->key_id = cert->key_id;
		t->ca_type = key_name(cert->ca_key);
		t->ca_key = tb->ca64 = key_base64(cert->ca_key);
		if (key_fingerprint(cert->ca_key, tb->cafp,
		    sizeof(tb->cafp)) == 0)
			t->ca_fp = tb->cafp;
	}
}

/* Search authorized_keys files, then AuthorizedKeysCommand. */
static int
find_in_keys(struct authbackend *ab, const struct auth_user *u,
    const struct auth_peer *peer, const struct pc_key *offered,
    const struct authkeys_query *q, struct authkeys_match *m, char **where)
{
	const struct server_config *c = cfg(ab);
	struct servconf_tokens t;
	struct tokbuf tb;
	char *path = NULL, *data = NULL, *cmd = NULL;
	size_t i, len;
	int r;

	tokens_for(u, peer, offered, &tb, &t);
	for (i = 0; i < c->authorized_keys_files.n; i++) {
		if (strcmp(c->authorized_keys_files.v[i], "none") == 0)
			continue;
		free(path);
		path = NULL;
		if (servconf_expand_path(c->authorized_keys_files.v[i], &t,
		    &path) != 0) {
			error("AuthorizedKeysFile %s: cannot expand tokens",
			    c->authorized_keys_files.v[i]);
			continue;
		}
		free(data);
		data = NULL;
		if (userfile_read(u, path, c->strict_modes, &data, &len) != 0)
			continue;
		if (authkeys_find(data, len, path, q, m) == 0) {
			if (asprintf(where, "%s:%zu", path, m->line) < 0)
				*where = NULL;
			r = 0;
			goto out;
		}
	}
	if (c->authorized_keys_command != NULL &&
	    c->authorized_keys_command_user != NULL &&
	    servconf_expand_tokens(c->authorized_keys_command, &t, &cmd) != 0)
		error("AuthorizedKeysCommand %s: cannot expand tokens",
		    c->authorized_keys_command);
	else if (c->authorized_keys_command != NULL &&
	    c->authorized_keys_command_user != NULL) {
		free(data);
		data = NULL;
		if (authcmd_run(cmd, c->authorized_keys_command_user, &data,
		    &len) == 0 && authkeys_find(data, len,
		    "AuthorizedKeysCommand", q, m) == 0) {
			if (asprintf(where, "AuthorizedKeysCommand line %zu",
			    m->line) < 0)
				*where = NULL;
			r = 0;
			goto out;
		}
	}
	r = PC_ERR_NOT_FOUND;
 out:
	tokbuf_clear(&tb);
	free(path);
	free(data);
	free(cmd);
	return r;
}

/* RevokedKeys: an unreadable list refuses every key (sshd(8)). */
static int
check_revoked(struct authbackend *ab, const struct pc_key *key)
{
	const char *path = cfg(ab)->revoked_keys;
	const struct pc_cert *cert = key_cert(key);
	struct revoked *rv = NULL;
	char *data = NULL, *desc = NULL;
	size_t len;
	int r;

	if (path == NULL)
		return 0;
	(void)!key_describe(key, &desc);
	if (read_config_file(path, REVOKED_MAX_SIZE, &data, &len) != 0 ||
	    revoked_parse((const uint8_t *)data, len, path, &rv) != 0) {
		error("Error checking authentication key %s: revoked keys "
		    "file %s is unreadable or malformed", desc ? desc : "",
		    path);
		r = PC_ERR_KEY_REVOKED;
		goto out;
	}
	if (cert != NULL)
		r = revoked_check_cert(rv, cert->serial, cert->key_id,
		    cert->ca_key, cert->key);
	else
		r = revoked_check_key(rv, key);
	if (r != 0)
		logit("Authentication key %s revoked by file %s",
		    desc ? desc : "", path);
 out:
	revoked_free(rv);
	free(data);
	free(desc);
	return r;
}

/* Split "a,b,c" into borrowed pointers into a copy (caller frees *copy). */
static size_t
split_list(const char *s, char **copy, char **v, size_t max)
{
	char *p, *save = NULL;
	size_t n = 0;

	if ((*copy = strdup(s)) == NULL)
		return 0;
	for (p = strtok_r(*copy, ",", &save); p != NULL && n < max;
	    p = strtok_r(NULL, ",", &save))
		v[n++] = p;
	return n;
}

/* The trusted CAs of TrustedUserCAKeys that signed this certificate. */
static int
ca_is_trusted(const char *path, const struct pc_key *ca)
{
	char *data = NULL, *line, *save = NULL;
	size_t len;
	int found = 0, n = 0;

	if (path == NULL)
		return 0;
	if (read_config_file(path, CONFIG_FILE_MAX, &data, &len) != 0) {
		error("TrustedUserCAKeys %s: %s", path, strerror(errno));
		return 0;
	}
	for (line = strtok_r(data, "\n", &save); line != NULL && !found &&
	    n < MAX_CA_KEYS; line = strtok_r(NULL, "\n", &save)) {
		struct authkeys_line al;
		const char *errstr = NULL;

		if (authkeys_parse_line(line, &al, &errstr) != 0)
			continue;
		n++;
		found = key_equal_public(al.key, ca);
		authkeys_line_clear(&al);
	}
	free(data);
	return found;
}

/* AuthorizedPrincipalsFile, then AuthorizedPrincipalsCommand: a line
 * naming one of the certificate's principals. */
static int
principals_find(struct authbackend *ab, const struct auth_user *u,
    const struct pc_key *key, const struct authkeys_query *q,
    struct authkeys_match *m)
{
	const struct server_config *c = cfg(ab);
	const struct pc_cert *cert = key_cert(key);
	const char *const *pr = (const char *const *)cert->principals;
	struct servconf_tokens t;
	struct tokbuf tb;
	char *path = NULL, *data = NULL, *cmd = NULL;
	size_t len;
	int r = PC_ERR_NOT_FOUND;

	tokens_for(u, ab->peer, key, &tb, &t);
	if (c->authorized_principals_file != NULL &&
	    servconf_expand_path(c->authorized_principals_file, &t,
	    &path) == 0 &&
	    userfile_read(u, path, c->strict_modes, &data, &len) == 0 &&
	    authkeys_find_principal(data, len, path, pr, cert->nprincipals,
	    q, m) == 0) {
		r = 0;
		goto out;
	}
	free(data);
	data = NULL;
	if (c->authorized_principals_command != NULL &&
	    c->authorized_principals_command_user != NULL &&
	    servconf_expand_tokens(c->authorized_principals_command, &t,
	    &cmd) == 0 &&
	    authcmd_run(cmd, c->authorized_principals_command_user, &data,
	    &len) == 0 &&
	    authkeys_find_principal(data, len, "AuthorizedPrincipalsCommand",
	    pr, cert->nprincipals, q, m) == 0)
		r = 0;
 out:
	tokbuf_clear(&tb);
	free(path);
	free(data);
	free(cmd);
	return r;
}

/* A certificate: TrustedUserCAKeys with principals, or a cert-authority
 * line in the user's keys. */
static int
cert_allowed(struct authbackend *ab, const struct auth_user *u,
    const struct auth_peer *peer, const struct pc_key *key,
    struct auth_opts **opts, char **where)
{
	const struct server_config *c = cfg(ab);
	const struct pc_cert *cert = key_cert(key);
	const struct pc_key *cas[1] = { cert->ca_key };
	struct authkeys_query q;
	struct authkeys_match m;
	struct certcheck_ctx cc;
	struct auth_opts *copts = NULL;
	char *plist = NULL, *pv[CERT_MAX_PRINCIPALS];
	const char *why = NULL, *errstr = NULL;
	int r;

	memset(&m, 0, sizeof(m));
	memset(&q, 0, sizeof(q));
	q.addr = peer->addr;
	q.host = peer->host;
	q.now = (uint64_t)time(NULL);
	memset(&cc, 0, sizeof(cc));
	cc.now = q.now;
	cc.user = u->name;
	cc.cas = cas;
	cc.ncas = 1;
	cc.ca_sigalgs = c->ca_sign_algorithms;
	cc.addr = peer->addr;

	if (ca_is_trusted(c->trusted_user_ca_keys, cert->ca_key)) {
		q.key = key;
		if (c->authorized_principals_file != NULL ||
		    c->authorized_principals_command != NULL) {
			if ((r = principals_find(ab, u, key, &q, &m)) != 0) {
				logit("Certificate does not contain an "
				    "authorized principal");
				goto out;
			}
			/* The file named an accepted principal: the user's
			 * name need not be in the certificate (sshd). */
			cc.principals = (const char *const *)cert->principals;
			cc.nprincipals = cert->nprincipals;
		}
		cc.principals_required = 1;
		if (asprintf(where, "TrustedUserCAKeys %s",
		    c->trusted_user_ca_keys) < 0)
			*where = NULL;
	} else {
		/* authorized_keys: a cert-authority line for the CA. */
		q.key = cert->ca_key;
		q.want_ca = 1;
		if ((r = find_in_keys(ab, u, peer, key, &q, &m, where)) != 0)
			goto out;
		if (m.opts->cert_principals != NULL) {
			cc.nprincipals = split_list(m.opts->cert_principals,
			    &plist, pv, CERT_MAX_PRINCIPALS);
			cc.principals = (const char *const *)pv;
		}
	}
	if ((r = certcheck_user(key, &cc, &copts, &why)) != 0) {
		logit("Certificate invalid: %s", why ? why : "refused");
		r = PC_ERR_NOT_FOUND;
		goto out;
	}
	if (m.opts != NULL) {
		/* The narrower of the line's and the certificate's. */
		if ((r = authopts_merge(m.opts, copts, opts, &errstr)) != 0) {
			logit("Certificate refused: %s", errstr ? errstr :
			    "options conflict");
			r = PC_ERR_NOT_FOUND;
			goto out;
		}
	} else {
		*opts = copts;
		copts = NULL;
	}
	r = 0;
 out:
	authkeys_match_clear(&m);
	authopts_free(copts);
	free(plist);
	if (r != 0) {
		free(*where);
		*where = NULL;
	}
	return r;
}

static int
pubkey_allowed(void *arg, const struct auth_user *u,
    const struct auth_peer *peer, const struct pc_key *key,
    struct auth_opts **opts, char **where)
{
	struct authbackend *ab = arg;
	struct authkeys_query q;
	struct authkeys_match m;
	int r;

	*opts = NULL;
	*where = NULL;
	if (check_revoked(ab, key) != 0)
		return PC_ERR_NOT_FOUND;
	if (key_is_cert(key))
		return cert_allowed(ab, u, peer, key, opts, where);
	memset(&q, 0, sizeof(q));
	memset(&m, 0, sizeof(m));
	q.key = key;
	q.addr = peer->addr;
	q.host = peer->host;
	q.now = (uint64_t)time(NULL);
	if ((r = find_in_keys(ab, u, peer, key, &q, &m, where)) != 0)
		return r;
	*opts = m.opts;
	m.opts = NULL;
	authkeys_match_clear(&m);
	return 0;
}

/* ----------------------------------------------- passwords and PAM */

static void
pam_params(const struct authbackend *ab, struct authpam_params *p)
{
	memset(p, 0, sizeof(*p));
	p->service = cfg(ab)->pam_service_name;
	p->permit_empty_passwords = cfg(ab)->permit_empty_passwords;
}

static int
password(void *arg, const struct auth_user *u, const struct auth_peer *peer,
    const char *pw, char **msg)
{
	struct authbackend *ab = arg;
	struct authpam_params p;

	if (cfg(ab)->use_pam) {
		pam_params(ab, &p);
		return authpam_password(&p, u, peer, pw, msg);
	}
	return authpasswd_password(u, pw, cfg(ab)->permit_empty_passwords,
	    msg);
}

static int
kbdint_start(void *arg, const struct auth_user *u,
    const struct auth_peer *peer, struct auth_kbdint **kp)
{
	struct authbackend *ab = arg;
	struct authpam_params p;

	*kp = NULL;
	if (!cfg(ab)->use_pam)
		return PC_ERR_AUTH_FAILED;
	pam_params(ab, &p);
	return authpam_kbdint_start(&p, u, peer, kp);
}

static int
account_ok(void *arg, const struct auth_user *u,
    const struct auth_peer *peer, char **msg)
{
	struct authbackend *ab = arg;
	struct authpam_params p;

	if (cfg(ab)->use_pam) {
		pam_params(ab, &p);
		return authpam_account(&p, u, peer, msg);
	}
	return authpasswd_account(u, msg);
}

/* ---------------------------------------------------------- life cycle */

int
authbackend_init(struct authbackend *ab, const struct server_config *global)
{
	memset(ab, 0, sizeof(*ab));
	ab->global = global;
	ab->vt.arg = ab;
	ab->vt.settings_for_user = settings_for_user;
	ab->vt.user_lookup = user_lookup;
	ab->vt.user_allowed = user_allowed;
	ab->vt.method_allowed = method_allowed;
	ab->vt.pubkey_allowed = pubkey_allowed;
	ab->vt.password = password;
	ab->vt.kbdint_start = kbdint_start;
	ab->vt.kbdint_next = authpam_kbdint_next;
	ab->vt.kbdint_respond = authpam_kbdint_respond;
	ab->vt.kbdint_free = authpam_kbdint_free;
	ab->vt.account_ok = account_ok;
	return 0;
}

void
authbackend_clear(struct authbackend *ab)
{
	if (ab->have_user_cfg)
		servconf_clear(&ab->user_cfg);
	free(ab->auth_methods);
	free(ab->banner);
	memset(ab, 0, sizeof(*ab));
}
