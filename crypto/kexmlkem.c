/*
 * mlkem768x25519-sha256 (draft-ietf-sshm-mlkem-hybrid-kex): ML-KEM-768
 * (crypto/mlkem.c) combined with X25519 (crypto/kexc25519.c).
 *
 *   C_INIT  = ML-KEM-768 encapsulation key (1184) || X25519 public (32)
 *   S_REPLY = ML-KEM-768 ciphertext (1088) || X25519 public (32)
 *   K       = SHA-256(ML-KEM shared secret || X25519 shared secret),
 *             encoded as a string, not an mpint, in the exchange hash.
 *
 * The client's state keeps the X25519 scalar in st->sk and the ML-KEM
 * decapsulation key in st->impl (too large for sk; wiped on free).
 */
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "kexalg_impl.h"
#include "mlkem.h"
#include "rand.h"

#define KEXMLKEM_C_INIT_LEN	(MLKEM768_EK_LEN + KEXC25519_KEY_LEN)
#define KEXMLKEM_S_REPLY_LEN	(MLKEM768_CT_LEN + KEXC25519_KEY_LEN)

struct kexmlkem_secret {
	uint8_t dk[MLKEM768_DK_LEN];
};

static void
kexmlkem_secret_free(void *p)
{
	if (p == NULL)
		return;
	pc_wipe(p, sizeof(struct kexmlkem_secret));
	free(p);
}

int
kexmlkem_client_keypair(const struct kex_alg *alg,
    const struct kex_dh_group *grp, struct kexalg_state **stp,
    struct wbuf *client_pub)
{
	struct kexalg_state *st = NULL;
	struct kexmlkem_secret *sec = NULL;
	uint8_t ek[MLKEM768_EK_LEN], pub[KEXC25519_KEY_LEN];
	size_t publen0 = wbuf_len(client_pub);
	int r;

	(void)grp;
	*stp = NULL;
	if ((r = kexalg_state_new(alg, &st)) != 0)
		return r;
	if ((sec = calloc(1, sizeof(*sec))) == NULL) {
		r = PC_ERR_ALLOC;
		goto out;
	}
	st->impl = sec;
	st->impl_free = kexmlkem_secret_free;
	st->sklen = KEXC25519_KEY_LEN;
	rand_bytes(st->sk, KEXC25519_KEY_LEN);
	if ((r = mlkem768_keygen(ek, sec->dk)) != 0 ||
	    (r = kexc25519_public(st->sk, pub)) != 0)
		goto out;
	if ((r = wbuf_put(client_pub, ek, sizeof(ek))) != 0 ||
	    (r = wbuf_put(client_pub, pub, sizeof(pub))) != 0) {
		kexalg_rollback(client_pub, publen0);
		goto out;
	}
	*stp = st;
	st = NULL;
	r = 0;
 out:
	kexalg_state_free(st);
	return r;
}

int
kexmlkem_server_encaps(const struct kex_alg *alg,
    const struct kex_dh_group *grp, const uint8_t *client_pub,
    size_t client_len, struct wbuf *server_pub, struct wbuf *shared)
{
	uint8_t ct[MLKEM768_CT_LEN], kpq[MLKEM768_SS_LEN];
	uint8_t sk[KEXC25519_KEY_LEN], pub[KEXC25519_KEY_LEN];
	uint8_t kcl[KEXC25519_KEY_LEN];
	size_t publen0 = wbuf_len(server_pub), klen0 = wbuf_len(shared);
	int r;

	(void)grp;
	if (alg == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	/* The draft's s. 2.1: C_INIT is exactly 1184 + 32 bytes. */
	if (client_pub == NULL || client_len != KEXMLKEM_C_INIT_LEN)
		return PC_ERR_KEX_INVALID;
	/*
	 * FIPS 203 s. 7.2: an encapsulation key with a coefficient of q or
	 * more is refused (mlkem768_encaps says PC_ERR_KEX_INVALID).
	 */
	if ((r = mlkem768_encaps(client_pub, MLKEM768_EK_LEN, ct, kpq)) != 0)
		goto out;
	rand_bytes(sk, sizeof(sk));
	if ((r = kexc25519_public(sk, pub)) != 0 ||
	    (r = kexc25519_shared(sk, client_pub + MLKEM768_EK_LEN,
	    kcl)) != 0)
		goto out;
	if ((r = wbuf_put(server_pub, ct, sizeof(ct))) != 0 ||
	    (r = wbuf_put(server_pub, pub, sizeof(pub))) != 0 ||
	    (r = kexalg_hybrid_k(alg->hash, kpq, kcl, shared)) != 0) {
		kexalg_rollback(server_pub, publen0);
		kexalg_rollback(shared, klen0);
		goto out;
	}
	r = 0;
 out:
	pc_wipe(kpq, sizeof(kpq));
	pc_wipe(sk, sizeof(sk));
	pc_wipe(kcl, sizeof(kcl));
	return r;
}

int
kexmlkem_client_decaps(struct kexalg_state *st, const uint8_t *server_pub,
    size_t server_len, struct wbuf *shared)
{
	struct kexmlkem_secret *sec;
	uint8_t kpq[MLKEM768_SS_LEN], kcl[KEXC25519_KEY_LEN];
	int r;

	if (st == NULL || st->alg == NULL || st->sklen != KEXC25519_KEY_LEN ||
	    st->impl == NULL || st->impl_free != kexmlkem_secret_free)
		return PC_ERR_INVALID_ARGUMENT;
	sec = st->impl;
	/* The draft's s. 2.1: S_REPLY is exactly 1088 + 32 bytes. */
	if (server_pub == NULL || server_len != KEXMLKEM_S_REPLY_LEN)
		return PC_ERR_KEX_INVALID;
	/* A bad ciphertext is no error: ML-KEM rejects it implicitly. */
	if ((r = mlkem768_decaps(sec->dk, sizeof(sec->dk), server_pub,
	    MLKEM768_CT_LEN, kpq)) != 0 ||
	    (r = kexc25519_shared(st->sk, server_pub + MLKEM768_CT_LEN,
	    kcl)) != 0)
		goto out;
	r = kexalg_hybrid_k(st->alg->hash, kpq, kcl, shared);
 out:
	pc_wipe(kpq, sizeof(kpq));
	pc_wipe(kcl, sizeof(kcl));
	return r;
}
