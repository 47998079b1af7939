/*
 * Unit tests for the forwarding-issue keywords of the sshd_config parser
 * (daemon/servconf*.c): SSH Tectia's AllowTcpForwardingForUsers / ForGroups
 * and DenyTcpForwardingForUsers / ForGroups, XAuthLocation, TCPWrappers,
 * TCPWrappersAllowFile and TCPWrappersDenyFile -- values, defaults, -T
 * lines, errors naming file and line, Match -- and the origins
 * (servconf_origin) the forwarding log lines name: a global line, a
 * Match line, -o, the default.
 */
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
#include "servconf_int.h"
#include "tcpwrap.h"

static const char *
origin(const struct server_config *cfg, const char *kw)
{
	static char buf[256];

	return servconf_origin(cfg, kw, buf, sizeof(buf));
}

/* The keyword table fits the origins array. */
static void
test_table_size(void **state)
{
	size_t i;

	(void)state;
	assert_true(servconf_nkeywords <= SERVCONF_MAX_KEYWORDS);
	/* Each new keyword has a row of its own, found by its name. */
	for (i = 0; i < servconf_nkeywords; i++) {
		assert_ptr_equal(servconf_kw_find(servconf_keywords[i].name),
		    &servconf_keywords[i]);
	}
	assert_non_null(servconf_kw_find("AllowTcpForwardingForUsers"));
	assert_non_null(servconf_kw_find("XAUTHLOCATION"));
	assert_non_null(servconf_kw_find("tcpwrappersdenyfile"));
	assert_int_equal(servconf_kw_unsupported("XAuthLocation"), 0);
}

static void
test_defaults(void **state)
{
	struct server_config cfg;

	(void)state;
	log_capture();
	servconf_init(&cfg);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_string_equal(cfg.xauth_location, "/usr/bin/xauth");
	assert_int_equal(cfg.tcp_wrappers, tcpwrap_available());
	assert_string_equal(cfg.tcp_wrappers_allow_file, "/etc/hosts.allow");
	assert_string_equal(cfg.tcp_wrappers_deny_file, "/etc/hosts.deny");
	assert_int_equal(cfg.allow_tcp_fwd_users.n, 0);
	assert_int_equal(cfg.allow_tcp_fwd_groups.n, 0);
	assert_int_equal(cfg.deny_tcp_fwd_users.n, 0);
	assert_int_equal(cfg.deny_tcp_fwd_groups.n, 0);
	assert_dump_has(&cfg, "xauthlocation /usr/bin/xauth");
	assert_dump_has(&cfg, tcpwrap_available() ? "tcpwrappers yes" :
	    "tcpwrappers no");
	assert_dump_has(&cfg, "tcpwrappersallowfile /etc/hosts.allow");
	assert_dump_has(&cfg, "tcpwrappersdenyfile /etc/hosts.deny");
	/* Empty lists print nothing, as allowusers. */
	assert_dump_lacks(&cfg, "allowtcpforwardingfor");
	assert_dump_lacks(&cfg, "denytcpforwardingfor");
	/* Nothing was set: every origin is the default. */
	assert_string_equal(origin(&cfg, "xauthlocation"), "default");
	assert_string_equal(origin(&cfg, "allowtcpforwarding"), "default");
	assert_string_equal(origin(&cfg, "tcpwrappers"), "default");
	servconf_clear(&cfg);
}

/* One line, then the -T lines it gives. */
static const struct {
	const char *line;
	const char *dump;
} value_cases[] = {
	{ "AllowTcpForwardingForUsers alice", "allowtcpforwardingforusers "
	    "alice" },
	{ "AllowTcpForwardingForUsers a* bob@10.0.0.0/8",
	    "allowtcpforwardingforusers a*\nallowtcpforwardingforusers "
	    "bob@10.0.0.0/8" },
	{ "AllowTcpForwardingForUsers carol@*.example.com",
	    "allowtcpforwardingforusers carol@*.example.com" },
	{ "AllowTcpForwardingForGroups wheel staff,!bad",
	    "allowtcpforwardingforgroups wheel\nallowtcpforwardingforgroups "
	    "staff,!bad" },
	{ "DenyTcpForwardingForUsers mallory eve@192.0.2.1",
	    "denytcpforwardingforusers mallory\ndenytcpforwardingforusers "
	    "eve@192.0.2.1" },
	{ "DenyTcpForwardingForGroups guests",
	    "denytcpforwardingforgroups guests" },
	{ "XAuthLocation /opt/X11/bin/xauth",
	    "xauthlocation /opt/X11/bin/xauth" },
	{ "XAuthLocation none", "xauthlocation none" },
	{ "XAuthLocation NONE", "xauthlocation none" },
	{ "TCPWrappers no", "tcpwrappers no" },
	{ "tcpwrappers NO", "tcpwrappers no" },
	{ "TCPWrappersAllowFile /srv/wrap/allow",
	    "tcpwrappersallowfile /srv/wrap/allow" },
	{ "TCPWrappersDenyFile /srv/wrap/deny",
	    "tcpwrappersdenyfile /srv/wrap/deny" },
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
	/* "TCPWrappers yes" is what the build allows. */
	r = one_line("TCPWrappers yes", &cfg);
	if (tcpwrap_available()) {
		assert_int_equal(r, 0);
		assert_int_equal(servconf_fill_defaults(&cfg), 0);
		assert_dump_has(&cfg, "tcpwrappers yes");
	} else {
		assert_int_equal(r, PC_ERR_CONFIG);
		assert_log_has("command-line line 1: TCPWrappers yes: "
		    "portcullisd was built without libwrap");
	}
	servconf_clear(&cfg);
}

/* The fields the forwarding code reads. */
static void
test_fields(void **state)
{
	struct server_config cfg;
	char cwd[512], want[600];

	(void)state;
	assert_int_equal(load_text(
	    "AllowTcpForwardingForUsers alice bob@127.0.0.1\n"
	    "AllowTcpForwardingForUsers carol\n"
	    "AllowTcpForwardingForGroups fwd\n"
	    "AllowTcpForwardingForGroups fwd2,!nofwd\n"
	    "DenyTcpForwardingForUsers mallory\n"
	    "DenyTcpForwardingForGroups guests\n"
	    "DenyTcpForwardingForGroups nobody\n"
	    "XAuthLocation bin/xauth\n"
	    "TCPWrappers no\n"
	    "TCPWrappersAllowFile /tmp/a\n"
	    "TCPWrappersDenyFile /tmp/d\n", &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	/* The lists accumulate across lines, in order. */
	assert_int_equal(cfg.allow_tcp_fwd_users.n, 3);
	assert_string_equal(cfg.allow_tcp_fwd_users.v[0], "alice");
	assert_string_equal(cfg.allow_tcp_fwd_users.v[1], "bob@127.0.0.1");
	assert_string_equal(cfg.allow_tcp_fwd_users.v[2], "carol");
	assert_int_equal(cfg.allow_tcp_fwd_groups.n, 2);
	assert_string_equal(cfg.allow_tcp_fwd_groups.v[1], "fwd2,!nofwd");
	assert_int_equal(cfg.deny_tcp_fwd_users.n, 1);
	assert_string_equal(cfg.deny_tcp_fwd_users.v[0], "mallory");
	assert_int_equal(cfg.deny_tcp_fwd_groups.n, 2);
	assert_string_equal(cfg.deny_tcp_fwd_groups.v[1], "nobody");
	/* A relative XAuthLocation is made absolute, as OpenSSH does. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "%s/bin/xauth", cwd);
	assert_string_equal(cfg.xauth_location, want);
	assert_int_equal(cfg.tcp_wrappers, 0);
	assert_string_equal(cfg.tcp_wrappers_allow_file, "/tmp/a");
	assert_string_equal(cfg.tcp_wrappers_deny_file, "/tmp/d");
	servconf_clear(&cfg);

	/* none: no xauth at all (X11 forwarding is then refused). */
	assert_int_equal(load_text("XAuthLocation none\n", &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_null(cfg.xauth_location);
	servconf_clear(&cfg);
}

/* Bad lines: refused with a message naming the file and line. */
static const struct {
	const char *line;
	const char *msg;
} bad_cases[] = {
	{ "AllowTcpForwardingForUsers a@",
	    "invalid AllowTcpForwardingForUsers pattern: \"a@\"" },
	{ "AllowTcpForwardingForUsers \"\"",
	    "invalid AllowTcpForwardingForUsers pattern: \"\"" },
	{ "AllowTcpForwardingForUsers ok a@10.0.0.0/33",
	    "invalid AllowTcpForwardingForUsers pattern: \"a@10.0.0.0/33\"" },
	{ "DenyTcpForwardingForUsers a@10.0.0.1/8",
	    "invalid DenyTcpForwardingForUsers pattern: \"a@10.0.0.1/8\"" },
	{ "AllowTcpForwardingForUsers",
	    "no argument after keyword \"AllowTcpForwardingForUsers\"" },
	{ "AllowTcpForwardingForGroups wheel \"\"",
	    "empty AllowTcpForwardingForGroups pattern" },
	{ "DenyTcpForwardingForGroups \"\"",
	    "empty DenyTcpForwardingForGroups pattern" },
	{ "DenyTcpForwardingForGroups",
	    "no argument after keyword \"DenyTcpForwardingForGroups\"" },
	{ "XAuthLocation", "no argument after keyword \"XAuthLocation\"" },
	{ "XAuthLocation /a /b", "extra arguments at end of line" },
	{ "TCPWrappers maybe", "unsupported option \"maybe\" for "
	    "TCPWrappers." },
	{ "TCPWrappers", "no argument after keyword \"TCPWrappers\"" },
	{ "TCPWrappers no yes", "extra arguments at end of line" },
	{ "TCPWrappersAllowFile hosts.allow",
	    "TCPWrappersAllowFile must be an absolute path" },
	{ "TCPWrappersDenyFile none",
	    "TCPWrappersDenyFile must be an absolute path" },
	{ "TCPWrappersDenyFile /a /b", "extra arguments at end of line" },
	{ "TCPWrappersAllowFile", "no argument after keyword" },
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
		/* In a file, at line 3, named in the message. */
		snprintf(text, sizeof(text), "Port 2222\n# c\n%s\n",
		    bad_cases[i].line);
		r = load_text_at(text, &cfg, path, sizeof(path));
		if (r != PC_ERR_CONFIG) {
			fail_msg("\"%s\" accepted (%d)", bad_cases[i].line, r);
		}
		snprintf(want, sizeof(want), "%s line 3: ", path);
		assert_log_has(want);
		assert_log_has(bad_cases[i].msg);
		servconf_clear(&cfg);
		/* And as -o. */
		assert_int_equal(one_line(bad_cases[i].line, &cfg),
		    PC_ERR_CONFIG);
		assert_log_has("command-line line 1: ");
		assert_log_has(bad_cases[i].msg);
		servconf_clear(&cfg);
	}
	/* Without libwrap "TCPWrappers yes" is refused at its line. */
	if (!tcpwrap_available()) {
		r = load_text_at("Port 22\nTCPWrappers yes\n", &cfg, path,
		    sizeof(path));
		assert_int_equal(r, PC_ERR_CONFIG);
		snprintf(want, sizeof(want), "%s line 2: TCPWrappers yes: "
		    "portcullisd was built without libwrap", path);
		assert_log_has(want);
		servconf_clear(&cfg);
	}
}

/* The Tectia lists may be set per Match; the others are global, as
 * OpenSSH's XAuthLocation. */
static const struct {
	const char *line;
	int in_match;
} match_cases[] = {
	{ "AllowTcpForwardingForUsers a", 1 },
	{ "AllowTcpForwardingForGroups a", 1 },
	{ "DenyTcpForwardingForUsers a", 1 },
	{ "DenyTcpForwardingForGroups a", 1 },
	{ "XAuthLocation /usr/bin/xauth", 0 },
	{ "TCPWrappers no", 0 },
	{ "TCPWrappersAllowFile /a", 0 },
	{ "TCPWrappersDenyFile /a", 0 },
};

static void
test_match_permissions(void **state)
{
	struct server_config cfg;
	char text[256], want[256], path[64], kw[64];
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		snprintf(text, sizeof(text), "Port 22\nMatch User x\n\t%s\n",
		    match_cases[i].line);
		r = load_text_at(text, &cfg, path, sizeof(path));
		if (match_cases[i].in_match) {
			if (r != 0) {
				fail_msg("\"%s\" refused in Match: %s",
				    match_cases[i].line, log_read());
			}
		} else {
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

/* Match blocks override the lists and carry their lines as origins. */
static void
test_match_apply(void **state)
{
	static const char text[] =
	    "AllowTcpForwardingForUsers alice bob\n"		/* 1 */
	    "DenyTcpForwardingForGroups guests\n"		/* 2 */
	    "AllowTcpForwarding local\n"			/* 3 */
	    "XAuthLocation /opt/xauth\n"			/* 4 */
	    "TCPWrappers no\n"					/* 5 */
	    "Match User alice\n"				/* 6 */
	    "\tAllowTcpForwardingForUsers alice@127.0.0.1\n"	/* 7 */
	    "\tAllowTcpForwarding remote\n"			/* 8 */
	    "\tPermitOpen none\n"				/* 9 */
	    "Match User alice,bob\n"				/* 10 */
	    "\tAllowTcpForwarding no\n"				/* 11 */
	    "\tDenyTcpForwardingForUsers bob\n"			/* 12 */
	    "\tDenyTcpForwardingForUsers carol\n"		/* 13 */
	    "\tAllowStreamLocalForwarding no\n";		/* 14 */
	struct server_config cfg, eff;
	struct servconf_match_ctx ctx;
	char path[64], want[128];

	(void)state;
	assert_int_equal(load_text_at(text, &cfg, path, sizeof(path)), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);

	/* alice: both blocks; within them the first value wins. */
	servconf_match_ctx_init(&ctx);
	assert_non_null(ctx.user = strdup("alice"));
	assert_int_equal(servconf_apply_match(&cfg, &ctx, &eff), 0);
	assert_int_equal(eff.allow_tcp_fwd_users.n, 1);
	assert_string_equal(eff.allow_tcp_fwd_users.v[0], "alice@127.0.0.1");
	assert_int_equal(eff.allow_tcp_forwarding, SERVCONF_FWD_REMOTE);
	/* The lists accumulate within the matching blocks too. */
	assert_int_equal(eff.deny_tcp_fwd_users.n, 2);
	assert_string_equal(eff.deny_tcp_fwd_users.v[1], "carol");
	assert_int_equal(eff.deny_tcp_fwd_groups.n, 1);
	assert_string_equal(eff.xauth_location, "/opt/xauth");
	assert_int_equal(eff.tcp_wrappers, 0);
	assert_dump_has(&eff, "allowtcpforwardingforusers alice@127.0.0.1");
	assert_dump_lacks(&eff, "allowtcpforwardingforusers bob");
	assert_dump_has(&eff, "denytcpforwardingforusers bob");
	assert_dump_has(&eff, "allowtcpforwarding remote");
	/* Origins: the block's line for what a block set, the global line
	 * for the rest, default for what nobody set. */
	snprintf(want, sizeof(want), "%s line 7", path);
	assert_string_equal(origin(&eff, "allowtcpforwardingforusers"),
	    want);
	snprintf(want, sizeof(want), "%s line 8", path);
	assert_string_equal(origin(&eff, "allowtcpforwarding"), want);
	snprintf(want, sizeof(want), "%s line 9", path);
	assert_string_equal(origin(&eff, "permitopen"), want);
	snprintf(want, sizeof(want), "%s line 12", path);
	assert_string_equal(origin(&eff, "denytcpforwardingforusers"), want);
	snprintf(want, sizeof(want), "%s line 14", path);
	assert_string_equal(origin(&eff, "allowstreamlocalforwarding"), want);
	snprintf(want, sizeof(want), "%s line 2", path);
	assert_string_equal(origin(&eff, "denytcpforwardingforgroups"), want);
	snprintf(want, sizeof(want), "%s line 4", path);
	assert_string_equal(origin(&eff, "xauthlocation"), want);
	snprintf(want, sizeof(want), "%s line 5", path);
	assert_string_equal(origin(&eff, "tcpwrappers"), want);
	assert_string_equal(origin(&eff, "permitlisten"), "default");
	assert_string_equal(origin(&eff, "gatewayports"), "default");
	servconf_clear(&eff);
	servconf_match_ctx_clear(&ctx);

	/* bob: the second block only. */
	servconf_match_ctx_init(&ctx);
	assert_non_null(ctx.user = strdup("bob"));
	assert_int_equal(servconf_apply_match(&cfg, &ctx, &eff), 0);
	assert_int_equal(eff.allow_tcp_fwd_users.n, 2);
	assert_int_equal(eff.allow_tcp_forwarding, SERVCONF_FWD_NO);
	snprintf(want, sizeof(want), "%s line 1", path);
	assert_string_equal(origin(&eff, "allowtcpforwardingforusers"),
	    want);
	snprintf(want, sizeof(want), "%s line 11", path);
	assert_string_equal(origin(&eff, "allowtcpforwarding"), want);
	assert_string_equal(origin(&eff, "permitopen"), "default");
	servconf_clear(&eff);
	servconf_match_ctx_clear(&ctx);

	/* dave: no block; the global origins. */
	servconf_match_ctx_init(&ctx);
	assert_non_null(ctx.user = strdup("dave"));
	assert_int_equal(servconf_apply_match(&cfg, &ctx, &eff), 0);
	assert_int_equal(eff.allow_tcp_forwarding, SERVCONF_FWD_LOCAL);
	assert_int_equal(eff.deny_tcp_fwd_users.n, 0);
	snprintf(want, sizeof(want), "%s line 3", path);
	assert_string_equal(origin(&eff, "allowtcpforwarding"), want);
	assert_string_equal(origin(&eff, "denytcpforwardingforusers"),
	    "default");
	assert_string_equal(origin(&eff, "allowstreamlocalforwarding"),
	    "default");
	servconf_clear(&eff);
	servconf_match_ctx_clear(&ctx);
	servconf_clear(&cfg);
}

/* -o lines, first-wins and last-wins keywords, names and aliases. */
static void
test_origins(void **state)
{
	struct server_config cfg;
	char path[64], want[128], o[32], buf[16];
	static const char text[] = "Port 22\n"
	    "GatewayPorts no\n"			/* 2 */
	    "PermitListen 8080\n"			/* 3 */
	    "PermitListen 9090\n"			/* 4 */
	    "StreamLocalBindMask 022\n"		/* 5 */
	    "StreamLocalBindMask 033\n"		/* 6 */
	    "AllowTcpForwardingForGroups a\n"		/* 7 */
	    "AllowTcpForwardingForGroups b\n";		/* 8 */
	int fd;

	(void)state;
	log_capture();
	servconf_init(&cfg);
	assert_int_equal(servconf_parse_arg(&cfg, "GatewayPorts yes",
	    "command-line", 1), 0);
	assert_int_equal(servconf_parse_arg(&cfg,
	    "ChallengeResponseAuthentication no", "command-line", 2), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "StreamLocalBindMask 077",
	    "command-line", 3), 0);
	/* The caller's origin string is not kept: it may be a buffer. */
	memset(o, 'x', sizeof(o) - 1);
	o[sizeof(o) - 1] = '\0';
	assert_int_equal(servconf_parse_arg(&cfg, "X11Forwarding yes", o, 4),
	    0);
	memset(o, 'y', sizeof(o) - 1);
	snprintf(path, sizeof(path), "/tmp/pc_servconf_fwd_XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)),
	    (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(servconf_load(&cfg, path), 0);
	unlink(path);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	/* -o comes first and wins; so does its origin. */
	assert_string_equal(origin(&cfg, "gatewayports"),
	    "command-line line 1");
	assert_int_equal(cfg.gateway_ports, SERVCONF_GW_YES);
	/* An alias records under its keyword. */
	assert_string_equal(origin(&cfg, "kbdinteractiveauthentication"),
	    "command-line line 2");
	/* The origin name was copied: the caller's buffer changed since. */
	snprintf(want, sizeof(want), "%.*s line 4", (int)sizeof(o) - 1,
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	assert_string_equal(origin(&cfg, "x11forwarding"), want);
	/* The first PermitListen line is the list, and the origin. */
	snprintf(want, sizeof(want), "%s line 3", path);
	assert_string_equal(origin(&cfg, "permitlisten"), want);
	assert_dump_has(&cfg, "permitlisten *:8080");
	/* StreamLocalBindMask: the last line wins, value and origin. */
	snprintf(want, sizeof(want), "%s line 6", path);
	assert_string_equal(origin(&cfg, "streamlocalbindmask"), want);
	assert_int_equal(cfg.streamlocal_bind_mask, 033);
	/* An accumulating list: its first line. */
	snprintf(want, sizeof(want), "%s line 7", path);
	assert_string_equal(origin(&cfg, "allowtcpforwardingforgroups"),
	    want);
	/* Keyword names in any case, aliases, unknown names. */
	assert_string_equal(origin(&cfg, "GatewayPorts"),
	    "command-line line 1");
	assert_string_equal(origin(&cfg, "challengeresponseauthentication"),
	    "command-line line 2");
	assert_string_equal(origin(&cfg, "nosuchkeyword"), "default");
	assert_string_equal(origin(&cfg, "x11displayoffset"), "default");
	/* Cut to the buffer; a zero length writes nothing. */
	assert_string_equal(servconf_origin(&cfg, "gatewayports", buf,
	    sizeof(buf)), "command-line li");
	buf[0] = 'z';
	assert_ptr_equal(servconf_origin(&cfg, "gatewayports", buf, 0), buf);
	assert_int_equal(buf[0], 'z');
	/* A failed line records nothing. */
	assert_int_equal(servconf_parse_arg(&cfg, "X11DisplayOffset -1",
	    "command-line", 9), PC_ERR_CONFIG);
	assert_string_equal(origin(&cfg, "x11displayoffset"), "default");
	/* No origin, no line. */
	assert_int_equal(servconf_parse_arg(&cfg, "X11DisplayOffset 3", NULL,
	    10), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(servconf_parse_arg(&cfg, NULL, "command-line", 11),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(cfg.x11_display_offset, 10);
	servconf_clear(&cfg);
	/* After clear, everything is default again. */
	assert_string_equal(origin(&cfg, "gatewayports"), "default");
}

/* A Match block inside an Included file: the included file's name. */
static void
test_origin_include(void **state)
{
	struct server_config cfg, eff;
	struct servconf_match_ctx ctx;
	char dir[64], main_path[128], inc_path[128], text[256], want[256];
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pc_servconf_fwd_inc_XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(main_path, sizeof(main_path), "%s/main.conf", dir);
	snprintf(inc_path, sizeof(inc_path), "%s/inc.conf", dir);
	assert_non_null(f = fopen(inc_path, "w"));
	fputs("DenyTcpForwardingForUsers x\n"
	    "Match Address 127.0.0.2\n"
	    "  DisableForwarding yes\n", f);
	fclose(f);
	snprintf(text, sizeof(text), "Port 22\nInclude %s\n"
	    "AllowAgentForwarding no\n", inc_path);
	assert_non_null(f = fopen(main_path, "w"));
	fputs(text, f);
	fclose(f);
	log_capture();
	servconf_init(&cfg);
	assert_int_equal(servconf_load(&cfg, main_path), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	servconf_match_ctx_init(&ctx);
	assert_non_null(ctx.addr = strdup("127.0.0.2"));
	assert_non_null(ctx.user = strdup("u"));
	assert_int_equal(servconf_apply_match(&cfg, &ctx, &eff), 0);
	assert_int_equal(eff.disable_forwarding, 1);
	snprintf(want, sizeof(want), "%s line 3", inc_path);
	assert_string_equal(origin(&eff, "disableforwarding"), want);
	snprintf(want, sizeof(want), "%s line 1", inc_path);
	assert_string_equal(origin(&eff, "denytcpforwardingforusers"), want);
	/* The Match block ended with the included file. */
	snprintf(want, sizeof(want), "%s line 3", main_path);
	assert_string_equal(origin(&eff, "allowagentforwarding"), want);
	assert_int_equal(eff.allow_agent_forwarding, 0);
	servconf_clear(&eff);
	servconf_match_ctx_clear(&ctx);
	servconf_clear(&cfg);
	unlink(inc_path);
	unlink(main_path);
	rmdir(dir);
}

/* Accumulation is capped as AllowUsers is. */
static void
test_limits(void **state)
{
	struct server_config cfg;
	char *text;
	size_t i, off = 0, cap = 1200 * 40;
	int r;

	(void)state;
	assert_non_null(text = malloc(cap));
	for (i = 0; i < 1100; i++) {
		off += (size_t)snprintf(text + off, cap - off,
		    "DenyTcpForwardingForUsers a b c d\n");
		assert_true(off < cap);
	}
	r = load_text(text, &cfg);
	assert_int_equal(r, PC_ERR_CONFIG);
	assert_log_has("too many DenyTcpForwardingForUsers entries");
	servconf_clear(&cfg);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_size),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_match_permissions),
		cmocka_unit_test(test_match_apply),
		cmocka_unit_test(test_origins),
		cmocka_unit_test(test_origin_include),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
