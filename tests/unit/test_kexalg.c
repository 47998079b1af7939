/*
 * Unit tests for crypto/kexalg: the table and lists, refusal of every kind
 * of bad public value for each method, DH group checks, moduli(5) line
 * parsing, and the group-exchange bounds and choice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kexalg.h"
#include "kexalg_impl.h"
#include "rand.h"
#include "wbuf.h"

#define MODULI_SAMPLE	"tests/kat/data/moduli-sample"

static int
setup(void **state)
{
	return crypto_lib_init() == 0 ? 0 : -1;
}

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

/* ---- table and lists ---- */

static const char *const expected_names[] = {
	"mlkem768x25519-sha256",
	"sntrup761x25519-sha512",
	"sntrup761x25519-sha512@openssh.com",
	"curve25519-sha256",
	"curve25519-sha256@libssh.org",
	"ecdh-sha2-nistp256",
	"ecdh-sha2-nistp384",
	"ecdh-sha2-nistp521",
	"diffie-hellman-group-exchange-sha256",
	"diffie-hellman-group16-sha512",
	"diffie-hellman-group18-sha512",
	"diffie-hellman-group14-sha256",
};
#define NNAMES	(sizeof(expected_names) / sizeof(expected_names[0]))

static void
test_lists(void **state)
{
	const char *want =
	    "mlkem768x25519-sha256,"
	    "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,"
	    "curve25519-sha256,curve25519-sha256@libssh.org,"
	    "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
	    "diffie-hellman-group-exchange-sha256,"
	    "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,"
	    "diffie-hellman-group14-sha256";

	assert_string_equal(kexalg_default_list(), want);
	assert_string_equal(kexalg_supported_list(), want);
	/* Built once: the same string on a second call. */
	assert_string_equal(kexalg_default_list(), want);
}

static void
test_by_name(void **state)
{
	static const struct {
		const char *name;
		enum digest_alg hash;
		enum kexalg_kind kind;
		int group;	/* RFC 3526 number, 0: none */
	} want[] = {
		{ "mlkem768x25519-sha256", DIGEST_SHA256, KEXALG_KEM, 0 },
		{ "sntrup761x25519-sha512", DIGEST_SHA512, KEXALG_KEM, 0 },
		{ "sntrup761x25519-sha512@openssh.com", DIGEST_SHA512,
		    KEXALG_KEM, 0 },
		{ "curve25519-sha256", DIGEST_SHA256, KEXALG_KEM, 0 },
		{ "curve25519-sha256@libssh.org", DIGEST_SHA256, KEXALG_KEM,
		    0 },
		{ "ecdh-sha2-nistp256", DIGEST_SHA256, KEXALG_KEM, 0 },
		{ "ecdh-sha2-nistp384", DIGEST_SHA384, KEXALG_KEM, 0 },
		{ "ecdh-sha2-nistp521", DIGEST_SHA512, KEXALG_KEM, 0 },
		{ "diffie-hellman-group-exchange-sha256", DIGEST_SHA256,
		    KEXALG_GEX, 0 },
		{ "diffie-hellman-group16-sha512", DIGEST_SHA512, KEXALG_KEM,
		    16 },
		{ "diffie-hellman-group18-sha512", DIGEST_SHA512, KEXALG_KEM,
		    18 },
		{ "diffie-hellman-group14-sha256", DIGEST_SHA256, KEXALG_KEM,
		    14 },
	};
	static const char *const unknown[] = {
		"", "curve25519", "CURVE25519-SHA256", "curve25519-sha256 ",
		" curve25519-sha256", "curve25519-sha256,ecdh-sha2-nistp256",
		"diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1",
		"diffie-hellman-group-exchange-sha1", "ecdh-sha2-nistp224",
		"ext-info-c", "kex-strict-s-v00@openssh.com",
		"mlkem768x25519-sha256@openssh.com", "sntrup761x25519",
		"sntrup761x25519-sha256", "sntrup4591761x25519-sha512@tinyssh.org",
	};
	const struct kex_alg *alg;
	size_t i;

	assert_int_equal(sizeof(want) / sizeof(want[0]), NNAMES);
	for (i = 0; i < NNAMES; i++) {
		assert_non_null(alg = kexalg_by_name(want[i].name));
		assert_string_equal(alg->name, expected_names[i]);
		assert_int_equal(alg->hash, want[i].hash);
		assert_int_equal(alg->kind, want[i].kind);
		if (want[i].group != 0)
			assert_ptr_equal(alg->group,
			    kexalg_modp_group(want[i].group));
		else
			assert_null(alg->group);
		assert_non_null(alg->client_keypair);
		assert_non_null(alg->server_encaps);
		assert_non_null(alg->client_decaps);
	}
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_null(kexalg_by_name(unknown[i]));
	assert_null(kexalg_by_name(NULL));
}

static void
test_modp_numbers(void **state)
{
	static const int bad[] = { -1, 0, 1, 2, 5, 13, 15, 17, 19, 24 };
	size_t i;

	assert_int_equal(kexalg_modp_group(14)->bits, 2048);
	assert_int_equal(kexalg_modp_group(16)->bits, 4096);
	assert_int_equal(kexalg_modp_group(18)->bits, 8192);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(kexalg_modp_group(bad[i]));
	kexalg_state_free(NULL);
}

/*
 * Feed bad to both the server (as the client's value) and a client state
 * (as the server's value); both must refuse with want and leave every
 * output buffer as it was.
 */
static void
expect_refused(const struct kex_alg *alg, const struct kex_dh_group *grp,
    struct kexalg_state *st, const uint8_t *bad, size_t len, int want)
{
	struct wbuf spub, k;

	wbuf_init(&spub, 0);
	wbuf_init(&k, 0);
	assert_int_equal(wbuf_put_u8(&spub, 0xaa), 0);
	assert_int_equal(wbuf_put_u8(&k, 0xbb), 0);
	assert_int_equal(alg->server_encaps(alg, grp, bad, len, &spub, &k),
	    want);
	assert_int_equal(wbuf_len(&spub), 1);
	assert_int_equal(wbuf_len(&k), 1);
	assert_int_equal(alg->client_decaps(st, bad, len, &k), want);
	assert_int_equal(wbuf_len(&k), 1);
	wbuf_clear(&spub);
	wbuf_clear(&k);
}

/* A client state for alg (its public value into pub if not NULL). */
static struct kexalg_state *
client_state(const struct kex_alg *alg, const struct kex_dh_group *grp,
    struct wbuf *pub)
{
	struct kexalg_state *st = NULL;
	struct wbuf tmp;

	wbuf_init(&tmp, 0);
	assert_int_equal(alg->client_keypair(alg, grp, &st,
	    pub != NULL ? pub : &tmp), 0);
	wbuf_clear(&tmp);
	assert_non_null(st);
	return st;
}

/* ---- curve25519 ---- */

/*
 * Points of small order on curve25519 and its twist (the list in RFC 7748
 * s. 6.1's reference and cr.yp.to/ecdh.html): 0, 1, the two points of
 * order 8, p - 1, p and p + 1.  Each gives the all-zero output.
 */
static const char *const c25519_small_order[] = {
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

static void
test_c25519_invalid(void **state)
{
	const char *names[] = { "curve25519-sha256",
	    "curve25519-sha256@libssh.org" };
	const struct kex_alg *alg;
	struct kexalg_state *st;
	struct wbuf pub;
	uint8_t buf[64], pt[32], out[32], sk[32];
	size_t i, j;

	for (j = 0; j < 2; j++) {
		assert_non_null(alg = kexalg_by_name(names[j]));
		wbuf_init(&pub, 0);
		st = client_state(alg, NULL, &pub);
		assert_int_equal(wbuf_len(&pub), 32);
		/* Wrong lengths, even of an otherwise good value. */
		memcpy(buf, wbuf_ptr(&pub), 32);
		memcpy(buf + 32, wbuf_ptr(&pub), 32);
		expect_refused(alg, NULL, st, buf, 0, PC_ERR_KEX_INVALID);
		expect_refused(alg, NULL, st, buf, 1, PC_ERR_KEX_INVALID);
		expect_refused(alg, NULL, st, buf, 31, PC_ERR_KEX_INVALID);
		expect_refused(alg, NULL, st, buf, 33, PC_ERR_KEX_INVALID);
		expect_refused(alg, NULL, st, buf, 64, PC_ERR_KEX_INVALID);
		expect_refused(alg, NULL, st, NULL, 32, PC_ERR_KEX_INVALID);
		/* Small-order points, and the same with bit 255 set. */
		for (i = 0; i < sizeof(c25519_small_order) /
		    sizeof(c25519_small_order[0]); i++) {
			unhex(c25519_small_order[i], pt, sizeof(pt));
			expect_refused(alg, NULL, st, pt, 32,
			    PC_ERR_KEX_INVALID);
			pt[31] |= 0x80;
			expect_refused(alg, NULL, st, pt, 32,
			    PC_ERR_KEX_INVALID);
		}
		kexalg_state_free(st);
		wbuf_clear(&pub);
	}
	/* The lower level refuses them too, and leaves no output. */
	rand_bytes(sk, sizeof(sk));
	for (i = 0; i < sizeof(c25519_small_order) /
	    sizeof(c25519_small_order[0]); i++) {
		unhex(c25519_small_order[i], pt, sizeof(pt));
		memset(out, 0x55, sizeof(out));
		assert_int_equal(kexc25519_shared(sk, pt, out),
		    PC_ERR_KEX_INVALID);
		for (j = 0; j < sizeof(out); j++)
			assert_int_equal(out[j], 0);
	}
}

/* ---- ECDH ---- */

static void
test_ecdh_invalid(void **state)
{
	const char *names[] = { "ecdh-sha2-nistp256", "ecdh-sha2-nistp384",
	    "ecdh-sha2-nistp521" };
	const size_t flens[] = { 32, 48, 66 };
	const struct kex_alg *alg, *other;
	struct kexalg_state *st;
	struct wbuf pub, opub;
	uint8_t good[KEXECDH_MAX_POINT + 1], bad[KEXECDH_MAX_POINT + 1];
	size_t i, flen, plen;

	for (i = 0; i < 3; i++) {
		assert_non_null(alg = kexalg_by_name(names[i]));
		flen = flens[i];
		plen = 1 + 2 * flen;
		wbuf_init(&pub, 0);
		st = client_state(alg, NULL, &pub);
		assert_int_equal(wbuf_len(&pub), plen);
		memcpy(good, wbuf_ptr(&pub), plen);
		good[plen] = 0;

		/* Empty, the one-byte encoding of infinity, NULL. */
		expect_refused(alg, NULL, st, good, 0, PC_ERR_KEX_INVALID);
		bad[0] = 0x00;
		expect_refused(alg, NULL, st, bad, 1, PC_ERR_KEX_INVALID);
		expect_refused(alg, NULL, st, NULL, plen, PC_ERR_KEX_INVALID);
		/* Truncated by one; one byte of trailing data. */
		expect_refused(alg, NULL, st, good, plen - 1,
		    PC_ERR_KEX_INVALID);
		expect_refused(alg, NULL, st, good, plen + 1,
		    PC_ERR_KEX_INVALID);
		/* Compressed forms of the same (valid) point, both signs. */
		memcpy(bad, good, 1 + flen);
		bad[0] = 0x02;
		expect_refused(alg, NULL, st, bad, 1 + flen,
		    PC_ERR_KEX_INVALID);
		bad[0] = 0x03;
		expect_refused(alg, NULL, st, bad, 1 + flen,
		    PC_ERR_KEX_INVALID);
		/* Hybrid form (SEC1 0x06/0x07) at full length. */
		memcpy(bad, good, plen);
		bad[0] = 0x06;
		expect_refused(alg, NULL, st, bad, plen, PC_ERR_KEX_INVALID);
		bad[0] = 0x07;
		expect_refused(alg, NULL, st, bad, plen, PC_ERR_KEX_INVALID);
		/* Off the curve: Y changed by one. */
		memcpy(bad, good, plen);
		bad[plen - 1] ^= 0x01;
		expect_refused(alg, NULL, st, bad, plen, PC_ERR_KEX_INVALID);
		/* (0, 0): infinity spelt out, not on the curve. */
		memset(bad, 0, plen);
		bad[0] = 0x04;
		expect_refused(alg, NULL, st, bad, plen, PC_ERR_KEX_INVALID);
		/* Coordinates of all ones: >= p, out of the field. */
		memset(bad, 0xff, plen);
		bad[0] = 0x04;
		expect_refused(alg, NULL, st, bad, plen, PC_ERR_KEX_INVALID);
		/* A valid point of another curve. */
		other = kexalg_by_name(names[(i + 1) % 3]);
		wbuf_init(&opub, 0);
		kexalg_state_free(client_state(other, NULL, &opub));
		expect_refused(alg, NULL, st, wbuf_ptr(&opub),
		    wbuf_len(&opub), PC_ERR_KEX_INVALID);
		wbuf_clear(&opub);

		kexalg_state_free(st);
		wbuf_clear(&pub);
	}
}

/* The fixed-key function refuses bad arguments and bad scalars. */
static void
test_ecdh_derive_args(void **state)
{
	uint8_t priv[32], pub[65], x[32], peer[65];
	struct kexalg_state *st;
	struct wbuf w;
	const struct kex_alg *alg = kexalg_by_name("ecdh-sha2-nistp256");

	wbuf_init(&w, 0);
	st = client_state(alg, NULL, &w);
	memcpy(peer, wbuf_ptr(&w), sizeof(peer));
	kexalg_state_free(st);
	wbuf_clear(&w);

	memset(priv, 0, sizeof(priv));
	priv[31] = 7;
	assert_int_equal(kexecdh_derive(KEXECDH_P256, priv, 32, peer, 65,
	    pub, 65, x, 32), 0);
	/* Scalar zero, scalar = n (the group order), scalar too long. */
	memset(priv, 0, sizeof(priv));
	assert_int_equal(kexecdh_derive(KEXECDH_P256, priv, 32, peer, 65,
	    pub, 65, x, 32), PC_ERR_INVALID_ARGUMENT);
	unhex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
	    priv, 32);
	assert_int_equal(kexecdh_derive(KEXECDH_P256, priv, 32, peer, 65,
	    pub, 65, x, 32), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(kexecdh_derive(KEXECDH_P256, peer, 33, peer, 65,
	    pub, 65, x, 32), PC_ERR_INVALID_ARGUMENT);
	/* Output sizes that do not fit the curve; an unknown curve. */
	priv[31] = 7;
	assert_int_equal(kexecdh_derive(KEXECDH_P256, priv, 32, peer, 65,
	    pub, 64, x, 32), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(kexecdh_derive(KEXECDH_P256, priv, 32, peer, 65,
	    pub, 65, x, 31), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(kexecdh_derive(KEXECDH_NCURVES, priv, 32, peer, 65,
	    pub, 65, x, 32), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(kexecdh_field_len(KEXECDH_NCURVES), 0);
}

/* ---- finite-field DH ---- */

/* Big-endian add or subtract one, in place. */
static void
be_inc(uint8_t *p, size_t len)
{
	while (len > 0 && ++p[len - 1] == 0)
		len--;
}

static void
be_dec(uint8_t *p, size_t len)
{
	while (len > 0 && p[len - 1]-- == 0)
		len--;
}

/* An mpint body of the magnitude mag (len bytes, no leading zeros). */
static size_t
body_of(const uint8_t *mag, size_t len, uint8_t *out)
{
	size_t pad = (mag[0] & 0x80) ? 1 : 0;

	out[0] = 0;
	memcpy(out + pad, mag, len);
	return pad + len;
}

static void
check_dh_invalid(const struct kex_alg *alg, const struct kex_dh_group *grp)
{
	const struct kex_dh_group *g = alg->group != NULL ? alg->group : grp;
	struct kexalg_state *st;
	uint8_t mag[KEXDH_MAX_BYTES + 2], body[KEXDH_MAX_BYTES + 4];
	size_t plen = g->plen, n;

	assert_true(plen <= KEXDH_MAX_BYTES);
	st = client_state(alg, grp, NULL);

	/* Zero: the empty body, and a non-minimal "00". */
	expect_refused(alg, grp, st, body, 0, PC_ERR_KEX_INVALID);
	body[0] = 0;
	expect_refused(alg, grp, st, body, 1, PC_ERR_KEX_INVALID);
	/* 1; and 2, 4, 2^k: one bit set (OpenSSH's dh_pub_is_valid). */
	body[0] = 1;
	expect_refused(alg, grp, st, body, 1, PC_ERR_KEX_INVALID);
	body[0] = 2;
	expect_refused(alg, grp, st, body, 1, PC_ERR_KEX_INVALID);
	body[0] = 0x40;
	memset(body + 1, 0, 20);
	expect_refused(alg, grp, st, body, 21, PC_ERR_KEX_INVALID);
	/* 3 is in range with two bits set: accepted by the check. */
	body[0] = 3;
	assert_int_equal(kexdh_pub_check(g, body, 1), 0);
	/* Non-minimal: a leading zero before a clear high bit. */
	body[0] = 0;
	body[1] = 3;
	expect_refused(alg, grp, st, body, 2, PC_ERR_KEX_INVALID);
	/* Negative: high bit set without the zero byte. */
	memcpy(mag, g->p, plen);
	be_dec(mag, plen);
	be_dec(mag, plen);	/* p - 2, top bit set */
	expect_refused(alg, grp, st, mag, plen, PC_ERR_KEX_INVALID);
	body[0] = 0x80;
	body[1] = 0x05;
	expect_refused(alg, grp, st, body, 2, PC_ERR_KEX_INVALID);
	/* p - 2 is the largest value allowed. */
	n = body_of(mag, plen, body);
	assert_int_equal(kexdh_pub_check(g, body, n), 0);
	/* p - 1, p, p + 1. */
	be_inc(mag, plen);
	n = body_of(mag, plen, body);
	expect_refused(alg, grp, st, body, n, PC_ERR_KEX_INVALID);
	be_inc(mag, plen);
	assert_memory_equal(mag, g->p, plen);
	n = body_of(mag, plen, body);
	expect_refused(alg, grp, st, body, n, PC_ERR_KEX_INVALID);
	be_inc(mag, plen);
	n = body_of(mag, plen, body);
	expect_refused(alg, grp, st, body, n, PC_ERR_KEX_INVALID);
	/* Far above p: one byte longer, all ones; and two bytes longer. */
	memset(mag, 0x7f, 1);
	memset(mag + 1, 0xff, plen);
	expect_refused(alg, grp, st, mag, plen + 1, PC_ERR_KEX_INVALID);
	body[0] = 0;
	memset(body + 1, 0xff, plen + 1);
	expect_refused(alg, grp, st, body, plen + 2, PC_ERR_KEX_INVALID);
	/* NULL. */
	expect_refused(alg, grp, st, NULL, 5, PC_ERR_KEX_INVALID);
	kexalg_state_free(st);
}

static void
test_dh_invalid_fixed_groups(void **state)
{
	check_dh_invalid(kexalg_by_name("diffie-hellman-group14-sha256"),
	    NULL);
	check_dh_invalid(kexalg_by_name("diffie-hellman-group16-sha512"),
	    NULL);
}

static void
test_dh_invalid_gex(void **state)
{
	const struct kex_alg *alg =
	    kexalg_by_name("diffie-hellman-group-exchange-sha256");
	struct kex_moduli_entry e;
	char line[KEXALG_MODULI_LINE_MAX + 2];
	FILE *f;
	int r;

	assert_non_null(f = fopen(MODULI_SAMPLE, "r"));
	do {
		assert_non_null(fgets(line, sizeof(line), f));
		r = kexalg_moduli_parse_line(line, &e);
	} while (r == PC_ERR_NOT_FOUND);
	fclose(f);
	assert_int_equal(r, 0);
	check_dh_invalid(alg, &e.grp);
	kexalg_moduli_clear(&e);
}

/* Groups the DH operations must refuse to work in. */
static void
test_dh_bad_groups(void **state)
{
	const struct kex_alg *gex =
	    kexalg_by_name("diffie-hellman-group-exchange-sha256");
	const struct kex_dh_group *g14 = kexalg_modp_group(14);
	struct kex_dh_group bad;
	struct kexalg_state *st;
	struct wbuf pub, k;
	uint8_t p[256 + 1], g[256];
	uint8_t e3[1] = { 3 };

	wbuf_init(&pub, 0);
	wbuf_init(&k, 0);
	/* Group exchange without a group. */
	st = (struct kexalg_state *)1;
	assert_int_equal(gex->client_keypair(gex, NULL, &st, &pub),
	    PC_ERR_INVALID_ARGUMENT);
	assert_null(st);
	assert_int_equal(gex->server_encaps(gex, NULL, e3, 1, &pub, &k),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(wbuf_len(&pub), 0);

	assert_int_equal(kexdh_group_check(g14), 0);
	assert_int_equal(kexdh_group_check(NULL), PC_ERR_INVALID_ARGUMENT);
	memcpy(p, g14->p, g14->plen);
	/* Even p. */
	bad = *g14;
	bad.p = p;
	p[255] &= 0xfe;
	assert_int_equal(kexdh_group_check(&bad), PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(gex->client_keypair(gex, &bad, &st, &pub),
	    PC_ERR_INVALID_ARGUMENT);
	p[255] |= 1;
	assert_int_equal(kexdh_group_check(&bad), 0);
	/* Too small: 2047 and 1024 bits. */
	p[0] &= 0x7f;
	assert_int_equal(kexdh_group_check(&bad), PC_ERR_INVALID_ARGUMENT);
	p[0] |= 0x80;
	bad.plen = 128;
	bad.p = g14->p + 128;
	assert_int_equal(kexdh_group_check(&bad), PC_ERR_INVALID_ARGUMENT);
	/* Too large: more bytes than KEXDH_MAX_BYTES + 1. */
	bad = *g14;
	bad.plen = KEXDH_MAX_BYTES + 2;
	assert_int_equal(kexdh_group_check(&bad), PC_ERR_INVALID_ARGUMENT);
	/* Generators 0, 1, p - 1, p, and longer than p. */
	bad = *g14;
	bad.g = g;
	bad.glen = 1;
	g[0] = 0;
	assert_int_equal(kexdh_group_check(&bad), PC_ERR_INVALID_ARGUMENT);
	g[0] = 1;
	assert_int_equal(kexdh_group_check(&bad), PC_ERR_INVALID_ARGUMENT);
	g[0] = 5;
	assert_int_equal(kexdh_group_check(&bad), 0);
	memcpy(g, g14->p, 256);
	bad.glen = 256;
	assert_int_equal(kexdh_group_check(&bad), PC_ERR_INVALID_ARGUMENT);
	g[255] &= 0xfe;
	assert_int_equal(kexdh_group_check(&bad), PC_ERR_INVALID_ARGUMENT);
	bad.g = p;
	bad.glen = 257;
	assert_int_equal(kexdh_group_check(&bad), PC_ERR_INVALID_ARGUMENT);
	bad.glen = 0;
	assert_int_equal(kexdh_group_check(&bad), PC_ERR_INVALID_ARGUMENT);
	/* Empty p. */
	bad = *g14;
	bad.plen = 0;
	assert_int_equal(kexdh_group_check(&bad), PC_ERR_INVALID_ARGUMENT);
	wbuf_clear(&pub);
	wbuf_clear(&k);
}

/* Fixed exponents: small answers we can check by hand. */
static void
test_dh_fixed_exponent(void **state)
{
	const struct kex_dh_group *g14 = kexalg_modp_group(14);
	const uint8_t x5[] = { 5 }, x1[] = { 1 }, x0[] = { 0 };
	const uint8_t f3[] = { 3 };
	const uint8_t k243[] = { 0, 0, 0, 2, 0x00, 0xf3 };
	uint8_t x130[17];
	struct wbuf pub, k;

	wbuf_init(&pub, 0);
	wbuf_init(&k, 0);
	/* 3^5 = 243 = 0xf3: K is the mpint 00 00 00 02 00 f3. */
	assert_int_equal(kexdh_derive(g14, x5, 1, f3, 1, &pub, &k), 0);
	assert_int_equal(wbuf_len(&pub), 1);
	assert_int_equal(wbuf_ptr(&pub)[0], 32);	/* 2^5 */
	assert_int_equal(wbuf_len(&k), sizeof(k243));
	assert_memory_equal(wbuf_ptr(&k), k243, sizeof(k243));
	/* g^1 = 2. */
	wbuf_reset(&pub);
	assert_int_equal(kexdh_derive(g14, x1, 1, NULL, 0, &pub, NULL), 0);
	assert_int_equal(wbuf_len(&pub), 1);
	assert_int_equal(wbuf_ptr(&pub)[0], 2);
	/* g^128 = 2^128: a body of 17 bytes 01 00 .. 00. */
	wbuf_reset(&pub);
	memset(x130, 0, sizeof(x130));
	x130[16] = 128;
	assert_int_equal(kexdh_derive(g14, x130, 17, NULL, 0, &pub, NULL), 0);
	assert_int_equal(wbuf_len(&pub), 17);
	assert_int_equal(wbuf_ptr(&pub)[0], 1);
	/* g^7 = 128 = 0x80: the body needs the zero byte. */
	wbuf_reset(&pub);
	x130[16] = 7;
	assert_int_equal(kexdh_derive(g14, x130 + 16, 1, NULL, 0, &pub, NULL),
	    0);
	assert_int_equal(wbuf_len(&pub), 2);
	assert_int_equal(wbuf_ptr(&pub)[0], 0);
	assert_int_equal(wbuf_ptr(&pub)[1], 0x80);
	/* x = 0 and an invalid peer value are refused, nothing added. */
	wbuf_reset(&pub);
	wbuf_reset(&k);
	assert_int_equal(kexdh_derive(g14, x0, 1, NULL, 0, &pub, NULL),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(kexdh_derive(g14, x5, 1, x1, 1, &pub, &k),
	    PC_ERR_KEX_INVALID);
	assert_int_equal(wbuf_len(&pub), 0);
	assert_int_equal(wbuf_len(&k), 0);
	wbuf_clear(&pub);
	wbuf_clear(&k);
}

/* ---- moduli(5) lines ---- */

/* The sample's fields, and a line rebuilt with one field replaced. */
static char sample_fields[7][2200];

static void
load_sample_fields(void)
{
	char line[KEXALG_MODULI_LINE_MAX + 2], *tok, *save = NULL;
	FILE *f;
	int i;

	assert_non_null(f = fopen(MODULI_SAMPLE, "r"));
	do {
		assert_non_null(fgets(line, sizeof(line), f));
	} while (line[0] == '#');
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	for (i = 0, tok = strtok_r(line, " ", &save); tok != NULL && i < 7;
	    i++, tok = strtok_r(NULL, " ", &save)) {
		assert_true(strlen(tok) < sizeof(sample_fields[i]));
		strcpy(sample_fields[i], tok);
	}
	assert_int_equal(i, 7);
}

static char *
line_with(int field, const char *value)
{
	static char buf[KEXALG_MODULI_LINE_MAX];
	size_t off = 0;
	int i, n;

	for (i = 0; i < 7; i++) {
		n = snprintf(buf + off, sizeof(buf) - off, "%s%s",
		    i == 0 ? "" : " ", i == field ? value : sample_fields[i]);
		assert_true(n > 0 && (size_t)n < sizeof(buf) - off);
		off += (size_t)n;
	}
	return buf;
}

static void
expect_line(const char *line, int want)
{
	struct kex_moduli_entry e;

	e.buf = (uint8_t *)1;
	assert_int_equal(kexalg_moduli_parse_line(line, &e), want);
	if (want != 0) {
		assert_null(e.buf);
		assert_null(e.grp.p);
	}
	kexalg_moduli_clear(&e);
}

static void
test_moduli_sample(void **state)
{
	static const uint32_t want_bits[] = { 2048, 2048, 3072, 3072, 4096,
	    4096 };
	char line[KEXALG_MODULI_LINE_MAX + 2];
	struct kex_moduli_entry e[8];
	const struct kex_dh_group *grp;
	size_t n = 0, i;
	FILE *f;
	int r, comments = 0;

	assert_non_null(f = fopen(MODULI_SAMPLE, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		assert_true(n < 8);
		r = kexalg_moduli_parse_line(line, &e[n]);
		if (r == PC_ERR_NOT_FOUND) {
			comments++;
			continue;
		}
		assert_int_equal(r, 0);
		n++;
	}
	fclose(f);
	assert_int_equal(comments, 1);
	assert_int_equal(n, 6);
	for (i = 0; i < n; i++) {
		assert_int_equal(e[i].grp.bits, want_bits[i]);
		assert_int_equal(e[i].grp.plen, want_bits[i] / 8);
		assert_int_equal(e[i].grp.glen, 1);
		assert_true(e[i].grp.g[0] == 2 || e[i].grp.g[0] == 5);
		assert_true(e[i].grp.p[0] & 0x80);
		assert_true(e[i].grp.p[e[i].grp.plen - 1] & 1);
		assert_int_equal(kexdh_group_check(&e[i].grp), 0);
	}
	/* The sample's first modulus, decoded: its first bytes are E9 8F. */
	assert_int_equal(e[0].grp.p[0], 0xe9);
	assert_int_equal(e[0].grp.p[1], 0x8f);
	/* Choose from the real list: 3072 wanted, 3072 given. */
	assert_int_equal(kexalg_gex_choose(e, n, 2048, 3072, 8192, &grp), 0);
	assert_int_equal(grp->bits, 3072);
	assert_true(grp == &e[2].grp || grp == &e[3].grp);
	assert_int_equal(kexalg_gex_choose(e, n, 2048, 8192, 8192, &grp), 0);
	assert_int_equal(grp->bits, 4096);
	for (i = 0; i < n; i++)
		kexalg_moduli_clear(&e[i]);
}

static void
test_moduli_lines(void **state)
{
	char buf[KEXALG_MODULI_LINE_MAX + 16], mod[2300];
	size_t len;

	load_sample_fields();
	/* The rebuilt line parses, with or without a newline, with tabs. */
	expect_line(line_with(-1, NULL), 0);
	snprintf(buf, sizeof(buf), "%s\n", line_with(-1, NULL));
	expect_line(buf, 0);
	snprintf(buf, sizeof(buf), "  %s\r\n", line_with(-1, NULL));
	expect_line(buf, 0);
	snprintf(buf, sizeof(buf), "%s", line_with(-1, NULL));
	buf[strlen(sample_fields[0])] = '\t';
	expect_line(buf, 0);

	/* Comments and blank lines. */
	expect_line("", PC_ERR_NOT_FOUND);
	expect_line("\n", PC_ERR_NOT_FOUND);
	expect_line("   \t \n", PC_ERR_NOT_FOUND);
	expect_line("# Time Type Tests Tries Size Generator Modulus\n",
	    PC_ERR_NOT_FOUND);
	expect_line("  \t# indented comment", PC_ERR_NOT_FOUND);

	/* Missing and extra fields. */
	expect_line("20220714110357 2 6 100 2047 2", PC_ERR_INVALID_FORMAT);
	expect_line("20220714110357", PC_ERR_INVALID_FORMAT);
	snprintf(buf, sizeof(buf), "%s 00", line_with(-1, NULL));
	expect_line(buf, PC_ERR_INVALID_FORMAT);
	snprintf(buf, sizeof(buf), "%s #", line_with(-1, NULL));
	expect_line(buf, PC_ERR_INVALID_FORMAT);
	/* A newline inside the line. */
	snprintf(buf, sizeof(buf), "%s", line_with(-1, NULL));
	buf[strlen(sample_fields[0])] = '\n';
	expect_line(buf, PC_ERR_INVALID_FORMAT);

	/* Malformed numbers. */
	expect_line(line_with(0, "2022071411035x"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(0, "-1"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(0, "202207141103570"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(3, "1x"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(3, "1073741825"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(4, "+2047"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(4, "0x7ff"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(4, "65537"), PC_ERR_INVALID_FORMAT);

	/* Wrong type: only 2 (safe prime) is accepted. */
	expect_line(line_with(1, "0"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(1, "1"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(1, "4"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(1, "5"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(1, "6"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(1, "x"), PC_ERR_INVALID_FORMAT);
	/* Tests: Miller-Rabin (4) required, composite (1) refused. */
	expect_line(line_with(2, "0"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(2, "2"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(2, "7"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(2, "32"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(2, "4"), 0);
	expect_line(line_with(2, "30"), 0);

	/* Stated size must be the modulus's bits minus one. */
	expect_line(line_with(4, "2048"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(4, "2046"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(4, "0"), PC_ERR_INVALID_FORMAT);
	/* Leading zeros in the modulus do not change its size. */
	snprintf(mod, sizeof(mod), "00%s", sample_fields[6]);
	expect_line(line_with(6, mod), 0);
	/* One hex digit dropped: 4 bits short of the stated size. */
	snprintf(mod, sizeof(mod), "%s", sample_fields[6] + 1);
	expect_line(line_with(6, mod), PC_ERR_INVALID_FORMAT);

	/* Non-hex modulus or generator; empty-looking values. */
	snprintf(mod, sizeof(mod), "%s", sample_fields[6]);
	mod[10] = 'G';
	expect_line(line_with(6, mod), PC_ERR_INVALID_FORMAT);
	snprintf(mod, sizeof(mod), "0x%s", sample_fields[6] + 2);
	expect_line(line_with(6, mod), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(5, "g"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(5, "-2"), PC_ERR_INVALID_FORMAT);
	/* Generator 0 or 1, or not below p - 1. */
	expect_line(line_with(5, "0"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(5, "1"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(5, "00"), PC_ERR_INVALID_FORMAT);
	expect_line(line_with(5, "03"), 0);
	expect_line(line_with(5, sample_fields[6]), PC_ERR_INVALID_FORMAT);
	/* Even modulus. */
	snprintf(mod, sizeof(mod), "%s", sample_fields[6]);
	len = strlen(mod);
	mod[len - 1] = '0';
	expect_line(line_with(6, mod), PC_ERR_INVALID_FORMAT);

	/* Over-long line. */
	memset(buf, '1', KEXALG_MODULI_LINE_MAX + 1);
	buf[KEXALG_MODULI_LINE_MAX + 1] = '\0';
	expect_line(buf, PC_ERR_INVALID_FORMAT);
	expect_line(NULL, PC_ERR_INVALID_ARGUMENT);
}

/* ---- group exchange ---- */

static void
test_gex_bounds(void **state)
{
	static const struct {
		uint32_t min, want, max;
		int r;
		uint32_t cmin, cwant, cmax;
	} cases[] = {
		{ 2048, 2048, 8192, 0, 2048, 2048, 8192 },
		{ 2048, 3072, 8192, 0, 2048, 3072, 8192 },
		{ 1024, 1024, 2048, 0, 2048, 2048, 2048 },
		{ 1024, 2048, 8192, 0, 2048, 2048, 8192 },
		{ 2048, 8192, 16384, 0, 2048, 8192, 8192 },
		{ 4096, 7680, 8192, 0, 4096, 7680, 8192 },
		{ 2048, 2048, 2048, 0, 2048, 2048, 2048 },
		/* As OpenSSH: accepted, then clamped past min. */
		{ 9000, 9000, 9000, 0, 9000, 8192, 8192 },
		{ 0, 0, 0, PC_ERR_RANGE, 0, 0, 0 },
		{ 4096, 2048, 8192, PC_ERR_RANGE, 0, 0, 0 },	/* n < min */
		{ 2048, 9000, 8192, PC_ERR_RANGE, 0, 0, 0 },	/* n > max */
		{ 8192, 4096, 2048, PC_ERR_RANGE, 0, 0, 0 },	/* max < min */
		{ 1024, 1024, 1024, PC_ERR_RANGE, 0, 0, 0 },	/* max < 2048 */
		{ 1024, 1536, 2047, PC_ERR_RANGE, 0, 0, 0 },
		{ UINT32_MAX, UINT32_MAX, UINT32_MAX, 0, UINT32_MAX, 8192,
		    8192 },
	};
	uint32_t a, b, c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = b = c = 1;
		assert_int_equal(kexalg_gex_bounds(cases[i].min,
		    cases[i].want, cases[i].max, &a, &b, &c), cases[i].r);
		if (cases[i].r != 0)
			continue;
		assert_int_equal(a, cases[i].cmin);
		assert_int_equal(b, cases[i].cwant);
		assert_int_equal(c, cases[i].cmax);
	}
}

static uint8_t dummy_buf[1];

static void
set_entry(struct kex_moduli_entry *e, uint32_t bits)
{
	memset(e, 0, sizeof(*e));
	e->grp.bits = bits;
	e->buf = dummy_buf;
}

static const struct kex_dh_group *
choose(const struct kex_moduli_entry *l, size_t n, uint32_t min,
    uint32_t want, uint32_t max)
{
	const struct kex_dh_group *g = NULL;

	assert_int_equal(kexalg_gex_choose(l, n, min, want, max, &g), 0);
	assert_non_null(g);
	return g;
}

static void
test_gex_choose(void **state)
{
	struct kex_moduli_entry l[6];
	const struct kex_dh_group *g, *g14 = kexalg_modp_group(14);
	const struct kex_dh_group *g16 = kexalg_modp_group(16);
	const struct kex_dh_group *g18 = kexalg_modp_group(18);
	int seen0 = 0, seen1 = 0, i;

	set_entry(&l[0], 2048);
	set_entry(&l[1], 3072);
	set_entry(&l[2], 4096);
	set_entry(&l[3], 8192);
	/* Smallest at or above want. */
	assert_ptr_equal(choose(l, 4, 2048, 2048, 8192), &l[0].grp);
	assert_ptr_equal(choose(l, 4, 2048, 3072, 8192), &l[1].grp);
	assert_ptr_equal(choose(l, 4, 2048, 3000, 8192), &l[1].grp);
	assert_ptr_equal(choose(l, 4, 2048, 3073, 8192), &l[2].grp);
	assert_ptr_equal(choose(l, 4, 2048, 7680, 8192), &l[3].grp);
	assert_ptr_equal(choose(l, 4, 2048, 8192, 8192), &l[3].grp);
	/* Else the largest below want, within [min, max]. */
	assert_ptr_equal(choose(l, 4, 2048, 8192, 7680), &l[2].grp);
	assert_ptr_equal(choose(l, 4, 2048, 3500, 3500), &l[1].grp);
	/* min excludes smaller entries. */
	assert_ptr_equal(choose(l, 4, 3072, 3072, 3072), &l[1].grp);
	/* Order does not matter: a larger entry listed first. */
	set_entry(&l[4], 4096);
	set_entry(&l[5], 2048);
	assert_ptr_equal(choose(&l[4], 2, 2048, 2048, 8192), &l[5].grp);
	assert_ptr_equal(choose(&l[4], 2, 2048, 3072, 8192), &l[4].grp);
	/* Entries without a buffer (cleared) are skipped. */
	l[1].buf = NULL;
	assert_ptr_equal(choose(l, 4, 2048, 3072, 8192), &l[2].grp);
	l[1].buf = dummy_buf;

	/* Nothing fits: dh_new_group_fallback(max). */
	assert_ptr_equal(choose(l, 4, 5000, 6000, 7000), g18);
	assert_ptr_equal(choose(NULL, 0, 2048, 2048, 2048), g14);
	assert_ptr_equal(choose(NULL, 0, 2048, 2048, 3071), g14);
	assert_ptr_equal(choose(NULL, 0, 2048, 3072, 3072), g16);
	assert_ptr_equal(choose(NULL, 0, 2048, 4096, 6143), g16);
	assert_ptr_equal(choose(NULL, 0, 2048, 4096, 6144), g18);
	assert_ptr_equal(choose(NULL, 0, 2048, 8192, 8192), g18);
	assert_ptr_equal(choose(l, 1, 3072, 3072, 4000), g16);

	/* Equal sizes: each candidate is picked some of the time. */
	set_entry(&l[0], 3072);
	set_entry(&l[1], 3072);
	set_entry(&l[2], 2048);
	for (i = 0; i < 200; i++) {
		g = choose(l, 3, 2048, 3072, 8192);
		assert_true(g == &l[0].grp || g == &l[1].grp);
		if (g == &l[0].grp)
			seen0++;
		else
			seen1++;
	}
	assert_true(seen0 > 0 && seen1 > 0);

	assert_int_equal(kexalg_gex_choose(l, 3, 2048, 3072, 8192, NULL),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(kexalg_gex_choose(NULL, 3, 2048, 3072, 8192, &g),
	    PC_ERR_INVALID_ARGUMENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_by_name),
		cmocka_unit_test(test_modp_numbers),
		cmocka_unit_test(test_c25519_invalid),
		cmocka_unit_test(test_ecdh_invalid),
		cmocka_unit_test(test_ecdh_derive_args),
		cmocka_unit_test(test_dh_invalid_fixed_groups),
		cmocka_unit_test(test_dh_invalid_gex),
		cmocka_unit_test(test_dh_bad_groups),
		cmocka_unit_test(test_dh_fixed_exponent),
		cmocka_unit_test(test_moduli_sample),
		cmocka_unit_test(test_moduli_lines),
		cmocka_unit_test(test_gex_bounds),
		cmocka_unit_test(test_gex_choose),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
