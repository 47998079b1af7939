/*
 * Hash functions used by key exchange, signatures and fingerprints.
 * Backed by OpenSSL's EVP; only crypto/ sees OpenSSL.
 */
#ifndef PC_DIGEST_H
#define PC_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum digest_alg {
	DIGEST_SHA1 = 0,
	DIGEST_SHA256,
	DIGEST_SHA384,
	DIGEST_SHA512,
	DIGEST_MAX_ALG
};

#define DIGEST_MAX_LEN	64

struct digest_ctx;

size_t	digest_len(enum digest_alg alg);
/* One-shot hash of p into out (outlen >= digest_len(alg)). */
int	digest_memory(enum digest_alg alg, const void *p, size_t len,
	    uint8_t *out, size_t outlen) PC_WUR;
/* Incremental: caller frees with digest_free (accepts NULL). */
int	digest_start(enum digest_alg alg, struct digest_ctx **ctxp) PC_WUR;
int	digest_update(struct digest_ctx *ctx, const void *p,
	    size_t len) PC_WUR;
int	digest_final(struct digest_ctx *ctx, uint8_t *out,
	    size_t outlen) PC_WUR;
void	digest_free(struct digest_ctx *ctx);

#endif /* PC_DIGEST_H */
