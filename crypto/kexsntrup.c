/*
 * sntrup761x25519-sha512 and sntrup761x25519-sha512@openssh.com
 * (draft-josefsson-ntruprime-ssh s. 2; OpenSSH's PROTOCOL and
 * kexsntrup761x25519.c): a hybrid of the sntrup761 KEM and X25519.
 *
 * Client value C_INIT: sntrup761 public key (1158) || X25519 public (32).
 * Server value S_REPLY: sntrup761 ciphertext (1039) || X25519 public (32).
 * K = SHA-512(sntrup761 key (32) || X25519 shared secret (32)), put in
 * the exchange hash as a string (not an mpint), the exchange hash itself
 * being SHA-512.
 */
#include <stdlib.h>
#include <string.h>

#include "kexalg_impl.h"
#include "rand.h"
#include "sntrup761.h"

/* The client's secrets, too large for kexalg_state's sk array. */
struct kexsntrup_secret {
	uint8_t sk[SNTRUP761_SECRETKEY_BYTES];
	uint8_t xsk[KEXC25519_KEY_LEN];
};

static void
kexsntrup_secret_free(void *p)
{
	if (p == NULL) {
		return;
	}
	pc_wipe(p, sizeof(struct kexsntrup_secret));
	free(p);
}

int
kexsntrup_client_keypair(const struct kex_alg *alg,
    const struct kex_dh_group *grp, struct kexalg_state **stp,
    struct wbuf *client_pub)
{
	struct kexalg_state *st = NULL;
	struct kexsntrup_secret *sec = NULL;
	uint8_t pk[SNTRUP761_PUBLICKEY_BYTES], xpub[KEXC25519_KEY_LEN];
	size_t len0 = wbuf_len(client_pub);
	int r;

	(void)grp;
	*stp = NULL;
	if ((r = kexalg_state_new(alg, &st)) != 0) {
		return r;
	}
	if ((sec = calloc(1, sizeof(*sec))) == NULL) {
		r = PC_ERR_ALLOC;
		goto out;
	}
	st->impl = sec;
	st->impl_free = kexsntrup_secret_free;
	rand_bytes(sec->xsk, sizeof(sec->xsk));
	if ((r = sntrup761_keypair(pk, sec->sk)) != 0 ||
	    (r = kexc25519_public(sec->xsk, xpub)) != 0) {
		goto out;
	}
	if ((r = wbuf_put(client_pub, pk, sizeof(pk))) != 0 ||
	    (r = wbuf_put(client_pub, xpub, sizeof(xpub))) != 0) {
		kexalg_rollback(client_pub, len0);
		goto out;
	}
	*stp = st;
	st = NULL;
 out:
	kexalg_state_free(st);
	return r;
}

int
kexsntrup_server_encaps(const struct kex_alg *alg,
    const struct kex_dh_group *grp, const uint8_t *client_pub,
    size_t client_len, struct wbuf *server_pub, struct wbuf *shared)
{
	uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES], kem[SNTRUP761_BYTES];
	uint8_t xsk[KEXC25519_KEY_LEN], xpub[KEXC25519_KEY_LEN];
	uint8_t xk[KEXC25519_KEY_LEN];
	size_t publen0 = wbuf_len(server_pub), klen0 = wbuf_len(shared);
	int r;

	(void)grp;
	if (alg == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	/* The client's value is exactly a public key and an X25519 value. */
	if (client_pub == NULL || client_len != KEXSNTRUP_CLIENT_LEN) {
		return PC_ERR_KEX_INVALID;
	}
	rand_bytes(xsk, sizeof(xsk));
	if ((r = kexc25519_public(xsk, xpub)) != 0 ||
	    (r = kexc25519_shared(xsk,
	    client_pub + SNTRUP761_PUBLICKEY_BYTES, xk)) != 0 ||
	    (r = sntrup761_enc(ct, kem, client_pub)) != 0) {
		goto out;
	}
	if ((r = wbuf_put(server_pub, ct, sizeof(ct))) != 0 ||
	    (r = wbuf_put(server_pub, xpub, sizeof(xpub))) != 0 ||
	    (r = kexalg_hybrid_k(alg->hash, kem, xk, shared)) != 0) {
		kexalg_rollback(server_pub, publen0);
		kexalg_rollback(shared, klen0);
		goto out;
	}
	r = 0;
 out:
	pc_wipe(kem, sizeof(kem));
	pc_wipe(xsk, sizeof(xsk));
	pc_wipe(xk, sizeof(xk));
	return r;
}

int
kexsntrup_client_decaps(struct kexalg_state *st, const uint8_t *server_pub,
    size_t server_len, struct wbuf *shared)
{
	struct kexsntrup_secret *sec;
	uint8_t kem[SNTRUP761_BYTES], xk[KEXC25519_KEY_LEN];
	int r;

	if (st == NULL || st->alg == NULL || st->impl == NULL ||
	    st->impl_free != kexsntrup_secret_free) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	sec = st->impl;
	if (server_pub == NULL || server_len != KEXSNTRUP_SERVER_LEN) {
		return PC_ERR_KEX_INVALID;
	}
	if ((r = kexc25519_shared(sec->xsk,
	    server_pub + SNTRUP761_CIPHERTEXT_BYTES, xk)) != 0 ||
	    (r = sntrup761_dec(kem, server_pub, sec->sk)) != 0) {
		goto out;
	}
	r = kexalg_hybrid_k(st->alg->hash, kem, xk, shared);
 out:
	pc_wipe(kem, sizeof(kem));
	pc_wipe(xk, sizeof(xk));
	return r;
}
