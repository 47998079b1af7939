/*
 * portcullis-keygen: make host keys and show keys, with ssh-keygen's flags
 * for the subset it supports:
 *
 *	portcullis-keygen -A [-f prefix] [-q]
 *	portcullis-keygen -t ed25519|ecdsa|rsa [-b bits] -f file [-C comment]
 *	    [-N ""] [-q]
 *	portcullis-keygen -y -f file
 *	portcullis-keygen -l -f file
 *
 * Errors go to standard error and the exit status is 1.  Private keys are
 * never encrypted: a non-empty -N is refused, and an existing file is never
 * overwritten (ssh-keygen asks; we refuse and say so).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "key.h"
#include "keyfile.h"
#include "log.h"
#include "rand.h"
#include "wbuf.h"

#define PROGNAME	"portcullis-keygen"

/* The default host keys that -A makes, in the order it makes them. */
static const struct {
	const char *short_name;	/* -t and the file name */
	const char *label;
	unsigned bits;
} keygen_host_keys[] = {
	{ "ed25519", "ED25519", 0 },
	{ "ecdsa", "ECDSA", 256 },
	{ "rsa", "RSA", KEY_RSA_DEFAULT_BITS },
};

static void
keygen_usage(void)
{
	fprintf(stderr,
	    "usage: " PROGNAME " -A [-q] [-f prefix]\n"
	    "       " PROGNAME " [-q] -t ed25519 | ecdsa | rsa [-b bits] "
	    "-f file\n"
	    "                         [-C comment] [-N \"\"]\n"
	    "       " PROGNAME " -y -f file\n"
	    "       " PROGNAME " -l -f file\n");
	exit(1);
}

static const char *
keygen_reason(int r)
{
	return r == PC_ERR_SYSTEM ? strerror(errno) : pc_strerror(r);
}

/* "user@host", as ssh-keygen's default comment. */
static void
keygen_default_comment(char *buf, size_t len)
{
	char host[256];
	struct passwd *pw;
	const char *user = "unknown";

	if ((pw = getpwuid(getuid())) != NULL)
		user = pw->pw_name;
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(buf, len, "%s@%s", user, host);
}

static int
keygen_print_fingerprint(const struct pc_key *k, const char *comment)
{
	char fp[KEY_FP_MAX];
	int r;

	if ((r = key_fingerprint(k, fp, sizeof(fp))) != 0) {
		fprintf(stderr, PROGNAME ": fingerprint: %s\n",
		    pc_strerror(r));
		return -1;
	}
	printf("%u %s %s (%s)\n", key_bits(k), fp,
	    comment != NULL && *comment != '\0' ? comment : "no comment",
	    key_type_label(key_get_type(k)));
	return 0;
}

static int
keygen_exists(const char *path)
{
	char pubpath[PATH_MAX];
	struct stat st;

	if (lstat(path, &st) == 0)
		return 1;
	if (snprintf(pubpath, sizeof(pubpath), "%s.pub", path) >=
	    (int)sizeof(pubpath))
		return 0;
	return lstat(pubpath, &st) == 0;
}

/* Generate one key of the given type into path and path.pub. */
static int
keygen_make(const char *type, unsigned bits, const char *path,
    const char *comment, int quiet)
{
	struct pc_key *k = NULL;
	char fp[KEY_FP_MAX];
	enum key_type t;
	unsigned b = bits;
	int r, ret = -1;

	if ((t = key_type_from_short_name(type, &b)) == KEY_UNSPEC) {
		if (strcmp(type, "rsa") == 0)
			fprintf(stderr, PROGNAME ": invalid RSA key length %u: "
			    "must be from %u to 16384 bits\n", bits,
			    KEY_RSA_MIN_BITS);
		else if (strcmp(type, "ecdsa") == 0)
			fprintf(stderr, PROGNAME ": invalid ECDSA key length "
			    "%u: must be 256, 384 or 521 bits\n", bits);
		else if (strcmp(type, "ed25519") == 0)
			fprintf(stderr, PROGNAME ": Ed25519 keys have a fixed "
			    "length of 256 bits\n");
		else
			fprintf(stderr, PROGNAME ": unknown key type \"%s\" "
			    "(supported: ed25519, ecdsa, rsa)\n", type);
		return -1;
	}
	/* Say so before spending time on generation; keyfile_save_pair
	 * checks again, atomically. */
	if (keygen_exists(path)) {
		fprintf(stderr, PROGNAME ": %s or %s.pub already exists; not "
		    "overwriting it (remove it first)\n", path, path);
		return -1;
	}
	if (!quiet)
		printf("Generating public/private %s key pair.\n", type);
	if ((r = key_generate(t, t == KEY_RSA ? b : 0, &k)) != 0) {
		fprintf(stderr, PROGNAME ": key generation failed: %s\n",
		    pc_strerror(r));
		goto out;
	}
	if ((r = keyfile_save_pair(path, k, comment, 0)) != 0) {
		if (r == PC_ERR_SYSTEM && errno == EEXIST)
			fprintf(stderr, PROGNAME ": %s or %s.pub already "
			    "exists; not overwriting it (remove it first)\n",
			    path, path);
		else
			fprintf(stderr, PROGNAME ": saving key \"%s\" failed: "
			    "%s\n", path, keygen_reason(r));
		goto out;
	}
	if (!quiet) {
		if ((r = key_fingerprint(k, fp, sizeof(fp))) != 0) {
			fprintf(stderr, PROGNAME ": fingerprint: %s\n",
			    pc_strerror(r));
			goto out;
		}
		printf("Your identification has been saved in %s\n", path);
		printf("Your public key has been saved in %s.pub\n", path);
		printf("The key fingerprint is:\n%s %s\n", fp, comment);
	}
	ret = 0;
 out:
	key_free(k);
	return ret;
}

/* -A: every missing default host key under prefix + sysconfdir. */
static int
keygen_host_keys_all(const char *prefix, int quiet)
{
	char dir[PATH_MAX], path[PATH_MAX], comment[512];
	struct stat st;
	size_t i;
	int first = 1, ret = 0;

	if (snprintf(dir, sizeof(dir), "%s%s", prefix, PC_SYSCONFDIR) >=
	    (int)sizeof(dir)) {
		fprintf(stderr, PROGNAME ": path too long\n");
		return -1;
	}
	if (stat(dir, &st) == -1) {
		fprintf(stderr, PROGNAME ": could not stat %s: %s\n", dir,
		    strerror(errno));
		return -1;
	}
	keygen_default_comment(comment, sizeof(comment));
	for (i = 0; i < sizeof(keygen_host_keys) /
	    sizeof(keygen_host_keys[0]); i++) {
		if (snprintf(path, sizeof(path), "%s/ssh_host_%s_key", dir,
		    keygen_host_keys[i].short_name) >= (int)sizeof(path)) {
			fprintf(stderr, PROGNAME ": path too long\n");
			return -1;
		}
		if (stat(path, &st) == 0)
			continue;	/* present: leave it alone */
		if (errno != ENOENT) {
			fprintf(stderr, PROGNAME ": could not stat %s: %s\n",
			    path, strerror(errno));
			ret = -1;
			continue;
		}
		if (!quiet) {
			if (first)
				printf(PROGNAME ": generating new host keys:");
			printf(" %s", keygen_host_keys[i].label);
			fflush(stdout);
		}
		first = 0;
		if (keygen_make(keygen_host_keys[i].short_name,
		    keygen_host_keys[i].bits, path, comment, 1) != 0)
			ret = -1;
	}
	if (!first && !quiet)
		printf("\n");
	return ret;
}

/* -y: print the public line of a private key file. */
static int
keygen_show_public(const char *path)
{
	struct pc_key *k = NULL;
	struct wbuf line;
	char *comment = NULL;
	int r, ret = -1;

	wbuf_init(&line, 0);
	if ((r = keyfile_load_private(path, &k, &comment)) != 0) {
		fprintf(stderr, PROGNAME ": cannot load private key \"%s\": "
		    "%s\n", path, keygen_reason(r));
		goto out;
	}
	if ((r = key_to_public_line(k, comment, &line)) != 0) {
		fprintf(stderr, PROGNAME ": %s\n", pc_strerror(r));
		goto out;
	}
	printf("%.*s\n", (int)wbuf_len(&line), (const char *)wbuf_ptr(&line));
	ret = 0;
 out:
	free(comment);
	key_free(k);
	wbuf_clear(&line);
	return ret;
}

/*
 * -l: the file may be a public key; else its .pub, then the private key
 * itself, the order in which ssh-keygen finds a comment to show.
 */
static int
keygen_list(const char *path)
{
	char pubpath[PATH_MAX];
	struct pc_key *k = NULL;
	char *comment = NULL;
	int r, ret = -1;

	if ((r = keyfile_load_public(path, &k, &comment)) == 0)
		goto show;
	if (r == PC_ERR_SYSTEM) {
		fprintf(stderr, PROGNAME ": %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (snprintf(pubpath, sizeof(pubpath), "%s.pub", path) <
	    (int)sizeof(pubpath) &&
	    keyfile_load_public(pubpath, &k, &comment) == 0)
		goto show;
	if ((r = keyfile_load_private(path, &k, &comment)) != 0) {
		fprintf(stderr, PROGNAME ": %s is not a key file: %s\n", path,
		    keygen_reason(r));
		goto out;
	}
 show:
	if (keygen_print_fingerprint(k, comment) != 0)
		goto out;
	ret = 0;
 out:
	free(comment);
	key_free(k);
	return ret;
}

static unsigned
keygen_parse_bits(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v == 0 ||
	    v > 65536) {
		fprintf(stderr, PROGNAME ": bits \"%s\" is not a number from "
		    "1 to 65536\n", s);
		exit(1);
	}
	return (unsigned)v;
}

int
main(int argc, char **argv)
{
	struct log_settings ls = {
		.ident = PROGNAME,
		.level = LOG_LEVEL_INFO,
		.to_stderr = 1,
		.to_syslog = 0,
		.facility = 0,
		.fd = -1,
	};
	const char *type = NULL, *file = NULL, *comment = NULL;
	const char *passphrase = NULL;
	char defcomment[512];
	unsigned bits = 0;
	int ch, all = 0, show_pub = 0, list = 0, quiet = 0, modes;

	log_init(&ls);
	while ((ch = getopt(argc, argv, "Ab:C:f:lN:qt:y")) != -1) {
		switch (ch) {
		case 'A':
			all = 1;
			break;
		case 'b':
			bits = keygen_parse_bits(optarg);
			break;
		case 'C':
			comment = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'l':
			list = 1;
			break;
		case 'N':
			passphrase = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 't':
			type = optarg;
			break;
		case 'y':
			show_pub = 1;
			break;
		default:
			keygen_usage();
		}
	}
	if (optind != argc)
		keygen_usage();
	modes = all + show_pub + list + (type != NULL);
	if (modes != 1) {
		if (modes == 0 && argc == 1)
			keygen_usage();
		fprintf(stderr, PROGNAME ": give exactly one of -A, -t, -y, "
		    "-l\n");
		keygen_usage();
	}
	if (passphrase != NULL && *passphrase != '\0') {
		fprintf(stderr, PROGNAME ": encrypted private keys are not "
		    "supported: use -N \"\" (or leave -N out)\n");
		return 1;
	}
	if (crypto_lib_init() != 0) {
		fprintf(stderr, PROGNAME ": cannot initialise libsodium\n");
		return 1;
	}
	if (all)
		return keygen_host_keys_all(file == NULL ? "" : file,
		    quiet) == 0 ? 0 : 1;
	if (file == NULL) {
		fprintf(stderr, PROGNAME ": no key file given: use -f file\n");
		return 1;
	}
	if (show_pub)
		return keygen_show_public(file) == 0 ? 0 : 1;
	if (list)
		return keygen_list(file) == 0 ? 0 : 1;
	if (comment == NULL) {
		keygen_default_comment(defcomment, sizeof(defcomment));
		comment = defcomment;
	}
	if (strchr(comment, '\n') != NULL || strchr(comment, '\r') != NULL) {
		fprintf(stderr, PROGNAME ": the comment must be one line\n");
		return 1;
	}
	return keygen_make(type, bits, file, comment, quiet) == 0 ? 0 : 1;
}
