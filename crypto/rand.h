/* Cryptographic random numbers (libsodium's randombytes). */
#ifndef PC_RAND_H
#define PC_RAND_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Initialise the library (sodium_init); call once before fork. */
int	crypto_lib_init(void) PC_WUR;
/* "OpenSSL 3.0.x ..., libsodium 1.0.x" for -V. */
const char *crypto_lib_version(void);
void	rand_bytes(void *p, size_t len);
/* For packet padding only: the same quality, from a per-process pool
 * (one system call per few KiB instead of one per packet). */
void	rand_padding(void *p, size_t len);
/* Uniform in [0, upper), upper > 0. */
uint32_t rand_uniform(uint32_t upper);

#endif /* PC_RAND_H */
