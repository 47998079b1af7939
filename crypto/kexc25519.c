/*
 * curve25519-sha256 and curve25519-sha256@libssh.org (RFC 8731): X25519
 * (RFC 7748) from libsodium.  Public values are the 32 raw bytes of a
 * u-coordinate; K is the 32-byte X25519 output read as a big-endian
 * unsigned number and encoded as an mpint (RFC 8731 s. 3.1).
 */
#include <string.h>

#include <sodium.h>

#include "kexalg_impl.h"
#include "rand.h"

int
kexc25519_public(const uint8_t sk[KEXC25519_KEY_LEN],
    uint8_t pub[KEXC25519_KEY_LEN])
{
	if (crypto_scalarmult_curve25519_base(pub, sk) != 0)
		return PC_ERR_LIBCRYPTO;
	return 0;
}

int
kexc25519_shared(const uint8_t sk[KEXC25519_KEY_LEN],
    const uint8_t peer[KEXC25519_KEY_LEN], uint8_t out[KEXC25519_KEY_LEN])
{
	/*
	 * RFC 7748 s. 6.1 and RFC 8731 s. 3: a peer value of small order
	 * gives the all-zero output, which MUST be refused.  libsodium
	 * returns -1 both for a known small-order input and for a zero
	 * result; check the output as well, so the rule does not rest on
	 * one library version.
	 */
	if (crypto_scalarmult_curve25519(out, sk, peer) != 0 ||
	    sodium_is_zero(out, KEXC25519_KEY_LEN)) {
		sodium_memzero(out, KEXC25519_KEY_LEN);
		return PC_ERR_KEX_INVALID;
	}
	return 0;
}

int
kexc25519_encode_k(struct wbuf *shared, const uint8_t k[KEXC25519_KEY_LEN])
{
	/* RFC 8731 s. 3.1: no byte reversal, leading zeros dropped. */
	return wbuf_put_mpint(shared, k, KEXC25519_KEY_LEN);
}

/* Fresh key pair: a random scalar (X25519 clamps it) and its public. */
static int
kexc25519_keygen(uint8_t sk[KEXC25519_KEY_LEN],
    uint8_t pub[KEXC25519_KEY_LEN])
{
	int r;

	rand_bytes(sk, KEXC25519_KEY_LEN);
	if ((r = kexc25519_public(sk, pub)) != 0)
		sodium_memzero(sk, KEXC25519_KEY_LEN);
	return r;
}

int
kexc25519_client_keypair(const struct kex_alg *alg,
    const struct kex_dh_group *grp, struct kexalg_state **stp,
    struct wbuf *client_pub)
{
	struct kexalg_state *st = NULL;
	uint8_t pub[KEXC25519_KEY_LEN];
	int r;

	*stp = NULL;
	if ((r = kexalg_state_new(alg, &st)) != 0)
		return r;
	st->sklen = KEXC25519_KEY_LEN;
	if ((r = kexc25519_keygen(st->sk, pub)) != 0 ||
	    (r = wbuf_put(client_pub, pub, sizeof(pub))) != 0) {
		kexalg_state_free(st);
		return r;
	}
	*stp = st;
	return 0;
}

int
kexc25519_server_encaps(const struct kex_alg *alg,
    const struct kex_dh_group *grp, const uint8_t *client_pub,
    size_t client_len, struct wbuf *server_pub, struct wbuf *shared)
{
	uint8_t sk[KEXC25519_KEY_LEN], pub[KEXC25519_KEY_LEN];
	uint8_t k[KEXC25519_KEY_LEN];
	size_t publen0 = wbuf_len(server_pub), klen0 = wbuf_len(shared);
	int r;

	/* RFC 8731 s. 3: Q_C is exactly 32 bytes. */
	if (client_pub == NULL || client_len != KEXC25519_KEY_LEN)
		return PC_ERR_KEX_INVALID;
	if ((r = kexc25519_keygen(sk, pub)) != 0)
		goto out;
	if ((r = kexc25519_shared(sk, client_pub, k)) != 0)
		goto out;
	if ((r = wbuf_put(server_pub, pub, sizeof(pub))) != 0 ||
	    (r = kexc25519_encode_k(shared, k)) != 0) {
		kexalg_rollback(server_pub, publen0);
		kexalg_rollback(shared, klen0);
		goto out;
	}
	r = 0;
 out:
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(k, sizeof(k));
	return r;
}

int
kexc25519_client_decaps(struct kexalg_state *st, const uint8_t *server_pub,
    size_t server_len, struct wbuf *shared)
{
	uint8_t k[KEXC25519_KEY_LEN];
	int r;

	if (st == NULL || st->sklen != KEXC25519_KEY_LEN)
		return PC_ERR_INVALID_ARGUMENT;
	/* RFC 8731 s. 3: Q_S is exactly 32 bytes. */
	if (server_pub == NULL || server_len != KEXC25519_KEY_LEN)
		return PC_ERR_KEX_INVALID;
	if ((r = kexc25519_shared(st->sk, server_pub, k)) != 0)
		goto out;
	r = kexc25519_encode_k(shared, k);
 out:
	sodium_memzero(k, sizeof(k));
	return r;
}
