/*
 * The sshd_config keyword table (see servconf_int.h), the types that only
 * the authentication keywords use, their defaults, and the expansion of
 * the sshd_config(5) TOKENS.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "alglist.h"
#include "cipher.h"
#include "kexalg.h"
#include "key.h"
#include "log.h"
#include "login.h"
#include "mac.h"
#include "servconf_int.h"

#define MAX_USERLIST	4096	/* AllowUsers etc. entries, all lines */
#define MAX_AUTHKEYS	64	/* AuthorizedKeysFile paths */
#define MAX_METHODS	64	/* AuthenticationMethods lists */
#define SIGALG_BUF	2048	/* assembled certificate + plain lists */

/* ------------------------------------------------------------------ */
/* Signature algorithm lists with certificates. */

/*
 * The OpenSSH certificate signature algorithms (PROTOCOL.certkeys), in
 * OpenSSH's preference order, each with the plain algorithm it signs
 * with.  A certificate helper is adding these names to crypto/; until its
 * lists arrive, this table is the one place that names them.
 */
static const struct {
	const char *cert;
	const char *plain;
} cert_sigalgs[] = {
	{ "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519" },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256" },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384" },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521" },
	{ "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-512" },
	{ "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-256" },
};

/*
 * "certs,plain": the certificate names whose plain algorithm is in plain,
 * then plain, as OpenSSH orders its defaults.  buf is static storage
 * rewritten with the same text on every call.
 */
static const char *
with_certs(char *buf, size_t size, const char *plain)
{
	size_t i, len = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < sizeof(cert_sigalgs) / sizeof(cert_sigalgs[0]); i++) {
		if (!alglist_contains(plain, cert_sigalgs[i].plain)) {
			continue;
		}
		n = snprintf(buf + len, size - len, "%s,",
		    cert_sigalgs[i].cert);
		if (n < 0 || (size_t)n >= size - len) {
			return plain;	/* cannot happen: SIGALG_BUF */
		}
		len += (size_t)n;
	}
	n = snprintf(buf + len, size - len, "%s", plain);
	if (n < 0 || (size_t)n >= size - len) {
		return plain;
	}
	return buf;
}

static const char *
certalg_default_list(void)
{
	static char buf[SIGALG_BUF];

	return with_certs(buf, sizeof(buf), key_sigalg_default_list());
}

static const char *
certalg_supported_list(void)
{
	static char buf[SIGALG_BUF];

	return with_certs(buf, sizeof(buf), key_sigalg_supported_list());
}

/* ------------------------------------------------------------------ */
/* Paths. */

/*
 * A file name relative to the working directory made absolute, as
 * OpenSSH's derelativise_path() does for Banner, HostCertificate,
 * TrustedUserCAKeys and RevokedKeys; "none" stays.
 */
static int
abs_path(const struct servconf_lctx *lc, const char *arg, char **out)
{
	char cwd[PATH_MAX];

	*out = NULL;
	if (strcasecmp(arg, "none") == 0 || arg[0] == '/') {
		return (*out = strdup(arg)) == NULL ? PC_ERR_ALLOC : 0;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		LERR(lc, "getcwd: %s", strerror(errno));
		return PC_ERR_CONFIG;
	}
	if (asprintf(out, "%s/%s", cwd, arg) < 0) {
		*out = NULL;
		return PC_ERR_ALLOC;
	}
	return 0;
}

/* A single path (string, first wins), made absolute. */
static int
abspath_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	char **p = FIELD(cfg, kw, char *), *path;
	int r;

	if (servconf_one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if ((r = abs_path(lc, av[0], &path)) != 0) {
		return r;
	}
	if (*p == NULL) {
		*p = path;
	} else {
		free(path);
	}
	return 0;
}

/* Repeatable path (HostCertificate), made absolute. */
static int
abspathlist_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	char *path;
	int r;

	if (servconf_one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if ((r = abs_path(lc, av[0], &path)) != 0) {
		return r;
	}
	r = servconf_strlist_add(FIELD(cfg, kw, struct servconf_strlist),
	    path, SERVCONF_MAX_HOSTKEYS);
	free(path);
	if (r == PC_ERR_RANGE) {
		LERR(lc, "too many %s entries", lc->keyword);
		return PC_ERR_CONFIG;
	}
	return r;
}

/* ------------------------------------------------------------------ */
/* Lists of words. */

/* Append every argument to a list that accumulates over lines. */
static int
words_append(struct servconf_strlist *l, const struct servconf_lctx *lc,
    char **av, int ac, size_t max)
{
	int i, r;

	for (i = 0; i < ac; i++) {
		r = servconf_strlist_add(l, av[i], max);
		if (r == PC_ERR_RANGE) {
			LERR(lc, "too many %s entries", lc->keyword);
			return PC_ERR_CONFIG;
		}
		if (r != 0) {
			return r;
		}
	}
	return 0;
}

/* AllowUsers, DenyUsers: USER or USER@HOST, every entry checked. */
static int
userlist_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	int i;

	for (i = 0; i < ac; i++) {
		if (policy_login_user_pattern_check(av[i]) != 0) {
			LERR(lc, "invalid %s pattern: \"%s\"", lc->keyword,
			    av[i]);
			return PC_ERR_CONFIG;
		}
	}
	return words_append(FIELD(cfg, kw, struct servconf_strlist), lc, av,
	    ac, MAX_USERLIST);
}

/* AllowGroups, DenyGroups: pattern lists, none empty. */
static int
grouplist_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	int i;

	for (i = 0; i < ac; i++) {
		if (av[i][0] == '\0') {
			LERR(lc, "empty %s pattern", lc->keyword);
			return PC_ERR_CONFIG;
		}
	}
	return words_append(FIELD(cfg, kw, struct servconf_strlist), lc, av,
	    ac, MAX_USERLIST);
}

/* A list taken whole from its first line, dumped on one line. */
static void
oneline_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	const struct servconf_strlist *l =
	    CFIELD(cfg, kw, struct servconf_strlist);
	size_t i;

	fprintf(f, "%s", kw->name);
	if (l->n == 0) {
		fprintf(f, " %s", (const char *)kw->arg);
	}
	for (i = 0; i < l->n; i++) {
		fprintf(f, " %s", l->v[i]);
	}
	fprintf(f, "\n");
}

/* AuthorizedKeysFile: one or more paths ("none" among them). */
static int
authkeys_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	struct servconf_strlist *l = FIELD(cfg, kw, struct servconf_strlist);
	int i;

	for (i = 0; i < ac; i++) {
		if (av[i][0] == '\0') {
			LERR(lc, "keyword %s empty argument", lc->keyword);
			return PC_ERR_CONFIG;
		}
	}
	if (ac > MAX_AUTHKEYS) {
		LERR(lc, "too many %s entries", lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (l->n != 0) {
		return 0;	/* first line wins */
	}
	return words_append(l, lc, av, ac, MAX_AUTHKEYS);
}

/* ------------------------------------------------------------------ */
/* AuthenticationMethods. */

/* Methods a list may name: OpenSSH's, though Portcullis has no hostbased
 * or GSSAPI (such a list can never be satisfied; see fill_auth). */
static const char *const method_names[] = {
	"none", "publickey", "password", "keyboard-interactive", "hostbased",
	"gssapi-with-mic",
};

/* Is a "m1,m2:sub,..." list well formed?  Method names are exact; a
 * ":submethod" may follow any (OpenSSH checks only the name). */
static int
methods_valid(const char *list)
{
	const char *p = list, *end, *colon;
	size_t len, i;

	if (*list == '\0') {
		return 0;
	}
	for (;;) {
		end = strchr(p, ',');
		len = end == NULL ? strlen(p) : (size_t)(end - p);
		colon = memchr(p, ':', len);
		if (colon != NULL) {
			len = (size_t)(colon - p);
		}
		for (i = 0; i < sizeof(method_names) / sizeof(*method_names);
		    i++) {
			if (strlen(method_names[i]) == len &&
			    strncmp(method_names[i], p, len) == 0) {
				break;
			}
		}
		if (i == sizeof(method_names) / sizeof(*method_names)) {
			return 0;
		}
		if (end == NULL) {
			return 1;
		}
		p = end + 1;
	}
}

static int
authmethods_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	struct servconf_strlist *l = FIELD(cfg, kw, struct servconf_strlist);
	int i, any = 0;

	if (ac < 1) {
		LERR(lc, "no %s specified", lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (ac > MAX_METHODS) {
		LERR(lc, "too many %s lists", lc->keyword);
		return PC_ERR_CONFIG;
	}
	for (i = 0; i < ac; i++) {
		if (strcmp(av[i], "any") == 0 || any) {
			if (i > 0) {
				LERR(lc, "\"any\" must appear alone in %s",
				    lc->keyword);
				return PC_ERR_CONFIG;
			}
			any = 1;
		} else if (!methods_valid(av[i])) {
			LERR(lc, "invalid %s method list.", lc->keyword);
			return PC_ERR_CONFIG;
		}
	}
	if (l->n != 0) {
		return 0;	/* first line wins */
	}
	return words_append(l, lc, av, ac, MAX_METHODS);
}

/* Is the method enabled?  Only the methods Portcullis has can be. */
static int
method_enabled(const struct server_config *cfg, const char *m, size_t len)
{
	if (len == 4 && strncmp(m, "none", len) == 0) {
		return 1;	/* as OpenSSH: "none" is always enabled */
	}
	if (len == 9 && strncmp(m, "publickey", len) == 0) {
		return cfg->pubkey_authentication == 1;
	}
	if (len == 8 && strncmp(m, "password", len) == 0) {
		return cfg->password_authentication == 1;
	}
	if (len == 20 && strncmp(m, "keyboard-interactive", len) == 0) {
		return cfg->kbd_interactive_authentication == 1;
	}
	return 0;
}

/* Can every method of the list be used?  Logs the first that cannot, as
 * OpenSSH's auth2_methods_valid(list, 1). */
static int
methods_enabled(const struct server_config *cfg, const char *list)
{
	const char *p = list, *end;
	size_t len, mlen;

	for (;;) {
		end = strchr(p, ',');
		len = end == NULL ? strlen(p) : (size_t)(end - p);
		mlen = strcspn(p, ":,");
		if (mlen > len) {
			mlen = len;
		}
		if (!method_enabled(cfg, p, mlen)) {
			error("Disabled method \"%.*s\" in "
			    "AuthenticationMethods list \"%s\"", (int)mlen, p,
			    list);
			return 0;
		}
		if (end == NULL) {
			return 1;
		}
		p = end + 1;
	}
}

/* ------------------------------------------------------------------ */
/* AuthorizedKeysCommand, AuthorizedPrincipalsCommand. */

/*
 * The raw rest of the line, quotes and all, as OpenSSH keeps it: the
 * command is split into arguments when it runs.  It must be an absolute
 * path or "none".
 */
static int
command_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	char **p = FIELD(cfg, kw, char *), *cmd;
	const char *s;
	size_t len;

	(void)av;
	(void)ac;
	if (servconf_rest_of_line(lc, &s, &len) != 0)
		return PC_ERR_CONFIG;
	if (s[0] != '/' && !(len == 4 && strncmp(s, "none", 4) == 0)) {
		LERR(lc, "%s must be an absolute path", lc->keyword);
		return PC_ERR_CONFIG;
	}
	if (*p != NULL)
		return 0;
	if ((cmd = strndup(s, len)) == NULL)
		return PC_ERR_ALLOC;
	*p = cmd;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Flags Portcullis has only the "no" of. */

/*
 * HostbasedAuthentication, GSSAPIAuthentication, KerberosAuthentication,
 * UseDNS, Compression: "no" is accepted so configurations that say so
 * load; "yes" (or kw->arg, another value OpenSSH takes: Compression
 * delayed) is an error rather than a silently missing feature.  Portcullis
 * looks up no host names and offers only the "none" compression
 * (RFC 4253 s. 6.2).
 */
static int
noflag_parse(const struct servconf_kw *kw, struct server_config *cfg,
    const struct servconf_lctx *lc, char **av, int ac)
{
	(void)cfg;
	if (servconf_one_arg(lc, av, ac) != 0) {
		return PC_ERR_CONFIG;
	}
	if (strcasecmp(av[0], "no") == 0) {
		return 0;
	}
	if (strcasecmp(av[0], "yes") == 0 || (kw->arg != NULL &&
	    strcasecmp(av[0], (const char *)kw->arg) == 0)) {
		LERR(lc, "%s %s is not supported by Portcullis", lc->keyword,
		    av[0]);
		return PC_ERR_CONFIG;
	}
	LERR(lc, "unsupported option \"%s\" for %s.", av[0], lc->keyword);
	return PC_ERR_CONFIG;
}

static int
noflag_copy(const struct servconf_kw *kw, struct server_config *dst,
    const struct server_config *src)
{
	(void)kw;
	(void)dst;
	(void)src;
	return 0;
}

static void
noflag_dump(const struct servconf_kw *kw, const struct server_config *cfg,
    FILE *f)
{
	(void)cfg;
	fprintf(f, "%s no\n", kw->name);
}

/* ------------------------------------------------------------------ */
/* The table. */

static const struct servconf_kwtype T_ABSPATH = {
	abspath_parse, servconf_string_copy, servconf_string_dump,
	servconf_string_free
};
static const struct servconf_kwtype T_ABSPATHLIST = {
	abspathlist_parse, servconf_strlist_copy, servconf_strlist_dump,
	servconf_strlist_free
};
static const struct servconf_kwtype T_USERLIST = {
	userlist_parse, servconf_strlist_copy, servconf_strlist_dump,
	servconf_strlist_free
};
static const struct servconf_kwtype T_GROUPLIST = {
	grouplist_parse, servconf_strlist_copy, servconf_strlist_dump,
	servconf_strlist_free
};
static const struct servconf_kwtype T_AUTHKEYS = {
	authkeys_parse, servconf_strlist_copy, oneline_dump,
	servconf_strlist_free
};
static const struct servconf_kwtype T_AUTHMETHODS = {
	authmethods_parse, servconf_strlist_copy, oneline_dump,
	servconf_strlist_free
};
static const struct servconf_kwtype T_COMMAND = {
	command_parse, servconf_string_copy, servconf_string_dump,
	servconf_string_free
};
static const struct servconf_kwtype T_NOFLAG = {
	noflag_parse, noflag_copy, noflag_dump, servconf_nothing_free
};

static const struct servconf_enum address_families[] = {
	{ "any", AF_UNSPEC },
	{ "inet", AF_INET },
	{ "inet6", AF_INET6 },
	{ NULL, 0 },
};

/* The dump prints the first name of a value: sshd -T says
 * "without-password" for prohibit-password, so that comes first. */
static const struct servconf_enum permit_root_values[] = {
	{ "without-password", POLICY_ROOT_PROHIBIT_PASSWORD },
	{ "prohibit-password", POLICY_ROOT_PROHIBIT_PASSWORD },
	{ "forced-commands-only", POLICY_ROOT_FORCED_ONLY },
	{ "yes", POLICY_ROOT_YES },
	{ "no", POLICY_ROOT_NO },
	{ NULL, 0 },
};

/* AllowTcpForwarding, AllowStreamLocalForwarding: "all" is "yes". */
static const struct servconf_enum forward_values[] = {
	{ "yes", SERVCONF_FWD_ALL },
	{ "all", SERVCONF_FWD_ALL },
	{ "no", SERVCONF_FWD_NO },
	{ "local", SERVCONF_FWD_LOCAL },
	{ "remote", SERVCONF_FWD_REMOTE },
	{ NULL, 0 },
};

static const struct servconf_enum gateway_values[] = {
	{ "clientspecified", SERVCONF_GW_CLIENTSPECIFIED },
	{ "yes", SERVCONF_GW_YES },
	{ "no", SERVCONF_GW_NO },
	{ NULL, 0 },
};

static const struct servconf_enum tunnel_values[] = {
	{ "no", SERVCONF_TUN_NO },
	{ "point-to-point", SERVCONF_TUN_POINTOPOINT },
	{ "ethernet", SERVCONF_TUN_ETHERNET },
	{ "yes", SERVCONF_TUN_YES },
	{ NULL, 0 },
};

static const struct servconf_algsrc algs_cipher = {
	cipher_default_list, cipher_supported_list, "cipher spec"
};
static const struct servconf_algsrc algs_mac = {
	mac_default_list, mac_supported_list, "mac spec"
};
static const struct servconf_algsrc algs_kex = {
	kexalg_default_list, kexalg_supported_list, "KexAlgorithms"
};
/* Host keys may be certificates (HostCertificate). */
static const struct servconf_algsrc algs_hostkey = {
	certalg_default_list, certalg_supported_list, "HostKeyAlgorithms"
};
static const struct servconf_algsrc algs_pubkey = {
	certalg_default_list, certalg_supported_list,
	"PubkeyAcceptedAlgorithms"
};
/* A CA signs with a plain key. */
static const struct servconf_algsrc algs_ca = {
	key_sigalg_default_list, key_sigalg_supported_list,
	"CASignatureAlgorithms"
};

#define OFF(f)	offsetof(struct server_config, f)
#define S_NONE	(KW_ALL | KW_NONE)

/* The implemented keywords, in sshd -T order.  Flags as OpenSSH's. */
const struct servconf_kw servconf_keywords[] = {
	{ "port", &servconf_t_port, 0, KW_GLOBAL, NULL },
	{ "addressfamily", &servconf_t_enum, OFF(address_family), KW_GLOBAL,
	    address_families },
	{ "listenaddress", &servconf_t_listen, 0, KW_GLOBAL, NULL },
	{ "usepam", &servconf_t_flag, OFF(use_pam), KW_GLOBAL, NULL },
	/* OpenSSH 9.8's PAMServiceName; not in Debian 12's 9.2. */
	{ "pamservicename", &servconf_t_string, OFF(pam_service_name), KW_ALL,
	    NULL },
	{ "logingracetime", &servconf_t_time, OFF(login_grace_time),
	    KW_GLOBAL, NULL },
	{ "x11displayoffset", &servconf_t_int, OFF(x11_display_offset),
	    KW_ALL, NULL },
	{ "maxauthtries", &servconf_t_int, OFF(max_auth_tries), KW_ALL,
	    NULL },
	{ "maxsessions", &servconf_t_int, OFF(max_sessions), KW_ALL, NULL },
	{ "clientaliveinterval", &servconf_t_time,
	    OFF(client_alive_interval), KW_ALL, NULL },
	{ "clientalivecountmax", &servconf_t_int,
	    OFF(client_alive_count_max), KW_ALL, NULL },
	{ "streamlocalbindmask", &servconf_t_octal,
	    OFF(streamlocal_bind_mask), KW_ALL | KW_LAST, NULL },
	{ "permitrootlogin", &servconf_t_enum, OFF(permit_root_login), KW_ALL,
	    permit_root_values },
	{ "hostbasedauthentication", &T_NOFLAG, 0, KW_ALL, NULL },
	{ "pubkeyauthentication", &servconf_t_flag,
	    OFF(pubkey_authentication), KW_ALL, NULL },
	{ "kerberosauthentication", &T_NOFLAG, 0, KW_ALL, NULL },
	{ "gssapiauthentication", &T_NOFLAG, 0, KW_ALL, NULL },
	{ "passwordauthentication", &servconf_t_flag,
	    OFF(password_authentication), KW_ALL, NULL },
	{ "kbdinteractiveauthentication", &servconf_t_flag,
	    OFF(kbd_interactive_authentication), KW_ALL, NULL },
	{ "printmotd", &servconf_t_flag, OFF(print_motd), KW_GLOBAL, NULL },
	{ "printlastlog", &servconf_t_flag, OFF(print_lastlog), KW_GLOBAL,
	    NULL },
	{ "x11forwarding", &servconf_t_flag, OFF(x11_forwarding), KW_ALL,
	    NULL },
	{ "x11uselocalhost", &servconf_t_flag, OFF(x11_use_localhost), KW_ALL,
	    NULL },
	{ "permittty", &servconf_t_flag, OFF(permit_tty), KW_ALL, NULL },
	{ "permituserrc", &servconf_t_flag, OFF(permit_user_rc), KW_ALL,
	    NULL },
	{ "strictmodes", &servconf_t_flag, OFF(strict_modes), KW_GLOBAL,
	    NULL },
	{ "tcpkeepalive", &servconf_t_flag, OFF(tcp_keep_alive), KW_GLOBAL,
	    NULL },
	{ "permitemptypasswords", &servconf_t_flag,
	    OFF(permit_empty_passwords), KW_ALL, NULL },
	{ "compression", &T_NOFLAG, 0, KW_GLOBAL, "delayed" },
	{ "gatewayports", &servconf_t_enum, OFF(gateway_ports), KW_ALL,
	    gateway_values },
	{ "usedns", &T_NOFLAG, 0, KW_GLOBAL, NULL },
	{ "allowtcpforwarding", &servconf_t_enum, OFF(allow_tcp_forwarding),
	    KW_ALL, forward_values },
	{ "allowagentforwarding", &servconf_t_flag,
	    OFF(allow_agent_forwarding), KW_ALL, NULL },
	{ "disableforwarding", &servconf_t_flag, OFF(disable_forwarding),
	    KW_ALL, NULL },
	{ "allowstreamlocalforwarding", &servconf_t_enum,
	    OFF(allow_streamlocal_forwarding), KW_ALL, forward_values },
	{ "streamlocalbindunlink", &servconf_t_flag,
	    OFF(streamlocal_bind_unlink), KW_ALL, NULL },
	{ "pidfile", &servconf_t_string, OFF(pid_file), KW_GLOBAL, NULL },
	{ "modulifile", &servconf_t_string, OFF(moduli_file), KW_GLOBAL,
	    NULL },
	/* A file name made absolute, as OpenSSH's parse_filename; "none"
	 * is no xauth (X11 forwarding is then refused). */
	{ "xauthlocation", &T_ABSPATH, OFF(xauth_location),
	    KW_GLOBAL | KW_NONE, NULL },
	{ "ciphers", &servconf_t_alglist, OFF(ciphers), KW_GLOBAL,
	    &algs_cipher },
	{ "macs", &servconf_t_alglist, OFF(macs), KW_GLOBAL, &algs_mac },
	{ "banner", &T_ABSPATH, OFF(banner), S_NONE, NULL },
	{ "forcecommand", &servconf_t_restline, OFF(force_command), S_NONE,
	    NULL },
	{ "chrootdirectory", &servconf_t_string, OFF(chroot_directory),
	    S_NONE, NULL },
	{ "trustedusercakeys", &T_ABSPATH, OFF(trusted_user_ca_keys), S_NONE,
	    NULL },
	{ "revokedkeys", &T_ABSPATH, OFF(revoked_keys), S_NONE, NULL },
	{ "authorizedprincipalsfile", &servconf_t_string,
	    OFF(authorized_principals_file), S_NONE, NULL },
	{ "versionaddendum", &servconf_t_restline, OFF(version_addendum),
	    KW_GLOBAL | KW_NONE, NULL },
	{ "authorizedkeyscommand", &T_COMMAND, OFF(authorized_keys_command),
	    S_NONE, NULL },
	{ "authorizedkeyscommanduser", &servconf_t_string,
	    OFF(authorized_keys_command_user), S_NONE, NULL },
	{ "authorizedprincipalscommand", &T_COMMAND,
	    OFF(authorized_principals_command), S_NONE, NULL },
	{ "authorizedprincipalscommanduser", &servconf_t_string,
	    OFF(authorized_principals_command_user), S_NONE, NULL },
	{ "kexalgorithms", &servconf_t_alglist, OFF(kex_algorithms),
	    KW_GLOBAL, &algs_kex },
	{ "casignaturealgorithms", &servconf_t_alglist,
	    OFF(ca_sign_algorithms), KW_ALL, &algs_ca },
	{ "hostkeyalgorithms", &servconf_t_alglist, OFF(hostkey_algorithms),
	    KW_GLOBAL, &algs_hostkey },
	{ "pubkeyacceptedalgorithms", &servconf_t_alglist,
	    OFF(pubkey_accepted_algorithms), KW_ALL, &algs_pubkey },
	{ "loglevel", &servconf_t_loglevel, OFF(log_level), KW_ALL, NULL },
	{ "syslogfacility", &servconf_t_facility, OFF(log_facility),
	    KW_GLOBAL, NULL },
	{ "authorizedkeysfile", &T_AUTHKEYS, OFF(authorized_keys_files),
	    KW_ALL, "none" },
	{ "hostkey", &servconf_t_pathlist, OFF(host_keys), KW_GLOBAL, NULL },
	{ "hostcertificate", &T_ABSPATHLIST, OFF(host_certificates),
	    KW_GLOBAL, NULL },
	{ "acceptenv", &servconf_t_acceptenv, OFF(accept_env), KW_ALL, NULL },
	{ "setenv", &servconf_t_setenv, OFF(set_env), KW_ALL, NULL },
	{ "allowusers", &T_USERLIST, OFF(allow_users), KW_ALL, NULL },
	{ "denyusers", &T_USERLIST, OFF(deny_users), KW_ALL, NULL },
	{ "allowgroups", &T_GROUPLIST, OFF(allow_groups), KW_ALL, NULL },
	{ "denygroups", &T_GROUPLIST, OFF(deny_groups), KW_ALL, NULL },
	/* SSH Tectia's per-user and per-group TCP forwarding switches:
	 * entries as AllowUsers and AllowGroups. */
	{ "allowtcpforwardingforusers", &T_USERLIST, OFF(allow_tcp_fwd_users),
	    KW_ALL, NULL },
	{ "allowtcpforwardingforgroups", &T_GROUPLIST,
	    OFF(allow_tcp_fwd_groups), KW_ALL, NULL },
	{ "denytcpforwardingforusers", &T_USERLIST, OFF(deny_tcp_fwd_users),
	    KW_ALL, NULL },
	{ "denytcpforwardingforgroups", &T_GROUPLIST,
	    OFF(deny_tcp_fwd_groups), KW_ALL, NULL },
	{ "authenticationmethods", &T_AUTHMETHODS, OFF(auth_methods), KW_ALL,
	    "any" },
	{ "subsystem", &servconf_t_subsystem, 0, KW_GLOBAL, NULL },
	{ "maxstartups", &servconf_t_maxstartups, 0, KW_GLOBAL, NULL },
	{ "persourcemaxstartups", &servconf_t_persource_startups,
	    OFF(per_source_max_startups), KW_GLOBAL, NULL },
	{ "persourcenetblocksize", &servconf_t_netblock, 0, KW_GLOBAL, NULL },
	{ "persourcepenalties", &servconf_t_penalties, 0, KW_GLOBAL, NULL },
	{ "persourcepenaltyexemptlist", &servconf_t_penalty_exempt,
	    OFF(penalty_exempt), KW_GLOBAL | KW_NONE, NULL },
	{ "permittunnel", &servconf_t_enum, OFF(permit_tunnel), KW_ALL,
	    tunnel_values },
	{ "rekeylimit", &servconf_t_rekey, 0, KW_ALL, NULL },
	{ "permitopen", &servconf_t_permits, OFF(permit_open), KW_ALL, NULL },
	/* A non-NULL arg: a bare port is allowed (PermitListen). */
	{ "permitlisten", &servconf_t_permits, OFF(permit_listen), KW_ALL,
	    "listen" },
	{ "permituserenvironment", &servconf_t_userenv, 0, KW_GLOBAL, NULL },
	/* TCP wrappers (hosts_access(5)), as an OpenSSH built with libwrap
	 * had them, but switchable and with configurable tables. */
	{ "tcpwrappers", &servconf_t_tcpwrappers, OFF(tcp_wrappers),
	    KW_GLOBAL, NULL },
	{ "tcpwrappersallowfile", &servconf_t_wrapfile,
	    OFF(tcp_wrappers_allow_file), KW_GLOBAL, NULL },
	{ "tcpwrappersdenyfile", &servconf_t_wrapfile,
	    OFF(tcp_wrappers_deny_file), KW_GLOBAL, NULL },
};

const size_t servconf_nkeywords =
    sizeof(servconf_keywords) / sizeof(servconf_keywords[0]);

/* struct server_config keeps one origin per row. */
_Static_assert(sizeof(servconf_keywords) / sizeof(servconf_keywords[0]) <=
    SERVCONF_MAX_KEYWORDS, "SERVCONF_MAX_KEYWORDS is smaller than the "
    "keyword table");

/* Other names OpenSSH accepts for a keyword. */
static const struct {
	const char *alias;
	const char *name;
} aliases[] = {
	{ "challengeresponseauthentication", "kbdinteractiveauthentication" },
	{ "keepalive", "tcpkeepalive" },
	{ "pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms" },
};

/* Keywords OpenSSH accepts with "Deprecated option" (sDeprecated and the
 * ignored "Protocol"): harmless to keep in a config. */
static const char *const deprecated_keywords[] = {
	"authorizedkeysfile2", "checkmail", "keyregenerationinterval",
	"pamauthenticationviakbdint", "protocol", "reversemappingcheck",
	"rhostsauthentication", "rhostsrsaauthentication", "rsaauthentication",
	"serverkeybits", "uselogin", "useprivilegeseparation",
	"verifyreversemapping",
};

/* OpenSSH keywords Portcullis does not implement (yet): an error, so a
 * setting is never silently dropped. */
static const char *const unsupported_keywords[] = {
	"afstokenpassing", "channeltimeout", "dsaauthentication",
	"exposeauthinfo", "fingerprinthash", "gssapicleanupcredentials",
	"gssapistrictacceptorcheck", "hostbasedacceptedalgorithms",
	"hostbasedacceptedkeytypes", "hostbasedusesnamefrompacketonly",
	"hostdsakey", "hostkeyagent", "ignorerhosts", "ignoreuserknownhosts",
	"ipqos", "kerberosgetafstoken", "kerberosorlocalpasswd",
	"kerberosticketcleanup", "kerberostgtpassing", "logverbose",
	"pubkeyauthoptions", "rdomain", "requiredrsasize", "securitykeyprovider",
	"skeyauthentication", "unusedconnectiontimeout",
};

static int
name_in(const char *const *names, size_t n, const char *kw)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcasecmp(names[i], kw) == 0) {
			return 1;
		}
	}
	return 0;
}

int
servconf_kw_deprecated(const char *name)
{
	return name_in(deprecated_keywords, sizeof(deprecated_keywords) /
	    sizeof(deprecated_keywords[0]), name);
}

int
servconf_kw_unsupported(const char *name)
{
	return name_in(unsupported_keywords, sizeof(unsupported_keywords) /
	    sizeof(unsupported_keywords[0]), name);
}

const struct servconf_kw *
servconf_kw_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcasecmp(aliases[i].alias, name) == 0) {
			name = aliases[i].name;
			break;
		}
	}
	for (i = 0; i < servconf_nkeywords; i++) {
		if (strcasecmp(servconf_keywords[i].name, name) == 0) {
			return &servconf_keywords[i];
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Defaults. */

static void
fill_int(int *p, int def)
{
	if (*p == -1) {
		*p = def;
	}
}

static int
fill_str(char **p, const char *def)
{
	if (*p == NULL && (*p = strdup(def)) == NULL) {
		return PC_ERR_ALLOC;
	}
	return 0;
}

int
servconf_kw_fill_auth(struct server_config *cfg)
{
	size_t i;
	int r;

	/* OpenSSH's compiled-in defaults (Debian's sshd_config sets UsePAM
	 * yes and KbdInteractiveAuthentication no in the file). */
	fill_int(&cfg->use_pam, 0);
	fill_int(&cfg->max_auth_tries, 6);
	fill_int(&cfg->permit_root_login, POLICY_ROOT_PROHIBIT_PASSWORD);
	fill_int(&cfg->pubkey_authentication, 1);
	fill_int(&cfg->password_authentication, 1);
	fill_int(&cfg->kbd_interactive_authentication, 1);
	fill_int(&cfg->permit_empty_passwords, 0);
	fill_int(&cfg->strict_modes, 1);
	/* OpenSSH's default is its program name, "sshd"; ours is
	 * portcullisd, so /etc/pam.d/portcullisd applies. */
	if ((r = fill_str(&cfg->pam_service_name, "portcullisd")) != 0 ||
	    (r = fill_str(&cfg->pubkey_accepted_algorithms,
	    certalg_default_list())) != 0 ||
	    (r = fill_str(&cfg->ca_sign_algorithms,
	    key_sigalg_default_list())) != 0 ||
	    (r = fill_str(&cfg->hostkey_algorithms,
	    certalg_default_list())) != 0) {
		return r;
	}
	if (cfg->authorized_keys_files.n == 0 &&
	    ((r = servconf_strlist_add(&cfg->authorized_keys_files,
	    ".ssh/authorized_keys", SIZE_MAX)) != 0 ||
	    (r = servconf_strlist_add(&cfg->authorized_keys_files,
	    ".ssh/authorized_keys2", SIZE_MAX)) != 0)) {
		return r;
	}
	servconf_kw_clear_none(cfg);
	/* The checks sshd makes at startup. */
	if (cfg->auth_methods.n > 0) {
		for (i = 0; i < cfg->auth_methods.n; i++) {
			if (methods_enabled(cfg, cfg->auth_methods.v[i])) {
				break;
			}
		}
		if (i == cfg->auth_methods.n) {
			error("AuthenticationMethods cannot be satisfied by "
			    "enabled authentication methods");
			return PC_ERR_CONFIG;
		}
	}
	if (cfg->authorized_keys_command != NULL &&
	    cfg->authorized_keys_command_user == NULL) {
		error("AuthorizedKeysCommand set without "
		    "AuthorizedKeysCommandUser");
		return PC_ERR_CONFIG;
	}
	if (cfg->authorized_principals_command != NULL &&
	    cfg->authorized_principals_command_user == NULL) {
		error("AuthorizedPrincipalsCommand set without "
		    "AuthorizedPrincipalsCommandUser");
		return PC_ERR_CONFIG;
	}
	return 0;
}

void
servconf_kw_clear_none(struct server_config *cfg)
{
	const struct servconf_kw *kw;
	char **p;
	size_t i;

	for (i = 0; i < servconf_nkeywords; i++) {
		kw = &servconf_keywords[i];
		if (!(kw->flags & KW_NONE)) {
			continue;
		}
		p = FIELD(cfg, kw, char *);
		if (*p != NULL && strcasecmp(*p, "none") == 0) {
			free(*p);
			*p = NULL;
		}
	}
	/* "AuthenticationMethods any" is the default: an empty list. */
	if (cfg->auth_methods.n == 1 &&
	    strcmp(cfg->auth_methods.v[0], "any") == 0) {
		servconf_strlist_clear(&cfg->auth_methods);
	}
}

/* ------------------------------------------------------------------ */
/* TOKENS. */

static const char *
token_value(const struct servconf_tokens *t, char c)
{
	switch (c) {
	case 'C':
		return t->conn;
	case 'D':
		return t->rdomain;
	case 'F':
		return t->ca_fp;
	case 'f':
		return t->key_fp;
	case 'h':
		return t->home;
	case 'i':
		return t->key_id;
	case 'K':
		return t->ca_key;
	case 'k':
		return t->key;
	case 's':
		return t->serial;
	case 'T':
		return t->ca_type;
	case 't':
		return t->key_type;
	case 'U':
		return t->uid;
	case 'u':
		return t->user;
	default:
		return NULL;
	}
}

int
servconf_expand_tokens(const char *fmt, const struct servconf_tokens *t,
    char **out)
{
	char *buf = NULL;
	const char *v;
	size_t len = 0, vlen;
	int r;

	*out = NULL;
	if (fmt == NULL || t == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((buf = malloc(SERVCONF_MAX_EXPAND + 1)) == NULL) {
		return PC_ERR_ALLOC;
	}
	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%') {
			v = fmt;
			vlen = 1;
		} else if (fmt[1] == '%') {
			v = fmt++;
			vlen = 1;
		} else if (fmt[1] == '\0' ||
		    (v = token_value(t, fmt[1])) == NULL) {
			/* OpenSSH: "percent_expand: unknown key %x". */
			r = PC_ERR_INVALID_FORMAT;
			goto out;
		} else {
			fmt++;
			vlen = strlen(v);
		}
		if (vlen > SERVCONF_MAX_EXPAND - len) {
			r = PC_ERR_RANGE;
			goto out;
		}
		memcpy(buf + len, v, vlen);
		len += vlen;
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
	r = 0;
 out:
	free(buf);
	return r;
}

int
servconf_expand_path(const char *fmt, const struct servconf_tokens *t,
    char **out)
{
	char *e = NULL, *p;
	int r;

	*out = NULL;
	if ((r = servconf_expand_tokens(fmt, t, &e)) != 0) {
		return r;
	}
	if (e[0] == '/') {
		*out = e;
		return 0;
	}
	if (t->home == NULL) {
		free(e);
		return PC_ERR_INVALID_ARGUMENT;
	}
	if (strlen(t->home) + 1 + strlen(e) > SERVCONF_MAX_EXPAND) {
		free(e);
		return PC_ERR_RANGE;
	}
	if (asprintf(&p, "%s/%s", t->home, e) < 0) {
		free(e);
		return PC_ERR_ALLOC;
	}
	free(e);
	*out = p;
	return 0;
}
