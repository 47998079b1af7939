/*
 * libFuzzer target: the monitor's requests (daemon/monitor.c dispatch and
 * table, monauth.c and monpost.c handlers, monmsg.c decoders), what a
 * compromised network or post-auth process can send to a root process.
 *
 * The input is a byte choosing the phase (bit 0: post-auth), then frames:
 *   byte type, uint16 length (big-endian), payload
 * handed to mon_dispatch one after the other until one is refused, as the
 * daemon ends the connection at the first refusal.  The backend is in
 * memory: user "alice" (password "hunter2", the key of
 * tests/data/keys/ed25519.pub accepted); a host key made at start.
 * Requests that would touch the system (ptys, utmp) are skipped: the
 * handlers of those are reached only with a tty the monitor handed out.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "authopts.h"
#include "key.h"
#include "log.h"
#include "monitor.h"
#include "rand.h"
#include "transport.h"
#include "wbuf.h"

#define MAX_FRAMES	64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* tests/data/keys/ed25519.pub */
static const char user_pub[] = "ssh-ed25519 "
    "AAAAC3NzaC1lZDI1NTE5AAAAIErPvJBh+v2SdbDR/RqKefiKYHnhKfFUUR2ODC8gDaQc";

static struct pc_key *hostkey, *userkey;
static const struct auth_peer peer = {
	.addr = "192.0.2.1", .port = 4242, .host = "192.0.2.1",
	.laddr = "192.0.2.2", .lport = 22,
};

static int
fz_lookup(void *arg, const char *name, struct auth_user **up)
{
	struct auth_user *u;

	(void)arg;
	*up = NULL;
	if (strcmp(name, "alice") != 0)
		return 0;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return PC_ERR_ALLOC;
	u->uid = 1000;
	u->gid = 1000;
	if ((u->name = strdup(name)) == NULL ||
	    (u->home = strdup("/nonexistent")) == NULL ||
	    (u->shell = strdup("/bin/sh")) == NULL) {
		auth_user_free(u);
		return PC_ERR_ALLOC;
	}
	*up = u;
	return 0;
}

static int
fz_pubkey(void *arg, const struct auth_user *u, const struct auth_peer *p,
    const struct pc_key *key, struct auth_opts **opts, char **where)
{
	(void)arg;
	(void)u;
	(void)p;
	*opts = NULL;
	*where = NULL;
	if (!key_equal_public(key, userkey))
		return PC_ERR_NOT_FOUND;
	if ((*opts = authopts_new()) == NULL ||
	    (*where = strdup("fuzz:1")) == NULL) {
		authopts_free(*opts);
		*opts = NULL;
		return PC_ERR_ALLOC;
	}
	return 0;
}

static int
fz_password(void *arg, const struct auth_user *u, const struct auth_peer *p,
    const char *pw, char **msg)
{
	(void)arg;
	(void)u;
	(void)p;
	*msg = NULL;
	return strcmp(pw, "hunter2") == 0 ? 0 : PC_ERR_AUTH_FAILED;
}

static int
no_sign(void *arg, const struct pc_key *k, const char *alg,
    const uint8_t *d, size_t len, struct wbuf *sig)
{
	(void)arg;
	(void)k;
	(void)alg;
	(void)d;
	(void)len;
	(void)sig;
	return PC_ERR_INVALID_ARGUMENT;
}

static void
init_once(void)
{
	struct log_settings ls;

	if (hostkey != NULL)
		return;
	memset(&ls, 0, sizeof(ls));
	ls.level = LOG_LEVEL_QUIET;
	ls.fd = -1;
	log_init(&ls);
	if (crypto_lib_init() != 0 ||
	    key_generate(KEY_ED25519, 0, &hostkey) != 0 ||
	    key_from_public_line(user_pub, &userkey, NULL) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct auth_backend b;
	struct mon_params mp;
	struct tp_params tpp;
	struct mon m;
	struct wbuf req, ans;
	size_t off = 1, flen;
	uint8_t type;
	int i, r;

	init_once();
	if (len < 1)
		return 0;
	memset(&b, 0, sizeof(b));
	b.user_lookup = fz_lookup;
	b.pubkey_allowed = fz_pubkey;
	b.password = fz_password;
	memset(&tpp, 0, sizeof(tpp));
	tpp.role = TP_SERVER;
	tpp.hostkeys = &hostkey;
	tpp.nhostkeys = 1;
	tpp.sign = no_sign;
	memset(&mp, 0, sizeof(mp));
	mp.backend = &b;
	mp.hostkeys = &hostkey;
	mp.nhostkeys = 1;
	mp.peer = &peer;
	mp.tpp = &tpp;
	mp.initial.pubkey = 1;
	mp.initial.password = 1;
	mp.initial.max_tries = 6;
	mp.initial.pubkey_algs = "ssh-ed25519";
	if (mon_init(&m, &mp) != 0)
		abort();
	if ((data[0] & 1) != 0)
		m.phase = MON_POSTAUTH;
	wbuf_init(&ans, 0);
	for (i = 0; i < MAX_FRAMES && len - off >= 3; i++) {
		type = data[off];
		flen = (size_t)data[off + 1] << 8 | data[off + 2];
		off += 3;
		if (flen > len - off)
			flen = len - off;
		/* No real ptys or utmp records from a fuzzer. */
		if (type == MON_REQ_PTY) {
			off += flen;
			continue;
		}
		wbuf_init_const(&req, data + off, flen);
		off += flen;
		r = mon_dispatch(&m, type, &req, &ans);
		/* An answer is at least its status. */
		if (r == 0 && wbuf_len(&ans) < 4)
			abort();
		if (r != 0)
			break;
		/* The hand-over ends the phase, as in the daemon. */
		if (m.authenticated)
			m.phase = MON_POSTAUTH;
	}
	wbuf_clear(&ans);
	mon_clear(&m);
	return 0;
}
