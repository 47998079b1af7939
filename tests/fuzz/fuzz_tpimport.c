/*
 * libFuzzer target: tp_import (transport/tpstate.c, packet_import in
 * transport/packet.c, cipher_ctx_import in crypto/cipher.c), the state
 * the post-authentication process receives.
 *
 * The input is a state without its trailing SHA-256: the target appends
 * the right one, so that mutations reach the parser behind the digest.
 * The input as it is is imported too (the header and digest checks).
 * The role byte (offset 8) picks the server's or the client's parameters;
 * the server knows the public half of tests/data/keys/ed25519, the key the
 * seeds in tests/fuzz/corpus/tpimport were made with (tests/inproc/
 * test_tpx writes them: PC_TPX_SEED_DIR=tests/fuzz/corpus/tpimport
 * build/tests/inproc/test_tpx).
 *
 * A server state that imports must export to the very same bytes (the
 * format has one encoding of each state); then the transport runs over
 * the input the state carried, as the user's process would.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "key.h"
#include "rand.h"
#include "transport.h"

#define TRAILER		32
#define MAX_INPUT	(1u << 20)
#define MAX_STEPS	64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* tests/data/keys/ed25519.pub */
static const char fixture_pub[] = "ssh-ed25519 "
    "AAAAC3NzaC1lZDI1NTE5AAAAIErPvJBh+v2SdbDR/RqKefiKYHnhKfFUUR2ODC8gDaQc";

static struct pc_key *hostkey;

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
	return PC_ERR_INVALID_ARGUMENT;	/* no private key here */
}

static void
params_for(const uint8_t *state, size_t len, struct tp_params *p)
{
	memset(p, 0, sizeof(*p));
	p->role = len > 8 && state[8] == 1 ? TP_CLIENT : TP_SERVER;
	if (p->role == TP_SERVER) {
		p->hostkeys = &hostkey;
		p->nhostkeys = 1;
		p->sign = no_sign;
		p->macs = "hmac-sha2-256-etm@openssh.com,"
		    "hmac-sha2-512-etm@openssh.com,hmac-sha2-256,"
		    "hmac-sha2-512,hmac-sha1-etm@openssh.com,hmac-sha1";
	}
}

static void
run(const struct tp_params *p, const uint8_t *state, size_t len)
{
	struct tp *t = NULL;
	struct wbuf again;
	const uint8_t *m;
	size_t mlen, olen;
	int i;

	if (tp_import(p, state, len, &t) != 0) {
		if (t != NULL)
			abort();
		return;
	}
	if (p->role == TP_SERVER) {
		wbuf_init(&again, 0);
		if (tp_export(t, &again) != 0 || wbuf_len(&again) != len ||
		    memcmp(wbuf_ptr(&again), state, len) != 0)
			abort();
		wbuf_clear(&again);
	}
	for (i = 0; i < MAX_STEPS; i++) {
		if (tp_next(t, &m, &mlen) != 0)
			break;
	}
	(void)tp_output_ptr(t, &olen);
	tp_free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct tp_params p;
	uint8_t *sealed;

	if (hostkey == NULL) {
		if (crypto_lib_init() != 0 ||
		    key_from_public_line(fixture_pub, &hostkey, NULL) != 0)
			abort();
	}
	if (len > MAX_INPUT)
		return 0;
	params_for(data, len, &p);
	run(&p, data, len);
	if ((sealed = malloc(len + TRAILER)) == NULL)
		return 0;
	if (len > 0)
		memcpy(sealed, data, len);
	if (digest_memory(DIGEST_SHA256, data, len, sealed + len,
	    TRAILER) == 0)
		run(&p, sealed, len + TRAILER);
	free(sealed);
	return 0;
}
