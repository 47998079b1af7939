/* Random numbers from libsodium (see rand.h). */
#include <stdio.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "rand.h"

int
crypto_lib_init(void)
{
	return sodium_init() < 0 ? PC_ERR_LIBCRYPTO : 0;
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
