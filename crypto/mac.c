/*
 * HMAC packet MACs over OpenSSL 3 EVP_MAC (see mac.h).
 *
 * RFC 4253 s. 6.4: mac = MAC(key, uint32 sequence_number || packet).
 * RFC 6668 adds hmac-sha2-256 and hmac-sha2-512 (full-length tags, keys
 * as long as the hash output).  OpenSSH PROTOCOL s. 1.7 defines the
 * -etm@openssh.com forms, which differ only in what the transport feeds
 * in (the length and the ciphertext), so they share the primitive.
 *
 * The EVP_MAC_CTX is keyed once in mac_ctx_new().  Each packet calls
 * EVP_MAC_init() with a NULL key, which re-initialises HMAC with the same
 * key from the inner and outer states OpenSSL kept, without hashing the
 * key pads again.  Our code allocates nothing per packet; OpenSSL 3.0
 * itself still makes two small allocations per packet inside that re-init
 * (EVP_MD_CTX_copy_ex duplicates the provider's digest state; measured
 * with valgrind: 200 more allocations for 100 more packets), which no
 * EVP interface of 3.0 avoids.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "mac.h"
#include "fuzzcheap.h"
#include "wbuf.h"

struct mac_alg {
	const char *name;
	const char *digest;	/* OpenSSL digest name */
	size_t key_len;
	size_t mac_len;
	int etm;
};

struct mac_ctx {
	const struct mac_alg *alg;
	EVP_MAC_CTX *evp;
	/* For mac_ctx_export: OpenSSL does not give the key back.  Wiped
	 * with the context. */
	uint8_t key[MAC_MAX_KEY_LEN];
};

static const struct mac_alg mac_table[] = {
	{ "hmac-sha2-256-etm@openssh.com", "SHA256", 32, 32, 1 },
	{ "hmac-sha2-512-etm@openssh.com", "SHA512", 64, 64, 1 },
	{ "hmac-sha1-etm@openssh.com", "SHA1", 20, 20, 1 },
	{ "hmac-sha2-256", "SHA256", 32, 32, 0 },
	{ "hmac-sha2-512", "SHA512", 64, 64, 0 },
	{ "hmac-sha1", "SHA1", 20, 20, 0 },
};

#define MAC_TABLE_LEN (sizeof(mac_table) / sizeof(mac_table[0]))

/* SHA-1 MACs interoperate with old clients but are off by default. */
static const char mac_default[] =
    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
    "hmac-sha2-256,hmac-sha2-512";
static const char mac_supported[] =
    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
    "hmac-sha2-256,hmac-sha2-512,"
    "hmac-sha1-etm@openssh.com,hmac-sha1";

const struct mac_alg *
mac_by_name(const char *name)
{
	size_t i;

	if (name == NULL) {
		return NULL;
	}
	for (i = 0; i < MAC_TABLE_LEN; i++) {
		if (strcmp(mac_table[i].name, name) == 0) {
			return &mac_table[i];
		}
	}
	return NULL;
}

const char *
mac_name(const struct mac_alg *m)
{
	return m->name;
}

size_t
mac_key_len(const struct mac_alg *m)
{
	return m->key_len;
}

size_t
mac_len(const struct mac_alg *m)
{
	return m->mac_len;
}

int
mac_is_etm(const struct mac_alg *m)
{
	return m->etm;
}

const char *
mac_default_list(void)
{
	return mac_default;
}

const char *
mac_supported_list(void)
{
	return mac_supported;
}

void
mac_ctx_free(struct mac_ctx *ctx)
{
	if (ctx == NULL) {
		return;
	}
	/* Frees and cleanses the HMAC key states. */
	EVP_MAC_CTX_free(ctx->evp);
	pc_wipe(ctx, sizeof(*ctx));
	free(ctx);
}

int
mac_ctx_new(struct mac_ctx **ctxp, const struct mac_alg *m,
    const uint8_t *key, size_t keylen)
{
	struct mac_ctx *ctx = NULL;
	EVP_MAC *mac = NULL;
	OSSL_PARAM params[2];
	int r = PC_ERR_LIBCRYPTO;

	*ctxp = NULL;
	/* The key is exactly as long as kex derived it (RFC 4253 s. 7.2). */
	if (m == NULL || key == NULL || keylen != m->key_len ||
	    keylen > MAC_MAX_KEY_LEN) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL) {
		return PC_ERR_ALLOC;
	}
	ctx->alg = m;
	memcpy(ctx->key, key, keylen);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)m->digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx->evp = EVP_MAC_CTX_new(mac)) == NULL ||
	    EVP_MAC_init(ctx->evp, key, keylen, params) != 1 ||
	    EVP_MAC_CTX_get_mac_size(ctx->evp) != m->mac_len) {
		goto out;
	}
	*ctxp = ctx;
	ctx = NULL;
	r = 0;
 out:
	EVP_MAC_free(mac);
	mac_ctx_free(ctx);
	return r;
}

int
mac_compute(struct mac_ctx *ctx, uint32_t seqnr, const uint8_t *data,
    size_t len, uint8_t *out)
{
	uint8_t seq[4];
	size_t outl = 0;

	if (ctx == NULL || out == NULL || (data == NULL && len != 0)) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	pc_put_u32(seq, seqnr);
	if (EVP_MAC_init(ctx->evp, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(ctx->evp, seq, sizeof(seq)) != 1 ||
	    (len != 0 && EVP_MAC_update(ctx->evp, data, len) != 1) ||
	    EVP_MAC_final(ctx->evp, out, &outl, ctx->alg->mac_len) != 1 ||
	    outl != ctx->alg->mac_len) {
		return PC_ERR_LIBCRYPTO;
	}
	return 0;
}

int
mac_verify(struct mac_ctx *ctx, uint32_t seqnr, const uint8_t *data,
    size_t len, const uint8_t *tag)
{
	uint8_t want[MAC_MAX_LEN];
	int r;

	if (tag == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	if ((r = mac_compute(ctx, seqnr, data, len, want)) != 0) {
		goto out;
	}
	if (pc_timingsafe_bcmp(want, tag, ctx->alg->mac_len) != 0
#ifdef PC_FUZZ_CHEAP
	    && (pc_fuzz_cheap & PC_FUZZ_SKIP_MAC) == 0	/* fuzzcheap.h */
#endif
	    ) {
		r = PC_ERR_MAC_INVALID;
		goto out;
	}
	r = 0;
 out:
	pc_wipe(want, sizeof(want));
	return r;
}

int
mac_ctx_export(const struct mac_ctx *ctx, uint8_t key[MAC_MAX_KEY_LEN],
    size_t *keylen)
{
	if (ctx == NULL || key == NULL || keylen == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	memcpy(key, ctx->key, ctx->alg->key_len);
	*keylen = ctx->alg->key_len;
	return 0;
}
