/*
 * portcullisd: the SSH server daemon.  Command line as sshd(8):
 *   portcullisd [-DdeiqTtV] [-C spec] [-E logfile] [-f config]
 *               [-h host_key] [-o option] [-p port] [-Q query]
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "cipher.h"
#include "authbackend.h"
#include "conn.h"
#include "hostkeys.h"
#include "kexalg.h"
#include "key.h"
#include "log.h"
#include "mac.h"
#include "monitor.h"
#include "rand.h"
#include "sandbox.h"
#include "servconf.h"
#include "server.h"

#define MAX_CMDLINE	256	/* -o, -p, -h options */

struct cmdline {
	const char *config_file;
	int test;		/* -t: 1, -T: 2 */
	int debug;		/* number of -d */
	int no_daemon;
	int to_stderr;
	int quiet;
	int inetd;
	const char *logfile;
	const char *match_spec;
	const char *opts[MAX_CMDLINE];
	size_t nopts;
	int ports[MAX_CMDLINE];
	size_t nports;
};

static void
usage(void)
{
	fprintf(stderr,
"usage: portcullisd [-DdeiqTtV] [-C connection_spec] [-E log_file]\n"
"                   [-f config_file] [-h host_key_file] [-o option]\n"
"                   [-p port] [-Q cipher|mac|kex|key|HostKeyAlgorithms]\n");
	exit(1);
}

/* -Q key: the signature algorithms, then their certificate forms. */
static int
query_sigalgs(void)
{
	const char *list = key_sigalg_supported_list(), *p;
	char name[128];
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (p = list; *p != '\0';) {
			size_t l = strcspn(p, ",");
			const char *cert;

			snprintf(name, sizeof(name), "%.*s", (int)l, p);
			cert = key_cert_sigalg_for(name);
			if (pass == 0)
				printf("%s\n", name);
			else if (cert != NULL)
				printf("%s\n", cert);
			p += l;
			if (*p == ',')
				p++;
		}
	}
	return 0;
}

/* -Q: one supported algorithm a line, as ssh -Q does. */
static int
query(const char *what)
{
	const char *list, *p;

	if (strcasecmp(what, "cipher") == 0 ||
	    strcasecmp(what, "ciphers") == 0)
		list = cipher_supported_list();
	else if (strcasecmp(what, "mac") == 0 ||
	    strcasecmp(what, "macs") == 0)
		list = mac_supported_list();
	else if (strcasecmp(what, "kex") == 0 ||
	    strcasecmp(what, "KexAlgorithms") == 0)
		list = kexalg_supported_list();
	else if (strcasecmp(what, "key") == 0 ||
	    strcasecmp(what, "HostKeyAlgorithms") == 0 ||
	    strcasecmp(what, "PubkeyAcceptedAlgorithms") == 0 ||
	    strcasecmp(what, "key-sig") == 0 ||
	    strcasecmp(what, "sig") == 0)
		return query_sigalgs();
	else {
		fprintf(stderr, "Unsupported query \"%s\"\n", what);
		return 1;
	}
	for (p = list; *p != '\0';) {
		size_t l = strcspn(p, ",");

		printf("%.*s\n", (int)l, p);
		p += l;
		if (*p == ',')
			p++;
	}
	return 0;
}

static void
parse_cmdline(int argc, char **argv, struct cmdline *c)
{
	char *end;
	long v;
	int ch;

	memset(c, 0, sizeof(*c));
	c->config_file = PC_SYSCONFDIR "/sshd_config";
	while ((ch = getopt(argc, argv, "C:dDeE:f:h:io:p:qQ:tTV")) != -1) {
		switch (ch) {
		case 'C':
			c->match_spec = optarg;
			break;
		case 'd':
			c->debug++;
			c->no_daemon = 1;
			c->to_stderr = 1;
			break;
		case 'D':
			c->no_daemon = 1;
			break;
		case 'e':
			c->to_stderr = 1;
			break;
		case 'E':
			c->logfile = optarg;
			break;
		case 'f':
			c->config_file = optarg;
			break;
		case 'h':
		case 'o':
			if (c->nopts >= MAX_CMDLINE)
				usage();
			/* -h adds a HostKey, as a line before the file. */
			if (ch == 'h') {
				size_t l = strlen(optarg) + 16;
				char *s = malloc(l);

				if (s == NULL)
					exit(1);
				snprintf(s, l, "HostKey %s", optarg);
				c->opts[c->nopts++] = s;
			} else
				c->opts[c->nopts++] = optarg;
			break;
		case 'i':
			c->inetd = 1;
			break;
		case 'p':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v <= 0 ||
			    v > 65535 || c->nports >= MAX_CMDLINE) {
				fprintf(stderr, "Bad port number.\n");
				exit(1);
			}
			c->ports[c->nports++] = (int)v;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 'Q':
			exit(query(optarg));
		case 't':
			c->test = c->test > 1 ? c->test : 1;
			break;
		case 'T':
			c->test = 2;
			break;
		case 'V':
			fprintf(stderr, "Portcullis_%s, %s\n", PC_VERSION,
			    crypto_lib_version());
			exit(0);
		default:
			usage();
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Extra argument %s.\n", argv[optind]);
		exit(1);
	}
	if (c->match_spec != NULL && c->test != 2) {
		fprintf(stderr, "-C is only valid with -T\n");
		exit(1);
	}
}

static void
setup_logging(const struct cmdline *c, const struct server_config *cfg)
{
	struct log_settings ls;
	static int logfd = -1;

	memset(&ls, 0, sizeof(ls));
	ls.ident = "portcullisd";
	ls.level = cfg != NULL && cfg->log_level >= 0 ?
	    (enum log_level)cfg->log_level : LOG_LEVEL_INFO;
	if (c->debug > 0)
		ls.level = c->debug == 1 ? LOG_LEVEL_DEBUG1 :
		    c->debug == 2 ? LOG_LEVEL_DEBUG2 : LOG_LEVEL_DEBUG3;
	if (c->quiet)
		ls.level = LOG_LEVEL_QUIET;
	ls.facility = cfg != NULL && cfg->log_facility >= 0 ?
	    cfg->log_facility : LOG_AUTH;
	if (c->logfile != NULL && logfd == -1) {
		logfd = open(c->logfile, O_WRONLY | O_CREAT | O_APPEND |
		    O_CLOEXEC, 0600);
		if (logfd == -1)
			fprintf(stderr, "Couldn't open logfile %s: %s\n",
			    c->logfile, strerror(errno));
	}
	ls.fd = logfd;
	/* -t/-T report on stderr; -e and -d log there; else syslog. */
	ls.to_stderr = c->to_stderr || c->test;
	ls.to_syslog = !ls.to_stderr && logfd == -1;
	log_init(&ls);
}

/* Is fd a TCP socket (IPv4 or IPv6)? */
static int
on_tcp(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	return ss.ss_family == AF_INET || ss.ss_family == AF_INET6;
}

static int
load_config(const struct cmdline *c, struct server_config *cfg)
{
	size_t i;
	int r;

	servconf_init(cfg);
	for (i = 0; i < c->nopts; i++) {
		if ((r = servconf_parse_arg(cfg, c->opts[i], "command-line",
		    (int)i + 1)) != 0)
			return r;
	}
	if ((r = servconf_load(cfg, c->config_file)) != 0)
		return r;
	/* sshd(8): -p overrides every Port in the file. */
	if (c->nports > 0) {
		for (i = 0; i < c->nports; i++)
			cfg->ports[i] = c->ports[i];
		cfg->num_ports = (unsigned)c->nports;
	}
	return servconf_fill_defaults(cfg);
}

static int
dump_config(const struct cmdline *c, const struct server_config *cfg)
{
	struct servconf_match_ctx ctx;
	struct server_config eff;
	int r;

	if (c->match_spec == NULL) {
		servconf_dump(cfg, stdout);
		return 0;
	}
	if ((r = servconf_parse_match_spec(c->match_spec, &ctx)) != 0) {
		fprintf(stderr, "Invalid test mode specification %s\n",
		    c->match_spec);
		return r;
	}
	if ((r = servconf_apply_match(cfg, &ctx, &eff)) == 0) {
		servconf_dump(&eff, stdout);
		servconf_clear(&eff);
	}
	servconf_match_ctx_clear(&ctx);
	return r;
}

static int
privsep_check(void)
{
	struct sandbox_params sp;
	struct sandbox sb;

	memset(&sp, 0, sizeof(sp));
	sp.max_poll_fds = 2;
	sp.log_fd = -1;
	return sandbox_prepare(&sb, &sp);
}

int
main(int argc, char **argv)
{
	struct cmdline c;
	struct server_config cfg;
	struct hostkeys hk;
	struct conn_settings cs;
	struct server_opts so;
	struct authbackend ab;
	struct kex_moduli_entry *moduli = NULL;
	size_t nmoduli = 0;
	int r;

	parse_cmdline(argc, argv, &c);
	setup_logging(&c, NULL);
	if (crypto_lib_init() != 0) {
		fatal_log("cannot initialise the crypto library");
		return 255;
	}
	memset(&hk, 0, sizeof(hk));
	if ((r = load_config(&c, &cfg)) != 0) {
		servconf_clear(&cfg);
		return 255;
	}
	setup_logging(&c, &cfg);
	if (c.test == 2) {
		r = dump_config(&c, &cfg);
		servconf_clear(&cfg);
		return r == 0 ? 0 : 255;
	}
	if ((r = hostkeys_load(&hk, cfg.host_keys.v, cfg.host_keys.n)) != 0) {
		fatal_log("portcullisd: no hostkeys available -- exiting.");
		servconf_clear(&cfg);
		return 255;
	}
	if ((r = hostkeys_add_certs(&hk, cfg.host_certificates.v,
	    cfg.host_certificates.n)) != 0 ||
	    (r = moduli_load(cfg.moduli_file, &moduli, &nmoduli)) != 0) {
		hostkeys_clear(&hk);
		servconf_clear(&cfg);
		return 255;
	}
	/* Privilege separation needs its user and empty directory (made
	 * under /run when missing): say so now, as sshd does, rather than
	 * at every connection. */
	if (privsep_check() != 0) {
		fatal_log("portcullisd: privilege separation is not possible "
		    "(see above) -- exiting.");
		moduli_free(moduli, nmoduli);
		hostkeys_clear(&hk);
		servconf_clear(&cfg);
		return 255;
	}
	if (c.test) {
		moduli_free(moduli, nmoduli);
		hostkeys_clear(&hk);
		servconf_clear(&cfg);
		return 0;
	}

	memset(&cs, 0, sizeof(cs));
	cs.hostkeys = hk.keys;
	cs.nhostkeys = hk.n;
	cs.kex_algs = cfg.kex_algorithms;
	cs.hostkey_algs = cfg.hostkey_algorithms;
	cs.ciphers = cfg.ciphers;
	cs.macs = cfg.macs;
	cs.rekey_bytes = cfg.rekey_limit > 0 ? (uint64_t)cfg.rekey_limit : 0;
	cs.rekey_seconds = cfg.rekey_interval > 0 ?
	    (uint32_t)cfg.rekey_interval : 0;
	cs.login_grace_time = cfg.login_grace_time > 0 ?
	    (uint32_t)cfg.login_grace_time : 0;
	cs.moduli = moduli;
	cs.nmoduli = nmoduli;
	if ((r = authbackend_init(&ab, &cfg)) != 0 ||
	    (r = authbackend_settings(&ab, &cs.auth)) != 0) {
		fatal_log("authentication setup: %s", pc_strerror(r));
		return 255;
	}
	cs.backend = &ab.vt;
	cs.authbackend = &ab;

	if (c.inetd) {
		/* inetd hands over a TCP socket: check it as the listener
		 * would.  Pipes and Unix sockets have no host to check. */
		if (on_tcp(STDIN_FILENO) &&
		    !server_peer_allowed(&cfg, STDIN_FILENO))
			r = PC_ERR_PERMISSION_DENIED;
		else
			r = mon_serve(STDIN_FILENO, STDOUT_FILENO, &cs, -1,
			    NULL);
	} else {
		memset(&so, 0, sizeof(so));
		so.no_daemon = c.no_daemon;
		so.debug_one = c.debug > 0;
		so.argv = argv;
		r = server_run(&cfg, &cs, &so);
	}
	authbackend_clear(&ab);
	moduli_free(moduli, nmoduli);
	hostkeys_clear(&hk);
	servconf_clear(&cfg);
	return r == 0 ? 0 : 255;
}
