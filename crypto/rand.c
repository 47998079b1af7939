/* Random numbers from libsodium (see rand.h). */
#include <stdio.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sodium.h>

#include "rand.h"

int
crypto_lib_init(void)
{
	unsigned char warm[16];

	if (sodium_init() < 0)
		return PC_ERR_LIBCRYPTO;
	/*
	 * What OpenSSL would otherwise do on first use, done now, before
	 * the daemon forks its sandboxed network process (which may open
	 * no file, daemon/sandbox.h): read openssl.cnf and load the
	 * providers it names, and make the DRBGs.
	 */
	if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL) != 1 ||
	    RAND_bytes(warm, sizeof(warm)) != 1 ||
	    RAND_priv_bytes(warm, sizeof(warm)) != 1)
		return PC_ERR_LIBCRYPTO;
	OPENSSL_cleanse(warm, sizeof(warm));
	return 0;
}

void
rand_bytes(void *p, size_t len)
{
	randombytes_buf(p, len);
}

uint32_t
rand_uniform(uint32_t upper)
{
	return upper == 0 ? 0 : randombytes_uniform(upper);
}

const char *
crypto_lib_version(void)
{
	static char v[128];

	snprintf(v, sizeof(v), "%s, libsodium %s",
	    OpenSSL_version(OPENSSL_VERSION), sodium_version_string());
	return v;
}
