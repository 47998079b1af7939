/*
 * ML-KEM-768, written from FIPS 203 (August 2024).  Section and algorithm
 * numbers below are the standard's.  Parameters (s. 8, Table 2):
 * n = 256, q = 3329, k = 3, eta1 = eta2 = 2, du = 10, dv = 4.
 *
 * Coefficients are kept fully reduced in [0, q) as uint16_t.  Every
 * operation on secret values is branch-free and index-free: reductions
 * are Barrett reductions followed by a masked conditional subtraction,
 * Compress divides by q with a multiply and a masked correction, and
 * Decaps chooses between K' and the implicit-rejection key with a mask.
 * Branches and table indices depend only on public values: loop counters,
 * the public matrix seed rho and the public encapsulation key.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mlkem.h"
#include "rand.h"
#include "wbuf.h"

/*
 * make ct-check builds this file with MLKEM_CT_VALGRIND into a program
 * that runs under valgrind with the secrets marked undefined.  Values
 * that are computed from secrets but are public by design (rho, which
 * goes out in ek) are declared so there; elsewhere this is a no-op.
 */
#ifdef MLKEM_CT_VALGRIND
#include <valgrind/memcheck.h>
#define MLKEM_DECLASSIFY(p, len)	VALGRIND_MAKE_MEM_DEFINED(p, len)
#else
#define MLKEM_DECLASSIFY(p, len)	do { } while (0)
#endif

#define MLKEM_N		256
#define MLKEM_Q		3329
#define MLKEM_K		3
#define MLKEM_DU	10
#define MLKEM_DV	4
#define MLKEM_ETA_BYTES	128		/* 64 eta, eta1 = eta2 = 2 */
#define MLKEM_POLY12	384		/* ByteEncode12 of one polynomial */
#define MLKEM_PKE_DK	(MLKEM_POLY12 * MLKEM_K)	/* 1152 */
#define MLKEM_C1_LEN	(32 * MLKEM_DU * MLKEM_K)	/* 960 */
#define MLKEM_INV128	3303		/* 128^-1 mod q (Algorithm 10) */
#define MLKEM_BARRETT	20642678u	/* floor(2^36 / q) */
/* SHAKE-128 rate; SampleNTT reads 4 blocks, then 32 if that was short. */
#define MLKEM_XOF_BLOCK	168
#define MLKEM_XOF_FIRST	(4 * MLKEM_XOF_BLOCK)
#define MLKEM_XOF_MAX	(32 * MLKEM_XOF_BLOCK)

/* zeta^BitRev7(i) mod q, zeta = 17 (s. 4.3, Appendix A). */
static const uint16_t mlkem_zetas[128] = {
	   1, 1729, 2580, 3289, 2642,  630, 1897,  848,
	1062, 1919,  193,  797, 2786, 3260,  569, 1746,
	 296, 2447, 1339, 1476, 3046,   56, 2240, 1333,
	1426, 2094,  535, 2882, 2393, 2879, 1974,  821,
	 289,  331, 3253, 1756, 1197, 2304, 2277, 2055,
	 650, 1977, 2513,  632, 2865,   33, 1320, 1915,
	2319, 1435,  807,  452, 1438, 2868, 1534, 2402,
	2647, 2617, 1481,  648, 2474, 3110, 1227,  910,
	  17, 2761,  583, 2649, 1637,  723, 2288, 1100,
	1409, 2662, 3281,  233,  756, 2156, 3015, 3050,
	1703, 1651, 2789, 1789, 1847,  952, 1461, 2687,
	 939, 2308, 2437, 2388,  733, 2337,  268,  641,
	1584, 2298, 2037, 3220,  375, 2549, 2090, 1645,
	1063,  319, 2773,  757, 2099,  561, 2466, 2594,
	2804, 1092,  403, 1026, 1143, 2150, 2775,  886,
	1722, 1212, 1874, 1029, 2110, 2935,  885, 2154,
};

/* zeta^(2 BitRev7(i) + 1) mod q, for MultiplyNTTs (Algorithm 11). */
static const uint16_t mlkem_gammas[128] = {
	  17, 3312, 2761,  568,  583, 2746, 2649,  680,
	1637, 1692,  723, 2606, 2288, 1041, 1100, 2229,
	1409, 1920, 2662,  667, 3281,   48,  233, 3096,
	 756, 2573, 2156, 1173, 3015,  314, 3050,  279,
	1703, 1626, 1651, 1678, 2789,  540, 1789, 1540,
	1847, 1482,  952, 2377, 1461, 1868, 2687,  642,
	 939, 2390, 2308, 1021, 2437,  892, 2388,  941,
	 733, 2596, 2337,  992,  268, 3061,  641, 2688,
	1584, 1745, 2298, 1031, 2037, 1292, 3220,  109,
	 375, 2954, 2549,  780, 2090, 1239, 1645, 1684,
	1063, 2266,  319, 3010, 2773,  556,  757, 2572,
	2099, 1230,  561, 2768, 2466,  863, 2594,  735,
	2804,  525, 1092, 2237,  403, 2926, 1026, 2303,
	1143, 2186, 2150, 1179, 2775,  554,  886, 2443,
	1722, 1607, 1212, 2117, 1874, 1455, 1029, 2300,
	2110, 1219, 2935,  394,  885, 2444, 2154, 1175,
};

struct mlkem_poly {
	uint16_t c[MLKEM_N];
};

/*
 * Hide a value from the optimiser so that mask arithmetic is not turned
 * back into a branch.
 */
static inline uint32_t
mlkem_barrier(uint32_t x)
{
#if defined(__GNUC__) || defined(__clang__)
	__asm__("" : "+r"(x));
#endif
	return x;
}

/* x in [0, 2q) to [0, q): subtract q, add it back under a mask. */
static inline uint16_t
mlkem_csubq(uint32_t x)
{
	uint32_t t = x - MLKEM_Q;

	t += MLKEM_Q & (0u - mlkem_barrier(t >> 31));
	return (uint16_t)t;
}

/*
 * Barrett reduction of any 32-bit x: floor(x * m / 2^36) is floor(x / q)
 * or one less, since x (2^36 / q - m) / 2^36 < 1, so x - that * q lies in
 * [0, 2q).
 */
static inline uint16_t
mlkem_reduce(uint32_t x)
{
	uint32_t quot = (uint32_t)(((uint64_t)x * MLKEM_BARRETT) >> 36);

	return mlkem_csubq(x - quot * MLKEM_Q);
}

static inline uint16_t
mlkem_add(uint16_t a, uint16_t b)
{
	return mlkem_csubq((uint32_t)a + b);
}

static inline uint16_t
mlkem_sub(uint16_t a, uint16_t b)
{
	return mlkem_csubq((uint32_t)a + MLKEM_Q - b);
}

static inline uint16_t
mlkem_mul(uint16_t a, uint16_t b)
{
	return mlkem_reduce((uint32_t)a * b);
}

/*
 * s. 4.2.1 Compress_d(x) = round(2^d x / q) mod 2^d.  q is odd, so there
 * are no ties and the rounding is floor((2^d x + (q - 1) / 2) / q); the
 * division is a Barrett estimate corrected by one under a mask.
 */
static inline uint16_t
mlkem_compress(uint16_t x, unsigned int d)
{
	uint32_t y = ((uint32_t)x << d) + (MLKEM_Q - 1) / 2;
	uint32_t quot = (uint32_t)(((uint64_t)y * MLKEM_BARRETT) >> 36);
	uint32_t rem = y - quot * MLKEM_Q;	/* [0, 2q) */

	quot += mlkem_barrier((rem - MLKEM_Q) >> 31) ^ 1;
	return (uint16_t)(quot & ((1u << d) - 1));
}

/* Decompress_d(y) = round(q y / 2^d), ties up. */
static inline uint16_t
mlkem_decompress(uint16_t y, unsigned int d)
{
	return (uint16_t)(((uint32_t)y * MLKEM_Q + (1u << (d - 1))) >> d);
}

/* Algorithm 5 ByteEncode_d: d bits per coefficient, little-endian. */
static void
mlkem_encode(const struct mlkem_poly *f, unsigned int d, uint8_t *out)
{
	uint32_t acc = 0;
	unsigned int bits = 0;
	size_t i, o = 0;

	for (i = 0; i < MLKEM_N; i++) {
		acc |= (uint32_t)f->c[i] << bits;
		bits += d;
		while (bits >= 8) {
			out[o++] = (uint8_t)acc;
			acc >>= 8;
			bits -= 8;
		}
	}
}

/*
 * Algorithm 6 ByteDecode_d.  For d = 12 the value is taken mod q (the
 * standard's definition), with a constant-time reduction since dk is
 * decoded here too.
 */
static void
mlkem_decode(const uint8_t *in, unsigned int d, struct mlkem_poly *f)
{
	uint32_t acc = 0, mask = (1u << d) - 1;
	unsigned int bits = 0;
	size_t i, o = 0;

	for (i = 0; i < MLKEM_N; i++) {
		while (bits < d) {
			acc |= (uint32_t)in[o++] << bits;
			bits += 8;
		}
		f->c[i] = (uint16_t)(acc & mask);
		if (d == 12)
			f->c[i] = mlkem_reduce(f->c[i]);
		acc >>= d;
		bits -= d;
	}
}

/* Algorithm 9 NTT, in place. */
static void
mlkem_ntt(struct mlkem_poly *f)
{
	size_t len, start, j, i = 1;
	uint16_t zeta, t;

	for (len = 128; len >= 2; len >>= 1) {
		for (start = 0; start < MLKEM_N; start += 2 * len) {
			zeta = mlkem_zetas[i++];
			for (j = start; j < start + len; j++) {
				t = mlkem_mul(zeta, f->c[j + len]);
				f->c[j + len] = mlkem_sub(f->c[j], t);
				f->c[j] = mlkem_add(f->c[j], t);
			}
		}
	}
}

/* Algorithm 10 NTT^-1, in place. */
static void
mlkem_invntt(struct mlkem_poly *f)
{
	size_t len, start, j, i = 127;
	uint16_t zeta, t;

	for (len = 2; len <= 128; len <<= 1) {
		for (start = 0; start < MLKEM_N; start += 2 * len) {
			zeta = mlkem_zetas[i--];
			for (j = start; j < start + len; j++) {
				t = f->c[j];
				f->c[j] = mlkem_add(t, f->c[j + len]);
				f->c[j + len] = mlkem_mul(zeta,
				    mlkem_sub(f->c[j + len], t));
			}
		}
	}
	for (j = 0; j < MLKEM_N; j++)
		f->c[j] = mlkem_mul(f->c[j], MLKEM_INV128);
}

/*
 * h += f * g in the NTT domain: Algorithms 11 MultiplyNTTs and 12
 * BaseCaseMultiply.  The sums below stay under 2^25 before reduction.
 */
static void
mlkem_basemul_acc(struct mlkem_poly *h, const struct mlkem_poly *f,
    const struct mlkem_poly *g)
{
	uint32_t a0, a1, b0, b1;
	size_t i;

	for (i = 0; i < MLKEM_N / 2; i++) {
		a0 = f->c[2 * i];
		a1 = f->c[2 * i + 1];
		b0 = g->c[2 * i];
		b1 = g->c[2 * i + 1];
		h->c[2 * i] = mlkem_add(h->c[2 * i], mlkem_reduce(a0 * b0 +
		    (uint32_t)mlkem_mul((uint16_t)a1, (uint16_t)b1) *
		    mlkem_gammas[i]));
		h->c[2 * i + 1] = mlkem_add(h->c[2 * i + 1],
		    mlkem_reduce(a0 * b1 + a1 * b0));
	}
}

static void
mlkem_poly_add(struct mlkem_poly *h, const struct mlkem_poly *f)
{
	size_t i;

	for (i = 0; i < MLKEM_N; i++)
		h->c[i] = mlkem_add(h->c[i], f->c[i]);
}

/*
 * One hash or XOF call over a || b (b may be empty).  ctx is reused
 * across calls of one operation.
 */
static int
mlkem_hash(EVP_MD_CTX *ctx, const EVP_MD *md, int xof, const uint8_t *a,
    size_t alen, const uint8_t *b, size_t blen, uint8_t *out, size_t outlen)
{
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, a, alen) != 1 ||
	    (blen > 0 && EVP_DigestUpdate(ctx, b, blen) != 1))
		return PC_ERR_LIBCRYPTO;
	if (xof) {
		if (EVP_DigestFinalXOF(ctx, out, outlen) != 1)
			return PC_ERR_LIBCRYPTO;
	} else if (EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		return PC_ERR_LIBCRYPTO;
	return 0;
}

/* s. 4.1: H = SHA3-256, G = SHA3-512, J = SHAKE256(., 32). */
static int
mlkem_H(EVP_MD_CTX *ctx, const uint8_t *in, size_t len, uint8_t out[32])
{
	return mlkem_hash(ctx, EVP_sha3_256(), 0, in, len, NULL, 0, out, 32);
}

static int
mlkem_G(EVP_MD_CTX *ctx, const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen, uint8_t out[64])
{
	return mlkem_hash(ctx, EVP_sha3_512(), 0, a, alen, b, blen, out, 64);
}

static int
mlkem_J(EVP_MD_CTX *ctx, const uint8_t z[32], const uint8_t *c,
    size_t clen, uint8_t out[32])
{
	return mlkem_hash(ctx, EVP_shake256(), 1, z, 32, c, clen, out, 32);
}

/*
 * PRF_eta(s, b) = SHAKE256(s || b, 64 eta) (s. 4.1, eq. 4.3) followed by
 * Algorithm 8 SamplePolyCBD_2: each coefficient takes four bits, the sum
 * of the first two minus the sum of the last two.
 */
static int
mlkem_sample_cbd(EVP_MD_CTX *ctx, const uint8_t s[32], uint8_t nonce,
    struct mlkem_poly *f)
{
	uint8_t buf[MLKEM_ETA_BYTES];
	uint32_t nib, x, y;
	size_t i;
	int r;

	if ((r = mlkem_hash(ctx, EVP_shake256(), 1, s, 32, &nonce, 1, buf,
	    sizeof(buf))) != 0)
		goto out;
	for (i = 0; i < MLKEM_N; i++) {
		nib = (uint32_t)(buf[i / 2] >> (4 * (i % 2))) & 0x0f;
		x = (nib & 1) + ((nib >> 1) & 1);
		y = ((nib >> 2) & 1) + ((nib >> 3) & 1);
		f->c[i] = mlkem_csubq(x + MLKEM_Q - y);
	}
 out:
	pc_wipe(buf, sizeof(buf));
	return r;
}

/*
 * Rejection sampling of Algorithm 7 over len bytes of XOF output; returns
 * the number of coefficients filled (at most 256).  rho is public.
 */
static size_t
mlkem_parse_ntt(const uint8_t *b, size_t len, struct mlkem_poly *a)
{
	size_t pos, j = 0;
	uint16_t d1, d2;

	for (pos = 0; j < MLKEM_N && pos + 3 <= len; pos += 3) {
		d1 = (uint16_t)(b[pos] | ((b[pos + 1] & 0x0f) << 8));
		d2 = (uint16_t)((b[pos + 1] >> 4) | (b[pos + 2] << 4));
		if (d1 < MLKEM_Q)
			a->c[j++] = d1;
		if (d2 < MLKEM_Q && j < MLKEM_N)
			a->c[j++] = d2;
	}
	return j;
}

/*
 * Algorithm 7 SampleNTT(rho || j || i).  OpenSSL 3.0 cannot squeeze a
 * SHAKE incrementally, so read 4 blocks (enough but for about one seed in
 * a hundred) and, if short, 32 from the start again (XOF output is
 * prefix-consistent).  32 blocks give 1792 candidates for 256 slots at an
 * acceptance rate of 0.81: running out is not a real event, and is
 * reported as PC_ERR_INTERNAL rather than looping without a bound.
 */
static int
mlkem_sample_ntt(EVP_MD_CTX *ctx, const uint8_t rho[32], uint8_t j,
    uint8_t i, struct mlkem_poly *a)
{
	uint8_t buf[MLKEM_XOF_MAX], ji[2];
	int r;

	ji[0] = j;
	ji[1] = i;
	if ((r = mlkem_hash(ctx, EVP_shake128(), 1, rho, 32, ji, 2, buf,
	    MLKEM_XOF_FIRST)) != 0)
		return r;
	if (mlkem_parse_ntt(buf, MLKEM_XOF_FIRST, a) == MLKEM_N)
		return 0;
	if ((r = mlkem_hash(ctx, EVP_shake128(), 1, rho, 32, ji, 2, buf,
	    MLKEM_XOF_MAX)) != 0)
		return r;
	if (mlkem_parse_ntt(buf, MLKEM_XOF_MAX, a) == MLKEM_N)
		return 0;
	return PC_ERR_INTERNAL;
}

/* A-hat[i][j] = SampleNTT(rho || j || i) (Algorithm 13 l. 3-7). */
static int
mlkem_gen_matrix(EVP_MD_CTX *ctx, const uint8_t rho[32],
    struct mlkem_poly a[MLKEM_K][MLKEM_K])
{
	int i, j, r;

	for (i = 0; i < MLKEM_K; i++) {
		for (j = 0; j < MLKEM_K; j++) {
			if ((r = mlkem_sample_ntt(ctx, rho, (uint8_t)j,
			    (uint8_t)i, &a[i][j])) != 0)
				return r;
		}
	}
	return 0;
}

/* Algorithm 13 K-PKE.KeyGen(d): ek_PKE (1184) and dk_PKE (1152). */
struct mlkem_keygen_ws {
	struct mlkem_poly a[MLKEM_K][MLKEM_K];
	struct mlkem_poly s[MLKEM_K], e[MLKEM_K], t[MLKEM_K];
	uint8_t g[64];
};

static int
mlkem_pke_keygen(EVP_MD_CTX *ctx, const uint8_t d[32], int ipd, uint8_t *ek,
    uint8_t *dk)
{
	struct mlkem_keygen_ws *w;
	uint8_t kbyte = MLKEM_K, nonce = 0;
	int i, j, r;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return PC_ERR_ALLOC;
	/*
	 * (rho, sigma) = G(d || k): the k byte is new in the final FIPS 203
	 * (the August 2023 draft, "ipd", hashed d alone).
	 */
	if ((r = mlkem_G(ctx, d, 32, &kbyte, ipd ? 0 : 1, w->g)) != 0)
		goto out;
	MLKEM_DECLASSIFY(w->g, 32);	/* rho is public: it is in ek */
	if ((r = mlkem_gen_matrix(ctx, w->g, w->a)) != 0)
		goto out;
	for (i = 0; i < MLKEM_K; i++) {
		if ((r = mlkem_sample_cbd(ctx, w->g + 32, nonce++,
		    &w->s[i])) != 0)
			goto out;
	}
	for (i = 0; i < MLKEM_K; i++) {
		if ((r = mlkem_sample_cbd(ctx, w->g + 32, nonce++,
		    &w->e[i])) != 0)
			goto out;
	}
	for (i = 0; i < MLKEM_K; i++) {
		mlkem_ntt(&w->s[i]);
		mlkem_ntt(&w->e[i]);
	}
	for (i = 0; i < MLKEM_K; i++) {
		w->t[i] = w->e[i];
		for (j = 0; j < MLKEM_K; j++)
			mlkem_basemul_acc(&w->t[i], &w->a[i][j], &w->s[j]);
		mlkem_encode(&w->t[i], 12, ek + MLKEM_POLY12 * i);
		mlkem_encode(&w->s[i], 12, dk + MLKEM_POLY12 * i);
	}
	memcpy(ek + MLKEM_PKE_DK, w->g, 32);		/* rho */
	r = 0;
 out:
	pc_wipe(w, sizeof(*w));
	free(w);
	return r;
}

/* Algorithm 14 K-PKE.Encrypt(ek_PKE, m, r) into c (1088 bytes). */
struct mlkem_encrypt_ws {
	struct mlkem_poly a[MLKEM_K][MLKEM_K];
	struct mlkem_poly t[MLKEM_K], y[MLKEM_K], e1[MLKEM_K], u[MLKEM_K];
	struct mlkem_poly e2, mu, v;
};

static int
mlkem_pke_encrypt(EVP_MD_CTX *ctx, const uint8_t *ek, const uint8_t m[32],
    const uint8_t rnd[32], uint8_t *c)
{
	struct mlkem_encrypt_ws *w;
	uint8_t nonce = 0;
	size_t n;
	int i, j, r;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return PC_ERR_ALLOC;
	for (i = 0; i < MLKEM_K; i++)
		mlkem_decode(ek + MLKEM_POLY12 * i, 12, &w->t[i]);
	if ((r = mlkem_gen_matrix(ctx, ek + MLKEM_PKE_DK, w->a)) != 0)
		goto out;
	for (i = 0; i < MLKEM_K; i++) {
		if ((r = mlkem_sample_cbd(ctx, rnd, nonce++, &w->y[i])) != 0)
			goto out;
	}
	for (i = 0; i < MLKEM_K; i++) {
		if ((r = mlkem_sample_cbd(ctx, rnd, nonce++, &w->e1[i])) != 0)
			goto out;
	}
	if ((r = mlkem_sample_cbd(ctx, rnd, nonce++, &w->e2)) != 0)
		goto out;
	for (i = 0; i < MLKEM_K; i++)
		mlkem_ntt(&w->y[i]);
	/* u = NTT^-1(A-hat^T o y-hat) + e1 */
	for (i = 0; i < MLKEM_K; i++) {
		for (j = 0; j < MLKEM_K; j++)
			mlkem_basemul_acc(&w->u[i], &w->a[j][i], &w->y[j]);
		mlkem_invntt(&w->u[i]);
		mlkem_poly_add(&w->u[i], &w->e1[i]);
	}
	/* mu = Decompress_1(ByteDecode_1(m)): each bit to 0 or 1665. */
	for (n = 0; n < MLKEM_N; n++) {
		w->mu.c[n] = (uint16_t)((0u - ((m[n / 8] >> (n % 8)) & 1u)) &
		    ((MLKEM_Q + 1) / 2));
	}
	/* v = NTT^-1(t-hat^T o y-hat) + e2 + mu */
	for (i = 0; i < MLKEM_K; i++)
		mlkem_basemul_acc(&w->v, &w->t[i], &w->y[i]);
	mlkem_invntt(&w->v);
	mlkem_poly_add(&w->v, &w->e2);
	mlkem_poly_add(&w->v, &w->mu);
	for (i = 0; i < MLKEM_K; i++) {
		for (n = 0; n < MLKEM_N; n++) {
			w->u[i].c[n] = mlkem_compress(w->u[i].c[n],
			    MLKEM_DU);
		}
		mlkem_encode(&w->u[i], MLKEM_DU, c + 32 * MLKEM_DU * i);
	}
	for (n = 0; n < MLKEM_N; n++)
		w->v.c[n] = mlkem_compress(w->v.c[n], MLKEM_DV);
	mlkem_encode(&w->v, MLKEM_DV, c + MLKEM_C1_LEN);
	r = 0;
 out:
	pc_wipe(w, sizeof(*w));
	free(w);
	return r;
}

/* Algorithm 15 K-PKE.Decrypt(dk_PKE, c) into m (32 bytes). */
struct mlkem_decrypt_ws {
	struct mlkem_poly s[MLKEM_K], u[MLKEM_K], v, w;
};

static int
mlkem_pke_decrypt(const uint8_t *dk, const uint8_t *c, uint8_t m[32])
{
	struct mlkem_decrypt_ws *w;
	size_t n;
	int i;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return PC_ERR_ALLOC;
	for (i = 0; i < MLKEM_K; i++) {
		mlkem_decode(c + 32 * MLKEM_DU * i, MLKEM_DU, &w->u[i]);
		for (n = 0; n < MLKEM_N; n++) {
			w->u[i].c[n] = mlkem_decompress(w->u[i].c[n],
			    MLKEM_DU);
		}
		mlkem_ntt(&w->u[i]);
		mlkem_decode(dk + MLKEM_POLY12 * i, 12, &w->s[i]);
	}
	mlkem_decode(c + MLKEM_C1_LEN, MLKEM_DV, &w->v);
	for (n = 0; n < MLKEM_N; n++)
		w->v.c[n] = mlkem_decompress(w->v.c[n], MLKEM_DV);
	/* w = v' - NTT^-1(s-hat^T o NTT(u')) */
	for (i = 0; i < MLKEM_K; i++)
		mlkem_basemul_acc(&w->w, &w->s[i], &w->u[i]);
	mlkem_invntt(&w->w);
	memset(m, 0, 32);
	for (n = 0; n < MLKEM_N; n++) {
		m[n / 8] |= (uint8_t)(mlkem_compress(mlkem_sub(w->v.c[n],
		    w->w.c[n]), 1) << (n % 8));
	}
	pc_wipe(w, sizeof(*w));
	free(w);
	return 0;
}

/*
 * s. 7.2 modulus check: ByteEncode12(ByteDecode12(ek)) == ek, that is no
 * 12-bit value of t-hat is q or more.  ek is public: branches are fine.
 */
static int
mlkem_ek_check(const uint8_t *ek)
{
	size_t i;
	uint16_t d1, d2;

	for (i = 0; i < MLKEM_PKE_DK; i += 3) {
		d1 = (uint16_t)(ek[i] | ((ek[i + 1] & 0x0f) << 8));
		d2 = (uint16_t)((ek[i + 1] >> 4) | (ek[i + 2] << 4));
		if (d1 >= MLKEM_Q || d2 >= MLKEM_Q)
			return PC_ERR_KEX_INVALID;
	}
	return 0;
}

static int
mlkem_keygen(const uint8_t d[MLKEM768_SEED_LEN],
    const uint8_t z[MLKEM768_SEED_LEN], int ipd, uint8_t ek[MLKEM768_EK_LEN],
    uint8_t dk[MLKEM768_DK_LEN])
{
	EVP_MD_CTX *ctx;
	uint8_t *ekp = dk + MLKEM_PKE_DK;
	int r;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return PC_ERR_ALLOC;
	/* Algorithm 16: dk = dk_PKE || ek || H(ek) || z. */
	if ((r = mlkem_pke_keygen(ctx, d, ipd, ekp, dk)) != 0 ||
	    (r = mlkem_H(ctx, ekp, MLKEM768_EK_LEN,
	    ekp + MLKEM768_EK_LEN)) != 0) {
		pc_wipe(dk, MLKEM768_DK_LEN);
		goto out;
	}
	memcpy(ekp + MLKEM768_EK_LEN + 32, z, 32);
	memcpy(ek, ekp, MLKEM768_EK_LEN);
 out:
	EVP_MD_CTX_free(ctx);
	return r;
}

int
mlkem768_keygen_internal(const uint8_t d[MLKEM768_SEED_LEN],
    const uint8_t z[MLKEM768_SEED_LEN], uint8_t ek[MLKEM768_EK_LEN],
    uint8_t dk[MLKEM768_DK_LEN])
{
	return mlkem_keygen(d, z, 0, ek, dk);
}

int
mlkem768_keygen_internal_ipd(const uint8_t d[MLKEM768_SEED_LEN],
    const uint8_t z[MLKEM768_SEED_LEN], uint8_t ek[MLKEM768_EK_LEN],
    uint8_t dk[MLKEM768_DK_LEN])
{
	return mlkem_keygen(d, z, 1, ek, dk);
}

int
mlkem768_encaps_internal(const uint8_t *ek, size_t eklen,
    const uint8_t m[MLKEM768_SEED_LEN], uint8_t ct[MLKEM768_CT_LEN],
    uint8_t k[MLKEM768_SS_LEN])
{
	EVP_MD_CTX *ctx = NULL;
	uint8_t h[32], kr[64];
	int r;

	/* s. 7.2 input checks: type (length), then modulus. */
	if (ek == NULL || eklen != MLKEM768_EK_LEN)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = mlkem_ek_check(ek)) != 0)
		return r;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return PC_ERR_ALLOC;
	/* Algorithm 17: (K, r) = G(m || H(ek)); c = Encrypt(ek, m, r). */
	if ((r = mlkem_H(ctx, ek, eklen, h)) != 0 ||
	    (r = mlkem_G(ctx, m, 32, h, 32, kr)) != 0 ||
	    (r = mlkem_pke_encrypt(ctx, ek, m, kr + 32, ct)) != 0)
		goto out;
	memcpy(k, kr, MLKEM768_SS_LEN);
 out:
	pc_wipe(kr, sizeof(kr));
	EVP_MD_CTX_free(ctx);
	return r;
}

int
mlkem768_decaps_internal(const uint8_t *dk, size_t dklen, const uint8_t *ct,
    size_t ctlen, uint8_t k[MLKEM768_SS_LEN])
{
	EVP_MD_CTX *ctx = NULL;
	const uint8_t *ekp, *h, *z;
	uint8_t m[32], kr[64], kbar[32], hh[32];
	uint8_t *ct2 = NULL;
	uint32_t diff = 0, keep;
	size_t i;
	int r;

	/* s. 7.3 input checks: both lengths ... */
	if (dk == NULL || dklen != MLKEM768_DK_LEN || ct == NULL ||
	    ctlen != MLKEM768_CT_LEN)
		return PC_ERR_INVALID_ARGUMENT;
	ekp = dk + MLKEM_PKE_DK;
	h = ekp + MLKEM768_EK_LEN;
	z = h + 32;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    (ct2 = malloc(MLKEM768_CT_LEN)) == NULL) {
		r = PC_ERR_ALLOC;
		goto out;
	}
	/* ... and the hash check on the (public) ek and h parts of dk. */
	if ((r = mlkem_H(ctx, ekp, MLKEM768_EK_LEN, hh)) != 0)
		goto out;
	if (pc_timingsafe_bcmp(hh, h, 32) != 0) {
		r = PC_ERR_INVALID_ARGUMENT;
		goto out;
	}
	/* Algorithm 18. */
	if ((r = mlkem_pke_decrypt(dk, ct, m)) != 0 ||
	    (r = mlkem_G(ctx, m, 32, h, 32, kr)) != 0 ||
	    (r = mlkem_J(ctx, z, ct, ctlen, kbar)) != 0 ||
	    (r = mlkem_pke_encrypt(ctx, ekp, m, kr + 32, ct2)) != 0)
		goto out;
	/*
	 * Implicit rejection without a branch: keep = 1 when c == c', and
	 * the mask picks K' or K-bar byte by byte.
	 */
	for (i = 0; i < MLKEM768_CT_LEN; i++)
		diff |= (uint32_t)(ct[i] ^ ct2[i]);
	keep = mlkem_barrier((diff - 1) >> 31);		/* diff <= 255 */
	keep = 0u - keep;
	for (i = 0; i < MLKEM768_SS_LEN; i++)
		k[i] = (uint8_t)(kbar[i] ^ ((kbar[i] ^ kr[i]) & keep));
	r = 0;
 out:
	pc_wipe(m, sizeof(m));
	pc_wipe(kr, sizeof(kr));
	pc_wipe(kbar, sizeof(kbar));
	if (ct2 != NULL) {
		pc_wipe(ct2, MLKEM768_CT_LEN);
		free(ct2);
	}
	EVP_MD_CTX_free(ctx);
	return r;
}

int
mlkem768_keygen(uint8_t ek[MLKEM768_EK_LEN], uint8_t dk[MLKEM768_DK_LEN])
{
	uint8_t dz[2 * MLKEM768_SEED_LEN];
	int r;

	/* Algorithm 19: d and z fresh from the RBG. */
	rand_bytes(dz, sizeof(dz));
	r = mlkem768_keygen_internal(dz, dz + MLKEM768_SEED_LEN, ek, dk);
	pc_wipe(dz, sizeof(dz));
	return r;
}

int
mlkem768_encaps(const uint8_t *ek, size_t eklen,
    uint8_t ct[MLKEM768_CT_LEN], uint8_t k[MLKEM768_SS_LEN])
{
	uint8_t m[MLKEM768_SEED_LEN];
	int r;

	/* Algorithm 20: m fresh from the RBG. */
	rand_bytes(m, sizeof(m));
	r = mlkem768_encaps_internal(ek, eklen, m, ct, k);
	pc_wipe(m, sizeof(m));
	return r;
}

int
mlkem768_decaps(const uint8_t *dk, size_t dklen, const uint8_t *ct,
    size_t ctlen, uint8_t k[MLKEM768_SS_LEN])
{
	return mlkem768_decaps_internal(dk, dklen, ct, ctlen, k);
}
