/* Unit tests for the authentication keywords of daemon/servconf_kw.c:
 * values, defaults, -T lines (as OpenSSH 9.2's sshd -T prints them),
 * Match permissions and overrides, and %-token expansion. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>

#include "dumpcheck.h"
#include "logcap.h"
#include "conftext.h"

#include "log.h"
#include "login.h"
#include "servconf.h"

#define CERTS \
	"ssh-ed25519-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp384-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp521-cert-v01@openssh.com," \
	"rsa-sha2-512-cert-v01@openssh.com," \
	"rsa-sha2-256-cert-v01@openssh.com"
#define PLAIN \
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384," \
	"ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256"

static void
test_defaults(void **state)
{
	static const char *const lines[] = {
		"usepam no", "pamservicename portcullisd", "maxauthtries 6",
		"permitrootlogin without-password",
		"hostbasedauthentication no", "pubkeyauthentication yes",
		"kerberosauthentication no", "gssapiauthentication no",
		"passwordauthentication yes",
		"kbdinteractiveauthentication yes", "strictmodes yes",
		"permitemptypasswords no", "banner none",
		"trustedusercakeys none", "revokedkeys none",
		"authorizedprincipalsfile none", "authorizedkeyscommand none",
		"authorizedkeyscommanduser none",
		"authorizedprincipalscommand none",
		"authorizedprincipalscommanduser none",
		"casignaturealgorithms " PLAIN,
		"hostkeyalgorithms " CERTS "," PLAIN,
		"pubkeyacceptedalgorithms " CERTS "," PLAIN,
		("authorizedkeysfile .ssh/authorized_keys "
		    ".ssh/authorized_keys2"),
		"authenticationmethods any",
	};
	struct server_config cfg;
	size_t i;

	(void)state;
	log_capture();
	servconf_init(&cfg);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_int_equal(cfg.use_pam, 0);
	assert_string_equal(cfg.pam_service_name, "portcullisd");
	assert_int_equal(cfg.max_auth_tries, 6);
	assert_int_equal(cfg.permit_root_login,
	    POLICY_ROOT_PROHIBIT_PASSWORD);
	assert_int_equal(cfg.pubkey_authentication, 1);
	assert_int_equal(cfg.password_authentication, 1);
	assert_int_equal(cfg.kbd_interactive_authentication, 1);
	assert_int_equal(cfg.permit_empty_passwords, 0);
	assert_int_equal(cfg.strict_modes, 1);
	assert_null(cfg.banner);
	assert_null(cfg.trusted_user_ca_keys);
	assert_null(cfg.revoked_keys);
	assert_null(cfg.authorized_principals_file);
	assert_null(cfg.authorized_keys_command);
	assert_int_equal(cfg.auth_methods.n, 0);
	assert_int_equal(cfg.allow_users.n, 0);
	assert_int_equal(cfg.host_certificates.n, 0);
	assert_int_equal(cfg.authorized_keys_files.n, 2);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_dump_has(&cfg, lines[i]);
	}
	assert_dump_lacks(&cfg, "allowusers");
	assert_dump_lacks(&cfg, "denyusers");
	assert_dump_lacks(&cfg, "allowgroups");
	assert_dump_lacks(&cfg, "denygroups");
	assert_dump_lacks(&cfg, "hostcertificate");
	servconf_clear(&cfg);
}

/* A configuration like the one sshd -T was checked with. */
static void
test_values_dump(void **state)
{
	static const char conf[] =
	    "UsePAM yes\n"
	    "PAMServiceName sshd\n"
	    "MaxAuthTries 3\n"
	    "PermitRootLogin forced-commands-only\n"
	    "PubkeyAuthentication yes\n"
	    "PasswordAuthentication yes\n"
	    "ChallengeResponseAuthentication no\n"
	    "PermitEmptyPasswords yes\n"
	    "StrictModes no\n"
	    "HostCertificate /etc/ssh/a.pub\n"
	    "HostCertificate /etc/ssh/b.pub\n"
	    "AllowUsers alice bob@10.0.0.0/8\n"
	    "AllowUsers carol\n"
	    "DenyUsers dave@host*.example.com\n"
	    "AllowGroups wheel\n"
	    "AllowGroups staff\n"
	    "DenyGroups bad\n"
	    "AuthenticationMethods publickey,password "
	    "publickey,keyboard-interactive:pam\n"
	    "Banner /etc/issue.net\n"
	    "AuthorizedKeysFile .ssh/a %h/.ssh/b\n"
	    "AuthorizedKeysFile .ssh/ignored\n"
	    "AuthorizedKeysCommand /usr/bin/foo %u   \"%f x\" \n"
	    "AuthorizedKeysCommandUser nobody\n"
	    "TrustedUserCAKeys /etc/ssh/ca.pub\n"
	    "RevokedKeys /etc/ssh/krl\n"
	    "AuthorizedPrincipalsFile /etc/ssh/p/%u\n"
	    "AuthorizedPrincipalsCommand /bin/pp %u\n"
	    "AuthorizedPrincipalsCommandUser nobody\n"
	    "PubkeyAcceptedKeyTypes -*-cert-v01@openssh.com\n"
	    "CASignatureAlgorithms ssh-ed25519\n"
	    "HostKeyAlgorithms ssh-ed25519-cert-v01@openssh.com,ssh-ed25519\n";
	static const char *const lines[] = {
		"usepam yes", "pamservicename sshd", "maxauthtries 3",
		"permitrootlogin forced-commands-only",
		"pubkeyauthentication yes", "passwordauthentication yes",
		"kbdinteractiveauthentication no",
		"permitemptypasswords yes", "strictmodes no",
		"hostcertificate /etc/ssh/a.pub",
		"hostcertificate /etc/ssh/b.pub",
		"allowusers alice", "allowusers bob@10.0.0.0/8",
		"allowusers carol", "denyusers dave@host*.example.com",
		"allowgroups wheel", "allowgroups staff", "denygroups bad",
		"authenticationmethods publickey,password "
		    "publickey,keyboard-interactive:pam",
		"banner /etc/issue.net",
		"authorizedkeysfile .ssh/a %h/.ssh/b",
		"authorizedkeyscommand /usr/bin/foo %u   \"%f x\"",
		"authorizedkeyscommanduser nobody",
		"trustedusercakeys /etc/ssh/ca.pub",
		"revokedkeys /etc/ssh/krl",
		"authorizedprincipalsfile /etc/ssh/p/%u",
		"authorizedprincipalscommand /bin/pp %u",
		"authorizedprincipalscommanduser nobody",
		"pubkeyacceptedalgorithms " PLAIN,
		"casignaturealgorithms ssh-ed25519",
		"hostkeyalgorithms ssh-ed25519-cert-v01@openssh.com,"
		    "ssh-ed25519",
	};
	struct server_config cfg;
	size_t i;

	(void)state;
	assert_int_equal(load_text(conf, &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_dump_has(&cfg, lines[i]);
	}
	assert_int_equal(cfg.allow_users.n, 3);
	assert_int_equal(cfg.auth_methods.n, 2);
	assert_string_equal(cfg.auth_methods.v[1],
	    "publickey,keyboard-interactive:pam");
	assert_int_equal(cfg.authorized_keys_files.n, 2);
	assert_int_equal(cfg.kbd_interactive_authentication, 0);
	servconf_clear(&cfg);
}

static const struct {
	const char *line;
	const char *err;	/* NULL: accepted */
} value_cases[] = {
	{ "AuthenticationMethods any", NULL },
	{ "AuthenticationMethods publickey", NULL },
	{ "AuthenticationMethods publickey,password publickey", NULL },
	{ "AuthenticationMethods keyboard-interactive:pam", NULL },
	{ "AuthenticationMethods keyboard-interactive:", NULL },
	{ "AuthenticationMethods password:foo", NULL },
	{ "AuthenticationMethods none", NULL },
	{ "AuthenticationMethods hostbased", NULL },
	{ "AuthenticationMethods any publickey",
	    "\"any\" must appear alone in AuthenticationMethods" },
	{ "AuthenticationMethods publickey any",
	    "\"any\" must appear alone in AuthenticationMethods" },
	{ "AuthenticationMethods publickey,,password",
	    "invalid AuthenticationMethods method list." },
	{ "AuthenticationMethods publickey,",
	    "invalid AuthenticationMethods method list." },
	{ "AuthenticationMethods ,publickey",
	    "invalid AuthenticationMethods method list." },
	{ "AuthenticationMethods Publickey",
	    "invalid AuthenticationMethods method list." },
	{ "AuthenticationMethods publickeys",
	    "invalid AuthenticationMethods method list." },
	{ "AuthenticationMethods \"\"",
	    "invalid AuthenticationMethods method list." },
	{ "AuthenticationMethods", "no argument after keyword" },
	{ "PubkeyAuthentication yes", NULL },
	{ "PubkeyAuthentication maybe", "unsupported option \"maybe\"" },
	{ "PubkeyAuthentication yes no", "extra arguments at end of line" },
	{ "PasswordAuthentication NO", NULL },
	{ "PasswordAuthentication 1", "unsupported option \"1\"" },
	{ "KbdInteractiveAuthentication no", NULL },
	{ "ChallengeResponseAuthentication no", NULL },
	{ "ChallengeResponseAuthentication x", "unsupported option" },
	{ "PermitEmptyPasswords yes", NULL },
	{ "PermitEmptyPasswords", "no argument after keyword" },
	{ "PermitRootLogin yes", NULL }, { "PermitRootLogin no", NULL },
	{ "PermitRootLogin prohibit-password", NULL },
	{ "PermitRootLogin without-password", NULL },
	{ "PermitRootLogin forced-commands-only", NULL },
	{ "PermitRootLogin YES", NULL },
	{ "PermitRootLogin maybe", "unsupported option \"maybe\"" },
	{ "PermitRootLogin yes no", "extra arguments" },
	{ "MaxAuthTries 0", NULL }, { "MaxAuthTries 2147483647", NULL },
	{ "MaxAuthTries -1", "MaxAuthTries integer value too small." },
	{ "MaxAuthTries 2147483648",
	    "MaxAuthTries integer value too large." },
	{ "MaxAuthTries 3x", "MaxAuthTries integer value invalid." },
	{ "MaxAuthTries 3 4", "extra arguments at end of line" },
	{ "AllowUsers alice bob@10.0.0.0/8 *@host.example.com", NULL },
	{ "AllowUsers a@b@c", NULL }, { "AllowUsers @host", NULL },
	{ "AllowUsers a,b !c", NULL },
	{ "AllowUsers a@10.0.0.0/33",
	    "invalid AllowUsers pattern: \"a@10.0.0.0/33\"" },
	{ "AllowUsers a@10.0.0.1/8",
	    "invalid AllowUsers pattern: \"a@10.0.0.1/8\"" },
	{ "AllowUsers a@", "invalid AllowUsers pattern: \"a@\"" },
	{ "AllowUsers \"\"", "invalid AllowUsers pattern: \"\"" },
	{ "DenyUsers ok bad@1.2.3.4/40",
	    "invalid DenyUsers pattern: \"bad@1.2.3.4/40\"" },
	{ "AllowUsers", "no argument after keyword" },
	{ "AllowGroups wheel staff,!bad", NULL },
	{ "AllowGroups a@b", NULL },
	{ "AllowGroups \"\"", "empty AllowGroups pattern" },
	{ "DenyGroups x \"\"", "empty DenyGroups pattern" },
	{ "StrictModes no", NULL },
	{ "StrictModes maybe", "unsupported option \"maybe\"" },
	{ "Banner /etc/issue.net", NULL }, { "Banner none", NULL },
	{ "Banner a b", "extra arguments at end of line" },
	{ "Banner", "no argument after keyword" },
	{ "PubkeyAcceptedAlgorithms ssh-ed25519", NULL },
	{ "PubkeyAcceptedAlgorithms +ssh-rsa", NULL },
	{ "PubkeyAcceptedAlgorithms ssh-ed25519-cert-v01@openssh.com", NULL },
	{ "PubkeyAcceptedAlgorithms -*-cert-v01@openssh.com", NULL },
	{ "PubkeyAcceptedKeyTypes ^rsa-sha2-512", NULL },
	{ "PubkeyAcceptedAlgorithms ssh-dss", "unknown algorithm name" },
	{ "PubkeyAcceptedAlgorithms -*", "no algorithm left" },
	{ "PubkeyAcceptedAlgorithms ssh-ed25519,", "malformed list" },
	{ "CASignatureAlgorithms ssh-ed25519,rsa-sha2-512", NULL },
	{ "CASignatureAlgorithms ssh-ed25519-cert-v01@openssh.com",
	    "unknown algorithm name" },
	{ "HostKeyAlgorithms rsa-sha2-256-cert-v01@openssh.com", NULL },
	{ "HostKeyAlgorithms ssh-rsa-cert-v01@openssh.com",
	    "unknown algorithm name" },
	{ "HostCertificate /etc/ssh/host-cert.pub", NULL },
	{ "HostCertificate a b", "extra arguments" },
	{ "UsePAM yes", NULL }, { "UsePAM on", "unsupported option" },
	{ "PAMServiceName sshd", NULL },
	{ "PAMServiceName a b", "extra arguments" },
	{ "AuthorizedKeysFile none", NULL },
	{ "AuthorizedKeysFile none .ssh/x", NULL },
	{ "AuthorizedKeysFile %h/.ssh/k /etc/keys/%u", NULL },
	{ "AuthorizedKeysFile a \"\"",
	    "keyword AuthorizedKeysFile empty argument" },
	{ "AuthorizedKeysCommand /usr/bin/x %u %f", NULL },
	{ "AuthorizedKeysCommand none", NULL },
	{ "AuthorizedKeysCommand bin/x",
	    "AuthorizedKeysCommand must be an absolute path" },
	{ "AuthorizedKeysCommand \"/bin/a b\" %u",
	    "AuthorizedKeysCommand must be an absolute path" },
	{ "AuthorizedKeysCommand none x",
	    "AuthorizedKeysCommand must be an absolute path" },
	{ "AuthorizedKeysCommandUser nobody", NULL },
	{ "AuthorizedKeysCommandUser a b", "extra arguments" },
	{ "AuthorizedPrincipalsFile /etc/p/%u", NULL },
	{ "AuthorizedPrincipalsFile a b", "extra arguments" },
	{ "AuthorizedPrincipalsCommand /bin/p %i", NULL },
	{ "AuthorizedPrincipalsCommand p",
	    "AuthorizedPrincipalsCommand must be an absolute path" },
	{ "AuthorizedPrincipalsCommandUser nobody", NULL },
	{ "TrustedUserCAKeys /etc/ssh/ca.pub", NULL },
	{ "TrustedUserCAKeys a b", "extra arguments" },
	{ "RevokedKeys /etc/ssh/krl", NULL },
	{ "RevokedKeys", "no argument after keyword" },
	{ "HostbasedAuthentication no", NULL },
	{ "HostbasedAuthentication yes", "not supported by Portcullis" },
	{ "GSSAPIAuthentication no", NULL },
	{ "GSSAPIAuthentication yes", "not supported by Portcullis" },
	{ "KerberosAuthentication x", "unsupported option \"x\"" },
};

static void
test_values(void **state)
{
	struct server_config cfg;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
		r = one_line(value_cases[i].line, &cfg);
		if ((r == 0) != (value_cases[i].err == NULL)) {
			fail_msg("\"%s\": got %d (%s)", value_cases[i].line, r,
			    log_read());
		}
		if (value_cases[i].err != NULL) {
			assert_int_equal(r, PC_ERR_CONFIG);
			assert_log_has("command-line line 1: ");
			assert_log_has(value_cases[i].err);
		}
		servconf_clear(&cfg);
	}
}

/* Which keywords OpenSSH allows inside Match (checked with sshd -T). */
static const struct {
	const char *line;
	int in_match;
} match_cases[] = {
	{ "AuthenticationMethods any", 1 },
	{ "PubkeyAuthentication no", 1 },
	{ "PasswordAuthentication no", 1 },
	{ "KbdInteractiveAuthentication no", 1 },
	{ "ChallengeResponseAuthentication no", 1 },
	{ "PermitEmptyPasswords no", 1 }, { "PermitRootLogin no", 1 },
	{ "MaxAuthTries 3", 1 }, { "AllowUsers a", 1 }, { "DenyUsers a", 1 },
	{ "AllowGroups a", 1 }, { "DenyGroups a", 1 },
	{ "StrictModes no", 0 }, { "Banner none", 1 },
	{ "PubkeyAcceptedAlgorithms ssh-ed25519", 1 },
	{ "PubkeyAcceptedKeyTypes ssh-ed25519", 1 },
	{ "CASignatureAlgorithms ssh-ed25519", 1 },
	{ "HostKeyAlgorithms ssh-ed25519", 0 },
	{ "HostCertificate /x", 0 }, { "UsePAM no", 0 },
	{ "PAMServiceName x", 1 }, { "AuthorizedKeysFile none", 1 },
	{ "AuthorizedKeysCommand none", 1 },
	{ "AuthorizedKeysCommandUser x", 1 },
	{ "AuthorizedPrincipalsFile none", 1 },
	{ "AuthorizedPrincipalsCommand none", 1 },
	{ "AuthorizedPrincipalsCommandUser x", 1 },
	{ "TrustedUserCAKeys /x", 1 }, { "RevokedKeys /x", 1 },
	{ "HostbasedAuthentication no", 1 },
};

static void
test_match_permissions(void **state)
{
	struct server_config cfg;
	char text[512], kw[64];
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		snprintf(text, sizeof(text), "Match User x\n\t%s\n",
		    match_cases[i].line);
		r = load_text(text, &cfg);
		if ((r == 0) != match_cases[i].in_match) {
			fail_msg("\"%s\" in Match: got %d", match_cases[i].line,
			    r);
		}
		if (!match_cases[i].in_match) {
			snprintf(kw, sizeof(kw), "%.*s",
			    (int)strcspn(match_cases[i].line, " "),
			    match_cases[i].line);
			snprintf(text, sizeof(text), "line 2: Directive '%s' "
			    "is not allowed within a Match block", kw);
			assert_log_has(text);
		}
		servconf_clear(&cfg);
	}
}

static void
test_match_override(void **state)
{
	static const char conf[] =
	    "AllowUsers alice\n"
	    "AllowUsers bob\n"
	    "PermitRootLogin no\n"
	    "Banner /etc/issue.net\n"
	    "AuthenticationMethods publickey,password\n"
	    "AuthorizedKeysFile /etc/keys/%u\n"
	    "MaxAuthTries 4\n"
	    "Match User carol\n"
	    "\tAllowUsers carol@10.0.0.0/8\n"
	    "\tAllowUsers dave\n"
	    "\tPermitRootLogin yes\n"
	    "\tBanner none\n"
	    "\tAuthenticationMethods any\n"
	    "\tAuthorizedKeysFile none\n"
	    "\tMaxAuthTries 2\n"
	    "\tPubkeyAcceptedAlgorithms ssh-ed25519\n"
	    "\tTrustedUserCAKeys /etc/ssh/ca\n";
	struct server_config cfg, eff;
	struct servconf_match_ctx ctx;

	(void)state;
	assert_int_equal(load_text(conf, &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	/* Global values. */
	assert_int_equal(cfg.allow_users.n, 2);
	assert_int_equal(cfg.permit_root_login, POLICY_ROOT_NO);
	assert_string_equal(cfg.banner, "/etc/issue.net");
	assert_int_equal(cfg.auth_methods.n, 1);
	/* carol: the Match block replaces the lists and values. */
	assert_int_equal(servconf_parse_match_spec(
	    "user=carol,host=h,addr=10.1.1.1", &ctx), 0);
	assert_int_equal(servconf_apply_match(&cfg, &ctx, &eff), 0);
	assert_int_equal(eff.allow_users.n, 2);
	assert_string_equal(eff.allow_users.v[0], "carol@10.0.0.0/8");
	assert_string_equal(eff.allow_users.v[1], "dave");
	assert_int_equal(eff.permit_root_login, POLICY_ROOT_YES);
	assert_null(eff.banner);
	assert_int_equal(eff.auth_methods.n, 0);
	assert_int_equal(eff.authorized_keys_files.n, 1);
	assert_string_equal(eff.authorized_keys_files.v[0], "none");
	assert_int_equal(eff.max_auth_tries, 2);
	assert_string_equal(eff.pubkey_accepted_algorithms, "ssh-ed25519");
	assert_string_equal(eff.trusted_user_ca_keys, "/etc/ssh/ca");
	assert_dump_has(&eff, "banner none");
	assert_dump_has(&eff, "authenticationmethods any");
	assert_dump_has(&eff, "authorizedkeysfile none");
	assert_dump_has(&eff, "permitrootlogin yes");
	assert_dump_has(&eff, "allowusers carol@10.0.0.0/8");
	servconf_clear(&eff);
	servconf_match_ctx_clear(&ctx);
	/* erin: the global values. */
	assert_int_equal(servconf_parse_match_spec("user=erin,addr=10.1.1.1",
	    &ctx), 0);
	assert_int_equal(servconf_apply_match(&cfg, &ctx, &eff), 0);
	assert_int_equal(eff.allow_users.n, 2);
	assert_string_equal(eff.allow_users.v[0], "alice");
	assert_int_equal(eff.permit_root_login, POLICY_ROOT_NO);
	assert_string_equal(eff.banner, "/etc/issue.net");
	assert_int_equal(eff.auth_methods.n, 1);
	assert_string_equal(eff.auth_methods.v[0], "publickey,password");
	assert_string_equal(eff.authorized_keys_files.v[0], "/etc/keys/%u");
	assert_int_equal(eff.max_auth_tries, 4);
	assert_null(eff.trusted_user_ca_keys);
	assert_dump_has(&eff, "authenticationmethods publickey,password");
	servconf_clear(&eff);
	servconf_match_ctx_clear(&ctx);
	servconf_clear(&cfg);
}

/* First value wins for single values and whole-line lists. */
static void
test_first_wins(void **state)
{
	static const char conf[] =
	    "AuthenticationMethods any\n"
	    "AuthenticationMethods publickey\n"
	    "PermitRootLogin no\n"
	    "PermitRootLogin yes\n"
	    "Banner /a\n"
	    "Banner /b\n"
	    "AuthorizedKeysCommand /bin/first\n"
	    "AuthorizedKeysCommand /bin/second\n"
	    "AuthorizedKeysCommandUser nobody\n";
	struct server_config cfg;

	(void)state;
	assert_int_equal(load_text(conf, &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_int_equal(cfg.auth_methods.n, 0);	/* any */
	assert_int_equal(cfg.permit_root_login, POLICY_ROOT_NO);
	assert_string_equal(cfg.banner, "/a");
	assert_string_equal(cfg.authorized_keys_command, "/bin/first");
	servconf_clear(&cfg);
	/* -o before the file wins too. */
	assert_int_equal(one_line("PermitRootLogin without-password", &cfg),
	    0);
	assert_int_equal(servconf_parse_arg(&cfg, "PermitRootLogin yes",
	    "command-line", 2), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_int_equal(cfg.permit_root_login,
	    POLICY_ROOT_PROHIBIT_PASSWORD);
	assert_dump_has(&cfg, "permitrootlogin without-password");
	servconf_clear(&cfg);
}

/* Relative paths become absolute as sshd's derelativise_path. */
static void
test_relative_paths(void **state)
{
	struct server_config cfg;
	char cwd[4096], want[4200];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(one_line("Banner rel/b", &cfg), 0);
	snprintf(want, sizeof(want), "%s/rel/b", cwd);
	assert_string_equal(cfg.banner, want);
	servconf_clear(&cfg);
	assert_int_equal(one_line("HostCertificate c.pub", &cfg), 0);
	snprintf(want, sizeof(want), "%s/c.pub", cwd);
	assert_string_equal(cfg.host_certificates.v[0], want);
	servconf_clear(&cfg);
	assert_int_equal(one_line("TrustedUserCAKeys ca", &cfg), 0);
	snprintf(want, sizeof(want), "%s/ca", cwd);
	assert_string_equal(cfg.trusted_user_ca_keys, want);
	servconf_clear(&cfg);
	assert_int_equal(one_line("RevokedKeys none", &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_null(cfg.revoked_keys);
	servconf_clear(&cfg);
	/* AuthorizedPrincipalsFile is relative to the home, not here. */
	assert_int_equal(one_line("AuthorizedPrincipalsFile p/%u", &cfg), 0);
	assert_string_equal(cfg.authorized_principals_file, "p/%u");
	servconf_clear(&cfg);
}

static void
test_startup_checks(void **state)
{
	struct server_config cfg;

	(void)state;
	assert_int_equal(load_text("PasswordAuthentication no\n"
	    "KbdInteractiveAuthentication no\n"
	    "AuthenticationMethods password keyboard-interactive\n", &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), PC_ERR_CONFIG);
	assert_log_has("Disabled method \"password\" in AuthenticationMethods "
	    "list \"password\"");
	assert_log_has("AuthenticationMethods cannot be satisfied by enabled "
	    "authentication methods");
	servconf_clear(&cfg);
	/* One satisfiable list is enough. */
	assert_int_equal(load_text("PasswordAuthentication no\n"
	    "AuthenticationMethods password,publickey publickey\n", &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	servconf_clear(&cfg);
	assert_int_equal(load_text("AuthenticationMethods hostbased\n", &cfg),
	    0);
	assert_int_equal(servconf_fill_defaults(&cfg), PC_ERR_CONFIG);
	assert_log_has("Disabled method \"hostbased\"");
	servconf_clear(&cfg);
	assert_int_equal(load_text("PubkeyAuthentication no\n"
	    "AuthenticationMethods publickey:x,password\n", &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), PC_ERR_CONFIG);
	assert_log_has("Disabled method \"publickey\"");
	servconf_clear(&cfg);
	assert_int_equal(load_text("AuthenticationMethods none\n", &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_dump_has(&cfg, "authenticationmethods none");
	servconf_clear(&cfg);
	assert_int_equal(load_text("AuthorizedKeysCommand /bin/x\n", &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), PC_ERR_CONFIG);
	assert_log_has("AuthorizedKeysCommand set without "
	    "AuthorizedKeysCommandUser");
	servconf_clear(&cfg);
	assert_int_equal(load_text("AuthorizedPrincipalsCommand /bin/x %u\n",
	    &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), PC_ERR_CONFIG);
	assert_log_has("AuthorizedPrincipalsCommand set without "
	    "AuthorizedPrincipalsCommandUser");
	servconf_clear(&cfg);
	/* "none" needs no user. */
	assert_int_equal(load_text("AuthorizedKeysCommand none\n", &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_null(cfg.authorized_keys_command);
	servconf_clear(&cfg);
}

/* Debian 12's stock sshd_config, as installed. */
static void
test_debian_stock(void **state)
{
	static const char conf[] =
	    "# This is the sshd server system-wide configuration file.\n"
	    "#PermitRootLogin prohibit-password\n"
	    "#StrictModes yes\n"
	    "#MaxAuthTries 6\n"
	    "#PubkeyAuthentication yes\n"
	    "#AuthorizedKeysFile\t.ssh/authorized_keys .ssh/authorized_keys2\n"
	    "#AuthorizedPrincipalsFile none\n"
	    "#HostbasedAuthentication no\n"
	    "#PasswordAuthentication yes\n"
	    "#PermitEmptyPasswords no\n"
	    "KbdInteractiveAuthentication no\n"
	    "UsePAM yes\n"
	    "#Banner none\n";
	struct server_config cfg;

	(void)state;
	assert_int_equal(load_text(conf, &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_int_equal(cfg.use_pam, 1);
	assert_int_equal(cfg.kbd_interactive_authentication, 0);
	assert_dump_has(&cfg, "usepam yes");
	assert_dump_has(&cfg, "kbdinteractiveauthentication no");
	servconf_clear(&cfg);
}

static void
test_tokens(void **state)
{
	struct servconf_tokens t;
	char *out, big[SERVCONF_MAX_EXPAND + 2];

	(void)state;
	memset(&t, 0, sizeof(t));
	t.home = "/home/alice";
	t.user = "alice";
	t.uid = "1000";
	assert_int_equal(servconf_expand_tokens("%h/.ssh/%u-%U%%", &t, &out),
	    0);
	assert_string_equal(out, "/home/alice/.ssh/alice-1000%");
	free(out);
	assert_int_equal(servconf_expand_tokens("", &t, &out), 0);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(servconf_expand_tokens("%%u", &t, &out), 0);
	assert_string_equal(out, "%u");
	free(out);
	/* Unknown token, unoffered token, lone '%'. */
	out = (char *)1;
	assert_int_equal(servconf_expand_tokens("%q", &t, &out),
	    PC_ERR_INVALID_FORMAT);
	assert_null(out);
	assert_int_equal(servconf_expand_tokens("%f", &t, &out),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(servconf_expand_tokens("a%", &t, &out),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(servconf_expand_tokens("%", &t, &out),
	    PC_ERR_INVALID_FORMAT);
	/* Every AuthorizedPrincipalsCommand token. */
	t.conn = "10.0.0.1 50000 10.0.0.2 22";
	t.rdomain = "rd";
	t.ca_fp = "SHA256:ca";
	t.key_fp = "SHA256:key";
	t.key_id = "id";
	t.ca_key = "AAAAca";
	t.key = "AAAAkey";
	t.serial = "42";
	t.ca_type = "ssh-ed25519";
	t.key_type = "ssh-ed25519-cert-v01@openssh.com";
	assert_int_equal(servconf_expand_tokens(
	    "/bin/p %C|%D|%F|%f|%h|%i|%K|%k|%s|%T|%t|%U|%u", &t, &out), 0);
	assert_string_equal(out, "/bin/p 10.0.0.1 50000 10.0.0.2 22|rd|"
	    "SHA256:ca|SHA256:key|/home/alice|id|AAAAca|AAAAkey|42|"
	    "ssh-ed25519|ssh-ed25519-cert-v01@openssh.com|1000|alice");
	free(out);
	/* Too long. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(servconf_expand_tokens(big, &t, &out), PC_ERR_RANGE);
	big[SERVCONF_MAX_EXPAND] = '\0';
	assert_int_equal(servconf_expand_tokens(big, &t, &out), 0);
	assert_int_equal(strlen(out), SERVCONF_MAX_EXPAND);
	free(out);
	big[SERVCONF_MAX_EXPAND - 2] = '%';
	big[SERVCONF_MAX_EXPAND - 1] = 'h';
	assert_int_equal(servconf_expand_tokens(big, &t, &out), PC_ERR_RANGE);
	assert_int_equal(servconf_expand_tokens(NULL, &t, &out),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(servconf_expand_tokens("x", NULL, &out),
	    PC_ERR_INVALID_ARGUMENT);
}

static void
test_expand_path(void **state)
{
	struct servconf_tokens t;
	char *out;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.home = "/home/alice";
	t.user = "alice";
	t.uid = "1000";
	assert_int_equal(servconf_expand_path(".ssh/authorized_keys", &t,
	    &out), 0);
	assert_string_equal(out, "/home/alice/.ssh/authorized_keys");
	free(out);
	assert_int_equal(servconf_expand_path("/etc/keys/%u", &t, &out), 0);
	assert_string_equal(out, "/etc/keys/alice");
	free(out);
	assert_int_equal(servconf_expand_path("%h/.ssh/k", &t, &out), 0);
	assert_string_equal(out, "/home/alice/.ssh/k");
	free(out);
	assert_int_equal(servconf_expand_path("%u/k", &t, &out), 0);
	assert_string_equal(out, "/home/alice/alice/k");
	free(out);
	assert_int_equal(servconf_expand_path("%k", &t, &out),
	    PC_ERR_INVALID_FORMAT);
	t.home = NULL;
	assert_int_equal(servconf_expand_path("/abs/%u", &t, &out), 0);
	assert_string_equal(out, "/abs/alice");
	free(out);
	out = (char *)1;
	assert_int_equal(servconf_expand_path("rel", &t, &out),
	    PC_ERR_INVALID_ARGUMENT);
	assert_null(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values_dump),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_match_permissions),
		cmocka_unit_test(test_match_override),
		cmocka_unit_test(test_first_wins),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_startup_checks),
		cmocka_unit_test(test_debian_stock),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_expand_path),
	};
	int r;

	r = cmocka_run_group_tests(tests, NULL, NULL);
	if (logcap_fd != -1) {
		close(logcap_fd);
	}
	return r;
}
