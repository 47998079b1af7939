/*
 * Unit tests for crypto/sntrup761.c and crypto/kexsntrup.c: ring
 * inversion checked by multiplication, the sorting network, KEM round
 * trips over many deterministic seeds, implicit rejection of corrupted
 * ciphertexts, and the hybrid kex methods (round trip, K's encoding,
 * refusal of wrong lengths, nothing appended on failure).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "digest.h"
#include "kexalg.h"
#include "kexalg_impl.h"
#include "rand.h"
#include "sntrup761.h"
#include "wbuf.h"

#define P	SNTRUP761_P
#define Q	SNTRUP761_Q

/* A deterministic byte stream: SHA-512 in counter mode over a seed. */
struct test_rng {
	uint64_t seed;
	uint64_t counter;
	uint8_t block[64];
	size_t avail;
};

static void
test_rng_fn(void *ctx, void *buf, size_t len)
{
	struct test_rng *t = ctx;
	uint8_t in[16], *out = buf;
	size_t n;

	while (len > 0) {
		if (t->avail == 0) {
			memcpy(in, &t->seed, 8);
			memcpy(in + 8, &t->counter, 8);
			t->counter++;
			assert_int_equal(digest_memory(DIGEST_SHA512, in,
			    sizeof(in), t->block, sizeof(t->block)), 0);
			t->avail = sizeof(t->block);
		}
		n = len < t->avail ? len : t->avail;
		memcpy(out, t->block + sizeof(t->block) - t->avail, n);
		t->avail -= n;
		out += n;
		len -= n;
	}
}

static void
test_rng_init(struct test_rng *t, uint64_t seed)
{
	memset(t, 0, sizeof(*t));
	t->seed = seed;
}

static int
setup(void **state)
{
	(void)state;
	return crypto_lib_init() == 0 ? 0 : -1;
}

static int16_t
centred(int32_t x, int32_t m)
{
	x %= m;
	if (x < 0) {
		x += m;
	}
	if (x > (m - 1) / 2) {
		x -= m;
	}
	return (int16_t)x;
}

/* Schoolbook reference product with explicit x^p = x + 1 reduction. */
static void
ref_mul(int16_t *out, const int16_t *a, const int16_t *b, int32_t m)
{
	int64_t acc[2 * P - 1];
	int i, j;

	memset(acc, 0, sizeof(acc));
	for (i = 0; i < P; i++) {
		for (j = 0; j < P; j++) {
			acc[i + j] += (int64_t)a[i] * b[j];
		}
	}
	for (i = 2 * P - 2; i >= P; i--) {
		acc[i - P] += acc[i];
		acc[i - P + 1] += acc[i];
	}
	for (i = 0; i < P; i++) {
		out[i] = centred((int32_t)(acc[i] % m), m);
	}
}

static void
test_mul_matches_reference(void **state)
{
	int16_t a[P], b[P], got[P], want[P];
	struct test_rng t;
	uint8_t buf[2 * P];
	int i, k;

	(void)state;
	test_rng_init(&t, 7);
	for (k = 0; k < 5; k++) {
		test_rng_fn(&t, buf, sizeof(buf));
		for (i = 0; i < P; i++) {
			a[i] = centred(buf[2 * i] | buf[2 * i + 1] << 8, Q);
			b[i] = (int16_t)(buf[i] % 7) - 3;
		}
		sntrup761_mul(got, a, b, 0);
		ref_mul(want, a, b, Q);
		assert_memory_equal(got, want, sizeof(got));
		for (i = 0; i < P; i++) {
			a[i] = (int16_t)(buf[i] % 3) - 1;
			b[i] = (int16_t)(buf[P + i] % 3) - 1;
		}
		sntrup761_mul(got, a, b, 1);
		ref_mul(want, a, b, 3);
		assert_memory_equal(got, want, sizeof(got));
	}
}

static void
test_recip(void **state)
{
	int16_t a[P], inv[P], prod[P];
	struct test_rng t;
	uint8_t buf[P];
	int i, k, ok3 = 0, bad3 = 0, r;

	(void)state;
	test_rng_init(&t, 11);
	for (k = 0; k < 20; k++) {
		test_rng_fn(&t, buf, sizeof(buf));
		for (i = 0; i < P; i++) {
			a[i] = (int16_t)(buf[i] % 3) - 1;
		}
		/* R/3: invertible or not; when it is, a * inv = 1. */
		r = sntrup761_recip(inv, a, 1);
		if (r == 0) {
			ok3++;
			ref_mul(prod, a, inv, 3);
			assert_int_equal(prod[0], 1);
			for (i = 1; i < P; i++) {
				assert_int_equal(prod[i], 0);
			}
		} else {
			bad3++;
			assert_int_equal(r, -1);
		}
		/* R/q is a field: 3a is always invertible unless a = 0. */
		for (i = 0; i < P; i++) {
			a[i] = (int16_t)(3 * a[i]);
		}
		assert_int_equal(sntrup761_recip(inv, a, 0), 0);
		ref_mul(prod, inv, a, Q);
		assert_int_equal(prod[0], 1);
		for (i = 1; i < P; i++) {
			assert_int_equal(prod[i], 0);
		}
	}
	assert_true(ok3 > 0);
	/* Zero is never invertible. */
	memset(a, 0, sizeof(a));
	assert_int_equal(sntrup761_recip(inv, a, 1), -1);
	assert_int_equal(sntrup761_recip(inv, a, 0), -1);
	(void)bad3;
}

/* Elements that are 0 mod 3 are refused; a unit is inverted exactly. */
static void
test_recip_noninvertible_r3(void **state)
{
	int16_t a[P], inv[P];
	int i;

	(void)state;
	/* Every coefficient a multiple of 3: the zero element of R/3. */
	for (i = 0; i < P; i++) {
		a[i] = (int16_t)((i % 2) ? 3 : -3);
	}
	assert_int_equal(sntrup761_recip(inv, a, 1), -1);
	/* A unit: the constant -1, its own inverse. */
	memset(a, 0, sizeof(a));
	a[0] = -1;
	assert_int_equal(sntrup761_recip(inv, a, 1), 0);
	assert_int_equal(inv[0], -1);
	for (i = 1; i < P; i++) {
		assert_int_equal(inv[i], 0);
	}
}

static void
test_sort(void **state)
{
	uint32_t x[P], y[P];
	struct test_rng t;
	size_t n, i, j;
	uint32_t tmp;

	(void)state;
	test_rng_init(&t, 3);
	for (n = 0; n <= P; n += (n < 40 ? 1 : 97)) {
		test_rng_fn(&t, x, n * sizeof(x[0]));
		/* Many duplicates and the extremes too. */
		for (i = 0; i < n; i += 5) {
			x[i] = (i % 10 == 0) ? 0xffffffffu : 0;
		}
		memcpy(y, x, n * sizeof(x[0]));
		sntrup761_sort_u32(x, n);
		for (i = 1; i < n; i++) {
			for (j = i; j > 0 && y[j - 1] > y[j]; j--) {
				tmp = y[j];
				y[j] = y[j - 1];
				y[j - 1] = tmp;
			}
		}
		for (i = 0; i < n; i++) {
			assert_int_equal(x[i], y[i]);
		}
	}
}

static void
test_kem_roundtrip_many(void **state)
{
	uint8_t pk[SNTRUP761_PUBLICKEY_BYTES], sk[SNTRUP761_SECRETKEY_BYTES];
	uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES];
	uint8_t ss1[SNTRUP761_BYTES], ss2[SNTRUP761_BYTES];
	struct test_rng t;
	int seed, e;

	(void)state;
	/* 50 key pairs, 4 encapsulations each: 200 round trips. */
	for (seed = 0; seed < 50; seed++) {
		test_rng_init(&t, 1000 + (uint64_t)seed);
		assert_int_equal(sntrup761_keypair_rng(pk, sk, test_rng_fn,
		    &t), 0);
		/* The secret key carries the public key. */
		assert_memory_equal(sk + 2 * 191, pk, sizeof(pk));
		for (e = 0; e < 4; e++) {
			assert_int_equal(sntrup761_enc_rng(ct, ss1, pk,
			    test_rng_fn, &t), 0);
			assert_int_equal(sntrup761_dec(ss2, ct, sk), 0);
			assert_memory_equal(ss1, ss2, sizeof(ss1));
		}
	}
}

static void
test_kem_deterministic(void **state)
{
	uint8_t pk1[SNTRUP761_PUBLICKEY_BYTES], sk1[SNTRUP761_SECRETKEY_BYTES];
	uint8_t pk2[SNTRUP761_PUBLICKEY_BYTES], sk2[SNTRUP761_SECRETKEY_BYTES];
	struct test_rng t;

	(void)state;
	test_rng_init(&t, 42);
	assert_int_equal(sntrup761_keypair_rng(pk1, sk1, test_rng_fn, &t), 0);
	test_rng_init(&t, 42);
	assert_int_equal(sntrup761_keypair_rng(pk2, sk2, test_rng_fn, &t), 0);
	assert_memory_equal(pk1, pk2, sizeof(pk1));
	assert_memory_equal(sk1, sk2, sizeof(sk1));
	test_rng_init(&t, 43);
	assert_int_equal(sntrup761_keypair_rng(pk2, sk2, test_rng_fn, &t), 0);
	assert_memory_not_equal(pk1, pk2, sizeof(pk1));
	/* The system RNG gives distinct keys too. */
	assert_int_equal(sntrup761_keypair(pk1, sk1), 0);
	assert_int_equal(sntrup761_keypair(pk2, sk2), 0);
	assert_memory_not_equal(pk1, pk2, sizeof(pk1));
}

/* The implicit-rejection key: Hash_prefix(0, Hash_prefix(3, rho) || c). */
static void
rejection_key(uint8_t out[32], const uint8_t *sk, const uint8_t *ct)
{
	uint8_t buf[1 + 32 + SNTRUP761_CIPHERTEXT_BYTES], h[64];

	buf[0] = 3;
	memcpy(buf + 1, sk + 2 * 191 + SNTRUP761_PUBLICKEY_BYTES, 191);
	assert_int_equal(digest_memory(DIGEST_SHA512, buf, 1 + 191, h,
	    sizeof(h)), 0);
	buf[0] = 0;
	memcpy(buf + 1, h, 32);
	memcpy(buf + 33, ct, SNTRUP761_CIPHERTEXT_BYTES);
	assert_int_equal(digest_memory(DIGEST_SHA512, buf, sizeof(buf), h,
	    sizeof(h)), 0);
	memcpy(out, h, 32);
}

static void
test_kem_corrupted_ciphertext(void **state)
{
	uint8_t pk[SNTRUP761_PUBLICKEY_BYTES], sk[SNTRUP761_SECRETKEY_BYTES];
	uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES];
	uint8_t ss1[SNTRUP761_BYTES], ss2[SNTRUP761_BYTES], rej[32];
	static const size_t pos[] = { 0, 1, 500, 1006, 1007, 1038 };
	struct test_rng t;
	size_t i;

	(void)state;
	test_rng_init(&t, 99);
	assert_int_equal(sntrup761_keypair_rng(pk, sk, test_rng_fn, &t), 0);
	assert_int_equal(sntrup761_enc_rng(ct, ss1, pk, test_rng_fn, &t), 0);
	/* The genuine key is not the rejection key. */
	rejection_key(rej, sk, ct);
	assert_memory_not_equal(ss1, rej, sizeof(rej));
	for (i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		ct[pos[i]] ^= 0x01;
		assert_int_equal(sntrup761_dec(ss2, ct, sk), 0);
		assert_memory_not_equal(ss1, ss2, sizeof(ss1));
		rejection_key(rej, sk, ct);
		assert_memory_equal(ss2, rej, sizeof(rej));
		ct[pos[i]] ^= 0x01;
	}
	/* All-zero and all-0xff ciphertexts also decapsulate, to rejection. */
	memset(ct, 0, sizeof(ct));
	assert_int_equal(sntrup761_dec(ss2, ct, sk), 0);
	rejection_key(rej, sk, ct);
	assert_memory_equal(ss2, rej, sizeof(rej));
	memset(ct, 0xff, sizeof(ct));
	assert_int_equal(sntrup761_dec(ss2, ct, sk), 0);
	rejection_key(rej, sk, ct);
	assert_memory_equal(ss2, rej, sizeof(rej));
}

/* Encapsulation to arbitrary public-key bytes must not misbehave. */
static void
test_kem_garbage_public_key(void **state)
{
	uint8_t pk[SNTRUP761_PUBLICKEY_BYTES];
	uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES], ss[SNTRUP761_BYTES];
	struct test_rng t;

	(void)state;
	memset(pk, 0xff, sizeof(pk));
	assert_int_equal(sntrup761_enc(ct, ss, pk), 0);
	memset(pk, 0, sizeof(pk));
	assert_int_equal(sntrup761_enc(ct, ss, pk), 0);
	test_rng_init(&t, 5);
	test_rng_fn(&t, pk, sizeof(pk));
	assert_int_equal(sntrup761_enc(ct, ss, pk), 0);
}

/* --- the kex methods -------------------------------------------------- */

static void
kex_roundtrip(const char *name)
{
	const struct kex_alg *alg = kexalg_by_name(name);
	struct kexalg_state *st = NULL;
	struct wbuf cpub, spub, k1, k2;
	struct wbuf v;
	const uint8_t *body;
	size_t blen;

	assert_non_null(alg);
	assert_int_equal(alg->hash, DIGEST_SHA512);
	assert_int_equal(alg->kind, KEXALG_KEM);
	wbuf_init(&cpub, 0);
	wbuf_init(&spub, 0);
	wbuf_init(&k1, 0);
	wbuf_init(&k2, 0);
	assert_int_equal(alg->client_keypair(alg, NULL, &st, &cpub), 0);
	assert_int_equal(wbuf_len(&cpub), 1158 + 32);
	assert_int_equal(alg->server_encaps(alg, NULL, wbuf_ptr(&cpub),
	    wbuf_len(&cpub), &spub, &k1), 0);
	assert_int_equal(wbuf_len(&spub), 1039 + 32);
	assert_int_equal(alg->client_decaps(st, wbuf_ptr(&spub),
	    wbuf_len(&spub), &k2), 0);
	/* K is string(SHA-512(...)): a 4-byte length 64, then 64 bytes. */
	assert_int_equal(wbuf_len(&k1), 4 + 64);
	assert_int_equal(wbuf_len(&k1), wbuf_len(&k2));
	assert_memory_equal(wbuf_ptr(&k1), wbuf_ptr(&k2), wbuf_len(&k1));
	wbuf_init_const(&v, wbuf_ptr(&k1), wbuf_len(&k1));
	assert_int_equal(wbuf_get_string_direct(&v, &body, &blen), 0);
	assert_int_equal(blen, 64);
	assert_int_equal(wbuf_len(&v), 0);
	kexalg_state_free(st);
	wbuf_clear(&cpub);
	wbuf_clear(&spub);
	wbuf_clear(&k1);
	wbuf_clear(&k2);
}

static void
test_kex_roundtrip(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		kex_roundtrip("sntrup761x25519-sha512");
		kex_roundtrip("sntrup761x25519-sha512@openssh.com");
	}
}

static void
test_kex_wrong_lengths(void **state)
{
	const struct kex_alg *alg = kexalg_by_name("sntrup761x25519-sha512");
	struct kexalg_state *st = NULL;
	struct wbuf cpub, spub, k;
	uint8_t big[2048];
	static const size_t clens[] = { 0, 1, 32, 1158, 1189, 1191, 2048 };
	static const size_t slens[] = { 0, 32, 1039, 1070, 1072, 2048 };
	size_t i;

	(void)state;
	assert_non_null(alg);
	wbuf_init(&cpub, 0);
	wbuf_init(&spub, 0);
	wbuf_init(&k, 0);
	assert_int_equal(alg->client_keypair(alg, NULL, &st, &cpub), 0);
	memset(big, 0, sizeof(big));
	memcpy(big, wbuf_ptr(&cpub), wbuf_len(&cpub));
	for (i = 0; i < sizeof(clens) / sizeof(clens[0]); i++) {
		assert_int_equal(alg->server_encaps(alg, NULL, big, clens[i],
		    &spub, &k), PC_ERR_KEX_INVALID);
		assert_int_equal(wbuf_len(&spub), 0);
		assert_int_equal(wbuf_len(&k), 0);
	}
	assert_int_equal(alg->server_encaps(alg, NULL, NULL, 1190, &spub,
	    &k), PC_ERR_KEX_INVALID);
	for (i = 0; i < sizeof(slens) / sizeof(slens[0]); i++) {
		assert_int_equal(alg->client_decaps(st, big, slens[i], &k),
		    PC_ERR_KEX_INVALID);
		assert_int_equal(wbuf_len(&k), 0);
	}
	kexalg_state_free(st);
	wbuf_clear(&cpub);
	wbuf_clear(&spub);
	wbuf_clear(&k);
}

/* An all-zero X25519 value is refused (RFC 8731 s. 3), nothing appended. */
static void
test_kex_zero_x25519(void **state)
{
	const struct kex_alg *alg = kexalg_by_name("sntrup761x25519-sha512");
	struct kexalg_state *st = NULL;
	struct wbuf cpub, spub, k;
	uint8_t buf[1190];

	(void)state;
	wbuf_init(&cpub, 0);
	wbuf_init(&spub, 0);
	wbuf_init(&k, 0);
	assert_int_equal(alg->client_keypair(alg, NULL, &st, &cpub), 0);
	memcpy(buf, wbuf_ptr(&cpub), sizeof(buf));
	memset(buf + 1158, 0, 32);
	assert_int_equal(alg->server_encaps(alg, NULL, buf, sizeof(buf),
	    &spub, &k), PC_ERR_KEX_INVALID);
	assert_int_equal(wbuf_len(&spub), 0);
	assert_int_equal(wbuf_len(&k), 0);
	memset(buf, 0, 1071);
	assert_int_equal(alg->client_decaps(st, buf, 1071, &k),
	    PC_ERR_KEX_INVALID);
	assert_int_equal(wbuf_len(&k), 0);
	kexalg_state_free(st);
	wbuf_clear(&cpub);
	wbuf_clear(&spub);
	wbuf_clear(&k);
}

/* A corrupted ciphertext in the kex gives a different K, not an error. */
static void
test_kex_corrupted_ciphertext(void **state)
{
	const struct kex_alg *alg = kexalg_by_name("sntrup761x25519-sha512");
	struct kexalg_state *st = NULL;
	struct wbuf cpub, spub, k1, k2;
	uint8_t buf[1071];

	(void)state;
	wbuf_init(&cpub, 0);
	wbuf_init(&spub, 0);
	wbuf_init(&k1, 0);
	wbuf_init(&k2, 0);
	assert_int_equal(alg->client_keypair(alg, NULL, &st, &cpub), 0);
	assert_int_equal(alg->server_encaps(alg, NULL, wbuf_ptr(&cpub),
	    wbuf_len(&cpub), &spub, &k1), 0);
	memcpy(buf, wbuf_ptr(&spub), sizeof(buf));
	buf[10] ^= 0x80;
	assert_int_equal(alg->client_decaps(st, buf, sizeof(buf), &k2), 0);
	assert_int_equal(wbuf_len(&k2), 68);
	assert_memory_not_equal(wbuf_ptr(&k1), wbuf_ptr(&k2), 68);
	kexalg_state_free(st);
	wbuf_clear(&cpub);
	wbuf_clear(&spub);
	wbuf_clear(&k1);
	wbuf_clear(&k2);
}

static void
test_kex_listed(void **state)
{
	const char *list = kexalg_default_list();

	(void)state;
	assert_non_null(strstr(list, "sntrup761x25519-sha512,"));
	assert_non_null(strstr(list, "sntrup761x25519-sha512@openssh.com"));
	assert_null(kexalg_by_name("sntrup761x25519-sha256"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mul_matches_reference),
		cmocka_unit_test(test_recip),
		cmocka_unit_test(test_recip_noninvertible_r3),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_kem_roundtrip_many),
		cmocka_unit_test(test_kem_deterministic),
		cmocka_unit_test(test_kem_corrupted_ciphertext),
		cmocka_unit_test(test_kem_garbage_public_key),
		cmocka_unit_test(test_kex_roundtrip),
		cmocka_unit_test(test_kex_wrong_lengths),
		cmocka_unit_test(test_kex_zero_x25519),
		cmocka_unit_test(test_kex_corrupted_ciphertext),
		cmocka_unit_test(test_kex_listed),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
