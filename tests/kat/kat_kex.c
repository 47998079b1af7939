/*
 * Known answers for the key-exchange primitives:
 * - X25519: RFC 7748 s. 5.2 (two vectors, 1 and 1000 iterations) and the
 *   s. 6.1 Diffie-Hellman example, plus K as RFC 8731 s. 3.1 encodes it;
 * - ECDH: RFC 5903 s. 8.1-8.3 (P-256, P-384, P-521) with fixed keys;
 * - RFC 3526 groups 14, 16, 18 against OpenSSL's copies, group 14 checked
 *   to be a safe prime;
 * - one full exchange per table entry.
 *
 * This test includes OpenSSL only to have an independent copy of the
 * RFC 3526 primes and a primality test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bn.h>

#include "kexalg.h"
#include "kexalg_impl.h"
#include "rand.h"
#include "wbuf.h"

#define MODULI_SAMPLE	"tests/kat/data/moduli-sample"

/* Decode hex (no separators) into out; the length must match exactly. */
static void
unhex(const char *hex, uint8_t *out, size_t outlen)
{
	size_t i;
	unsigned int v;

	assert_int_equal(strlen(hex), 2 * outlen);
	for (i = 0; i < outlen; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static int
setup(void **state)
{
	return crypto_lib_init() == 0 ? 0 : -1;
}

/* RFC 7748 s. 5.2: scalar, input u-coordinate, output u-coordinate. */
static const struct {
	const char *scalar, *u, *out;
} x25519_vectors[] = {
	{ "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
	  "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
	  "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552" },
	/* u has bit 255 set: RFC 7748 s. 5 says to mask it. */
	{ "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
	  "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
	  "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957" },
};

static void
test_x25519_rfc7748_vectors(void **state)
{
	uint8_t k[32], u[32], want[32], got[32];
	size_t i;

	for (i = 0; i < sizeof(x25519_vectors) / sizeof(x25519_vectors[0]);
	    i++) {
		unhex(x25519_vectors[i].scalar, k, sizeof(k));
		unhex(x25519_vectors[i].u, u, sizeof(u));
		unhex(x25519_vectors[i].out, want, sizeof(want));
		assert_int_equal(kexc25519_shared(k, u, got), 0);
		assert_memory_equal(got, want, sizeof(want));
	}
}

/* RFC 7748 s. 5.2: k = u = 9; k, u = X25519(k, u), k; 1 and 1000 times. */
static void
test_x25519_rfc7748_iterated(void **state)
{
	uint8_t k[32], u[32], r[32], want1[32], want1000[32];
	int i;

	unhex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079",
	    want1, sizeof(want1));
	unhex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51",
	    want1000, sizeof(want1000));
	memset(k, 0, sizeof(k));
	k[0] = 9;
	memcpy(u, k, sizeof(u));
	for (i = 1; i <= 1000; i++) {
		assert_int_equal(kexc25519_shared(k, u, r), 0);
		memcpy(u, k, sizeof(u));
		memcpy(k, r, sizeof(k));
		if (i == 1)
			assert_memory_equal(k, want1, sizeof(want1));
	}
	assert_memory_equal(k, want1000, sizeof(want1000));
}

/* RFC 7748 s. 6.1, and K as RFC 8731 s. 3.1 puts it in the hash. */
static void
test_x25519_rfc7748_dh(void **state)
{
	uint8_t a[32], apub[32], b[32], bpub[32], want[32], got[32];
	uint8_t s1[32], s2[32];
	struct wbuf kb;

	unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	    a, sizeof(a));
	unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	    apub, sizeof(apub));
	unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	    b, sizeof(b));
	unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	    bpub, sizeof(bpub));
	unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
	    want, sizeof(want));

	assert_int_equal(kexc25519_public(a, got), 0);
	assert_memory_equal(got, apub, 32);
	assert_int_equal(kexc25519_public(b, got), 0);
	assert_memory_equal(got, bpub, 32);
	assert_int_equal(kexc25519_shared(a, bpub, s1), 0);
	assert_int_equal(kexc25519_shared(b, apub, s2), 0);
	assert_memory_equal(s1, want, 32);
	assert_memory_equal(s2, want, 32);

	/* 0x4a: high bit clear, so a plain 32-byte mpint. */
	wbuf_init(&kb, 0);
	assert_int_equal(kexc25519_encode_k(&kb, s1), 0);
	assert_int_equal(wbuf_len(&kb), 4 + 32);
	assert_int_equal(pc_get_u32(wbuf_ptr(&kb)), 32);
	assert_memory_equal(wbuf_ptr(&kb) + 4, want, 32);
	wbuf_clear(&kb);
}

/* K encodings: sign byte for a set high bit, leading zeros dropped. */
static void
test_x25519_k_encoding(void **state)
{
	uint8_t k[32];
	struct wbuf kb;

	/* RFC 7748 s. 5.2 first output starts 0xc3: needs a zero byte. */
	unhex(x25519_vectors[0].out, k, sizeof(k));
	wbuf_init(&kb, 0);
	assert_int_equal(kexc25519_encode_k(&kb, k), 0);
	assert_int_equal(wbuf_len(&kb), 4 + 33);
	assert_int_equal(pc_get_u32(wbuf_ptr(&kb)), 33);
	assert_int_equal(wbuf_ptr(&kb)[4], 0);
	assert_memory_equal(wbuf_ptr(&kb) + 5, k, 32);

	/* The same bytes with two leading zeros: a 30-byte mpint. */
	k[0] = 0;
	k[1] = 0;
	k[2] &= 0x7f;
	wbuf_reset(&kb);
	assert_int_equal(kexc25519_encode_k(&kb, k), 0);
	assert_int_equal(wbuf_len(&kb), 4 + 30);
	assert_int_equal(pc_get_u32(wbuf_ptr(&kb)), 30);
	assert_memory_equal(wbuf_ptr(&kb) + 4, k + 2, 30);
	wbuf_clear(&kb);
}

/* RFC 5903 s. 8: i, g^i (x, y), r, g^r (x, y), and the shared x. */
static const struct {
	enum kexecdh_curve curve;
	const char *i, *gix, *giy, *r, *grx, *gry, *girx;
} ecdh_vectors[] = {
	{ KEXECDH_P256,	/* s. 8.1 */
	  "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
	  "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180",
	  "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
	  "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
	  "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63",
	  "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
	  "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE" },
	{ KEXECDH_P384,	/* s. 8.2 */
	  "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655"
	  "E35B538041E649EE3FAEF896783AB194",
	  "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6"
	  "DE3AC808ACB4BDB4C88732AEE95F41AA",
	  "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38E"
	  "EB9FCFF3C2C947DAE69B4C634573A81C",
	  "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942"
	  "E0308312916B8ED2960E4BD55A7448FC",
	  "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D"
	  "0D1AC43A0336DEF96FDA41D0774A3571",
	  "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FF"
	  "F83FA40142209DFF5EAAD96DB9E6386C",
	  "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4"
	  "D603135569B9E9D09CF5D4A270F59746" },
	{ KEXECDH_P521,	/* s. 8.3 */
	  "0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A0"
	  "95AA85A30FE1C2952C6771D937BA9777F5957B2639BAB072462F68C27A57382D"
	  "4A52",
	  "0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBE"
	  "E1E3BF42E00B8E380AEAE57C2D107564941885942AF5A7F4601723C4195D176C"
	  "ED3E",
	  "017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10A"
	  "D8A788015AC405D7799DC75E7B7D5B6CF2261A6A7F1507438BF01BEB6CA3926F"
	  "9582",
	  "0145BA99A847AF43793FDD0E872E7CDFA16BE30FDC780F97BCCC3F078380201E"
	  "9C677D600B343757A3BDBF2A3163E4C2F869CCA7458AA4A4EFFC311F5CB15168"
	  "5EB9",
	  "00D0B3975AC4B799F5BEA16D5E13E9AF971D5E9B984C9F39728B5E5739735A21"
	  "9B97C356436ADC6E95BB0352F6BE64A6C2912D4EF2D0433CED2B6171640012D9"
	  "460F",
	  "015C68226383956E3BD066E797B623C27CE0EAC2F551A10C2C724D9852077B87"
	  "220B6536C5C408A1D2AEBB8E86D678AE49CB57091F4732296579AB44FCD17F0F"
	  "C56A",
	  "01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04"
	  "D1427E73CA4BAA240A34786859810C06B3C715A3A8CC3151F2BEE417996D19F3"
	  "DDEA" },
};

static void
point(const char *x, const char *y, size_t flen, uint8_t *pt)
{
	pt[0] = 0x04;
	unhex(x, pt + 1, flen);
	unhex(y, pt + 1 + flen, flen);
}

static void
test_ecdh_rfc5903(void **state)
{
	uint8_t priv[KEXECDH_MAX_FIELD], gi[KEXECDH_MAX_POINT];
	uint8_t gr[KEXECDH_MAX_POINT], pub[KEXECDH_MAX_POINT];
	uint8_t want[KEXECDH_MAX_FIELD], x[KEXECDH_MAX_FIELD];
	size_t i, flen, plen;

	for (i = 0; i < sizeof(ecdh_vectors) / sizeof(ecdh_vectors[0]); i++) {
		flen = kexecdh_field_len(ecdh_vectors[i].curve);
		plen = 1 + 2 * flen;
		point(ecdh_vectors[i].gix, ecdh_vectors[i].giy, flen, gi);
		point(ecdh_vectors[i].grx, ecdh_vectors[i].gry, flen, gr);
		unhex(ecdh_vectors[i].girx, want, flen);

		/* Initiator: i with g^r; its own public must be g^i. */
		unhex(ecdh_vectors[i].i, priv, flen);
		assert_int_equal(kexecdh_derive(ecdh_vectors[i].curve, priv,
		    flen, gr, plen, pub, plen, x, flen), 0);
		assert_memory_equal(pub, gi, plen);
		assert_memory_equal(x, want, flen);

		/* Responder: r with g^i. */
		unhex(ecdh_vectors[i].r, priv, flen);
		memset(x, 0, sizeof(x));
		assert_int_equal(kexecdh_derive(ecdh_vectors[i].curve, priv,
		    flen, gi, plen, pub, plen, x, flen), 0);
		assert_memory_equal(pub, gr, plen);
		assert_memory_equal(x, want, flen);
	}
}

/* Our RFC 3526 bytes against OpenSSL's, and the generator 2. */
static void
test_modp_groups_match_openssl(void **state)
{
	static const struct {
		int number;
		uint32_t bits;
		BIGNUM *(*get)(BIGNUM *);
	} groups[] = {
		{ 14, 2048, BN_get_rfc3526_prime_2048 },
		{ 16, 4096, BN_get_rfc3526_prime_4096 },
		{ 18, 8192, BN_get_rfc3526_prime_8192 },
	};
	const struct kex_dh_group *grp;
	uint8_t buf[1024];
	BIGNUM *p;
	size_t i;
	int n;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		grp = kexalg_modp_group(groups[i].number);
		assert_non_null(grp);
		assert_int_equal(grp->bits, groups[i].bits);
		assert_int_equal(grp->plen, groups[i].bits / 8);
		assert_int_equal(grp->glen, 1);
		assert_int_equal(grp->g[0], 2);
		p = groups[i].get(NULL);
		assert_non_null(p);
		assert_int_equal(BN_num_bits(p), groups[i].bits);
		n = BN_bn2bin(p, buf);
		assert_int_equal(n, grp->plen);
		assert_memory_equal(buf, grp->p, grp->plen);
		BN_free(p);
		assert_int_equal(kexdh_group_check(grp), 0);
	}
}

/* Group 14 is a safe prime: p and q = (p - 1) / 2 both prime. */
static void
test_modp14_safe_prime(void **state)
{
	const struct kex_dh_group *grp = kexalg_modp_group(14);
	BIGNUM *p, *q;
	BN_CTX *ctx;

	assert_non_null(grp);
	assert_non_null(ctx = BN_CTX_new());
	assert_non_null(p = BN_bin2bn(grp->p, (int)grp->plen, NULL));
	assert_non_null(q = BN_dup(p));
	assert_int_equal(BN_rshift1(q, q), 1);
	assert_int_equal(BN_check_prime(p, ctx, NULL), 1);
	assert_int_equal(BN_check_prime(q, ctx, NULL), 1);
	/* A composite one apart must fail, or the check proves nothing. */
	assert_int_equal(BN_add_word(q, 2), 1);
	assert_int_equal(BN_check_prime(q, ctx, NULL), 0);
	BN_free(p);
	BN_free(q);
	BN_CTX_free(ctx);
}

/* The first parsed moduli entry of the given size from the sample. */
static void
sample_group(uint32_t bits, struct kex_moduli_entry *out)
{
	char line[KEXALG_MODULI_LINE_MAX + 2];
	FILE *f;
	int r;

	assert_non_null(f = fopen(MODULI_SAMPLE, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		r = kexalg_moduli_parse_line(line, out);
		if (r == PC_ERR_NOT_FOUND)
			continue;
		assert_int_equal(r, 0);
		if (out->grp.bits == bits)
			break;
		kexalg_moduli_clear(out);
	}
	fclose(f);
	assert_int_equal(out->grp.bits, bits);
}

/* The public value a method sends has the shape its RFC gives. */
static void
check_pub_shape(const struct kex_alg *alg, const struct kex_dh_group *grp,
    const struct wbuf *pub)
{
	size_t len = wbuf_len(pub);
	const uint8_t *p = wbuf_ptr(pub);

	if (strncmp(alg->name, "curve25519", 10) == 0) {
		assert_int_equal(len, 32);
	} else if (strcmp(alg->name, "mlkem768x25519-sha256") == 0) {
		/* C_INIT ek || Q_C, or S_REPLY ct || Q_S. */
		assert_true(len == 1184 + 32 || len == 1088 + 32);
	} else if (strncmp(alg->name, "sntrup761x25519-sha512", 22) == 0) {
		/* public key || Q_C, or ciphertext || Q_S. */
		assert_true(len == 1158 + 32 || len == 1039 + 32);
	} else if (strncmp(alg->name, "ecdh-sha2-nistp", 15) == 0) {
		assert_int_equal(p[0], 0x04);
		if (strcmp(alg->name, "ecdh-sha2-nistp256") == 0)
			assert_int_equal(len, 65);
		else if (strcmp(alg->name, "ecdh-sha2-nistp384") == 0)
			assert_int_equal(len, 97);
		else
			assert_int_equal(len, 133);
	} else {
		/* An mpint body the peer accepts. */
		assert_int_equal(kexdh_pub_check(alg->group != NULL ?
		    alg->group : grp, p, len), 0);
	}
}

static void
test_roundtrip_every_method(void **state)
{
	char *list, *name, *save = NULL;
	const struct kex_alg *alg;
	const struct kex_dh_group *grp;
	struct kex_moduli_entry gex;
	struct kexalg_state *st;
	struct wbuf cpub, spub, ks, kc, kv;
	const uint8_t *mag;
	size_t maglen;
	int n = 0;

	memset(&gex, 0, sizeof(gex));
	sample_group(2048, &gex);
	assert_non_null(list = strdup(kexalg_default_list()));
	for (name = strtok_r(list, ",", &save); name != NULL;
	    name = strtok_r(NULL, ",", &save)) {
		assert_non_null(alg = kexalg_by_name(name));
		grp = alg->kind == KEXALG_GEX ? &gex.grp : NULL;
		wbuf_init(&cpub, 0);
		wbuf_init(&spub, 0);
		wbuf_init(&ks, 0);
		wbuf_init(&kc, 0);
		st = NULL;
		assert_int_equal(alg->client_keypair(alg, grp, &st, &cpub), 0);
		assert_non_null(st);
		check_pub_shape(alg, grp, &cpub);
		assert_int_equal(alg->server_encaps(alg, grp, wbuf_ptr(&cpub),
		    wbuf_len(&cpub), &spub, &ks), 0);
		check_pub_shape(alg, grp, &spub);
		assert_int_equal(alg->client_decaps(st, wbuf_ptr(&spub),
		    wbuf_len(&spub), &kc), 0);
		kexalg_state_free(st);

		assert_true(wbuf_len(&ks) > 4);
		assert_int_equal(wbuf_len(&ks), wbuf_len(&kc));
		assert_memory_equal(wbuf_ptr(&ks), wbuf_ptr(&kc),
		    wbuf_len(&ks));
		/* Every classic method's K is exactly one valid mpint; the
		 * hybrids' is a string of a hash (SHA-256, SHA-512). */
		wbuf_init_const(&kv, wbuf_ptr(&ks), wbuf_len(&ks));
		if (strcmp(name, "mlkem768x25519-sha256") == 0) {
			assert_int_equal(wbuf_get_string_direct(&kv, &mag,
			    &maglen), 0);
			assert_int_equal(maglen, 32);
		} else if (strncmp(name, "sntrup761x25519-sha512", 22) == 0) {
			assert_int_equal(wbuf_get_string_direct(&kv, &mag,
			    &maglen), 0);
			assert_int_equal(maglen, 64);
		} else
			assert_int_equal(wbuf_get_mpint(&kv, &mag, &maglen),
			    0);
		assert_int_equal(wbuf_get_end(&kv), 0);
		assert_true(maglen > 0);
		/* Public values differ between the two sides. */
		assert_false(wbuf_len(&cpub) == wbuf_len(&spub) &&
		    memcmp(wbuf_ptr(&cpub), wbuf_ptr(&spub),
		    wbuf_len(&cpub)) == 0);
		wbuf_clear(&cpub);
		wbuf_clear(&spub);
		wbuf_clear(&ks);
		wbuf_clear(&kc);
		n++;
	}
	free(list);
	kexalg_moduli_clear(&gex);
	assert_int_equal(n, 12);	/* every method of the table */
}

/* Group exchange with a chosen 3072-bit group from the moduli sample. */
static void
test_gex_roundtrip_3072(void **state)
{
	const struct kex_alg *alg;
	struct kex_moduli_entry gex;
	const struct kex_dh_group *grp = NULL;
	struct kexalg_state *st = NULL;
	struct wbuf cpub, spub, ks, kc;

	memset(&gex, 0, sizeof(gex));
	sample_group(3072, &gex);
	assert_int_equal(kexalg_gex_choose(&gex, 1, 2048, 3072, 8192, &grp),
	    0);
	assert_ptr_equal(grp, &gex.grp);
	assert_non_null(alg =
	    kexalg_by_name("diffie-hellman-group-exchange-sha256"));
	wbuf_init(&cpub, 0);
	wbuf_init(&spub, 0);
	wbuf_init(&ks, 0);
	wbuf_init(&kc, 0);
	assert_int_equal(alg->client_keypair(alg, grp, &st, &cpub), 0);
	assert_true(wbuf_len(&cpub) <= 385);
	assert_int_equal(alg->server_encaps(alg, grp, wbuf_ptr(&cpub),
	    wbuf_len(&cpub), &spub, &ks), 0);
	assert_int_equal(alg->client_decaps(st, wbuf_ptr(&spub),
	    wbuf_len(&spub), &kc), 0);
	assert_int_equal(wbuf_len(&ks), wbuf_len(&kc));
	assert_memory_equal(wbuf_ptr(&ks), wbuf_ptr(&kc), wbuf_len(&ks));
	kexalg_state_free(st);
	wbuf_clear(&cpub);
	wbuf_clear(&spub);
	wbuf_clear(&ks);
	wbuf_clear(&kc);
	kexalg_moduli_clear(&gex);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x25519_rfc7748_vectors),
		cmocka_unit_test(test_x25519_rfc7748_iterated),
		cmocka_unit_test(test_x25519_rfc7748_dh),
		cmocka_unit_test(test_x25519_k_encoding),
		cmocka_unit_test(test_ecdh_rfc5903),
		cmocka_unit_test(test_modp_groups_match_openssl),
		cmocka_unit_test(test_modp14_safe_prime),
		cmocka_unit_test(test_roundtrip_every_method),
		cmocka_unit_test(test_gex_roundtrip_3072),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
