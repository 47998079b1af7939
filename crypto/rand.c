/* Random numbers from libsodium (see rand.h). */
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
