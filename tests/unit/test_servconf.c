/* Unit tests for daemon/servconf.c: sshd_config parsing, Include, Match,
 * -o precedence and the -T dump.  Files are in tests/data/config/. */
#include <sys/socket.h>
#include <netinet/in.h>

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

#include "config.h"

#include "cipher.h"
#include "kexalg.h"
#include "key.h"
#include "log.h"
#include "mac.h"
#include "servconf.h"

#define D	"tests/data/config/"

static void
cfg_setup(struct server_config *cfg)
{
	char cwd[4096], dir[4200];

	log_capture();
	servconf_init(cfg);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(dir, sizeof(dir), "%s/" D, cwd);
	assert_int_equal(servconf_set_include_dir(cfg, dir), 0);
}

/* Apply one -o style line to a fresh config; return the result. */
static int
one_line(const char *line, struct server_config *cfg)
{
	cfg_setup(cfg);
	return servconf_parse_arg(cfg, line, "command-line", 1);
}

static void
test_defaults(void **state)
{
	struct server_config cfg;
	char want[2048];

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_int_equal(cfg.num_ports, 1);
	assert_int_equal(cfg.ports[0], 22);
	assert_int_equal(cfg.address_family, AF_UNSPEC);
	assert_int_equal(cfg.rekey_limit, 0);
	assert_int_equal(cfg.rekey_interval, 0);
	assert_int_equal(cfg.login_grace_time, 120);
	assert_string_equal(cfg.pid_file, "/run/portcullisd.pid");
	assert_string_equal(cfg.moduli_file, PC_SYSCONFDIR "/moduli");
	assert_string_equal(cfg.ciphers, cipher_default_list());
	assert_string_equal(cfg.macs, mac_default_list());
	assert_string_equal(cfg.kex_algorithms, kexalg_default_list());
	/* As OpenSSH: certificate algorithms first (HostCertificate). */
	assert_string_equal(cfg.hostkey_algorithms,
	    "ssh-ed25519-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	    "rsa-sha2-512-cert-v01@openssh.com,"
	    "rsa-sha2-256-cert-v01@openssh.com,"
	    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	    "ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256");
	assert_int_equal(cfg.host_keys.n, 3);
	assert_true(cfg.num_listen >= 1);
	assert_dump_has(&cfg, "port 22");
	assert_dump_has(&cfg, "addressfamily any");
	assert_dump_has(&cfg, "listenaddress 0.0.0.0:22");
	assert_dump_has(&cfg, "logingracetime 120");
	assert_dump_has(&cfg, "maxstartups 10:30:100");
	assert_dump_has(&cfg, "rekeylimit 0 0");
	assert_dump_has(&cfg, "loglevel INFO");
	assert_dump_has(&cfg, "syslogfacility AUTH");
	assert_dump_has(&cfg, "pidfile /run/portcullisd.pid");
	assert_dump_has(&cfg, "modulifile " PC_SYSCONFDIR "/moduli");
	assert_dump_has(&cfg, "hostkey " PC_SYSCONFDIR "/ssh_host_ed25519_key");
	snprintf(want, sizeof(want), "ciphers %s", cipher_default_list());
	assert_dump_has(&cfg, want);
	snprintf(want, sizeof(want), "kexalgorithms %s",
	    kexalg_default_list());
	assert_dump_has(&cfg, want);
	/* Idempotent. */
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_int_equal(cfg.num_ports, 1);
	servconf_clear(&cfg);
}

static void
test_basic_file(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, D "basic.conf"), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_int_equal(cfg.num_ports, 3);
	assert_int_equal(cfg.ports[0], 2222);
	assert_int_equal(cfg.ports[1], 2200);
	assert_int_equal(cfg.ports[2], 2201);
	assert_int_equal(cfg.address_family, AF_INET);
	assert_int_equal(cfg.host_keys.n, 3);
	assert_string_equal(cfg.host_keys.v[0],
	    "/etc/ssh/ssh_host_ed25519_key");
	assert_string_equal(cfg.host_keys.v[1], "keys/host key with spaces");
	assert_string_equal(cfg.host_keys.v[2], "relative_key");
	assert_string_equal(cfg.ciphers,
	    "aes256-gcm@openssh.com,chacha20-poly1305@openssh.com");
	assert_null(strstr(cfg.macs, "sha1"));
	assert_non_null(strstr(cfg.macs, "hmac-sha2-256"));
	assert_int_equal(strncmp(cfg.kex_algorithms,
	    "diffie-hellman-group14-sha256,", 30), 0);
	assert_non_null(strstr(cfg.hostkey_algorithms, ",ssh-rsa"));
	assert_int_equal(cfg.rekey_limit, 1073741824LL);
	assert_int_equal(cfg.rekey_interval, 5400);
	assert_int_equal(cfg.log_level, LOG_LEVEL_VERBOSE);
	assert_int_equal(cfg.log_facility, LOG_LOCAL3);
	assert_string_equal(cfg.pid_file, "none");
	assert_int_equal(cfg.login_grace_time, 120);
	assert_int_equal(cfg.max_startups_begin, 3);
	assert_int_equal(cfg.max_startups_rate, 50);
	assert_int_equal(cfg.max_startups, 20);
	assert_string_equal(cfg.moduli_file, "/etc/portcullis/moduli");
	/* ListenAddress without a port takes every Port; with one, only it. */
	assert_int_equal(cfg.num_listen, 4);
	assert_dump_has(&cfg, "listenaddress 127.0.0.1:2222");
	assert_dump_has(&cfg, "listenaddress 127.0.0.1:2200");
	assert_dump_has(&cfg, "listenaddress 127.0.0.1:2201");
	assert_dump_has(&cfg, "listenaddress 127.0.0.2:2022");
	assert_dump_has(&cfg, "rekeylimit 1073741824 5400");
	assert_dump_has(&cfg, "maxstartups 3:50:20");
	assert_dump_has(&cfg, "logingracetime 120");
	assert_dump_has(&cfg, "addressfamily inet");
	assert_dump_has(&cfg, "syslogfacility LOCAL3");
	assert_dump_has(&cfg, "loglevel VERBOSE");
	assert_dump_has(&cfg, "pidfile none");
	assert_dump_has(&cfg, "hostkey keys/host key with spaces");
	assert_dump_has(&cfg, "ciphers "
	    "aes256-gcm@openssh.com,chacha20-poly1305@openssh.com");
	servconf_clear(&cfg);
}

static void
test_login_grace_2m(void **state)
{
	struct server_config cfg;

	(void)state;
	assert_int_equal(one_line("LoginGraceTime 2m", &cfg), 0);
	assert_int_equal(cfg.login_grace_time, 120);
	servconf_clear(&cfg);
	assert_int_equal(one_line("LoginGraceTime 1h30m15s", &cfg), 0);
	assert_int_equal(cfg.login_grace_time, 5415);
	servconf_clear(&cfg);
	assert_int_equal(one_line("LoginGraceTime 1W2d", &cfg), 0);
	assert_int_equal(cfg.login_grace_time, 9 * 86400);
	servconf_clear(&cfg);
	assert_int_equal(one_line("LoginGraceTime 0", &cfg), 0);
	assert_int_equal(cfg.login_grace_time, 0);
	servconf_clear(&cfg);
	assert_int_equal(one_line("LoginGraceTime 1h30", &cfg), 0);
	assert_int_equal(cfg.login_grace_time, 3630);
	servconf_clear(&cfg);
}

static const struct {
	const char *line;
	int ok;
} value_cases[] = {
	{ "Port 22", 1 }, { "Port 65535", 1 }, { "Port 0", 0 },
	{ "Port 65536", 0 }, { "Port -1", 0 }, { "Port 22x", 0 },
	{ "Port ssh", 0 }, { "Port \"\"", 0 }, { "Port 22 23", 0 },
	{ "Port", 0 }, { "Port 99999999999999999999", 0 },
	{ "AddressFamily any", 1 }, { "AddressFamily INET6", 1 },
	{ "AddressFamily inet4", 0 }, { "AddressFamily inet inet6", 0 },
	{ "ListenAddress 0.0.0.0", 1 }, { "ListenAddress 127.0.0.1:22", 1 },
	{ "ListenAddress [::1]:2200", 1 }, { "ListenAddress ::1", 1 },
	{ "ListenAddress [::1]", 1 }, { "ListenAddress localhost:2222", 1 },
	{ "ListenAddress 127.0.0.1:0", 0 },
	{ "ListenAddress 127.0.0.1:x", 0 }, { "ListenAddress [::1", 0 },
	{ "ListenAddress [::1]x", 0 }, { "ListenAddress :22", 0 },
	{ "ListenAddress 127.0.0.1 rdomain 1", 0 },
	{ "ListenAddress 127.0.0.1 junk", 0 },
	{ "HostKey /etc/ssh/key", 1 }, { "HostKey a b", 0 },
	{ "Ciphers aes128-ctr", 1 }, { "Ciphers +aes128-ctr", 1 },
	{ "Ciphers -aes*", 1 }, { "Ciphers ^aes256-ctr", 1 },
	{ "Ciphers nosuch-cipher", 0 }, { "Ciphers aes128-ctr,", 0 },
	{ "Ciphers -*", 0 }, { "Ciphers aes128-ctr aes256-ctr", 0 },
	{ "MACs hmac-sha2-256", 1 }, { "MACs hmac-md5-96", 0 },
	{ "KexAlgorithms curve25519-sha256", 1 },
	{ "KexAlgorithms curve448", 0 },
	{ "HostKeyAlgorithms ssh-ed25519", 1 },
	{ "HostKeyAlgorithms ssh-dss", 0 },
	{ "RekeyLimit default", 1 }, { "RekeyLimit default none", 1 },
	{ "RekeyLimit 1G", 1 }, { "RekeyLimit 512M 1h", 1 },
	{ "RekeyLimit 16", 1 }, { "RekeyLimit 15", 0 }, { "RekeyLimit 0", 1 },
	{ "RekeyLimit none", 0 }, { "RekeyLimit 1T", 0 },
	{ "RekeyLimit 1G 1x", 0 }, { "RekeyLimit 1G 1h 2h", 0 },
	{ "RekeyLimit 99999999999G", 0 }, { "RekeyLimit -5", 0 },
	{ "LogLevel DEBUG", 1 }, { "LogLevel quiet", 1 },
	{ "LogLevel LOUD", 0 }, { "LogLevel INFO extra", 0 },
	{ "SyslogFacility AUTHPRIV", 1 }, { "SyslogFacility LOCAL7", 1 },
	{ "SyslogFacility KERN", 0 },
	{ "PidFile /run/x.pid", 1 }, { "PidFile none", 1 },
	{ "PidFile /a /b", 0 },
	{ "LoginGraceTime 120", 1 }, { "LoginGraceTime 2x", 0 },
	{ "LoginGraceTime -1", 0 }, { "LoginGraceTime m", 0 },
	{ "LoginGraceTime 3000000000", 0 }, { "LoginGraceTime 99999w", 0 },
	{ "LoginGraceTime \"\"", 0 },
	{ "MaxStartups 10:30:100", 1 }, { "MaxStartups 5", 1 },
	{ "MaxStartups 10:30", 0 }, { "MaxStartups 10:0:100", 0 },
	{ "MaxStartups 10:101:100", 0 }, { "MaxStartups 200:30:100", 0 },
	{ "MaxStartups 1:2:3:4", 0 }, { "MaxStartups 1::3", 0 },
	{ "MaxStartups x", 0 }, { "MaxStartups 10:30:100x", 0 },
	{ "ModuliFile /etc/ssh/moduli", 1 }, { "ModuliFile", 0 },
	{ "Match User x", 0 }, { "Include /etc/ssh/sshd_config", 0 },
	{ "NoSuchKeyword yes", 0 }, { "KerberosTicketCleanup no", 0 },
	{ "Protocol 2", 1 }, { "", 1 }, { "   # just a comment", 1 },
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
		if ((r == 0) != value_cases[i].ok) {
			fail_msg("\"%s\": got %d, want %s", value_cases[i].line,
			    r, value_cases[i].ok ? "success" : "failure");
		}
		if (!value_cases[i].ok) {
			assert_int_equal(r, PC_ERR_CONFIG);
			/* Every error names its origin and line. */
			assert_log_has("command-line line 1: ");
		}
		servconf_clear(&cfg);
	}
}

static void
test_rekey_values(void **state)
{
	struct server_config cfg;

	(void)state;
	assert_int_equal(one_line("RekeyLimit 512M 1h", &cfg), 0);
	assert_int_equal(cfg.rekey_limit, 512LL << 20);
	assert_int_equal(cfg.rekey_interval, 3600);
	servconf_clear(&cfg);
	assert_int_equal(one_line("RekeyLimit 4k none", &cfg), 0);
	assert_int_equal(cfg.rekey_limit, 4096);
	assert_int_equal(cfg.rekey_interval, 0);
	servconf_clear(&cfg);
	assert_int_equal(one_line("RekeyLimit default", &cfg), 0);
	assert_int_equal(cfg.rekey_limit, 0);
	assert_int_equal(cfg.rekey_interval, -1);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_dump_has(&cfg, "rekeylimit 0 0");
	servconf_clear(&cfg);
	assert_int_equal(one_line("MaxStartups 5", &cfg), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_dump_has(&cfg, "maxstartups 5:30:5");
	servconf_clear(&cfg);
}

static void
test_equals_forms(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_parse_arg(&cfg, "Port=2222", "o", 1), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "Port = 2223", "o", 2), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "Port =2224", "o", 3), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "port= 2225", "o", 4), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "\tPORT\t2226  ", "o", 5),
	    0);
	assert_int_equal(cfg.num_ports, 5);
	assert_int_equal(cfg.ports[0], 2222);
	assert_int_equal(cfg.ports[4], 2226);
	/* Only one '=' separates. */
	assert_int_equal(servconf_parse_arg(&cfg, "Port==2227", "o", 6),
	    PC_ERR_CONFIG);
	assert_log_has("o line 6: ");
	assert_int_equal(servconf_parse_arg(&cfg, "=2227", "o", 7),
	    PC_ERR_CONFIG);
	servconf_clear(&cfg);
}

static void
test_quoting(void **state)
{
	struct server_config cfg;

	(void)state;
	assert_int_equal(one_line("PidFile \"/run/a b.pid\"", &cfg), 0);
	assert_string_equal(cfg.pid_file, "/run/a b.pid");
	servconf_clear(&cfg);
	assert_int_equal(one_line("PidFile '/run/x\"y'", &cfg), 0);
	assert_string_equal(cfg.pid_file, "/run/x\"y");
	servconf_clear(&cfg);
	assert_int_equal(one_line("PidFile /run/a\\ b", &cfg), 0);
	assert_string_equal(cfg.pid_file, "/run/a b");
	servconf_clear(&cfg);
	assert_int_equal(one_line("PidFile /run/a\"b c\"d", &cfg), 0);
	assert_string_equal(cfg.pid_file, "/run/ab cd");
	servconf_clear(&cfg);
	assert_int_equal(one_line("PidFile \"/run/#x\" # comment", &cfg), 0);
	assert_string_equal(cfg.pid_file, "/run/#x");
	servconf_clear(&cfg);
	/* A quoted space does not split; two words do. */
	assert_int_equal(one_line("PidFile \"/a\" \"/b\"", &cfg),
	    PC_ERR_CONFIG);
	assert_log_has("extra arguments");
	servconf_clear(&cfg);
	assert_int_equal(one_line("PidFile \"/run/x", &cfg), PC_ERR_CONFIG);
	assert_log_has("command-line line 1: invalid quotes");
	servconf_clear(&cfg);
	assert_int_equal(one_line("PidFile '/run/x\"", &cfg), PC_ERR_CONFIG);
	servconf_clear(&cfg);
}

static void
test_unterminated_file(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, D "unterminated.conf"),
	    PC_ERR_CONFIG);
	assert_log_has(D "unterminated.conf line 2: invalid quotes");
	servconf_clear(&cfg);
}

static void
test_garbage(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, D "garbage.conf"),
	    PC_ERR_CONFIG);
	assert_log_has(D "garbage.conf line 1: keyword LoginGraceTime extra "
	    "arguments at end of line");
	servconf_clear(&cfg);
}

static void
test_first_wins(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, D "first_wins.conf"), 0);
	assert_int_equal(cfg.login_grace_time, 30);
	assert_int_equal(cfg.log_level, LOG_LEVEL_ERROR);
	assert_string_equal(cfg.pid_file, "/run/first.pid");
	/* Each half of RekeyLimit is its own first value. */
	assert_int_equal(cfg.rekey_limit, 65536);
	assert_int_equal(cfg.rekey_interval, 10);
	assert_string_equal(cfg.ciphers, "aes128-ctr");
	assert_int_equal(cfg.max_startups, 7);
	assert_int_equal(cfg.address_family, AF_INET6);
	/* The list keywords accumulate. */
	assert_int_equal(cfg.num_ports, 2);
	assert_int_equal(cfg.host_keys.n, 2);
	assert_string_equal(cfg.host_keys.v[1], "/b");
	servconf_clear(&cfg);
}

static void
test_cmdline_precedence(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_parse_arg(&cfg, "LoginGraceTime=5",
	    "command-line", 1), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "LogLevel=DEBUG2",
	    "command-line", 2), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "Port 4022",
	    "command-line", 3), 0);
	assert_int_equal(servconf_load(&cfg, D "first_wins.conf"), 0);
	assert_int_equal(cfg.login_grace_time, 5);
	assert_int_equal(cfg.log_level, LOG_LEVEL_DEBUG2);
	assert_string_equal(cfg.pid_file, "/run/first.pid");
	assert_int_equal(cfg.num_ports, 3);
	assert_int_equal(cfg.ports[0], 4022);
	/* Errors in -o name the command line. */
	assert_int_equal(servconf_parse_arg(&cfg, "LogLevel=NOISY",
	    "command-line", 4), PC_ERR_CONFIG);
	assert_log_has("command-line line 4: ");
	servconf_clear(&cfg);
}

static void
test_include(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, D "include_main.conf"), 0);
	/* 10-first.conf is read before 20-second.conf, both before the
	 * main file's later line. */
	assert_int_equal(cfg.login_grace_time, 10);
	assert_string_equal(cfg.pid_file, "/run/second.pid");
	assert_int_equal(cfg.log_level, LOG_LEVEL_ERROR);
	/* README does not match the glob (it would be an error). */
	/* The Match block in 10-first.conf ended with that file: the
	 * global LoginGraceTime 99 after it is not inside a Match (it
	 * would be refused there). */
	servconf_clear(&cfg);
}

static void
test_include_absolute(void **state)
{
	struct server_config cfg;
	char path[] = "/tmp/pc-servconf-XXXXXX";
	char cwd[4096];
	FILE *f;
	int fd;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fprintf(f, "Include /nonexistent-portcullis-dir/*.conf\n"
	    "Include %s/" D "included/20-second.conf\n", cwd);
	fclose(f);
	servconf_init(&cfg);
	log_capture();
	/* No include dir override: the absolute path is used as is. */
	assert_int_equal(servconf_load(&cfg, path), 0);
	assert_int_equal(cfg.login_grace_time, 20);
	servconf_clear(&cfg);
	unlink(path);
}

static void
test_include_error_location(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, D "include_bad.conf"),
	    PC_ERR_CONFIG);
	/* The error names the included file and its own line. */
	assert_log_has("included/bad-1.inc line 3: Bad configuration "
	    "option: Frobnicate");
	servconf_clear(&cfg);
}

static void
test_include_recursive(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, D "recursive.conf"),
	    PC_ERR_CONFIG);
	assert_log_has("recursive.conf line 1: Too many recursive "
	    "configuration includes");
	servconf_clear(&cfg);
}

static void
test_missing_file(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, D "no-such-file.conf"),
	    PC_ERR_CONFIG);
	assert_log_has(D "no-such-file.conf: No such file or directory");
	servconf_clear(&cfg);
}

static void
test_unknown_keyword(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, D "unknown.conf"),
	    PC_ERR_CONFIG);
	assert_log_has(D "unknown.conf line 3: Bad configuration option: "
	    "FrobnicateWidgets");
	servconf_clear(&cfg);
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, D "unsupported.conf"),
	    PC_ERR_CONFIG);
	assert_log_has(D "unsupported.conf line 3: unsupported option "
	    "KerberosTicketCleanup");
	servconf_clear(&cfg);
}

static void
test_deprecated_keyword(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, D "deprecated.conf"), 0);
	assert_log_has(D "deprecated.conf line 1: Deprecated option Protocol");
	assert_log_has(D "deprecated.conf line 2: Deprecated option "
	    "UsePrivilegeSeparation");
	assert_log_has(D "deprecated.conf line 7: Deprecated option UseLogin");
	assert_int_equal(cfg.login_grace_time, 77);
	servconf_clear(&cfg);
}

static void
test_long_line_and_nul(void **state)
{
	struct server_config cfg;
	char path[] = "/tmp/pc-servconf-XXXXXX";
	FILE *f;
	int fd, i;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fputs("PidFile /", f);
	for (i = 0; i < SERVCONF_MAX_LINE_LEN; i++) {
		fputc('a', f);
	}
	fputc('\n', f);
	fclose(f);
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, path), PC_ERR_CONFIG);
	assert_log_has("line 1: line too long");
	servconf_clear(&cfg);

	assert_non_null(f = fopen(path, "w"));
	fwrite("Port 22\nPort 2\0003\n", 1, 17, f);
	fclose(f);
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, path), PC_ERR_CONFIG);
	assert_log_has("line 2: NUL byte in line");
	servconf_clear(&cfg);
	unlink(path);
}

/* Load match.conf, then evaluate it for ctx. */
static void
match_eval(const char *spec, const char *const *groups, size_t ngroups,
    int want_level, long long want_rekey, long long want_interval)
{
	struct server_config g, out;
	struct servconf_match_ctx ctx;
	size_t i;

	cfg_setup(&g);
	assert_int_equal(servconf_load(&g, D "match.conf"), 0);
	assert_int_equal(servconf_fill_defaults(&g), 0);
	assert_int_equal(servconf_parse_match_spec(spec, &ctx), 0);
	if (groups != NULL) {
		assert_non_null(ctx.groups = calloc(ngroups + 1,
		    sizeof(*ctx.groups)));
		for (i = 0; i < ngroups; i++) {
			ctx.groups[i] = strdup(groups[i]);
		}
		ctx.ngroups = ngroups;
		ctx.groups_set = 1;
	}
	assert_int_equal(servconf_apply_match(&g, &ctx, &out), 0);
	if (out.log_level != want_level || out.rekey_limit != want_rekey ||
	    out.rekey_interval != want_interval) {
		fail_msg("%s: got level %d rekey %lld %lld", spec,
		    out.log_level, (long long)out.rekey_limit,
		    (long long)out.rekey_interval);
	}
	/* Global values not touched by Match carry over. */
	assert_int_equal(out.login_grace_time, g.login_grace_time);
	assert_string_equal(out.ciphers, g.ciphers);
	assert_int_equal(out.num_listen, g.num_listen);
	/* The global config itself is unchanged. */
	assert_int_equal(g.log_level, LOG_LEVEL_INFO);
	assert_int_equal(g.rekey_limit, 1 << 20);
	servconf_clear(&out);
	servconf_match_ctx_clear(&ctx);
	servconf_clear(&g);
}

#define M	(1LL << 20)

static void
test_match_criteria(void **state)
{
	static const char *const wheel[] = { "users", "wheel" };
	static const char *const banned[] = { "wheel", "banned" };

	(void)state;
	/* "Match all" applies to everyone: 6M 2h unless set before. */
	match_eval("user=nobody", NULL, 0, LOG_LEVEL_INFO, 6 * M, 7200);
	match_eval("user=alice", NULL, 0, LOG_LEVEL_DEBUG1, 6 * M, 7200);
	match_eval("user=bob", NULL, 0, LOG_LEVEL_DEBUG1, 6 * M, 7200);
	/* Negation: root never matches "!root,adm*". */
	match_eval("user=admin", NULL, 0, LOG_LEVEL_DEBUG2, 6 * M, 7200);
	match_eval("user=root", NULL, 0, LOG_LEVEL_INFO, 6 * M, 7200);
	/* Group, with a negated group vetoing. */
	match_eval("user=x", wheel, 2, LOG_LEVEL_VERBOSE, 6 * M, 7200);
	match_eval("user=x", banned, 2, LOG_LEVEL_INFO, 6 * M, 7200);
	/* Host: case-insensitive. */
	match_eval("user=x,host=WWW.example.COM", NULL, 0, LOG_LEVEL_ERROR,
	    6 * M, 7200);
	match_eval("user=x,host=example.com", NULL, 0, LOG_LEVEL_INFO,
	    6 * M, 7200);
	/* Address: CIDR and negation, IPv4 and IPv6. */
	match_eval("user=x,addr=10.1.2.3", NULL, 0, LOG_LEVEL_QUIET,
	    6 * M, 7200);
	match_eval("user=x,addr=10.9.9.9", NULL, 0, LOG_LEVEL_INFO,
	    6 * M, 7200);
	match_eval("user=x,addr=11.0.0.1", NULL, 0, LOG_LEVEL_INFO,
	    6 * M, 7200);
	match_eval("user=x,addr=2001:db8::7", NULL, 0, LOG_LEVEL_FATAL,
	    6 * M, 7200);
	/* LocalAddress and LocalPort must both match. */
	match_eval("user=x,laddr=192.0.2.1,lport=2222", NULL, 0,
	    LOG_LEVEL_INFO, 2 * M, 300);
	match_eval("user=x,laddr=192.0.2.1,lport=22", NULL, 0,
	    LOG_LEVEL_INFO, 6 * M, 7200);
	match_eval("user=x,laddr=192.0.2.2,lport=2222", NULL, 0,
	    LOG_LEVEL_INFO, 6 * M, 7200);
	/* The first matching block sets the size, a later one the time. */
	match_eval("user=x,lport=2223", NULL, 0, LOG_LEVEL_INFO, 3 * M, 7200);
	match_eval("user=nobody,invalid-user", NULL, 0, LOG_LEVEL_DEBUG3,
	    6 * M, 7200);
	/* Several criteria on one line must all hold; first value wins
	 * across the matching blocks. */
	match_eval("user=carol,addr=192.168.1.1", NULL, 0, LOG_LEVEL_ERROR,
	    4 * M, 3600);
	match_eval("user=carol,addr=172.16.0.1", NULL, 0, LOG_LEVEL_DEBUG1,
	    5 * M, 3600);
}

static void
test_match_real_group(void **state)
{
	struct server_config g, out;
	struct servconf_match_ctx ctx;

	(void)state;
	cfg_setup(&g);
	assert_int_equal(servconf_parse_arg(&g, "LogLevel INFO", "t", 1), 0);
	assert_int_equal(servconf_fill_defaults(&g), 0);
	servconf_clear(&g);
	/* root is in group root on every Debian system. */
	{
		char path[] = "/tmp/pc-servconf-XXXXXX";
		FILE *f;
		int fd;

		assert_true((fd = mkstemp(path)) >= 0);
		assert_non_null(f = fdopen(fd, "w"));
		fputs("Match Group ro*\n\tLogLevel DEBUG2\n", f);
		fclose(f);
		cfg_setup(&g);
		assert_int_equal(servconf_load(&g, path), 0);
		assert_int_equal(servconf_fill_defaults(&g), 0);
		unlink(path);
	}
	assert_int_equal(servconf_parse_match_spec("user=root", &ctx), 0);
	assert_int_equal(servconf_apply_match(&g, &ctx, &out), 0);
	assert_int_equal(out.log_level, LOG_LEVEL_DEBUG2);
	servconf_clear(&out);
	servconf_match_ctx_clear(&ctx);
	assert_int_equal(servconf_parse_match_spec(
	    "user=no-such-user-portcullis", &ctx), 0);
	assert_int_equal(servconf_apply_match(&g, &ctx, &out), 0);
	assert_int_equal(out.log_level, LOG_LEVEL_INFO);
	servconf_clear(&out);
	servconf_match_ctx_clear(&ctx);
	servconf_clear(&g);
}

static void
test_match_include(void **state)
{
	struct server_config g, out;
	struct servconf_match_ctx ctx;

	(void)state;
	cfg_setup(&g);
	assert_int_equal(servconf_load(&g, D "match_include.conf"), 0);
	assert_int_equal(servconf_fill_defaults(&g), 0);
	/* An Include inside a Match block belongs to it. */
	assert_int_equal(servconf_parse_match_spec("user=alice", &ctx), 0);
	assert_int_equal(servconf_apply_match(&g, &ctx, &out), 0);
	assert_int_equal(out.log_level, LOG_LEVEL_DEBUG2);
	assert_int_equal(out.rekey_limit, 128 * 1024);
	servconf_clear(&out);
	servconf_match_ctx_clear(&ctx);
	/* Lines of a file included by a block that does not match never
	 * apply, nor do the Match blocks inside that file. */
	assert_int_equal(servconf_parse_match_spec("user=dave", &ctx), 0);
	assert_int_equal(servconf_apply_match(&g, &ctx, &out), 0);
	assert_int_equal(out.log_level, LOG_LEVEL_INFO);
	servconf_clear(&out);
	servconf_match_ctx_clear(&ctx);
	assert_int_equal(servconf_parse_match_spec("user=bob", &ctx), 0);
	assert_int_equal(servconf_apply_match(&g, &ctx, &out), 0);
	assert_int_equal(out.log_level, LOG_LEVEL_ERROR);
	servconf_clear(&out);
	servconf_match_ctx_clear(&ctx);
	servconf_clear(&g);

	/* A Match block in an included file ends with that file. */
	cfg_setup(&g);
	assert_int_equal(servconf_load(&g, D "match_ends_global.conf"), 0);
	assert_int_equal(g.login_grace_time, 45);
	servconf_clear(&g);
}

static void
test_match_disallowed(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, D "match_disallowed.conf"),
	    PC_ERR_CONFIG);
	assert_log_has(D "match_disallowed.conf line 4: Directive 'Port' is "
	    "not allowed within a Match block");
	servconf_clear(&cfg);
}

static const struct {
	const char *match;
	const char *msg;
} bad_matches[] = {
	{ "Match", "One or more attributes required for Match" },
	{ "Match User", "Missing Match criteria for User" },
	{ "Match Frob x", "Unsupported Match attribute Frob" },
	{ "Match RDomain 1", "Unsupported Match attribute RDomain" },
	{ "Match all User x", "'all' cannot be combined" },
	{ "Match Address 10.0.0.0/33", "Invalid Match Address argument" },
	{ "Match Address 10.0.0.1/8", "Invalid Match Address argument" },
	{ "Match LocalAddress ::1/200", "Invalid Match LocalAddress" },
	{ "Match LocalPort 0", "Invalid LocalPort '0'" },
	{ "Match LocalPort 22,23", "Invalid LocalPort" },
	{ "Match User x\n\tCiphers aes128-ctr",
	    "Directive 'Ciphers' is not allowed" },
	{ "Match User x\n\tListenAddress ::1",
	    "Directive 'ListenAddress' is not allowed" },
	{ "Match User x\n\tHostKey /k", "Directive 'HostKey' is not allowed" },
	{ "Match User x\n\tKexAlgorithms curve25519-sha256",
	    "Directive 'KexAlgorithms' is not allowed" },
	{ "Match User x\n\tLogLevel NOISY", "unsupported log level" },
	{ "Match User x\n\tRekeyLimit 1", "RekeyLimit too small" },
};

static void
test_match_syntax(void **state)
{
	struct server_config cfg;
	char path[] = "/tmp/pc-servconf-XXXXXX";
	size_t i;
	FILE *f;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	for (i = 0; i < sizeof(bad_matches) / sizeof(bad_matches[0]); i++) {
		assert_non_null(f = fopen(path, "w"));
		fprintf(f, "LogLevel INFO\n%s\n", bad_matches[i].match);
		fclose(f);
		cfg_setup(&cfg);
		assert_int_equal(servconf_load(&cfg, path), PC_ERR_CONFIG);
		assert_log_has(bad_matches[i].msg);
		assert_log_has(path);
		servconf_clear(&cfg);
	}
	/* Allowed keywords inside Match, and valid criteria. */
	assert_non_null(f = fopen(path, "w"));
	fputs("Match User a*,!b Group g Host h Address 10.0.0.0/8,::1 "
	    "LocalAddress 127.0.0.1 LocalPort 22 Invalid-User\n"
	    "  LogLevel DEBUG\n  RekeyLimit 1G 1h\nMatch All\n"
	    "  LogLevel INFO\n", f);
	fclose(f);
	cfg_setup(&cfg);
	assert_int_equal(servconf_load(&cfg, path), 0);
	/* Values inside Match blocks are not global. */
	assert_int_equal(cfg.log_level, -1);
	assert_int_equal(cfg.rekey_limit, -1);
	servconf_clear(&cfg);
	unlink(path);
}

static void
test_match_spec(void **state)
{
	struct servconf_match_ctx ctx;

	(void)state;
	log_capture();
	assert_int_equal(servconf_parse_match_spec("user=u,host=h.example,"
	    "addr=192.0.2.9,laddr=::1,lport=2222,invalid-user", &ctx), 0);
	assert_string_equal(ctx.user, "u");
	assert_string_equal(ctx.host, "h.example");
	assert_string_equal(ctx.addr, "192.0.2.9");
	assert_string_equal(ctx.laddr, "::1");
	assert_int_equal(ctx.lport, 2222);
	assert_int_equal(ctx.invalid_user, 1);
	servconf_match_ctx_clear(&ctx);
	assert_int_equal(servconf_parse_match_spec("user=a,user=b", &ctx), 0);
	assert_string_equal(ctx.user, "b");
	assert_int_equal(ctx.lport, -1);
	servconf_match_ctx_clear(&ctx);
	assert_int_equal(servconf_parse_match_spec("user=", &ctx),
	    PC_ERR_CONFIG);
	assert_int_equal(servconf_parse_match_spec("user", &ctx),
	    PC_ERR_CONFIG);
	assert_int_equal(servconf_parse_match_spec("colour=blue", &ctx),
	    PC_ERR_CONFIG);
	assert_int_equal(servconf_parse_match_spec("lport=0", &ctx),
	    PC_ERR_CONFIG);
	assert_int_equal(servconf_parse_match_spec("lport=70000", &ctx),
	    PC_ERR_CONFIG);
	assert_int_equal(servconf_parse_match_spec("user=a,,host=b", &ctx),
	    PC_ERR_CONFIG);
	assert_null(ctx.user);
	assert_log_has("Invalid test mode specification");
}

static void
test_listen_dump(void **state)
{
	struct server_config cfg;

	(void)state;
	cfg_setup(&cfg);
	assert_int_equal(servconf_parse_arg(&cfg, "ListenAddress 127.0.0.1",
	    "t", 1), 0);
	assert_int_equal(servconf_parse_arg(&cfg,
	    "ListenAddress [::1]:2200", "t", 2), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "ListenAddress ::1",
	    "t", 3), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "ListenAddress 10.0.0.1:44",
	    "t", 4), 0);
	/* Ports given after ListenAddress still apply to it. */
	assert_int_equal(servconf_parse_arg(&cfg, "Port 22", "t", 5), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "Port 2222", "t", 6), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_int_equal(cfg.num_listen, 6);
	assert_dump_has(&cfg, "listenaddress 127.0.0.1:22");
	assert_dump_has(&cfg, "listenaddress 127.0.0.1:2222");
	assert_dump_has(&cfg, "listenaddress [::1]:2200");
	assert_dump_has(&cfg, "listenaddress [::1]:22");
	assert_dump_has(&cfg, "listenaddress [::1]:2222");
	assert_dump_has(&cfg, "listenaddress 10.0.0.1:44");
	assert_int_equal(cfg.listen[2].ss.ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)(void *)
	    &cfg.listen[2].ss)->sin6_port), 2200);
	servconf_clear(&cfg);

	/* AddressFamily restricts what an address may resolve to. */
	cfg_setup(&cfg);
	assert_int_equal(servconf_parse_arg(&cfg, "AddressFamily inet",
	    "t", 1), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_int_equal(cfg.num_listen, 1);
	assert_dump_has(&cfg, "listenaddress 0.0.0.0:22");
	servconf_clear(&cfg);
	cfg_setup(&cfg);
	assert_int_equal(servconf_parse_arg(&cfg, "AddressFamily inet",
	    "t", 1), 0);
	assert_int_equal(servconf_parse_arg(&cfg, "ListenAddress [::1]:22",
	    "t", 2), 0);
	assert_int_equal(servconf_fill_defaults(&cfg), PC_ERR_CONFIG);
	assert_log_has("t line 2: bad addr or host: ::1");
	servconf_clear(&cfg);
}

static void
test_alglist_keywords(void **state)
{
	struct server_config cfg;
	char want[4096];

	(void)state;
	assert_int_equal(one_line("Ciphers -chacha20-poly1305@openssh.com",
	    &cfg), 0);
	assert_null(strstr(cfg.ciphers, "chacha20"));
	assert_non_null(strstr(cfg.ciphers, "aes128-ctr"));
	servconf_clear(&cfg);
	assert_int_equal(one_line("Ciphers ^aes256-ctr", &cfg), 0);
	assert_int_equal(strncmp(cfg.ciphers, "aes256-ctr,", 11), 0);
	servconf_clear(&cfg);
	assert_int_equal(one_line("MACs +hmac-sha2-512", &cfg), 0);
	assert_string_equal(cfg.macs, mac_default_list());
	servconf_clear(&cfg);
	assert_int_equal(one_line("KexAlgorithms \"curve25519-sha256\"",
	    &cfg), 0);
	assert_string_equal(cfg.kex_algorithms, "curve25519-sha256");
	assert_int_equal(servconf_fill_defaults(&cfg), 0);
	assert_dump_has(&cfg, "kexalgorithms curve25519-sha256");
	snprintf(want, sizeof(want), "macs %s", mac_default_list());
	assert_dump_has(&cfg, want);
	servconf_clear(&cfg);
	assert_int_equal(one_line("Ciphers aes128-ctr,bogus-cipher", &cfg),
	    PC_ERR_CONFIG);
	assert_log_has("command-line line 1: Bad SSH2 cipher spec "
	    "'aes128-ctr,bogus-cipher': unknown algorithm name");
	servconf_clear(&cfg);
	assert_int_equal(one_line("MACs -*", &cfg), PC_ERR_CONFIG);
	assert_log_has("no algorithm left");
	servconf_clear(&cfg);
	assert_int_equal(one_line("HostKeyAlgorithms ,", &cfg),
	    PC_ERR_CONFIG);
	assert_log_has("Bad SSH2 HostKeyAlgorithms ',': malformed list");
	servconf_clear(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_basic_file),
		cmocka_unit_test(test_login_grace_2m),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_rekey_values),
		cmocka_unit_test(test_equals_forms),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_unterminated_file),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_first_wins),
		cmocka_unit_test(test_cmdline_precedence),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_include_absolute),
		cmocka_unit_test(test_include_error_location),
		cmocka_unit_test(test_include_recursive),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_unknown_keyword),
		cmocka_unit_test(test_deprecated_keyword),
		cmocka_unit_test(test_long_line_and_nul),
		cmocka_unit_test(test_match_criteria),
		cmocka_unit_test(test_match_real_group),
		cmocka_unit_test(test_match_include),
		cmocka_unit_test(test_match_disallowed),
		cmocka_unit_test(test_match_syntax),
		cmocka_unit_test(test_match_spec),
		cmocka_unit_test(test_listen_dump),
		cmocka_unit_test(test_alglist_keywords),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
