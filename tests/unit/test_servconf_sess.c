/* Unit tests for the session and forwarding keywords of the sshd_config
 * parser (daemon/servconf_sess.c and their rows in servconf_kw.c):
 * values, defaults and -T lines as OpenSSH 9.2's sshd -T prints them,
 * errors, Match permissions and overrides, and two real configurations:
 * Debian 12's stock sshd_config and OpenSSH's regression-suite one. */
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
#include "servconf.h"

#define D	"tests/data/config/"

/* sshd -T with no session keyword set (checked against sshd 9.2). */
static void
test_defaults(void **state)
{
	static const char *const lines[] = {
		"x11displayoffset 10", "maxsessions 10",
		"clientaliveinterval 0", "clientalivecountmax 3",
		"streamlocalbindmask 0177", "printmotd yes",
		"printlastlog yes", "x11forwarding no", "x11uselocalhost yes",
		"permittty yes", "permituserrc yes", "tcpkeepalive yes",
		"compression no", "gatewayports no", "usedns no",
		"allowtcpforwarding yes", "allowagentforwarding yes",
		"disableforwarding no", "allowstreamlocalforwarding yes",
		"streamlocalbindunlink no", "forcecommand none",
		"chrootdirectory none", "versionaddendum none",
		"permittunnel no", "permitopen any", "permitlisten any",
		"permituserenvironment no",
	};
	struct server_config cfg;
	size_t i;

	(void)state;
	log_capture();
	servconf_init(&cfg);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_int_equal(cfg.max_sessions, 10);
	assert_int_equal(cfg.client_alive_interval, 0);
	assert_int_equal(cfg.client_alive_count_max, 3);
	assert_int_equal(cfg.tcp_keep_alive, 1);
	assert_int_equal(cfg.print_motd, 1);
	assert_int_equal(cfg.print_lastlog, 1);
	assert_int_equal(cfg.permit_tty, 1);
	assert_int_equal(cfg.permit_user_rc, 1);
	assert_int_equal(cfg.permit_user_env, 0);
	assert_null(cfg.permit_user_env_allowlist);
	assert_null(cfg.chroot_directory);
	assert_null(cfg.force_command);
	assert_null(cfg.version_addendum);
	assert_int_equal(cfg.x11_forwarding, 0);
	assert_int_equal(cfg.x11_display_offset, 10);
	assert_int_equal(cfg.x11_use_localhost, 1);
	assert_int_equal(cfg.allow_agent_forwarding, 1);
	assert_int_equal(cfg.allow_tcp_forwarding, SERVCONF_FWD_ALL);
	assert_int_equal(cfg.allow_streamlocal_forwarding, SERVCONF_FWD_ALL);
	assert_int_equal(cfg.gateway_ports, SERVCONF_GW_NO);
	assert_int_equal(cfg.permit_tunnel, SERVCONF_TUN_NO);
	assert_int_equal(cfg.disable_forwarding, 0);
	assert_int_equal(cfg.streamlocal_bind_mask, 0177);
	assert_int_equal(cfg.streamlocal_bind_unlink, 0);
	assert_int_equal(cfg.accept_env.n, 0);
	assert_int_equal(cfg.set_env.n, 0);
	assert_int_equal(cfg.subsystem_names.n, 0);
	assert_int_equal(cfg.permit_open.n, 0);
	assert_int_equal(cfg.permit_listen.n, 0);
	assert_null(servconf_subsystem_command(&cfg, "sftp"));
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_dump_has(&cfg, lines[i]);
	}
	/* sshd -T prints nothing for empty AcceptEnv, SetEnv, Subsystem. */
	assert_dump_lacks(&cfg, "acceptenv");
	assert_dump_lacks(&cfg, "setenv");
	assert_dump_lacks(&cfg, "subsystem");
	servconf_clear(&cfg);
}

/* One line, then the -T line sshd 9.2 prints for it. */
static const struct {
	const char *line;
	const char *dump;
} value_cases[] = {
	{ "PermitUserEnvironment yes", "permituserenvironment yes" },
	{ "PermitUserEnvironment no", "permituserenvironment no" },
	/* Only lower-case yes and no are words; the rest is a pattern. */
	{ "PermitUserEnvironment NO", "permituserenvironment NO" },
	{ "PermitUserEnvironment LANG,TZ", "permituserenvironment LANG,TZ" },
	{ "PrintMotd no", "printmotd no" },
	{ "PrintLastLog NO", "printlastlog no" },
	{ "ChrootDirectory /srv/%u", "chrootdirectory /srv/%u" },
	{ "ChrootDirectory %h/x", "chrootdirectory %h/x" },
	{ "ForceCommand /usr/lib/openssh/sftp-server -d /x",
	    "forcecommand /usr/lib/openssh/sftp-server -d /x" },
	/* The raw rest of the line, quotes and comment included. */
	{ "ForceCommand /bin/echo \"hi there\"   # c  ",
	    "forcecommand /bin/echo \"hi there\"   # c" },
	{ "ForceCommand=a  b", "forcecommand a  b" },
	{ "PermitTTY no", "permittty no" },
	{ "PermitUserRC no", "permituserrc no" },
	{ "Subsystem sftp /usr/lib/openssh/sftp-server -l   INFO  \"x y\"",
	    "subsystem sftp /usr/lib/openssh/sftp-server -l INFO x y" },
	{ "Subsystem other /usr/bin/other", "subsystem other /usr/bin/other" },
	{ "MaxSessions 0", "maxsessions 0" },
	{ "MaxSessions 3", "maxsessions 3" },
	{ "ClientAliveInterval 1m", "clientaliveinterval 60" },
	{ "ClientAliveInterval 1h", "clientaliveinterval 3600" },
	{ "ClientAliveCountMax 0", "clientalivecountmax 0" },
	{ "TCPKeepAlive no", "tcpkeepalive no" },
	{ "KeepAlive no", "tcpkeepalive no" },
	{ "Compression no", "compression no" },
	{ "UseDNS no", "usedns no" },
	{ "VersionAddendum hello world", "versionaddendum hello world" },
	{ "VersionAddendum  a  b  ", "versionaddendum a  b" },
	{ "VersionAddendum none", "versionaddendum none" },
	{ "X11Forwarding YES", "x11forwarding yes" },
	{ "X11DisplayOffset 12", "x11displayoffset 12" },
	{ "X11UseLocalhost no", "x11uselocalhost no" },
	{ "AllowAgentForwarding no", "allowagentforwarding no" },
	{ "AllowTcpForwarding all", "allowtcpforwarding yes" },
	{ "AllowTcpForwarding local", "allowtcpforwarding local" },
	{ "AllowTcpForwarding remote", "allowtcpforwarding remote" },
	{ "AllowTcpForwarding no", "allowtcpforwarding no" },
	{ "AllowStreamLocalForwarding all",
	    "allowstreamlocalforwarding yes" },
	{ "AllowStreamLocalForwarding local",
	    "allowstreamlocalforwarding local" },
	{ "GatewayPorts clientspecified", "gatewayports clientspecified" },
	{ "GatewayPorts yes", "gatewayports yes" },
	{ "PermitTunnel point-to-point", "permittunnel point-to-point" },
	{ "PermitTunnel ethernet", "permittunnel ethernet" },
	{ "PermitTunnel yes", "permittunnel yes" },
	{ "DisableForwarding yes", "disableforwarding yes" },
	{ "PermitOpen none", "permitopen none" },
	{ "PermitOpen any", "permitopen any" },
	{ "PermitOpen host:22 1.2.3.4:* [::1]:80",
	    "permitopen host:22 1.2.3.4:* [::1]:80" },
	{ "PermitOpen *:*", "permitopen *:*" },
	{ "PermitOpen :22", "permitopen :22" },
	{ "PermitOpen host/22", "permitopen host/22" },
	{ "PermitListen 8080 localhost:9090",
	    "permitlisten *:8080 localhost:9090" },
	{ "PermitListen *", "permitlisten *:*" },
	{ "PermitListen [::1]:22", "permitlisten [::1]:22" },
	{ "PermitListen localhost:*", "permitlisten localhost:*" },
	{ "PermitListen none", "permitlisten none" },
	{ "StreamLocalBindMask 022", "streamlocalbindmask 022" },
	{ "StreamLocalBindMask 7", "streamlocalbindmask 07" },
	{ "StreamLocalBindMask 0", "streamlocalbindmask 00" },
	{ "StreamLocalBindMask 0777", "streamlocalbindmask 0777" },
	{ "StreamLocalBindUnlink yes", "streamlocalbindunlink yes" },
	{ "AcceptEnv LC_* !X", "acceptenv LC_*\nacceptenv !X" },
	{ "SetEnv A=1 \"B=two words\" C=", "setenv A=1\nsetenv B=two words"
	    "\nsetenv C=" },
	/* The first value of a name wins. */
	{ "SetEnv A=1 A=2", "setenv A=1" },
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
		if (r != 0) {
			fail_msg("\"%s\": %d; log: %s", value_cases[i].line, r,
			    log_read());
		}
		assert_int_equal(servconf_fill_defaults(&cfg), 0);
		assert_dump_has(&cfg, value_cases[i].dump);
		servconf_clear(&cfg);
	}
}

/* Values a consumer reads, beyond the dump. */
static void
test_fields(void **state)
{
	struct server_config cfg;

	(void)state;
	assert_int_equal(load_text(
	    "PermitUserEnvironment LANG,TZ\n"
	    "ForceCommand none\n"
	    "ChrootDirectory NONE\n"
	    "VersionAddendum none\n"
	    "Subsystem sftp /usr/lib/openssh/sftp-server -f AUTH\n"
	    "Subsystem SFTP /usr/bin/other-sftp\n"
	    "AllowTcpForwarding remote\n"
	    "AllowStreamLocalForwarding local\n"
	    "PermitTunnel point-to-point\n"
	    "StreamLocalBindMask 022\n"
	    "ClientAliveInterval 2m30s\n", &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_int_equal(cfg.permit_user_env, 1);
	assert_string_equal(cfg.permit_user_env_allowlist, "LANG,TZ");
	/* none, in any case, is unset (OpenSSH's CLEAR_ON_NONE). */
	assert_null(cfg.force_command);
	assert_null(cfg.chroot_directory);
	assert_null(cfg.version_addendum);
	assert_string_equal(servconf_subsystem_command(&cfg, "sftp"),
	    "/usr/lib/openssh/sftp-server -f AUTH");
	/* Names compare exactly, as in OpenSSH. */
	assert_string_equal(servconf_subsystem_command(&cfg, "SFTP"),
	    "/usr/bin/other-sftp");
	assert_null(servconf_subsystem_command(&cfg, "Sftp"));
	assert_null(servconf_subsystem_command(&cfg, "sftp "));
	assert_int_equal(cfg.allow_tcp_forwarding, SERVCONF_FWD_REMOTE);
	assert_int_equal(cfg.allow_streamlocal_forwarding,
	    SERVCONF_FWD_LOCAL);
	assert_int_equal(cfg.permit_tunnel, SERVCONF_TUN_POINTOPOINT);
	assert_int_equal(cfg.streamlocal_bind_mask, 022);
	assert_int_equal(cfg.client_alive_interval, 150);
	assert_dump_has(&cfg, "subsystem sftp "
	    "/usr/lib/openssh/sftp-server -f AUTH");
	assert_dump_has(&cfg, "subsystem SFTP /usr/bin/other-sftp");
	servconf_clear(&cfg);
}

/* Lines sshd rejects, with the message (sshd 9.2's wording mostly). */
static const struct {
	const char *line;
	const char *msg;
} bad_cases[] = {
	/* OpenSSH's in-process SFTP server: not in Portcullis. */
	{ "Subsystem sftp internal-sftp",
	    "Subsystem internal-sftp is not supported" },
	{ "ForceCommand internal-sftp -d /x",
	    "ForceCommand internal-sftp is not supported" },
	{ "AcceptEnv A=B", "Invalid environment name." },
	{ "AcceptEnv \"\"", "Invalid environment name." },
	{ "AcceptEnv", "no argument after keyword \"AcceptEnv\"" },
	{ "SetEnv A", "Invalid environment." },
	{ "SetEnv =1", "Invalid environment." },
	{ "SetEnv A=1 B", "Invalid environment." },
	{ "PermitUserEnvironment LANG TZ", "extra arguments at end of line" },
	{ "ChrootDirectory a b", "extra arguments at end of line" },
	{ "ChrootDirectory", "no argument after keyword" },
	{ "ForceCommand", "no argument after keyword" },
	{ "ForceCommand \"quoted", "invalid quotes" },
	{ "PermitTTY maybe", "unsupported option \"maybe\"" },
	{ "PrintMotd 1", "unsupported option \"1\"" },
	{ "Subsystem sftp", "Missing subsystem command." },
	{ "Subsystem", "no argument after keyword" },
	{ "MaxSessions -1", "MaxSessions integer value too small." },
	{ "MaxSessions x", "MaxSessions integer value invalid." },
	{ "MaxSessions 99999999999", "MaxSessions integer value too large." },
	{ "MaxSessions 0x10", "integer value invalid." },
	{ "ClientAliveInterval -1", "invalid time value" },
	{ "ClientAliveInterval 1x", "invalid time value" },
	{ "ClientAliveCountMax -5", "integer value too small." },
	{ "X11DisplayOffset -1", "integer value too small." },
	{ "X11Forwarding", "no argument after keyword" },
	{ "AllowTcpForwarding maybe", "unsupported option \"maybe\"" },
	{ "AllowStreamLocalForwarding maybe", "unsupported option" },
	{ "GatewayPorts maybe", "unsupported option \"maybe\"" },
	{ "PermitTunnel maybe", "unsupported option \"maybe\"" },
	{ "DisableForwarding maybe", "unsupported option \"maybe\"" },
	{ "PermitOpen any host:1", "extra arguments at end of line" },
	{ "PermitOpen none x:1", "extra arguments at end of line" },
	{ "PermitOpen host:1 none", "PermitOpen bad port number" },
	{ "PermitOpen host", "PermitOpen bad port number" },
	{ "PermitOpen host:x", "PermitOpen bad port number" },
	{ "PermitOpen host:0", "PermitOpen bad port number" },
	{ "PermitOpen host:70000", "PermitOpen bad port number" },
	{ "PermitOpen fe80::1:22", "PermitOpen bad port number" },
	{ "PermitOpen [::1]", "PermitOpen bad port number" },
	{ "PermitOpen [::1", "PermitOpen missing host" },
	{ "PermitOpen [::1]x22", "PermitOpen missing host" },
	/* "any" is an exact word. */
	{ "PermitOpen ANY", "PermitOpen bad port number" },
	{ "PermitListen 0", "PermitListen bad port number" },
	{ "PermitListen host:x", "PermitListen bad port number" },
	{ "PermitListen 65536", "PermitListen bad port number" },
	{ "StreamLocalBindMask 1000", "Invalid StreamLocalBindMask." },
	{ "StreamLocalBindMask 8", "Invalid StreamLocalBindMask." },
	{ "StreamLocalBindMask -1", "Invalid StreamLocalBindMask." },
	/* OpenSSH takes the digits and ignores the rest; we do not. */
	{ "StreamLocalBindMask 0777x", "Invalid StreamLocalBindMask." },
	{ "StreamLocalBindUnlink maybe", "unsupported option" },
	/* What Portcullis does not do is refused, never ignored. */
	{ "UseDNS yes", "UseDNS yes is not supported by Portcullis" },
	{ "UseDNS maybe", "unsupported option \"maybe\" for UseDNS" },
	{ "Compression yes", "Compression yes is not supported by Portcullis" },
	{ "Compression delayed",
	    "Compression delayed is not supported by Portcullis" },
	{ "Compression maybe", "unsupported option \"maybe\"" },
	{ "VersionAddendum", "no argument after keyword" },
};

static void
test_bad_values(void **state)
{
	struct server_config cfg;
	char text[512], path[64], want[600];
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		/* In a file, at line 2, named in the message. */
		snprintf(text, sizeof(text), "Port 2222\n%s\n",
		    bad_cases[i].line);
		r = load_text_at(text, &cfg, path, sizeof(path));
		if (r != PC_ERR_CONFIG) {
			fail_msg("\"%s\" accepted (%d)", bad_cases[i].line, r);
		}
		snprintf(want, sizeof(want), "%s line 2: ", path);
		assert_log_has(want);
		assert_log_has(bad_cases[i].msg);
		servconf_clear(&cfg);
		/* And as -o. */
		assert_int_equal(one_line(bad_cases[i].line, &cfg),
		    PC_ERR_CONFIG);
		assert_log_has("command-line line 1: ");
		servconf_clear(&cfg);
	}
}

/* Which keywords OpenSSH 9.2 allows inside Match (checked with sshd -t). */
static const struct {
	const char *line;
	int in_match;
} match_cases[] = {
	{ "AcceptEnv LANG", 1 },
	{ "SetEnv A=1", 1 },
	{ "PermitUserEnvironment no", 0 },
	{ "PrintMotd no", 0 },
	{ "PrintLastLog no", 0 },
	{ "ChrootDirectory /srv", 1 },
	{ "ForceCommand /bin/true", 1 },
	{ "PermitTTY no", 1 },
	{ "PermitUserRC no", 1 },
	{ "Subsystem x /bin/true", 0 },
	{ "MaxSessions 3", 1 },
	{ "ClientAliveInterval 3", 1 },
	{ "ClientAliveCountMax 3", 1 },
	{ "TCPKeepAlive no", 0 },
	{ "X11Forwarding no", 1 },
	{ "X11DisplayOffset 10", 1 },
	{ "X11UseLocalhost no", 1 },
	{ "AllowAgentForwarding no", 1 },
	{ "AllowTcpForwarding no", 1 },
	{ "AllowStreamLocalForwarding no", 1 },
	{ "GatewayPorts no", 1 },
	{ "PermitTunnel no", 1 },
	{ "DisableForwarding no", 1 },
	{ "PermitOpen any", 1 },
	{ "PermitListen any", 1 },
	{ "UseDNS no", 0 },
	{ "Compression no", 0 },
	{ "VersionAddendum none", 0 },
	{ "StreamLocalBindMask 0177", 1 },
	{ "StreamLocalBindUnlink no", 1 },
};

static void
test_match_permissions(void **state)
{
	struct server_config cfg;
	char text[256], want[256], path[64];
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		snprintf(text, sizeof(text), "Port 22\nMatch User x\n\t%s\n",
		    match_cases[i].line);
		r = load_text_at(text, &cfg, path, sizeof(path));
		if (match_cases[i].in_match && r != 0) {
			fail_msg("\"%s\" refused in Match: %s",
			    match_cases[i].line, log_read());
		}
		if (!match_cases[i].in_match) {
			char kw[64];

			if (r != PC_ERR_CONFIG) {
				fail_msg("\"%s\" accepted in Match",
				    match_cases[i].line);
			}
			snprintf(kw, sizeof(kw), "%.*s",
			    (int)strcspn(match_cases[i].line, " "),
			    match_cases[i].line);
			snprintf(want, sizeof(want), "%s line 3: Directive "
			    "'%s' is not allowed within a Match block", path,
			    kw);
			assert_log_has(want);
		}
		servconf_clear(&cfg);
	}
}

/* Which lines win when a keyword appears twice (sshd 9.2's choices). */
static void
test_repeats(void **state)
{
	struct server_config cfg;
	char path[64], want[128];

	(void)state;
	assert_int_equal(load_text(
	    "AcceptEnv A\nAcceptEnv B C\nAcceptEnv A\n"
	    "SetEnv X=1 Y=2\nSetEnv Z=3\n"
	    "PermitOpen a:1\nPermitOpen b:2\n"
	    "PermitListen 1\nPermitListen 2\n"
	    "ForceCommand first\nForceCommand second\n"
	    "ChrootDirectory /a\nChrootDirectory /b\n"
	    "MaxSessions 1\nMaxSessions 2\n"
	    "PermitUserEnvironment a\nPermitUserEnvironment yes\n"
	    "AllowTcpForwarding local\nAllowTcpForwarding no\n"
	    "StreamLocalBindMask 022\nStreamLocalBindMask 033\n"
	    "Subsystem one /bin/one\nSubsystem two /bin/two x\n", &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	/* AcceptEnv accumulates, duplicates kept, as sshd -T shows. */
	assert_int_equal(cfg.accept_env.n, 4);
	assert_string_equal(cfg.accept_env.v[3], "A");
	/* SetEnv, PermitOpen, PermitListen: the first line whole. */
	assert_int_equal(cfg.set_env.n, 2);
	assert_dump_lacks(&cfg, "setenv Z");
	assert_dump_has(&cfg, "permitopen a:1");
	assert_dump_has(&cfg, "permitlisten *:1");
	assert_dump_has(&cfg, "forcecommand first");
	assert_dump_has(&cfg, "chrootdirectory /a");
	assert_dump_has(&cfg, "maxsessions 1");
	assert_dump_has(&cfg, "permituserenvironment a");
	assert_dump_has(&cfg, "allowtcpforwarding local");
	/* StreamLocalBindMask: OpenSSH applies every line. */
	assert_dump_has(&cfg, "streamlocalbindmask 033");
	assert_int_equal(cfg.subsystem_names.n, 2);
	assert_string_equal(servconf_subsystem_command(&cfg, "two"),
	    "/bin/two x");
	servconf_clear(&cfg);

	/* A Subsystem name defined twice is an error, whatever the line. */
	assert_int_equal(load_text_at("Subsystem sftp /a\nPort 22\n"
	    "Subsystem sftp /a\n", &cfg, path, sizeof(path)), PC_ERR_CONFIG);
	snprintf(want, sizeof(want), "%s line 3: Subsystem 'sftp' already "
	    "defined.", path);
	assert_log_has(want);
	servconf_clear(&cfg);

	/* -o first: it wins over the file, except for the lists that add. */
	log_capture();
	servconf_init(&cfg);
	assert_int_equal(servconf_parse_arg(&cfg, "ForceCommand /bin/o",
	    "command-line", 1), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "AcceptEnv O",
	    "command-line", 2), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "Subsystem sftp /o",
	    "command-line", 3), 0);
	assert_int_equal(servconf_load(&cfg, D "openssh-regress.conf"),
	    PC_ERR_CONFIG);
	assert_log_has("openssh-regress.conf line 18: Subsystem 'sftp' "
	    "already defined.");
	servconf_clear(&cfg);
	log_capture();
	servconf_init(&cfg);
	assert_int_equal(servconf_parse_arg(&cfg, "ForceCommand /bin/o",
	    "command-line", 1), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "AcceptEnv O",
	    "command-line", 2), 0);
	assert_int_equal(servconf_load(&cfg, D "openssh-regress.conf"), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_string_equal(cfg.force_command, "/bin/o");
	assert_int_equal(cfg.accept_env.n, 3);
	assert_string_equal(cfg.accept_env.v[0], "O");
	servconf_clear(&cfg);
}

/* Match blocks override the global values for one connection. */
static void
test_match_apply(void **state)
{
	struct server_config cfg, eff;
	struct servconf_match_ctx ctx;

	(void)state;
	assert_int_equal(load_text(
	    "AcceptEnv LANG LC_*\n"
	    "SetEnv G=1\n"
	    "ForceCommand /usr/bin/global\n"
	    "X11Forwarding yes\n"
	    "PermitOpen a:1\n"
	    "Subsystem sftp /usr/lib/openssh/sftp-server\n"
	    "Match User alice\n"
	    "\tForceCommand /usr/lib/openssh/sftp-server -R\n"
	    "\tChrootDirectory /srv/%u\n"
	    "\tAcceptEnv TZ\n"
	    "\tSetEnv M=2\n"
	    "\tX11Forwarding no\n"
	    "\tAllowTcpForwarding no\n"
	    "\tPermitOpen none\n"
	    "\tPermitTTY no\n"
	    "\tMaxSessions 1\n"
	    "\tClientAliveInterval 30\n"
	    "\tStreamLocalBindMask 0\n"
	    "Match User bob\n"
	    "\tForceCommand none\n"
	    "\tPermitListen 2222\n", &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);

	servconf_match_ctx_init(&ctx);
	assert_non_null(ctx.user = strdup("alice"));
	assert_int_equal(servconf_apply_match(&cfg, &ctx, &eff), 0);
	assert_string_equal(eff.force_command,
	    "/usr/lib/openssh/sftp-server -R");
	assert_string_equal(eff.chroot_directory, "/srv/%u");
	/* The block's list replaces the global one (as OpenSSH's
	 * copy_set_server_options). */
	assert_int_equal(eff.accept_env.n, 1);
	assert_string_equal(eff.accept_env.v[0], "TZ");
	assert_int_equal(eff.set_env.n, 1);
	assert_string_equal(eff.set_env.v[0], "M=2");
	assert_int_equal(eff.x11_forwarding, 0);
	assert_int_equal(eff.allow_tcp_forwarding, SERVCONF_FWD_NO);
	assert_int_equal(eff.permit_tty, 0);
	assert_int_equal(eff.max_sessions, 1);
	assert_int_equal(eff.client_alive_interval, 30);
	assert_int_equal(eff.streamlocal_bind_mask, 0);
	assert_dump_has(&eff, "permitopen none");
	assert_dump_has(&eff, "streamlocalbindmask 00");
	/* Global-only values come through. */
	assert_string_equal(servconf_subsystem_command(&eff, "sftp"),
	    "/usr/lib/openssh/sftp-server");
	servconf_clear(&eff);
	servconf_match_ctx_clear(&ctx);

	/* bob: "ForceCommand none" removes the global one. */
	servconf_match_ctx_init(&ctx);
	assert_non_null(ctx.user = strdup("bob"));
	assert_int_equal(servconf_apply_match(&cfg, &ctx, &eff), 0);
	assert_null(eff.force_command);
	assert_dump_has(&eff, "forcecommand none");
	assert_dump_has(&eff, "permitlisten *:2222");
	assert_dump_has(&eff, "permitopen a:1");
	assert_int_equal(eff.accept_env.n, 2);
	assert_int_equal(eff.x11_forwarding, 1);
	assert_null(eff.chroot_directory);
	servconf_clear(&eff);
	servconf_match_ctx_clear(&ctx);

	/* carol: the global values. */
	servconf_match_ctx_init(&ctx);
	assert_non_null(ctx.user = strdup("carol"));
	assert_int_equal(servconf_apply_match(&cfg, &ctx, &eff), 0);
	assert_string_equal(eff.force_command, "/usr/bin/global");
	assert_int_equal(eff.max_sessions, 10);
	assert_int_equal(eff.allow_tcp_forwarding, SERVCONF_FWD_ALL);
	assert_dump_has(&eff, "setenv G=1");
	servconf_clear(&eff);
	servconf_match_ctx_clear(&ctx);
	servconf_clear(&cfg);
}

/* Debian 12's /etc/ssh/sshd_config from openssh-server, unchanged. */
static void
test_debian12_stock(void **state)
{
	struct server_config cfg;

	(void)state;
	log_capture();
	servconf_init(&cfg);
	assert_int_equal(servconf_load(&cfg, D "debian12/sshd_config"), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_int_equal(cfg.kbd_interactive_authentication, 0);
	assert_int_equal(cfg.use_pam, 1);
	assert_int_equal(cfg.x11_forwarding, 1);
	assert_int_equal(cfg.print_motd, 0);
	assert_int_equal(cfg.accept_env.n, 2);
	assert_string_equal(cfg.accept_env.v[0], "LANG");
	assert_string_equal(cfg.accept_env.v[1], "LC_*");
	assert_string_equal(servconf_subsystem_command(&cfg, "sftp"),
	    "/usr/lib/openssh/sftp-server");
	assert_dump_has(&cfg, "subsystem sftp /usr/lib/openssh/sftp-server");
	servconf_clear(&cfg);
}

/* The configuration OpenSSH's regression tests run sshd with. */
static void
test_openssh_regress(void **state)
{
	struct server_config cfg;

	(void)state;
	log_capture();
	servconf_init(&cfg);
	assert_int_equal(servconf_load(&cfg, D "openssh-regress.conf"), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_int_equal(cfg.strict_modes, 0);
	assert_int_equal(cfg.num_ports, 1);
	assert_int_equal(cfg.ports[0], 4242);
	assert_int_equal(cfg.log_level, LOG_LEVEL_DEBUG3);
	assert_int_equal(cfg.accept_env.n, 2);
	assert_string_equal(cfg.accept_env.v[0], "_XXX_TEST_*");
	assert_int_equal(cfg.host_keys.n, 3);
	assert_dump_has(&cfg, "listenaddress 127.0.0.1:4242");
	assert_dump_has(&cfg, "subsystem sftp /usr/lib/openssh/sftp-server");
	servconf_clear(&cfg);
}

/* Lines at the size limits are refused cleanly. */
static void
test_limits(void **state)
{
	struct server_config cfg;
	char *text;
	size_t i, off = 0, cap = 600 * 24;
	int r;

	(void)state;
	/* More subsystems than SERVCONF_MAX_SUBSYSTEMS. */
	assert_non_null(text = malloc(cap));
	for (i = 0; i < SERVCONF_MAX_SUBSYSTEMS + 1; i++) {
		off += (size_t)snprintf(text + off, cap - off,
		    "Subsystem s%zu /bin/s\n", i);
		assert_true(off < cap);
	}
	r = load_text(text, &cfg);
	assert_int_equal(r, PC_ERR_CONFIG);
	assert_log_has("too many subsystems defined.");
	servconf_clear(&cfg);
	/* More AcceptEnv entries than SERVCONF_MAX_ENV. */
	off = 0;
	for (i = 0; i < SERVCONF_MAX_ENV / 4 + 1; i++) {
		off += (size_t)snprintf(text + off, cap - off,
		    "AcceptEnv A B C D\n");
		assert_true(off < cap);
	}
	r = load_text(text, &cfg);
	assert_int_equal(r, PC_ERR_CONFIG);
	assert_log_has("too many AcceptEnv entries");
	servconf_clear(&cfg);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_match_permissions),
		cmocka_unit_test(test_repeats),
		cmocka_unit_test(test_match_apply),
		cmocka_unit_test(test_debian12_stock),
		cmocka_unit_test(test_openssh_regress),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
