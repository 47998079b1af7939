/*
 * libFuzzer target: authorized_keys and principals file contents
 * (auth/authkeys.c, auth/authopts.c).  The input is taken whole as one
 * line (authkeys_parse_line), as a file searched for a fixed Ed25519 key,
 * plain and as a CA (authkeys_find), as a principals file
 * (authkeys_find_principal), and as an options string (authopts_parse,
 * then the checks, merge and dup of what parsed).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "authopts.h"
#include "key.h"
#include "log.h"
#include "rand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* tests/data/keys/ed25519.pub: the corpus lines carry this key. */
static const char fuzz_key_line[] =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIErPvJBh+v2SdbDR/RqKefiKYHnhKfFUUR"
    "2ODC8gDaQc fixture-ed25519";

static struct pc_key *
fuzz_key(void)
{
	static struct pc_key *k;
	static int done;
	struct log_settings s = {
		.ident = "fuzz_authkeys",
		.level = LOG_LEVEL_QUIET,
		.fd = -1,
	};

	if (!done) {
		done = 1;
		log_init(&s);
		if (crypto_lib_init() != 0 ||
		    key_from_public_line(fuzz_key_line, &k, NULL) != 0) {
			abort();
		}
	}
	return k;
}

static void
fuzz_opts(const char *s, size_t len)
{
	struct auth_opts *o = NULL, *d = NULL, *m = NULL;
	const char *errstr, *why;
	size_t consumed;

	if (authopts_parse(s, len, &o, &consumed, &errstr) != 0) {
		return;
	}
	if (consumed > len) {
		abort();
	}
	(void)!authopts_check_from(o, "192.0.2.1", "host.example.com", &why);
	(void)!authopts_check_from(o, "2001:db8::1", NULL, &why);
	(void)!authopts_check_expiry(o, 1700000000);
	if ((d = authopts_dup(o)) == NULL) {
		abort();
	}
	if (authopts_merge(o, d, &m, &errstr) != 0) {
		abort();	/* merging with an equal copy cannot conflict */
	}
	authopts_free(m);
	authopts_free(d);
	authopts_free(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *const principals[] = { "alice", "root", "" };
	struct pc_key *k = fuzz_key();
	struct authkeys_query q = {
		.key = k,
		.want_ca = 0,
		.addr = "192.0.2.1",
		.host = "host.example.com",
		.now = 1700000000,
	};
	struct authkeys_line l;
	struct authkeys_match m;
	const char *errstr;
	char *s;

	/* The raw bytes, exactly len long: a read past them is caught. */
	if (authkeys_find((const char *)data, len, "fuzz", &q, &m) == 0) {
		authkeys_match_clear(&m);
	}
	q.want_ca = 1;
	if (authkeys_find((const char *)data, len, "fuzz", &q, &m) == 0) {
		authkeys_match_clear(&m);
	}
	if (authkeys_find_principal((const char *)data, len, "fuzz",
	    principals, 3, &q, &m) == 0) {
		authkeys_match_clear(&m);
	}
	fuzz_opts((const char *)data, len);

	if ((s = malloc(len + 1)) == NULL) {
		return 0;
	}
	memcpy(s, data, len);
	s[len] = '\0';
	if (authkeys_parse_line(s, &l, &errstr) == 0) {
		if (l.opts == NULL || l.key == NULL || l.comment == NULL) {
			abort();
		}
		authkeys_line_clear(&l);
	} else if (l.opts != NULL || l.key != NULL || l.comment != NULL) {
		abort();
	}
	free(s);
	return 0;
}
