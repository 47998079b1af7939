/* Random numbers from libsodium (see rand.h). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sodium.h>

#include "fuzzcheap.h"
#include "rand.h"

/*
 * Packet padding (RFC 4253 s. 6) wants random bytes for every packet; a
 * getrandom(2) call each time costs more than framing the packet.  So
 * padding comes from a pool refilled from randombytes_buf a few KiB at a
 * time.  A forked child must not reuse its parent's pool (two processes
 * would pad alike): pthread_atfork empties it in the child.
 */
#define RAND_POOL	4096

static uint8_t rand_pool[RAND_POOL];
static size_t rand_pool_avail;
static int rand_atfork_done;

static void
rand_pool_forget(void)
{
	sodium_memzero(rand_pool, sizeof(rand_pool));
	rand_pool_avail = 0;
}

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
	if (!rand_atfork_done) {
		if (pthread_atfork(NULL, NULL, rand_pool_forget) != 0)
			return PC_ERR_SYSTEM;
		rand_atfork_done = 1;
	}
	return 0;
}

void
rand_padding(void *p, size_t len)
{
	uint8_t *d = p;
	size_t n;

#ifdef PC_FUZZ_CHEAP
	if (pc_fuzz_cheap & PC_FUZZ_FIXED_RANDOM) {
		rand_fixed(p, len);
		return;
	}
#endif
	/* Without the fork hook the pool is not safe to keep. */
	if (!rand_atfork_done || len > RAND_POOL) {
		randombytes_buf(p, len);
		return;
	}
	while (len > 0) {
		if (rand_pool_avail == 0) {
			randombytes_buf(rand_pool, sizeof(rand_pool));
			rand_pool_avail = sizeof(rand_pool);
		}
		n = len < rand_pool_avail ? len : rand_pool_avail;
		/* Take from the end, wiping what is handed out. */
		memcpy(d, rand_pool + rand_pool_avail - n, n);
		sodium_memzero(rand_pool + rand_pool_avail - n, n);
		rand_pool_avail -= n;
		d += n;
		len -= n;
	}
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
