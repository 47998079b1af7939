/* Hash functions over OpenSSL EVP (see digest.h). */
#include <stdlib.h>

#include <openssl/evp.h>

#include "digest_int.h"

struct digest_ctx {
	enum digest_alg alg;
	EVP_MD_CTX *md;
};

const EVP_MD *
digest_evp_md(enum digest_alg alg)
{
	switch (alg) {
	case DIGEST_SHA1:
		return EVP_sha1();
	case DIGEST_SHA256:
		return EVP_sha256();
	case DIGEST_SHA384:
		return EVP_sha384();
	case DIGEST_SHA512:
		return EVP_sha512();
	default:
		return NULL;
	}
}

size_t
digest_len(enum digest_alg alg)
{
	switch (alg) {
	case DIGEST_SHA1:
		return 20;
	case DIGEST_SHA256:
		return 32;
	case DIGEST_SHA384:
		return 48;
	case DIGEST_SHA512:
		return 64;
	default:
		return 0;
	}
}

int
digest_memory(enum digest_alg alg, const void *p, size_t len, uint8_t *out,
    size_t outlen)
{
	const EVP_MD *md = digest_evp_md(alg);
	unsigned int n = 0;

	if (md == NULL || outlen < digest_len(alg))
		return PC_ERR_INVALID_ARGUMENT;
	if (EVP_Digest(p, len, out, &n, md, NULL) != 1)
		return PC_ERR_LIBCRYPTO;
	return 0;
}

int
digest_start(enum digest_alg alg, struct digest_ctx **ctxp)
{
	const EVP_MD *md = digest_evp_md(alg);
	struct digest_ctx *ctx;

	*ctxp = NULL;
	if (md == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return PC_ERR_ALLOC;
	ctx->alg = alg;
	if ((ctx->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx->md, md, NULL) != 1) {
		digest_free(ctx);
		return PC_ERR_LIBCRYPTO;
	}
	*ctxp = ctx;
	return 0;
}

int
digest_update(struct digest_ctx *ctx, const void *p, size_t len)
{
	if (EVP_DigestUpdate(ctx->md, p, len) != 1)
		return PC_ERR_LIBCRYPTO;
	return 0;
}

int
digest_final(struct digest_ctx *ctx, uint8_t *out, size_t outlen)
{
	unsigned int n = 0;

	if (outlen < digest_len(ctx->alg))
		return PC_ERR_INVALID_ARGUMENT;
	if (EVP_DigestFinal_ex(ctx->md, out, &n) != 1)
		return PC_ERR_LIBCRYPTO;
	return 0;
}

void
digest_free(struct digest_ctx *ctx)
{
	if (ctx == NULL)
		return;
	EVP_MD_CTX_free(ctx->md);
	free(ctx);
}
