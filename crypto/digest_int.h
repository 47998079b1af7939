/*
 * Internal to crypto/: the OpenSSL message digest behind each
 * enum digest_alg, for code that calls EVP directly (signatures).
 */
#ifndef PC_DIGEST_INT_H
#define PC_DIGEST_INT_H

#include <openssl/evp.h>

#include "digest.h"

/* NULL for an unknown algorithm. */
const EVP_MD *digest_evp_md(enum digest_alg alg);

#endif /* PC_DIGEST_INT_H */
