/*
 * libFuzzer target: certificate blobs (crypto/cert.c through key_from_blob)
 * and, when one parses, everything done with it: the blob round trip, the
 * CA signature, the log description, and the login decision of
 * auth/certcheck.c against its own CA with the time and user taken from
 * the certificate (so that the checks past the signature run too when the
 * fuzzer reaches a signed input, as with the seed corpus).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authopts.h"
#include "cert.h"
#include "certcheck.h"
#include "key.h"
#include "rand.h"
#include "wbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int init;
	struct pc_key *k = NULL, *k2 = NULL;
	const struct pc_key *cas[1];
	const struct pc_cert *c;
	struct certcheck_ctx ctx;
	struct auth_opts *opts = NULL;
	struct wbuf b;
	const char *why;
	char *desc = NULL;

	if (!init) {
		if (crypto_lib_init() != 0)
			abort();
		init = 1;
	}
	if (key_from_blob(data, len, &k) != 0)
		return 0;
	wbuf_init(&b, 0);
	/* Whatever parsed must serialise back to the same bytes. */
	if (key_to_blob(k, &b) != 0 || wbuf_len(&b) != len ||
	    memcmp(wbuf_ptr(&b), data, len) != 0)
		abort();
	if ((c = key_cert(k)) == NULL)
		goto out;
	if (key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k2) != 0 ||
	    !key_equal_public(k, k2) || !key_equal_certified(k, k2))
		abort();
	if (key_describe(k, &desc) != 0)
		abort();
	(void)!cert_verify_signature(c, "ssh-rsa,rsa-sha2-256,ssh-ed25519");
	memset(&ctx, 0, sizeof(ctx));
	cas[0] = cert_ca_key(c);
	ctx.cas = cas;
	ctx.ncas = 1;
	ctx.now = c->valid_after;
	ctx.user = c->nprincipals > 0 ? c->principals[0] : "user";
	ctx.principals_required = len & 1;
	ctx.addr = "192.0.2.1";
	if (certcheck_user(k, &ctx, &opts, &why) == 0) {
		if (opts == NULL || why != NULL)
			abort();
	} else if (opts != NULL || why == NULL) {
		abort();
	}
	authopts_free(opts);
	(void)!certcheck_host_cert_for_key(cert_key(c), k, &why);
 out:
	free(desc);
	key_free(k2);
	key_free(k);
	wbuf_clear(&b);
	return 0;
}
