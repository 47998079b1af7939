/*
 * ML-KEM-768 (FIPS 203), written from the standard on OpenSSL's SHA3-256,
 * SHA3-512, SHAKE-128 and SHAKE-256.  Owned by crypto/mlkem.c; used by the
 * mlkem768x25519-sha256 key exchange (crypto/kexmlkem.c) and the tests.
 *
 * The caller owns every buffer.  Decapsulation keys, seeds and shared
 * secrets are secrets: wipe them after use.  Every function is constant
 * time in its secret inputs (no branch or memory index depends on them;
 * tests/ct/ct_mlkem.c checks this under valgrind).
 */
#ifndef PC_MLKEM_H
#define PC_MLKEM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define MLKEM768_EK_LEN		1184	/* 384 k + 32 */
#define MLKEM768_DK_LEN		2400	/* 768 k + 96 */
#define MLKEM768_CT_LEN		1088	/* 32 (du k + dv) */
#define MLKEM768_SS_LEN		32
#define MLKEM768_SEED_LEN	32	/* d, z and m */

/*
 * FIPS 203 Algorithm 16 ML-KEM.KeyGen_internal(d, z): ek and dk from the
 * two 32-byte seeds.  Fails only for PC_ERR_LIBCRYPTO / PC_ERR_ALLOC (and
 * PC_ERR_INTERNAL if SampleNTT ever needed an absurd amount of output).
 */
int	mlkem768_keygen_internal(const uint8_t d[MLKEM768_SEED_LEN],
	    const uint8_t z[MLKEM768_SEED_LEN], uint8_t ek[MLKEM768_EK_LEN],
	    uint8_t dk[MLKEM768_DK_LEN]) PC_WUR;
/*
 * Tests only: KeyGen as the FIPS 203 initial public draft (August 2023)
 * had it, G(d) without the k byte.  The published C2SP/CCTV vectors
 * (intermediate, unlucky, pq-crystals, and the f7db260e... accumulated
 * digest) were made that way; Encaps and Decaps did not change.  Never
 * use it for a key exchange: peers implement the final standard.
 */
int	mlkem768_keygen_internal_ipd(const uint8_t d[MLKEM768_SEED_LEN],
	    const uint8_t z[MLKEM768_SEED_LEN], uint8_t ek[MLKEM768_EK_LEN],
	    uint8_t dk[MLKEM768_DK_LEN]) PC_WUR;
/*
 * Algorithm 17 ML-KEM.Encaps_internal(ek, m), after the s. 7.2 input
 * checks: eklen must be MLKEM768_EK_LEN (else PC_ERR_INVALID_ARGUMENT)
 * and every 12-bit coefficient of ek must be below q (else
 * PC_ERR_KEX_INVALID).  Nothing is written on failure.
 */
int	mlkem768_encaps_internal(const uint8_t *ek, size_t eklen,
	    const uint8_t m[MLKEM768_SEED_LEN], uint8_t ct[MLKEM768_CT_LEN],
	    uint8_t k[MLKEM768_SS_LEN]) PC_WUR;
/*
 * Algorithm 18 ML-KEM.Decaps_internal(dk, c), after the s. 7.3 input
 * checks: the lengths (PC_ERR_INVALID_ARGUMENT) and the hash check
 * H(ek part of dk) == h part of dk (PC_ERR_INVALID_ARGUMENT: a corrupt
 * key is a local error, not the peer's).  A ciphertext that does not
 * re-encrypt to itself is not an error: k is then the implicit-rejection
 * key J(z || c), chosen without a branch on secret data.
 */
int	mlkem768_decaps_internal(const uint8_t *dk, size_t dklen,
	    const uint8_t *ct, size_t ctlen, uint8_t k[MLKEM768_SS_LEN]) PC_WUR;

/* Algorithms 19 and 20 with fresh randomness from crypto/rand.h. */
int	mlkem768_keygen(uint8_t ek[MLKEM768_EK_LEN],
	    uint8_t dk[MLKEM768_DK_LEN]) PC_WUR;
int	mlkem768_encaps(const uint8_t *ek, size_t eklen,
	    uint8_t ct[MLKEM768_CT_LEN], uint8_t k[MLKEM768_SS_LEN]) PC_WUR;
/* Algorithm 21: the same as mlkem768_decaps_internal. */
int	mlkem768_decaps(const uint8_t *dk, size_t dklen, const uint8_t *ct,
	    size_t ctlen, uint8_t k[MLKEM768_SS_LEN]) PC_WUR;

#endif /* PC_MLKEM_H */
