/*
 * crypto/mlkem.c and crypto/kexmlkem.c (the kex operations, through the
 * table entry): ML-KEM-768 and mlkem768x25519-sha256 refusals: wrong lengths, an
 * encapsulation key with a coefficient >= q, a corrupt decapsulation key,
 * and the implicit rejection of a corrupted ciphertext (a key, J(z || c),
 * not an error).  Known answers are in tests/kat/kat_mlkem.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "kexalg.h"
#include "kexalg_impl.h"
#include "mlkem.h"
#include "rand.h"
#include "wbuf.h"

struct keys {
	uint8_t ek[MLKEM768_EK_LEN];
	uint8_t dk[MLKEM768_DK_LEN];
	uint8_t ct[MLKEM768_CT_LEN];
	uint8_t k[MLKEM768_SS_LEN];
};

static struct keys K;

static int
setup(void **state)
{
	if (crypto_lib_init() != 0 || mlkem768_keygen(K.ek, K.dk) != 0 ||
	    mlkem768_encaps(K.ek, sizeof(K.ek), K.ct, K.k) != 0)
		return -1;
	return 0;
}

static void
test_roundtrip(void **state)
{
	uint8_t k[32], ek2[MLKEM768_EK_LEN], dk2[MLKEM768_DK_LEN];

	assert_int_equal(mlkem768_decaps(K.dk, sizeof(K.dk), K.ct,
	    sizeof(K.ct), k), 0);
	assert_memory_equal(k, K.k, sizeof(k));
	/* Fresh randomness: another key pair differs. */
	assert_int_equal(mlkem768_keygen(ek2, dk2), 0);
	assert_memory_not_equal(ek2, K.ek, sizeof(ek2));
	/* dk embeds ek (FIPS 203 Algorithm 16). */
	assert_memory_equal(K.dk + 1152, K.ek, sizeof(K.ek));
}

static void
test_wrong_lengths(void **state)
{
	uint8_t ct[MLKEM768_CT_LEN + 1], k[32];

	memcpy(ct, K.ct, sizeof(K.ct));
	assert_int_equal(mlkem768_encaps(K.ek, sizeof(K.ek) - 1, ct, k),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(mlkem768_encaps(K.ek, sizeof(K.ek) + 1, ct, k),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(mlkem768_encaps(NULL, sizeof(K.ek), ct, k),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(mlkem768_decaps(K.dk, sizeof(K.dk), ct,
	    MLKEM768_CT_LEN - 1, k), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(mlkem768_decaps(K.dk, sizeof(K.dk), ct,
	    MLKEM768_CT_LEN + 1, k), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(mlkem768_decaps(K.dk, sizeof(K.dk) - 1, ct,
	    MLKEM768_CT_LEN, k), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(mlkem768_decaps(K.dk, 0, ct, MLKEM768_CT_LEN, k),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(mlkem768_decaps(NULL, sizeof(K.dk), ct,
	    MLKEM768_CT_LEN, k), PC_ERR_INVALID_ARGUMENT);
}

/* FIPS 203 s. 7.2 modulus check, at the first, a middle and the last
 * coefficient, with q itself and with 4095; rho is not checked. */
static void
test_invalid_ek(void **state)
{
	static const size_t pos[] = { 0, 1, 255, 256, 766, 767 };
	uint8_t ek[MLKEM768_EK_LEN], ct[MLKEM768_CT_LEN], k[32];
	size_t i, coef, off;
	unsigned int v, vals[] = { 3329, 4095 }, j;

	for (i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		for (j = 0; j < 2; j++) {
			memcpy(ek, K.ek, sizeof(ek));
			coef = pos[i];
			off = coef / 2 * 3;
			v = vals[j];
			if (coef % 2 == 0) {
				ek[off] = (uint8_t)v;
				ek[off + 1] = (uint8_t)((ek[off + 1] & 0xf0) |
				    (v >> 8));
			} else {
				ek[off + 1] = (uint8_t)((ek[off + 1] & 0x0f) |
				    ((v & 0x0f) << 4));
				ek[off + 2] = (uint8_t)(v >> 4);
			}
			assert_int_equal(mlkem768_encaps(ek, sizeof(ek), ct,
			    k), PC_ERR_KEX_INVALID);
		}
	}
	/* q - 1 everywhere is valid. */
	for (i = 0; i < 1152; i += 3) {
		ek[i] = 0x00;
		ek[i + 1] = 0x0d;
		ek[i + 2] = 0xd0;
	}
	assert_int_equal(mlkem768_encaps(ek, sizeof(ek), ct, k), 0);
	/* Any rho is valid. */
	memcpy(ek, K.ek, sizeof(ek));
	memset(ek + 1152, 0xff, 32);
	assert_int_equal(mlkem768_encaps(ek, sizeof(ek), ct, k), 0);
}

/* s. 7.3 hash check: dk whose H(ek) does not match its ek. */
static void
test_corrupt_dk(void **state)
{
	uint8_t dk[MLKEM768_DK_LEN], k[32];

	memcpy(dk, K.dk, sizeof(dk));
	dk[1152 + 5] ^= 1;		/* the embedded ek */
	assert_int_equal(mlkem768_decaps(dk, sizeof(dk), K.ct, sizeof(K.ct),
	    k), PC_ERR_INVALID_ARGUMENT);
	memcpy(dk, K.dk, sizeof(dk));
	dk[1152 + 1184] ^= 0x80;	/* h */
	assert_int_equal(mlkem768_decaps(dk, sizeof(dk), K.ct, sizeof(K.ct),
	    k), PC_ERR_INVALID_ARGUMENT);
}

/* Any changed byte gives J(z || c'), a key, not an error. */
static void
test_implicit_rejection(void **state)
{
	static const size_t pos[] = { 0, 1, 959, 960, 1087 };
	uint8_t ct[MLKEM768_CT_LEN], k[32], kbar[32];
	EVP_MD_CTX *ctx;
	size_t i;

	for (i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		memcpy(ct, K.ct, sizeof(ct));
		ct[pos[i]] ^= 0x01;
		assert_int_equal(mlkem768_decaps(K.dk, sizeof(K.dk), ct,
		    sizeof(ct), k), 0);
		assert_memory_not_equal(k, K.k, sizeof(k));
		ctx = EVP_MD_CTX_new();
		assert_non_null(ctx);
		assert_int_equal(EVP_DigestInit_ex(ctx, EVP_shake256(), NULL),
		    1);
		assert_int_equal(EVP_DigestUpdate(ctx, K.dk + 2368, 32), 1);
		assert_int_equal(EVP_DigestUpdate(ctx, ct, sizeof(ct)), 1);
		assert_int_equal(EVP_DigestFinalXOF(ctx, kbar, 32), 1);
		EVP_MD_CTX_free(ctx);
		assert_memory_equal(k, kbar, sizeof(k));
	}
}

/* The kex operations: lengths, bad keys, rollback, and state checks. */
static void
test_kex_refusals(void **state)
{
	const struct kex_alg *alg = kexalg_by_name("mlkem768x25519-sha256");
	const struct kex_alg *c25519 = kexalg_by_name("curve25519-sha256");
	struct kexalg_state *st = NULL, *st2 = NULL;
	struct wbuf cpub, spub, ks, kc, cpub2;
	uint8_t buf[1216 + 1];

	assert_non_null(alg);
	wbuf_init(&cpub, 0);
	wbuf_init(&spub, 0);
	wbuf_init(&ks, 0);
	wbuf_init(&kc, 0);
	wbuf_init(&cpub2, 0);
	assert_int_equal(alg->client_keypair(alg, NULL, &st, &cpub), 0);
	memcpy(buf, wbuf_ptr(&cpub), 1216);
	buf[1216] = 0;
	/* C_INIT one byte short, one long (trailing data), empty, NULL. */
	assert_int_equal(alg->server_encaps(alg, NULL, buf, 1215, &spub, &ks),
	    PC_ERR_KEX_INVALID);
	assert_int_equal(alg->server_encaps(alg, NULL, buf, 1217, &spub, &ks),
	    PC_ERR_KEX_INVALID);
	assert_int_equal(alg->server_encaps(alg, NULL, buf, 0, &spub, &ks),
	    PC_ERR_KEX_INVALID);
	assert_int_equal(alg->server_encaps(alg, NULL, NULL, 1216, &spub,
	    &ks), PC_ERR_KEX_INVALID);
	/* An X25519 value of small order (zero): refused, nothing left. */
	memset(buf + 1184, 0, 32);
	assert_int_equal(alg->server_encaps(alg, NULL, buf, 1216, &spub, &ks),
	    PC_ERR_KEX_INVALID);
	/* ek with a coefficient >= q. */
	memcpy(buf, wbuf_ptr(&cpub), 1216);
	buf[0] = 0xff;
	buf[1] |= 0x0f;
	assert_int_equal(alg->server_encaps(alg, NULL, buf, 1216, &spub, &ks),
	    PC_ERR_KEX_INVALID);
	assert_int_equal(wbuf_len(&spub), 0);
	assert_int_equal(wbuf_len(&ks), 0);
	/* A good exchange, then S_REPLY of the wrong sizes. */
	assert_int_equal(alg->server_encaps(alg, NULL, wbuf_ptr(&cpub),
	    wbuf_len(&cpub), &spub, &ks), 0);
	assert_int_equal(alg->client_decaps(st, wbuf_ptr(&spub), 1119, &kc),
	    PC_ERR_KEX_INVALID);
	assert_int_equal(alg->client_decaps(st, NULL, 1120, &kc),
	    PC_ERR_KEX_INVALID);
	memcpy(buf, wbuf_ptr(&spub), 1120);
	assert_int_equal(alg->client_decaps(st, buf, 1121, &kc),
	    PC_ERR_KEX_INVALID);
	/* Server X25519 value zero. */
	memset(buf + 1088, 0, 32);
	assert_int_equal(alg->client_decaps(st, buf, 1120, &kc),
	    PC_ERR_KEX_INVALID);
	assert_int_equal(wbuf_len(&kc), 0);
	/* A corrupted ciphertext: a K, but not the server's. */
	memcpy(buf, wbuf_ptr(&spub), 1120);
	buf[17] ^= 0x40;
	assert_int_equal(alg->client_decaps(st, buf, 1120, &kc), 0);
	assert_int_equal(wbuf_len(&kc), 36);
	assert_memory_not_equal(wbuf_ptr(&kc), wbuf_ptr(&ks), 36);
	wbuf_clear(&kc);
	wbuf_init(&kc, 0);
	assert_int_equal(alg->client_decaps(st, wbuf_ptr(&spub), 1120, &kc),
	    0);
	assert_memory_equal(wbuf_ptr(&kc), wbuf_ptr(&ks), 36);
	/* A state of another method is refused. */
	assert_int_equal(c25519->client_keypair(c25519, NULL, &st2, &cpub2),
	    0);
	assert_int_equal(alg->client_decaps(st2, wbuf_ptr(&spub), 1120, &kc),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(alg->client_decaps(NULL, wbuf_ptr(&spub), 1120,
	    &kc), PC_ERR_INVALID_ARGUMENT);
	kexalg_state_free(st);
	kexalg_state_free(st2);
	wbuf_clear(&cpub);
	wbuf_clear(&cpub2);
	wbuf_clear(&spub);
	wbuf_clear(&ks);
	wbuf_clear(&kc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_wrong_lengths),
		cmocka_unit_test(test_invalid_ek),
		cmocka_unit_test(test_corrupt_dk),
		cmocka_unit_test(test_implicit_rejection),
		cmocka_unit_test(test_kex_refusals),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
