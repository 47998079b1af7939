/*
 * Streamlined NTRU Prime sntrup761, written from the NTRU Prime round 3
 * specification ("NTRU Prime: round 3", s. 3 and s. 4: the parameter set
 * sntrup761, the ring R = Z[x]/(x^p - x - 1), KeyGen', Encap, Decap, and
 * the Encode/Decode, Hash and Hash_prefix rules that fix the byte
 * formats).  Hash_prefix(b, s) is the first 32 bytes of SHA-512(b || s).
 *
 * Constant time: every loop bound and branch depends only on public
 * parameters; reductions use Barrett multiplication, not division;
 * conditional operations use masks; sorting uses a comparison network.
 */
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "rand.h"
#include "sntrup761.h"
#include "wbuf.h"

#define P	SNTRUP761_P
#define Q	SNTRUP761_Q
#define W	SNTRUP761_W
#define Q12	((Q - 1) / 2)		/* 2295 */
#define ROUNDED_M	((Q + 2) / 3)	/* 1531: Rounded values (c+Q12)/3 */

#define HASH_BYTES	32
#define SMALL_BYTES	((P + 3) / 4)	/* 191: Small_encode, Inputs */
#define RQ_BYTES	SNTRUP761_PUBLICKEY_BYTES
#define ROUNDED_BYTES	(SNTRUP761_CIPHERTEXT_BYTES - HASH_BYTES)

/* Secret key layout (spec s. 4.2 KeyGen): f, 1/g, pk, rho, Hash4(pk). */
#define SK_F		0
#define SK_GINV		(SK_F + SMALL_BYTES)
#define SK_PK		(SK_GINV + SMALL_BYTES)
#define SK_RHO		(SK_PK + RQ_BYTES)
#define SK_CACHE	(SK_RHO + SMALL_BYTES)
#if SK_CACHE + HASH_BYTES != SNTRUP761_SECRETKEY_BYTES
#error "sntrup761 secret key layout"
#endif

/* --- constant-time arithmetic --------------------------------------- */

/* -1 (all ones) if x != 0, else 0; |x| < 2^30. */
static uint32_t
ct_nonzero_mask(int32_t x)
{
	uint32_t u = (uint32_t)x | (uint32_t)-x;

	return (uint32_t)0 - (u >> 31);
}

/* -1 if x < 0, else 0. */
static uint32_t
ct_negative_mask(int32_t x)
{
	return (uint32_t)0 - ((uint32_t)x >> 31);
}

/*
 * x mod m, centred, for |x| < offset (a multiple of m): Barrett reduction
 * with a 40-bit reciprocal.  u = x + offset < 2^30 and u * recip < 2^64,
 * so the estimate is floor(u/m) or one less, and one masked subtraction
 * corrects it.
 */
static int16_t
ct_freeze(int32_t x, uint32_t m, uint64_t recip, uint32_t offset)
{
	uint32_t u = (uint32_t)(x + (int32_t)offset);
	uint32_t quot = (uint32_t)(((uint64_t)u * recip) >> 40);
	uint32_t rem = u - quot * m;

	rem -= m & ~ct_negative_mask((int32_t)rem - (int32_t)m);
	rem -= m & ct_negative_mask((int32_t)((m - 1) / 2) - (int32_t)rem);
	return (int16_t)(int32_t)rem;
}

#define FQ_RECIP	(((uint64_t)1 << 40) / Q)
#define F3_RECIP	(((uint64_t)1 << 40) / 3)

static int16_t
fq_freeze(int32_t x)
{
	/* Q << 15 is a multiple of Q above 2^27. */
	return ct_freeze(x, Q, FQ_RECIP, (uint32_t)Q << 15);
}

static int16_t
f3_freeze(int32_t x)
{
	/* |x| < 2^21 here (sums of at most 3p products of small values);
	 * u * F3_RECIP must stay below 2^64. */
	return ct_freeze(x, 3, F3_RECIP, (uint32_t)3 << 20);
}

static int16_t
mod_freeze(int32_t x, int mod3)
{
	/* mod3 is a public parameter, not data. */
	return mod3 ? f3_freeze(x) : fq_freeze(x);
}

/* a^(m-2) mod m: the inverse of a non-zero a in the field Z/m. */
static int16_t
mod_inverse(int16_t a, int mod3)
{
	uint32_t e = mod3 ? 1 : Q - 2;
	int32_t acc = 1, base = a;
	int i;

	/* The exponent is public; the square-and-multiply is fixed. */
	for (i = 12; i >= 0; i--) {
		acc = mod_freeze(acc * acc, mod3);
		if ((e >> i) & 1) {
			acc = mod_freeze(acc * base, mod3);
		}
	}
	return (int16_t)acc;
}

/* --- sorting network ------------------------------------------------- */

static void
ct_minmax(uint32_t *a, uint32_t *b)
{
	uint32_t x = *a, y = *b;
	uint64_t d = (uint64_t)y - (uint64_t)x;
	uint32_t mask = (uint32_t)0 - (uint32_t)(d >> 63);
	uint32_t t = (x ^ y) & mask;

	*a = x ^ t;
	*b = y ^ t;
}

/*
 * Batcher's merge exchange (Knuth, TAOCP vol. 3, s. 5.2.2, Algorithm M):
 * the sequence of compared positions depends only on n.
 */
void
sntrup761_sort_u32(uint32_t *x, size_t n)
{
	size_t t = 0, p, q, r, d, i;

	if (n < 2) {
		return;
	}
	while (((size_t)1 << t) < n) {
		t++;
	}
	for (p = (size_t)1 << (t - 1); p > 0; p >>= 1) {
		q = (size_t)1 << (t - 1);
		r = 0;
		d = p;
		for (;;) {
			for (i = 0; i + d < n; i++) {
				if ((i & p) == r) {
					ct_minmax(&x[i], &x[i + d]);
				}
			}
			if (q == p) {
				break;
			}
			d = q - p;
			q >>= 1;
			r = p;
		}
	}
}

/* --- the ring R/m = (Z/m)[x]/(x^p - x - 1) --------------------------- */

void
sntrup761_mul(int16_t *out, const int16_t *a, const int16_t *b, int mod3)
{
	int32_t acc[2 * P - 1];
	int i, j;

	memset(acc, 0, sizeof(acc));
	for (i = 0; i < P; i++) {
		for (j = 0; j < P; j++) {
			acc[i + j] += (int32_t)a[i] * b[j];
		}
	}
	/* x^p = x + 1: fold the high half down, top first. */
	for (i = 2 * P - 2; i >= P; i--) {
		acc[i - P] += acc[i];
		acc[i - P + 1] += acc[i];
	}
	for (i = 0; i < P; i++) {
		out[i] = mod_freeze(acc[i], mod3);
	}
	pc_wipe(acc, sizeof(acc));
}

/* Swap a and b (n entries) if mask is all ones; keep them if it is 0. */
static void
ct_cswap(int16_t *a, int16_t *b, size_t n, uint32_t mask)
{
	size_t i;
	int16_t t, m = (int16_t)mask;

	for (i = 0; i < n; i++) {
		t = (int16_t)((a[i] ^ b[i]) & m);
		a[i] ^= t;
		b[i] ^= t;
	}
}

/*
 * 1/in by constant-time polynomial division steps (Bernstein and Yang,
 * "Fast constant-time gcd computation and modular inversion", s. 6-7),
 * read at the top coefficients: f starts as x^p - x - 1 and g as x*in,
 * both of formal degree p; each step cancels g's x^p coefficient with f,
 * swapping them first when delta > 0 and that coefficient is non-zero,
 * then multiplies g by x.  The cofactors v, r (mod x^p - x - 1) keep
 * f = v*in and g = r*in.  After 2p - 1 steps f = c*x^p when in is
 * invertible, so 1/in = v * x^-p / c.  The result is checked by
 * multiplication, so an input that is not invertible returns -1.
 */
int
sntrup761_recip(int16_t *out, const int16_t *in, int mod3)
{
	int16_t f[P + 1], g[P + 1], v[P], r[P], chk[P];
	int32_t delta = 1, f0, g0, top;
	uint32_t swap, bad = 0;
	int i, loop;

	memset(f, 0, sizeof(f));
	memset(g, 0, sizeof(g));
	memset(v, 0, sizeof(v));
	memset(r, 0, sizeof(r));
	f[P] = 1;
	f[1] = -1;
	f[0] = -1;
	for (i = 0; i < P; i++) {
		g[i + 1] = mod_freeze(in[i], mod3);
	}
	r[1] = 1;

	for (loop = 0; loop < 2 * P - 1; loop++) {
		swap = ct_negative_mask(-delta) & ct_nonzero_mask(g[P]);
		delta ^= (int32_t)(swap & (uint32_t)(delta ^ -delta));
		delta += 1;
		ct_cswap(f, g, P + 1, swap);
		ct_cswap(v, r, P, swap);
		f0 = f[P];
		g0 = g[P];
		for (i = 0; i <= P; i++) {
			g[i] = mod_freeze(f0 * g[i] - g0 * f[i], mod3);
		}
		for (i = 0; i < P; i++) {
			r[i] = mod_freeze(f0 * r[i] - g0 * v[i], mod3);
		}
		/* g = x * g; its x^p coefficient is now 0. */
		for (i = P; i > 0; i--) {
			g[i] = g[i - 1];
		}
		g[0] = 0;
		/* r = x * r mod (x^p - x - 1). */
		top = r[P - 1];
		for (i = P - 1; i > 0; i--) {
			r[i] = r[i - 1];
		}
		r[0] = (int16_t)top;
		r[1] = mod_freeze(r[1] + top, mod3);
	}
	/* v = v / x^p: x^-1 = x^(p-1) - 1 mod x^p - x - 1. */
	for (loop = 0; loop < P; loop++) {
		top = v[0];
		for (i = 0; i < P - 1; i++) {
			v[i] = v[i + 1];
		}
		v[P - 1] = (int16_t)top;
		v[0] = mod_freeze(v[0] - top, mod3);
	}
	f0 = mod_inverse(f[P], mod3);
	for (i = 0; i < P; i++) {
		out[i] = mod_freeze(f0 * v[i], mod3);
	}
	/* Check out * in == 1 without a data-dependent branch. */
	for (i = 0; i < P; i++) {
		chk[i] = mod_freeze(in[i], mod3);
	}
	sntrup761_mul(chk, out, chk, mod3);
	bad |= ct_nonzero_mask(chk[0] - 1);
	for (i = 1; i < P; i++) {
		bad |= ct_nonzero_mask(chk[i]);
	}
	pc_wipe(f, sizeof(f));
	pc_wipe(g, sizeof(g));
	pc_wipe(v, sizeof(v));
	pc_wipe(r, sizeof(r));
	pc_wipe(chk, sizeof(chk));
	return -(int)(bad & 1);
}

/* Round each coefficient to the nearest multiple of 3 (spec: Round). */
static void
rq_round(int16_t *out, const int16_t *a)
{
	int i;

	for (i = 0; i < P; i++) {
		out[i] = (int16_t)(a[i] - f3_freeze(a[i]));
	}
}

/* --- Encode and Decode (spec s. 4.1: the recursive mixed radix) ----- */

/*
 * Encode R (values R[i] < M[i], n entries) into out; returns the number
 * of bytes written.  Control flow depends only on M; R may be secret
 * (the re-encryption in Decap), so only shifts and multiplications touch
 * it.  R and M are scratch and are overwritten.
 */
static size_t
sntrup_encode(uint8_t *out, uint32_t *R, uint32_t *M, size_t n)
{
	size_t i, len = 0, n2;
	uint32_t r, m;

	if (n == 0) {
		return 0;
	}
	if (n == 1) {
		r = R[0];
		m = M[0];
		while (m > 1) {
			out[len++] = (uint8_t)r;
			r >>= 8;
			m = (m + 255) >> 8;
		}
		return len;
	}
	n2 = (n + 1) / 2;
	for (i = 0; i + 1 < n; i += 2) {
		m = M[i] * M[i + 1];
		r = R[i] + M[i] * R[i + 1];
		while (m >= 16384) {
			out[len++] = (uint8_t)r;
			r >>= 8;
			m = (m + 255) >> 8;
		}
		R[i / 2] = r;
		M[i / 2] = m;
	}
	if (n & 1) {
		R[n2 - 1] = R[n - 1];
		M[n2 - 1] = M[n - 1];
	}
	return len + sntrup_encode(out + len, R, M, n2);
}

/*
 * Decode len bytes of s into R (n entries, R[i] < M[i]); returns the
 * number of bytes read, or 0 with PC_ERR if s is short.  Decoding only
 * sees public data (public keys and ciphertexts), so it may divide.
 * Any byte string of the right length decodes, as the spec requires.
 */
static int
sntrup_decode(uint32_t *R, const uint8_t *s, size_t slen, const uint32_t *M,
    size_t n)
{
	uint32_t bottom_r[(P + 1) / 2], bottom_t[(P + 1) / 2];
	uint32_t M2[(P + 1) / 2], R2[(P + 1) / 2];
	size_t i, k = 0, n2;
	uint32_t r, t, m;

	if (n == 0) {
		return slen == 0 ? 0 : PC_ERR_INVALID_FORMAT;
	}
	if (n == 1) {
		r = 0;
		t = 1;
		m = M[0];
		while (m > 1) {
			if (k >= slen) {
				return PC_ERR_INVALID_FORMAT;
			}
			r += s[k++] * t;
			t <<= 8;
			m = (m + 255) >> 8;
		}
		if (k != slen) {
			return PC_ERR_INVALID_FORMAT;
		}
		R[0] = r % M[0];
		return 0;
	}
	n2 = (n + 1) / 2;
	for (i = 0; i + 1 < n; i += 2) {
		m = M[i] * M[i + 1];
		r = 0;
		t = 1;
		while (m >= 16384) {
			if (k >= slen) {
				return PC_ERR_INVALID_FORMAT;
			}
			r += s[k++] * t;
			t <<= 8;
			m = (m + 255) >> 8;
		}
		bottom_r[i / 2] = r;
		bottom_t[i / 2] = t;
		M2[i / 2] = m;
	}
	if (n & 1) {
		M2[n2 - 1] = M[n - 1];
	}
	if (sntrup_decode(R2, s + k, slen - k, M2, n2) != 0) {
		return PC_ERR_INVALID_FORMAT;
	}
	for (i = 0; i + 1 < n; i += 2) {
		r = bottom_r[i / 2] + bottom_t[i / 2] * R2[i / 2];
		R[i] = r % M[i];
		R[i + 1] = (r / M[i]) % M[i + 1];
	}
	if (n & 1) {
		R[n - 1] = R2[n2 - 1];
	}
	return 0;
}

static void
rq_encode(uint8_t out[RQ_BYTES], const int16_t *h)
{
	uint32_t R[P], M[P];
	int i;

	for (i = 0; i < P; i++) {
		R[i] = (uint32_t)(h[i] + Q12);
		M[i] = Q;
	}
	(void)sntrup_encode(out, R, M, P);
}

static void
rq_decode(int16_t *h, const uint8_t in[RQ_BYTES])
{
	uint32_t R[P], M[P];
	int i;

	for (i = 0; i < P; i++) {
		M[i] = Q;
	}
	/* The length is fixed, so decoding cannot fail; a zero key if so. */
	if (sntrup_decode(R, in, RQ_BYTES, M, P) != 0) {
		memset(R, 0, sizeof(R));
	}
	for (i = 0; i < P; i++) {
		h[i] = (int16_t)((int32_t)R[i] - Q12);
	}
}

/* c has every coefficient a multiple of 3 in [-Q12, Q12]. */
static void
rounded_encode(uint8_t out[ROUNDED_BYTES], const int16_t *c)
{
	uint32_t R[P], M[P];
	int i;

	for (i = 0; i < P; i++) {
		/* (c + Q12) / 3, exact for 0 <= c + Q12 <= Q - 1. */
		R[i] = ((uint32_t)(c[i] + Q12) * 10923) >> 15;
		M[i] = ROUNDED_M;
	}
	(void)sntrup_encode(out, R, M, P);
	pc_wipe(R, sizeof(R));
}

static void
rounded_decode(int16_t *c, const uint8_t in[ROUNDED_BYTES])
{
	uint32_t R[P], M[P];
	int i;

	for (i = 0; i < P; i++) {
		M[i] = ROUNDED_M;
	}
	if (sntrup_decode(R, in, ROUNDED_BYTES, M, P) != 0) {
		memset(R, 0, sizeof(R));
	}
	for (i = 0; i < P; i++) {
		c[i] = (int16_t)((int32_t)R[i] * 3 - Q12);
	}
}

/* Small_encode: f + 1 in {0, 1, 2}, four to a byte, low bits first. */
static void
small_encode(uint8_t out[SMALL_BYTES], const int16_t *f)
{
	int i, j;
	uint8_t x;

	for (i = 0; i < P / 4; i++) {
		x = 0;
		for (j = 0; j < 4; j++) {
			x |= (uint8_t)((f[4 * i + j] + 1) << (2 * j));
		}
		out[i] = x;
	}
	out[P / 4] = (uint8_t)(f[P - 1] + 1);
}

static void
small_decode(int16_t *f, const uint8_t in[SMALL_BYTES])
{
	int i, j;

	for (i = 0; i < P / 4; i++) {
		for (j = 0; j < 4; j++) {
			f[4 * i + j] = (int16_t)(((in[i] >> (2 * j)) & 3) - 1);
		}
	}
	f[P - 1] = (int16_t)((in[P / 4] & 3) - 1);
}

/* --- hashing (spec s. 4.1: Hash_prefix, Hash_confirm, Hash_session) -- */

/* out = first 32 bytes of SHA-512(b || a || c). */
static int
hash_prefix(uint8_t out[HASH_BYTES], uint8_t b, const uint8_t *a,
    size_t alen, const uint8_t *c, size_t clen)
{
	struct digest_ctx *ctx = NULL;
	uint8_t h[DIGEST_MAX_LEN];
	int r;

	if ((r = digest_start(DIGEST_SHA512, &ctx)) != 0) {
		goto out;
	}
	if ((r = digest_update(ctx, &b, 1)) != 0 ||
	    (r = digest_update(ctx, a, alen)) != 0 ||
	    (clen > 0 && (r = digest_update(ctx, c, clen)) != 0) ||
	    (r = digest_final(ctx, h, sizeof(h))) != 0) {
		goto out;
	}
	memcpy(out, h, HASH_BYTES);
 out:
	digest_free(ctx);
	pc_wipe(h, sizeof(h));
	return r;
}

/* Hash_confirm(r, cache) = Hash_prefix(2, Hash_prefix(3, r) || cache). */
static int
hash_confirm(uint8_t out[HASH_BYTES], const uint8_t r_enc[SMALL_BYTES],
    const uint8_t cache[HASH_BYTES])
{
	uint8_t h3[HASH_BYTES];
	int r;

	if ((r = hash_prefix(h3, 3, r_enc, SMALL_BYTES, NULL, 0)) == 0) {
		r = hash_prefix(out, 2, h3, HASH_BYTES, cache, HASH_BYTES);
	}
	pc_wipe(h3, sizeof(h3));
	return r;
}

/* Hash_session(b, y, z) = Hash_prefix(b, Hash_prefix(3, y) || z). */
static int
hash_session(uint8_t out[HASH_BYTES], uint8_t b,
    const uint8_t y[SMALL_BYTES], const uint8_t z[SNTRUP761_CIPHERTEXT_BYTES])
{
	uint8_t h3[HASH_BYTES];
	int r;

	if ((r = hash_prefix(h3, 3, y, SMALL_BYTES, NULL, 0)) == 0) {
		r = hash_prefix(out, b, h3, HASH_BYTES, z,
		    SNTRUP761_CIPHERTEXT_BYTES);
	}
	pc_wipe(h3, sizeof(h3));
	return r;
}

/* --- random elements ------------------------------------------------- */

static void
default_rng(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	rand_bytes(buf, len);
}

static uint32_t
le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 |
	    (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Uniform-ish small element: each coefficient in {-1, 0, 1}. */
static void
small_random(int16_t *g, sntrup761_rng_fn rng, void *rngctx)
{
	uint8_t buf[4 * P];
	int i;

	rng(rngctx, buf, sizeof(buf));
	for (i = 0; i < P; i++) {
		g[i] = (int16_t)((((le32(buf + 4 * i) & 0x3fffffff) * 3) >> 30)
		    - 1);
	}
	pc_wipe(buf, sizeof(buf));
}

/*
 * Short element (weight exactly w): w entries tagged +-1 and p - w tagged
 * 0 in the low two bits of random words, put in random order by sorting
 * on the high bits with the constant-time network.
 */
static void
short_random(int16_t *out, sntrup761_rng_fn rng, void *rngctx)
{
	uint32_t L[P];
	uint8_t buf[4 * P];
	int i;

	rng(rngctx, buf, sizeof(buf));
	for (i = 0; i < P; i++) {
		L[i] = le32(buf + 4 * i);
		if (i < W) {
			L[i] &= ~(uint32_t)1;		/* 0 or 2: -1 or +1 */
		} else {
			L[i] = (L[i] & ~(uint32_t)3) | 1;	/* 1: zero */
		}
	}
	sntrup761_sort_u32(L, P);
	for (i = 0; i < P; i++) {
		out[i] = (int16_t)((L[i] & 3) - 1);
	}
	pc_wipe(L, sizeof(L));
	pc_wipe(buf, sizeof(buf));
}

/* --- the KEM (spec s. 4.2: KeyGen', Encap, Decap) -------------------- */

int
sntrup761_keypair_rng(uint8_t pk[SNTRUP761_PUBLICKEY_BYTES],
    uint8_t sk[SNTRUP761_SECRETKEY_BYTES], sntrup761_rng_fn rng, void *rngctx)
{
	int16_t g[P], ginv[P], f[P], f3[P], finv[P], h[P];
	int i, r, tries;

	/*
	 * g must be invertible in R/3; a random g is with probability about
	 * 1 - 2/3^d for each factor of degree d of x^p - x - 1 mod 3, so
	 * the retry count says nothing about the g finally kept.
	 */
	for (tries = 0; ; tries++) {
		small_random(g, rng, rngctx);
		if (sntrup761_recip(ginv, g, 1) == 0) {
			break;
		}
		if (tries > 1000) {
			/* A broken randomness source, not bad luck. */
			r = PC_ERR_INTERNAL;
			goto out;
		}
	}
	short_random(f, rng, rngctx);
	/* h = g / (3f) in R/q. */
	for (i = 0; i < P; i++) {
		f3[i] = (int16_t)(3 * f[i]);
	}
	if (sntrup761_recip(finv, f3, 0) != 0) {
		/* R/q is a field and f != 0: an invariant is broken. */
		r = PC_ERR_INTERNAL;
		goto out;
	}
	sntrup761_mul(h, finv, g, 0);
	rq_encode(pk, h);
	small_encode(sk + SK_F, f);
	small_encode(sk + SK_GINV, ginv);
	memcpy(sk + SK_PK, pk, RQ_BYTES);
	rng(rngctx, sk + SK_RHO, SMALL_BYTES);
	r = hash_prefix(sk + SK_CACHE, 4, pk, RQ_BYTES, NULL, 0);
 out:
	if (r != 0) {
		pc_wipe(sk, SNTRUP761_SECRETKEY_BYTES);
	}
	pc_wipe(g, sizeof(g));
	pc_wipe(ginv, sizeof(ginv));
	pc_wipe(f, sizeof(f));
	pc_wipe(f3, sizeof(f3));
	pc_wipe(finv, sizeof(finv));
	return r;
}

int
sntrup761_keypair(uint8_t pk[SNTRUP761_PUBLICKEY_BYTES],
    uint8_t sk[SNTRUP761_SECRETKEY_BYTES])
{
	return sntrup761_keypair_rng(pk, sk, default_rng, NULL);
}

/* ct = Rounded_encode(Round(h * r)) || Hash_confirm(r_enc, cache). */
static int
sntrup_hide(uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES],
    const uint8_t r_enc[SMALL_BYTES], const int16_t *r,
    const int16_t *h, const uint8_t cache[HASH_BYTES])
{
	int16_t hr[P], c[P];
	int ret;

	sntrup761_mul(hr, h, r, 0);
	rq_round(c, hr);
	rounded_encode(ct, c);
	ret = hash_confirm(ct + ROUNDED_BYTES, r_enc, cache);
	pc_wipe(hr, sizeof(hr));
	pc_wipe(c, sizeof(c));
	return ret;
}

int
sntrup761_enc_rng(uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES],
    uint8_t ss[SNTRUP761_BYTES], const uint8_t pk[SNTRUP761_PUBLICKEY_BYTES],
    sntrup761_rng_fn rng, void *rngctx)
{
	int16_t r[P], h[P];
	uint8_t r_enc[SMALL_BYTES], cache[HASH_BYTES];
	int ret;

	short_random(r, rng, rngctx);
	small_encode(r_enc, r);
	rq_decode(h, pk);
	if ((ret = hash_prefix(cache, 4, pk, RQ_BYTES, NULL, 0)) != 0 ||
	    (ret = sntrup_hide(ct, r_enc, r, h, cache)) != 0 ||
	    (ret = hash_session(ss, 1, r_enc, ct)) != 0) {
		pc_wipe(ct, SNTRUP761_CIPHERTEXT_BYTES);
		pc_wipe(ss, SNTRUP761_BYTES);
	}
	pc_wipe(r, sizeof(r));
	pc_wipe(r_enc, sizeof(r_enc));
	return ret;
}

int
sntrup761_enc(uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES],
    uint8_t ss[SNTRUP761_BYTES], const uint8_t pk[SNTRUP761_PUBLICKEY_BYTES])
{
	return sntrup761_enc_rng(ct, ss, pk, default_rng, NULL);
}

int
sntrup761_dec(uint8_t ss[SNTRUP761_BYTES],
    const uint8_t ct[SNTRUP761_CIPHERTEXT_BYTES],
    const uint8_t sk[SNTRUP761_SECRETKEY_BYTES])
{
	int16_t f[P], ginv[P], c[P], e[P], v[P], h[P];
	uint8_t r_enc[SMALL_BYTES], ct2[SNTRUP761_CIPHERTEXT_BYTES];
	uint32_t weight = 0, bad, diff = 0;
	int i, ret;

	small_decode(f, sk + SK_F);
	small_decode(ginv, sk + SK_GINV);
	rounded_decode(c, ct);
	/* e = 3 f c in R/q, then mod 3: g r (spec Decrypt). */
	sntrup761_mul(e, c, f, 0);
	for (i = 0; i < P; i++) {
		e[i] = f3_freeze(fq_freeze(3 * e[i]));
	}
	sntrup761_mul(v, e, ginv, 1);
	/* Weight w, or the fixed short vector (1, ..., 1, 0, ..., 0). */
	for (i = 0; i < P; i++) {
		weight += (uint32_t)(v[i] & 1);
	}
	bad = ct_nonzero_mask((int32_t)weight - W);
	for (i = 0; i < P; i++) {
		v[i] = (int16_t)((v[i] & ~(int16_t)bad) |
		    ((i < W ? 1 : 0) & (int16_t)bad));
	}
	small_encode(r_enc, v);
	/* Re-encrypt and compare, all in constant time. */
	rq_decode(h, sk + SK_PK);
	if ((ret = sntrup_hide(ct2, r_enc, v, h, sk + SK_CACHE)) != 0) {
		goto out;
	}
	for (i = 0; i < SNTRUP761_CIPHERTEXT_BYTES; i++) {
		diff |= (uint32_t)(ct[i] ^ ct2[i]);
	}
	diff = ct_nonzero_mask((int32_t)diff);
	/* Implicit rejection: Hash_session(0, rho, c) on a mismatch. */
	for (i = 0; i < SMALL_BYTES; i++) {
		r_enc[i] ^= (uint8_t)((r_enc[i] ^ sk[SK_RHO + i]) & diff);
	}
	ret = hash_session(ss, (uint8_t)(1 + (int32_t)diff), r_enc, ct);
 out:
	if (ret != 0) {
		pc_wipe(ss, SNTRUP761_BYTES);
	}
	pc_wipe(f, sizeof(f));
	pc_wipe(ginv, sizeof(ginv));
	pc_wipe(c, sizeof(c));
	pc_wipe(e, sizeof(e));
	pc_wipe(v, sizeof(v));
	pc_wipe(r_enc, sizeof(r_enc));
	pc_wipe(ct2, sizeof(ct2));
	return ret;
}
