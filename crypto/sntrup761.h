/*
 * Streamlined NTRU Prime sntrup761 (the NTRU Prime round 3 submission,
 * parameters p = 761, q = 4591, w = 286), and the SSH hybrid
 * sntrup761x25519-sha512 (draft-josefsson-ntruprime-ssh; OpenSSH's
 * sntrup761x25519-sha512@openssh.com) built on it in kexsntrup.c.
 *
 * The KEM works on caller-owned fixed-size arrays; the caller wipes the
 * secret key and the shared secret.  Everything that depends on secret
 * data runs in constant time: no branch and no table index depends on it.
 * The spec's Hash is the first 32 bytes of SHA-512 (crypto/digest.h), so
 * the functions can fail only with PC_ERR_LIBCRYPTO or PC_ERR_ALLOC (and
 * then leave the outputs wiped).
 */
#ifndef PC_SNTRUP761_H
#define PC_SNTRUP761_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "kexalg.h"

#define SNTRUP761_P		761
#define SNTRUP761_Q		4591
#define SNTRUP761_W		286

#define SNTRUP761_PUBLICKEY_BYTES	1158	/* Rq_encode(h) */
#define SNTRUP761_SECRETKEY_BYTES	1763
#define SNTRUP761_CIPHERTEXT_BYTES	1039	/* Rounded_encode(c), confirm */
#define SNTRUP761_BYTES			32	/* the session key */

/*
 * The randomness source: fill buf with len random bytes.  The public
 * functions use rand_bytes(); the _rng forms let tests inject a
 * deterministic source.
 */
typedef void (*sntrup761_rng_fn)(void *ctx, void *buf, size_t len);

int	sntrup761_keypair(uint8_t pk[SNTRUP761_PUBLICKEY_BYTES],
	    uint8_t sk[SNTRUP761_SECRETKEY_BYTES]) PC_WUR;
int	sntrup761_enc(uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES],
	    uint8_t ss[SNTRUP761_BYTES],
	    const uint8_t pk[SNTRUP761_PUBLICKEY_BYTES]) PC_WUR;
/*
 * Decapsulation never fails on a bad ciphertext: a ciphertext that does
 * not re-encrypt to itself gives the implicit-rejection key, a hash of the
 * secret rho and the ciphertext (the spec's Hash_session(0, rho, c)).
 */
int	sntrup761_dec(uint8_t ss[SNTRUP761_BYTES],
	    const uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES],
	    const uint8_t sk[SNTRUP761_SECRETKEY_BYTES]) PC_WUR;

int	sntrup761_keypair_rng(uint8_t pk[SNTRUP761_PUBLICKEY_BYTES],
	    uint8_t sk[SNTRUP761_SECRETKEY_BYTES], sntrup761_rng_fn rng,
	    void *rngctx) PC_WUR;
int	sntrup761_enc_rng(uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES],
	    uint8_t ss[SNTRUP761_BYTES],
	    const uint8_t pk[SNTRUP761_PUBLICKEY_BYTES], sntrup761_rng_fn rng,
	    void *rngctx) PC_WUR;

/*
 * Internals exposed for the unit tests.  Polynomials are arrays of
 * SNTRUP761_P coefficients, index = exponent, in R/q with centred
 * representatives in [-(q-1)/2, (q-1)/2], or small (in {-1, 0, 1}).
 * sntrup761_recip computes 1/in in R/3 (mod3 != 0) or R/q and returns 0,
 * or -1 when in is not invertible (only possible in R/3).
 * sntrup761_mul: out = a * b in R/3 or R/q, where b has coefficients of
 * absolute value at most 3 (a small element, or 3 times one), which keeps
 * the accumulators in range; out may alias a or b.
 */
int	sntrup761_recip(int16_t *out, const int16_t *in, int mod3);
void	sntrup761_mul(int16_t *out, const int16_t *a, const int16_t *b,
	    int mod3);
/* Batcher's merge-exchange network, constant time. */
void	sntrup761_sort_u32(uint32_t *x, size_t n);

/*
 * kexsntrup.c: sntrup761x25519-sha512 (draft-josefsson-ntruprime-ssh
 * s. 2).  The client's value is the sntrup761 public key then its X25519
 * public key (1158 + 32 bytes); the server's is the ciphertext then its
 * X25519 public key (1039 + 32 bytes); K = SHA-512(sntrup761 key || X25519
 * shared secret), encoded as a string.  The operations of kexalg.h.
 */
#define KEXSNTRUP_CLIENT_LEN	(SNTRUP761_PUBLICKEY_BYTES + 32)
#define KEXSNTRUP_SERVER_LEN	(SNTRUP761_CIPHERTEXT_BYTES + 32)

int	kexsntrup_client_keypair(const struct kex_alg *alg,
	    const struct kex_dh_group *grp, struct kexalg_state **stp,
	    struct wbuf *client_pub) PC_WUR;
int	kexsntrup_server_encaps(const struct kex_alg *alg,
	    const struct kex_dh_group *grp, const uint8_t *client_pub,
	    size_t client_len, struct wbuf *server_pub,
	    struct wbuf *shared) PC_WUR;
int	kexsntrup_client_decaps(struct kexalg_state *st,
	    const uint8_t *server_pub, size_t server_len,
	    struct wbuf *shared) PC_WUR;

#endif /* PC_SNTRUP761_H */
