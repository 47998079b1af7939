/*
 * libFuzzer target: sshd_config lines (daemon/servconf*.c) as -o gives
 * them, one per input line, then the -T dump, the login policy over the
 * parsed AllowUsers/DenyUsers/AllowGroups/DenyGroups, the origins, and
 * %-token expansion of the parsed AuthorizedKeysFile and principals
 * paths.
 * ListenAddress is not resolved (no servconf_fill_defaults): the fuzzer
 * must not wait on DNS.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "login.h"
#include "servconf.h"

#define MAX_LINES	64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void
expand(const char *fmt)
{
	struct servconf_tokens t = {
		.conn = "10.0.0.1 5 10.0.0.2 22", .home = "/home/u",
		.user = "u", .uid = "1000", .key_fp = "SHA256:x",
		.key = "AAAA", .key_type = "ssh-ed25519",
	};
	char *out = NULL;

	if (servconf_expand_path(fmt, &t, &out) == 0) {
		free(out);
	}
	if (servconf_expand_tokens(fmt, &t, &out) == 0) {
		free(out);
	}
}

static void
policy(const struct server_config *cfg)
{
	static const char *const groups[] = { "users", "wheel" };
	struct policy_login_cfg pc = {
		(const char *const *)cfg->allow_users.v, cfg->allow_users.n,
		(const char *const *)cfg->deny_users.v, cfg->deny_users.n,
		(const char *const *)cfg->allow_groups.v, cfg->allow_groups.n,
		(const char *const *)cfg->deny_groups.v, cfg->deny_groups.n,
	};
	struct policy_login_subject s = {
		"alice", "host.example.com", "10.1.2.3", groups, 2,
	};
	struct policy_decision d;

	(void)!policy_login_allowed(&pc, &s, &d);
	s.addr = "2001:db8::1";
	s.host = s.addr;
	(void)!policy_login_allowed(&pc, &s, &d);
	if (cfg->permit_root_login != -1) {
		(void)!policy_root_login(cfg->permit_root_login, "password",
		    0, &d);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static FILE *devnull;
	static int inited;
	struct log_settings ls = {
		.ident = "fuzz", .level = LOG_LEVEL_QUIET, .to_stderr = 0,
		.to_syslog = 0, .facility = LOG_AUTH, .fd = -1,
	};
	struct server_config cfg;
	char *text, *line, *next;
	size_t i;
	int n = 0;

	if (!inited) {
		log_init(&ls);
		devnull = fopen("/dev/null", "w");
		inited = 1;
	}
	if ((text = malloc(len + 1)) == NULL) {
		return 0;
	}
	memcpy(text, data, len);
	text[len] = '\0';
	servconf_init(&cfg);
	for (line = text; line != NULL && n < MAX_LINES; line = next, n++) {
		if ((next = strchr(line, '\n')) != NULL) {
			*next++ = '\0';
		}
		if (servconf_parse_arg(&cfg, line, "fuzz", n + 1) != 0) {
			break;
		}
	}
	if (devnull != NULL) {
		char where[64];

		servconf_dump(&cfg, devnull);
		/* The origins the forwarding log lines name. */
		fprintf(devnull, "%s %s %s\n",
		    servconf_origin(&cfg, "allowtcpforwarding", where,
		    sizeof(where)), servconf_origin(&cfg, "keepalive", where,
		    sizeof(where)), servconf_origin(&cfg, "nosuch", where,
		    sizeof(where)));
	}
	policy(&cfg);
	for (i = 0; i < cfg.authorized_keys_files.n; i++) {
		expand(cfg.authorized_keys_files.v[i]);
	}
	if (cfg.authorized_principals_file != NULL) {
		expand(cfg.authorized_principals_file);
	}
	if (cfg.authorized_keys_command != NULL) {
		expand(cfg.authorized_keys_command);
	}
	servconf_clear(&cfg);
	free(text);
	return 0;
}
