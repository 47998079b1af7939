/*
 * Known answers for ML-KEM-768 (FIPS 203) and mlkem768x25519-sha256:
 * - the C2SP CCTV vectors in tests/kat/data/mlkem768 (README.md there):
 *   intermediate values of one KeyGen/Encaps/Decaps, unlucky SampleNTT
 *   inputs, strcmp-trap ciphertexts, 780 encapsulation keys with a
 *   coefficient >= q (Encaps must refuse each), and the pq-crystals
 *   reference vectors;
 * - the accumulated test: 10,000 deterministic KeyGen/Encaps/Decaps runs
 *   hashed into one SHAKE-128, checked against the published digest;
 * - one full hybrid exchange through the kex table.
 *
 * OpenSSL is used here only as the test's own SHAKE (the deterministic
 * RNG, the running hash, and J(z || c) for implicit rejection).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "kexalg.h"
#include "kexalg_impl.h"
#include "mlkem.h"
#include "rand.h"
#include "wbuf.h"

#define DATA	"tests/kat/data/mlkem768/"
#define LINE_MAX_HEX	(2 * 4096 + 256)

/*
 * The accumulated test's published digests after 10,000 runs: for the
 * final FIPS 203 (KeyGen hashes d || k) and for the draft the data folder's
 * README names (f7db260e..., KeyGen hashes d alone).  Under ASan the runs
 * would take too long for every `make check`: there only 1,000 runs are
 * made, with the same internal consistency checks, and no published
 * digest exists to compare with.
 */
#if defined(__SANITIZE_ADDRESS__)
#define ACCUM_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ACCUM_SANITIZED	1
#endif
#endif
#ifdef ACCUM_SANITIZED
#define ACCUM_RUNS	1000
#else
#define ACCUM_RUNS	10000
#endif
#define ACCUM_DIGEST_FINAL \
	"f959d18d3d1180121433bf0e05f11e7908cf9d03edc150b2b07cb90bef5bc1c1"
#define ACCUM_DIGEST_IPD \
	"f7db260e1137a742e05fe0db9525012812b004d29040a5b606aad3d134b548d3"

struct kv {
	char key[64];
	uint8_t *val;
	size_t len;
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex into a fresh buffer; fails the test on bad input. */
static uint8_t *
unhex_alloc(const char *hex, size_t *lenp)
{
	size_t n = strlen(hex), i;
	uint8_t *out;
	int hi, lo;

	assert_int_equal(n % 2, 0);
	out = malloc(n / 2 + 1);
	assert_non_null(out);
	for (i = 0; i < n / 2; i++) {
		hi = hexval(hex[2 * i]);
		lo = hexval(hex[2 * i + 1]);
		assert_true(hi >= 0 && lo >= 0);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*lenp = n / 2;
	return out;
}

static void
unhex(const char *hex, uint8_t *out, size_t outlen)
{
	size_t len;
	uint8_t *b = unhex_alloc(hex, &len);

	assert_int_equal(len, outlen);
	memcpy(out, b, len);
	free(b);
}

/*
 * Read "key = hex" (CCTV) or "key: hex" (pq-crystals) lines into kv;
 * returns the number read.  Lines whose value is not hex are skipped.
 */
static size_t
read_kv(const char *path, struct kv *kv, size_t max)
{
	FILE *f;
	char *line = NULL, *sep, *val, *end;
	size_t cap = 0, n = 0, klen;
	ssize_t got;

	f = fopen(path, "r");
	assert_non_null(f);
	while ((got = getline(&line, &cap, f)) > 0) {
		while (got > 0 && (line[got - 1] == '\n' ||
		    line[got - 1] == '\r'))
			line[--got] = '\0';
		if ((sep = strstr(line, " = ")) != NULL)
			val = sep + 3;
		else if ((sep = strstr(line, ": ")) != NULL)
			val = sep + 2;
		else
			continue;
		for (end = val; *end != '\0' && hexval(*end) >= 0; end++)
			;
		if (*end != '\0' || end == val)
			continue;	/* not a hex value (a polynomial) */
		klen = (size_t)(sep - line);
		assert_true(n < max && klen < sizeof(kv[n].key));
		memcpy(kv[n].key, line, klen);
		kv[n].key[klen] = '\0';
		kv[n].val = unhex_alloc(val, &kv[n].len);
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

/* The first value named key, which must exist with length len. */
static const uint8_t *
kv_get(const struct kv *kv, size_t n, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(kv[i].key, key) == 0) {
			assert_int_equal(kv[i].len, len);
			return kv[i].val;
		}
	}
	fail_msg("no %s in vector file", key);
	return NULL;
}

static void
kv_free(struct kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(kv[i].val);
}

static void
shake(const EVP_MD *md, const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen, uint8_t *out, size_t outlen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	assert_non_null(ctx);
	assert_int_equal(EVP_DigestInit_ex(ctx, md, NULL), 1);
	assert_int_equal(EVP_DigestUpdate(ctx, a, alen), 1);
	assert_int_equal(EVP_DigestUpdate(ctx, b, blen), 1);
	assert_int_equal(EVP_DigestFinalXOF(ctx, out, outlen), 1);
	EVP_MD_CTX_free(ctx);
}

/*
 * KeyGen(d, z), Encaps(ek, m) and Decaps(dk, c) against one vector, and
 * Decaps of c with one bit flipped against J(z || c').
 */
static void
check_full(const uint8_t *d, const uint8_t *z, const uint8_t *ek_want,
    const uint8_t *dk_want, const uint8_t *m, const uint8_t *c_want,
    const uint8_t *k_want)
{
	uint8_t ek[MLKEM768_EK_LEN], dk[MLKEM768_DK_LEN];
	uint8_t c[MLKEM768_CT_LEN], k[MLKEM768_SS_LEN], kbar[32];

	/* These vectors predate the final KeyGen (see mlkem.h). */
	assert_int_equal(mlkem768_keygen_internal_ipd(d, z, ek, dk), 0);
	assert_memory_equal(ek, ek_want, sizeof(ek));
	assert_memory_equal(dk, dk_want, sizeof(dk));
	assert_int_equal(mlkem768_encaps_internal(ek, sizeof(ek), m, c, k),
	    0);
	assert_memory_equal(c, c_want, sizeof(c));
	assert_memory_equal(k, k_want, sizeof(k));
	memset(k, 0, sizeof(k));
	assert_int_equal(mlkem768_decaps(dk, sizeof(dk), c, sizeof(c), k), 0);
	assert_memory_equal(k, k_want, sizeof(k));
	c[MLKEM768_CT_LEN - 1] ^= 0x80;
	assert_int_equal(mlkem768_decaps(dk, sizeof(dk), c, sizeof(c), k), 0);
	shake(EVP_shake256(), z, 32, c, sizeof(c), kbar, sizeof(kbar));
	assert_memory_equal(k, kbar, sizeof(k));
}

static void
test_intermediate(void **state)
{
	struct kv kv[64];
	size_t n = read_kv(DATA "intermediate-ML-KEM-768.txt", kv, 64);
	const uint8_t *ek, *dk, *z, *c;
	uint8_t kbar[32];

	ek = kv_get(kv, n, "ek", MLKEM768_EK_LEN);
	dk = kv_get(kv, n, "dk", MLKEM768_DK_LEN);
	z = kv_get(kv, n, "z", 32);
	c = kv_get(kv, n, "c", MLKEM768_CT_LEN);
	check_full(kv_get(kv, n, "d", 32), z, ek, dk,
	    kv_get(kv, n, "m", 32), c, kv_get(kv, n, "K", 32));
	/* The intermediates that the outputs carry. */
	assert_memory_equal(ek + 1152, kv_get(kv, n, "ρ", 32), 32);
	assert_memory_equal(ek, kv_get(kv, n, "t", 1152), 1152);
	assert_memory_equal(dk + 1152 + 1184, kv_get(kv, n, "H(ek)", 32), 32);
	assert_memory_equal(dk + 2368, z, 32);
	assert_memory_equal(c, kv_get(kv, n, "c1", 960), 960);
	assert_memory_equal(c + 960, kv_get(kv, n, "c2", 128), 128);
	/* KBar is J(z || c), the key a rejected c would give. */
	shake(EVP_shake256(), z, 32, c, MLKEM768_CT_LEN, kbar, sizeof(kbar));
	assert_memory_equal(kbar, kv_get(kv, n, "KBar", 32), 32);
	kv_free(kv, n);
}

static void
test_unlucky(void **state)
{
	struct kv kv[16];
	size_t n = read_kv(DATA "unluckysample-ML-KEM-768.txt", kv, 16);

	check_full(kv_get(kv, n, "d", 32), kv_get(kv, n, "z", 32),
	    kv_get(kv, n, "ek", MLKEM768_EK_LEN),
	    kv_get(kv, n, "dk", MLKEM768_DK_LEN), kv_get(kv, n, "m", 32),
	    kv_get(kv, n, "c", MLKEM768_CT_LEN), kv_get(kv, n, "K", 32));
	kv_free(kv, n);
}

/* Ciphertexts made to differ from c' only after a zero byte. */
static void
test_strcmp(void **state)
{
	struct kv kv[8];
	size_t n = read_kv(DATA "strcmp-ML-KEM-768.txt", kv, 8);
	uint8_t k[32];

	assert_int_equal(mlkem768_decaps(kv_get(kv, n, "dk", MLKEM768_DK_LEN),
	    MLKEM768_DK_LEN, kv_get(kv, n, "c", MLKEM768_CT_LEN),
	    MLKEM768_CT_LEN, k), 0);
	assert_memory_equal(k, kv_get(kv, n, "K", 32), 32);
	kv_free(kv, n);
}

static void
test_pq_crystals(void **state)
{
	struct kv kv[16];
	size_t n = read_kv(DATA "pq-crystals-test_vectors768.txt", kv, 16);
	const uint8_t *coins, *dk;
	uint8_t k[32];

	coins = kv_get(kv, n, "Coins", 64);
	dk = kv_get(kv, n, "Secret Key", MLKEM768_DK_LEN);
	assert_memory_equal(kv_get(kv, n, "Shared Secret A", 32),
	    kv_get(kv, n, "Shared Secret B", 32), 32);
	check_full(coins, coins + 32, kv_get(kv, n, "Public Key",
	    MLKEM768_EK_LEN), dk, kv_get(kv, n, "Message", 32),
	    kv_get(kv, n, "Ciphertext", MLKEM768_CT_LEN),
	    kv_get(kv, n, "Shared Secret B", 32));
	assert_int_equal(mlkem768_decaps(dk, MLKEM768_DK_LEN,
	    kv_get(kv, n, "Pseudorandom Ciphertext", MLKEM768_CT_LEN),
	    MLKEM768_CT_LEN, k), 0);
	assert_memory_equal(k, kv_get(kv, n, "Pseudorandom shared Secret A",
	    32), 32);
	kv_free(kv, n);
}

/* s. 7.2: every key in the file has a coefficient >= q. */
static void
test_modulus(void **state)
{
	const struct kex_alg *alg = kexalg_by_name("mlkem768x25519-sha256");
	FILE *f = fopen(DATA "modulus-ML-KEM-768.txt", "r");
	char *line = NULL;
	size_t cap = 0, len, count = 0;
	ssize_t got;
	uint8_t *ek, c[MLKEM768_CT_LEN], k[32], cinit[1216];
	struct wbuf spub, shared;

	assert_non_null(f);
	assert_non_null(alg);
	while ((got = getline(&line, &cap, f)) > 0) {
		if (line[got - 1] == '\n')
			line[got - 1] = '\0';
		ek = unhex_alloc(line, &len);
		assert_int_equal(len, MLKEM768_EK_LEN);
		memset(c, 0xa5, sizeof(c));
		assert_int_equal(mlkem768_encaps(ek, len, c, k),
		    PC_ERR_KEX_INVALID);
		/* Nothing written on refusal. */
		assert_int_equal(c[0], 0xa5);
		assert_int_equal(c[MLKEM768_CT_LEN - 1], 0xa5);
		/* The server refuses such a C_INIT, appending nothing. */
		if (count % 50 == 0) {
			memcpy(cinit, ek, len);
			rand_bytes(cinit + len, 32);
			wbuf_init(&spub, 0);
			wbuf_init(&shared, 0);
			assert_int_equal(alg->server_encaps(alg, NULL, cinit,
			    sizeof(cinit), &spub, &shared),
			    PC_ERR_KEX_INVALID);
			assert_int_equal(wbuf_len(&spub), 0);
			assert_int_equal(wbuf_len(&shared), 0);
			wbuf_clear(&spub);
			wbuf_clear(&shared);
		}
		free(ek);
		count++;
	}
	free(line);
	fclose(f);
	assert_int_equal(count, 780);
}

static void
accumulated(int ipd, const char *digest)
{
	EVP_MD_CTX *acc = EVP_MD_CTX_new();
	uint8_t *stream, *p;
	uint8_t ek[MLKEM768_EK_LEN], dk[MLKEM768_DK_LEN];
	uint8_t c[MLKEM768_CT_LEN], k[32], k2[32], out[32], want[32];
	const size_t per = 32 + 32 + 32 + MLKEM768_CT_LEN;
	size_t i;

	/* The RNG: SHAKE-128 of the empty string, read in one piece. */
	stream = malloc(per * ACCUM_RUNS);
	assert_non_null(stream);
	assert_non_null(acc);
	shake(EVP_shake128(), NULL, 0, NULL, 0, stream, per * ACCUM_RUNS);
	unhex("7f9c2ba4e88f827d616045507605853e", want, 16);
	assert_memory_equal(stream, want, 16);
	assert_int_equal(EVP_DigestInit_ex(acc, EVP_shake128(), NULL), 1);
	for (i = 0, p = stream; i < ACCUM_RUNS; i++, p += per) {
		if (ipd) {
			assert_int_equal(mlkem768_keygen_internal_ipd(p,
			    p + 32, ek, dk), 0);
		} else {
			assert_int_equal(mlkem768_keygen_internal(p, p + 32,
			    ek, dk), 0);
		}
		assert_int_equal(mlkem768_encaps_internal(ek, sizeof(ek),
		    p + 64, c, k), 0);
		assert_int_equal(mlkem768_decaps(dk, sizeof(dk), c,
		    sizeof(c), k2), 0);
		assert_memory_equal(k, k2, sizeof(k));
		assert_int_equal(EVP_DigestUpdate(acc, ek, sizeof(ek)), 1);
		assert_int_equal(EVP_DigestUpdate(acc, dk, sizeof(dk)), 1);
		assert_int_equal(EVP_DigestUpdate(acc, c, sizeof(c)), 1);
		assert_int_equal(EVP_DigestUpdate(acc, k, sizeof(k)), 1);
		/* A random ciphertext: implicitly rejected, J(z || c). */
		assert_int_equal(mlkem768_decaps(dk, sizeof(dk), p + 96,
		    MLKEM768_CT_LEN, k2), 0);
		if (i < 10) {
			shake(EVP_shake256(), p + 32, 32, p + 96,
			    MLKEM768_CT_LEN, k, sizeof(k));
			assert_memory_equal(k, k2, sizeof(k));
		}
		assert_int_equal(EVP_DigestUpdate(acc, k2, sizeof(k2)), 1);
	}
	assert_int_equal(EVP_DigestFinalXOF(acc, out, sizeof(out)), 1);
	EVP_MD_CTX_free(acc);
	free(stream);
#ifndef ACCUM_SANITIZED
	unhex(digest, want, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
#else
	(void)digest;
	print_message("sanitizer build: %d runs, consistency only\n",
	    ACCUM_RUNS);
#endif
}

static void
test_accumulated_final(void **state)
{
	accumulated(0, ACCUM_DIGEST_FINAL);
}

static void
test_accumulated_ipd(void **state)
{
	accumulated(1, ACCUM_DIGEST_IPD);
}

/* Full mlkem768x25519-sha256 exchange through the kex table. */
static void
test_hybrid(void **state)
{
	const struct kex_alg *alg = kexalg_by_name("mlkem768x25519-sha256");
	struct kexalg_state *st = NULL;
	struct wbuf cpub, spub, ks, kc, view;
	const uint8_t *body;
	size_t blen;

	assert_non_null(alg);
	assert_int_equal(alg->kind, KEXALG_KEM);
	assert_int_equal(alg->hash, DIGEST_SHA256);
	/* First in the default list (the post-quantum hybrids lead). */
	assert_true(strncmp(kexalg_default_list(), "mlkem768x25519-sha256,",
	    22) == 0);
	wbuf_init(&cpub, 0);
	wbuf_init(&spub, 0);
	wbuf_init(&ks, 0);
	wbuf_init(&kc, 0);
	assert_int_equal(alg->client_keypair(alg, NULL, &st, &cpub), 0);
	assert_int_equal(wbuf_len(&cpub), 1184 + 32);
	assert_int_equal(alg->server_encaps(alg, NULL, wbuf_ptr(&cpub),
	    wbuf_len(&cpub), &spub, &ks), 0);
	assert_int_equal(wbuf_len(&spub), 1088 + 32);
	assert_int_equal(alg->client_decaps(st, wbuf_ptr(&spub),
	    wbuf_len(&spub), &kc), 0);
	/* K is a string of 32 bytes, the same on both sides. */
	assert_int_equal(wbuf_len(&ks), 4 + 32);
	assert_int_equal(wbuf_len(&kc), wbuf_len(&ks));
	assert_memory_equal(wbuf_ptr(&kc), wbuf_ptr(&ks), wbuf_len(&ks));
	wbuf_init_const(&view, wbuf_ptr(&ks), wbuf_len(&ks));
	assert_int_equal(wbuf_get_string_direct(&view, &body, &blen), 0);
	assert_int_equal(blen, 32);
	assert_int_equal(wbuf_len(&view), 0);
	kexalg_state_free(st);
	wbuf_clear(&cpub);
	wbuf_clear(&spub);
	wbuf_clear(&ks);
	wbuf_clear(&kc);
}

static int
setup(void **state)
{
	return crypto_lib_init() == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intermediate),
		cmocka_unit_test(test_unlucky),
		cmocka_unit_test(test_strcmp),
		cmocka_unit_test(test_pq_crystals),
		cmocka_unit_test(test_modulus),
		cmocka_unit_test(test_accumulated_final),
		cmocka_unit_test(test_accumulated_ipd),
		cmocka_unit_test(test_hybrid),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
