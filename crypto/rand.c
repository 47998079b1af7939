/* Random numbers from libsodium (see rand.h). */
#include <stdio.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "fuzzcheap.h"
#include "rand.h"

#ifdef PC_FUZZ_CHEAP
unsigned pc_fuzz_cheap;

/* Bytes that depend only on their offset (see fuzzcheap.h). */
static void
rand_fixed(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(0x5c + 0x1d * i + (i >> 8));
}
#endif

int
crypto_lib_init(void)
{
	return sodium_init() < 0 ? PC_ERR_LIBCRYPTO : 0;
}

void
rand_bytes(void *p, size_t len)
{
#ifdef PC_FUZZ_CHEAP
	if (pc_fuzz_cheap & PC_FUZZ_FIXED_RANDOM) {
		rand_fixed(p, len);
		return;
	}
#endif
	randombytes_buf(p, len);
}

uint32_t
rand_uniform(uint32_t upper)
{
#ifdef PC_FUZZ_CHEAP
	if (pc_fuzz_cheap & PC_FUZZ_FIXED_RANDOM)
		return 0;
#endif
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
