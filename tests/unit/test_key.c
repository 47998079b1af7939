/*
 * crypto/key.c and crypto/keyfmt.c against fixtures made by OpenSSH's
 * ssh-keygen (tests/data/keys/README says how).  The expected fingerprints
 * are what the real tool printed:
 *
 *	for k in tests/data/keys/[a-z]*.pub; do ssh-keygen -l -f "$k"; done
 *
 * (OpenSSH_9.2p1 Debian-2+deb12u10).  Run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"
#include "key.h"
#include "rand.h"
#include "wbuf.h"

#define FIXDIR	"tests/data/keys/"

static const struct fixture {
	const char *file;
	enum key_type type;
	unsigned bits;
	const char *fp;		/* from ssh-keygen -l -f FILE.pub */
	const char *comment;	/* stored in the private file */
} fixtures[] = {
	{ "ed25519", KEY_ED25519, 256,
	    "SHA256:jv/lvZicjm+HuHap0EjvFMT+Q/YP0ugcTXhhvwzqxgA",
	    "fixture-ed25519" },
	{ "ecdsa256", KEY_ECDSA_P256, 256,
	    "SHA256:8jL15Txd1wTEnciQjnPefhejk/WQOBOlPb/fdfqMjw8",
	    "fixture-ecdsa256" },
	{ "ecdsa384", KEY_ECDSA_P384, 384,
	    "SHA256:oBu+qzn4EEsB5QQKFK2sds1bQFgQC99iTwRpA3vS9QA",
	    "fixture-ecdsa384" },
	{ "ecdsa521", KEY_ECDSA_P521, 521,
	    "SHA256:/pRtVtDtfZYAgSPKt4UKD7PaLhiYqEmfq9an89rJPmw",
	    "fixture-ecdsa521" },
	{ "rsa2048", KEY_RSA, 2048,
	    "SHA256:CZboD0ChC3VwwF/zyUswGM8hMGJaFkLJDnPeEbCZaxM",
	    "fixture-rsa2048" },
	{ "rsa3072", KEY_RSA, 3072,
	    "SHA256:ScQrZf/2HIeB6hAN2fuJgPJ5suTU2ZmNzxxLPnmzzdQ",
	    "fixture-rsa3072" },
	/* PEM and PKCS#8 files carry no comment. */
	{ "rsa_pem", KEY_RSA, 2048,
	    "SHA256:4jrTKsK3hy/FtTqNTIXlGVY0ZQr3WypxRYZ2bgV+LX4", "" },
	{ "ecdsa_pem", KEY_ECDSA_P256, 256,
	    "SHA256:rKKCqGI+9obfcmfFQaA3btIs0ZJQ0adKFWqCEQZJ9eM", "" },
	{ "ecdsa_pkcs8", KEY_ECDSA_P384, 384,
	    "SHA256:k5XL0b7YPnMZiX3keIYyOYHv4Ag3lh8+lmdqazjfS8o", "" },
	{ "rsa_pkcs8", KEY_RSA, 2048,
	    "SHA256:RIZ7lPzc7zNxphqmOMsT+9VwcLG56GD9ZBecUKR7HQw", "" },
	{ "ed25519_pkcs8", KEY_ED25519, 256,
	    "SHA256:NKaXHwZYqbxoyc9QZKCT0/vCAIxlcuimgziAMedHNLs", "" },
};
#define NFIXTURES	(sizeof(fixtures) / sizeof(fixtures[0]))

static const char *const all_sigalgs[] = {
	"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa",
};
#define NSIGALGS	(sizeof(all_sigalgs) / sizeof(all_sigalgs[0]))

static uint8_t *
read_file(const char *name, size_t *lenp)
{
	char path[256];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), FIXDIR "%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*lenp = (size_t)n;
	return buf;
}

static struct pc_key *
load_private(const char *name, char **comment)
{
	struct pc_key *k = NULL;
	uint8_t *data;
	size_t len;

	data = read_file(name, &len);
	assert_int_equal(key_parse_private(data, len, &k, comment), 0);
	free(data);
	assert_non_null(k);
	return k;
}

static struct pc_key *
load_public(const char *name, char **comment)
{
	char pubname[128];
	struct pc_key *k = NULL;
	uint8_t *data;
	size_t len;

	snprintf(pubname, sizeof(pubname), "%s.pub", name);
	data = read_file(pubname, &len);
	assert_int_equal(key_from_public_line((char *)data, &k, comment), 0);
	free(data);
	assert_non_null(k);
	return k;
}

/* The blob from a .pub file's base64 field. */
static size_t
pub_file_blob(const char *name, uint8_t *blob, size_t bloblen)
{
	char pubname[128], *sp, *ep;
	uint8_t *data;
	size_t len, n;

	snprintf(pubname, sizeof(pubname), "%s.pub", name);
	data = read_file(pubname, &len);
	sp = strchr((char *)data, ' ');
	assert_non_null(sp);
	sp++;
	ep = strpbrk(sp, " \n");
	assert_non_null(ep);
	assert_int_equal(base64_decode(blob, bloblen, &n, sp,
	    (size_t)(ep - sp), 0), 0);
	free(data);
	return n;
}

static int
sigalg_fits(const char *sigalg, enum key_type t)
{
	return key_type_for_sigalg(sigalg) == t;
}

static void
test_names(void **state)
{
	unsigned bits;

	(void)state;
	assert_int_equal(key_type_from_name("ssh-ed25519"), KEY_ED25519);
	assert_int_equal(key_type_from_name("ecdsa-sha2-nistp256"),
	    KEY_ECDSA_P256);
	assert_int_equal(key_type_from_name("ecdsa-sha2-nistp384"),
	    KEY_ECDSA_P384);
	assert_int_equal(key_type_from_name("ecdsa-sha2-nistp521"),
	    KEY_ECDSA_P521);
	assert_int_equal(key_type_from_name("ssh-rsa"), KEY_RSA);
	assert_int_equal(key_type_from_name("rsa-sha2-256"), KEY_UNSPEC);
	assert_int_equal(key_type_from_name("ssh-dss"), KEY_UNSPEC);
	assert_int_equal(key_type_from_name(""), KEY_UNSPEC);
	assert_int_equal(key_type_from_name(NULL), KEY_UNSPEC);
	assert_string_equal(key_type_name(KEY_ECDSA_P521),
	    "ecdsa-sha2-nistp521");
	assert_null(key_type_name(KEY_UNSPEC));

	assert_int_equal(key_type_for_sigalg("rsa-sha2-256"), KEY_RSA);
	assert_int_equal(key_type_for_sigalg("rsa-sha2-512"), KEY_RSA);
	assert_int_equal(key_type_for_sigalg("ssh-rsa"), KEY_RSA);
	assert_int_equal(key_type_for_sigalg("ssh-ed25519"), KEY_ED25519);
	assert_int_equal(key_type_for_sigalg("ecdsa-sha2-nistp384"),
	    KEY_ECDSA_P384);
	assert_int_equal(key_type_for_sigalg("rsa-sha2-384"), KEY_UNSPEC);
	assert_int_equal(key_type_for_sigalg(NULL), KEY_UNSPEC);
	assert_string_equal(key_sigalg_default_list(),
	    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	    "ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256");
	assert_string_equal(key_sigalg_supported_list(),
	    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	    "ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256,ssh-rsa");

	bits = 0;
	assert_int_equal(key_type_from_short_name("ed25519", &bits),
	    KEY_ED25519);
	assert_int_equal(bits, 256);
	bits = 0;
	assert_int_equal(key_type_from_short_name("ecdsa", &bits),
	    KEY_ECDSA_P256);
	assert_int_equal(bits, 256);
	bits = 384;
	assert_int_equal(key_type_from_short_name("ecdsa", &bits),
	    KEY_ECDSA_P384);
	bits = 521;
	assert_int_equal(key_type_from_short_name("ecdsa", &bits),
	    KEY_ECDSA_P521);
	bits = 512;
	assert_int_equal(key_type_from_short_name("ecdsa", &bits),
	    KEY_UNSPEC);
	bits = 0;
	assert_int_equal(key_type_from_short_name("rsa", &bits), KEY_RSA);
	assert_int_equal(bits, KEY_RSA_DEFAULT_BITS);
	bits = 1023;
	assert_int_equal(key_type_from_short_name("rsa", &bits), KEY_UNSPEC);
	bits = 1024;
	assert_int_equal(key_type_from_short_name("rsa", &bits), KEY_RSA);
	assert_int_equal(key_type_from_short_name("dsa", NULL), KEY_UNSPEC);
	assert_string_equal(key_type_label(KEY_ECDSA_P384), "ECDSA");
}

/* Every fixture loads, private and public, and they agree. */
static void
test_fixtures_load(void **state)
{
	struct pc_key *priv, *pub;
	char *pcomment, *ucomment, fp[KEY_FP_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < NFIXTURES; i++) {
		priv = load_private(fixtures[i].file, &pcomment);
		pub = load_public(fixtures[i].file, &ucomment);
		assert_int_equal(key_get_type(priv), fixtures[i].type);
		assert_int_equal(key_get_type(pub), fixtures[i].type);
		assert_int_equal(key_bits(priv), fixtures[i].bits);
		assert_int_equal(key_bits(pub), fixtures[i].bits);
		assert_true(key_has_private(priv));
		assert_false(key_has_private(pub));
		assert_true(key_equal_public(priv, pub));
		assert_true(key_equal_public(pub, priv));
		assert_string_equal(pcomment, fixtures[i].comment);
		assert_true(strncmp(ucomment, "fixture-", 8) == 0);
		assert_int_equal(key_fingerprint(priv, fp, sizeof(fp)), 0);
		assert_string_equal(fp, fixtures[i].fp);
		assert_int_equal(key_fingerprint(pub, fp, sizeof(fp)), 0);
		assert_string_equal(fp, fixtures[i].fp);
		assert_int_equal(key_fingerprint(pub, fp, 20),
		    PC_ERR_NO_BUFFER_SPACE);
		/* Different fixtures are different keys. */
		if (i > 0) {
			struct pc_key *other = load_public(
			    fixtures[i - 1].file, NULL);
			assert_false(key_equal_public(priv, other));
			key_free(other);
		}
		free(pcomment);
		free(ucomment);
		key_free(priv);
		key_free(pub);
	}
}

/* Blob and .pub line round trips, byte for byte against ssh-keygen's. */
static void
test_blob_roundtrip(void **state)
{
	uint8_t blob[2048];
	struct pc_key *priv, *k2;
	struct wbuf b, line;
	char *comment, pubname[64];
	uint8_t *pubfile;
	size_t i, bloblen, publen;

	(void)state;
	for (i = 0; i < NFIXTURES; i++) {
		priv = load_private(fixtures[i].file, NULL);
		bloblen = pub_file_blob(fixtures[i].file, blob, sizeof(blob));
		wbuf_init(&b, 0);
		assert_int_equal(key_to_blob(priv, &b), 0);
		assert_int_equal(wbuf_len(&b), bloblen);
		assert_memory_equal(wbuf_ptr(&b), blob, bloblen);
		assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b),
		    &k2), 0);
		assert_true(key_equal_public(priv, k2));
		assert_false(key_has_private(k2));
		key_free(k2);
		wbuf_clear(&b);

		/* The .pub line, as ssh-keygen wrote it. */
		snprintf(pubname, sizeof(pubname), "%s.pub",
		    fixtures[i].file);
		pubfile = read_file(pubname, &publen);
		k2 = load_public(fixtures[i].file, &comment);
		wbuf_init(&line, 0);
		assert_int_equal(key_to_public_line(k2, comment, &line), 0);
		assert_int_equal(wbuf_len(&line) + 1, publen);
		assert_memory_equal(wbuf_ptr(&line), pubfile, publen - 1);
		wbuf_clear(&line);
		free(comment);
		free(pubfile);
		key_free(k2);
		key_free(priv);
	}
}

/* key_write_private output reads back (and is armoured as ssh-keygen
 * writes it); OpenSSH reading it is checked in test_keygen.py. */
static void
test_private_write_roundtrip(void **state)
{
	struct pc_key *k, *k2;
	struct wbuf out, sig;
	char *comment;
	const char *p, *nl;
	size_t i;

	(void)state;
	for (i = 0; i < NFIXTURES; i++) {
		k = load_private(fixtures[i].file, NULL);
		wbuf_init(&out, 0);
		assert_int_equal(key_write_private(k, "round trip", &out), 0);
		assert_int_equal(wbuf_put_u8(&out, '\0'), 0);
		p = (const char *)wbuf_ptr(&out);
		assert_true(strncmp(p,
		    "-----BEGIN OPENSSH PRIVATE KEY-----\n", 36) == 0);
		for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
			assert_true(nl - p <= 70 ||
			    strncmp(p, "-----", 5) == 0);
		assert_string_equal(p, "");
		assert_int_equal(key_parse_private(wbuf_ptr(&out),
		    wbuf_len(&out) - 1, &k2, &comment), 0);
		assert_string_equal(comment, "round trip");
		assert_true(key_equal_public(k, k2));
		assert_true(key_has_private(k2));
		/* The written private half signs for the original. */
		wbuf_init(&sig, 0);
		assert_int_equal(key_sign(k2, NULL, (const uint8_t *)"m", 1,
		    &sig), 0);
		assert_int_equal(key_verify(k, NULL, (const uint8_t *)"m", 1,
		    wbuf_ptr(&sig), wbuf_len(&sig)), 0);
		wbuf_clear(&sig);
		free(comment);
		key_free(k2);
		wbuf_clear(&out);
		key_free(k);
	}
}

static void
check_sign_verify(struct pc_key *k, struct pc_key *other)
{
	static const uint8_t data[] = "session identifier and exchange hash";
	uint8_t *bad;
	struct wbuf sig, sig2;
	size_t j, len;
	unsigned n;
	const char *name;
	enum key_type t = key_get_type(k);
	int nfit = 0;

	for (j = 0; j < NSIGALGS; j++) {
		wbuf_init(&sig, 0);
		if (!sigalg_fits(all_sigalgs[j], t)) {
			/* Signing with another type's algorithm fails and
			 * leaves the output alone. */
			assert_int_not_equal(key_sign(k, all_sigalgs[j], data,
			    sizeof(data), &sig), 0);
			assert_int_equal(wbuf_len(&sig), 0);
			wbuf_clear(&sig);
			continue;
		}
		nfit++;
		assert_int_equal(key_sign(k, all_sigalgs[j], data,
		    sizeof(data), &sig), 0);
		/* string algorithm, then the signature */
		{
			struct wbuf v;
			const uint8_t *s;
			size_t slen;
			char *alg;

			wbuf_init_const(&v, wbuf_ptr(&sig), wbuf_len(&sig));
			assert_int_equal(wbuf_get_cstring(&v, &alg, NULL), 0);
			assert_string_equal(alg, all_sigalgs[j]);
			free(alg);
			assert_int_equal(wbuf_get_string_direct(&v, &s,
			    &slen), 0);
			assert_int_equal(wbuf_get_end(&v), 0);
			if (t == KEY_ED25519)
				assert_int_equal(slen, 64);
			if (t == KEY_RSA)
				assert_int_equal(slen * 8, key_bits(k));
		}
		assert_int_equal(key_verify(k, all_sigalgs[j], data,
		    sizeof(data), wbuf_ptr(&sig), wbuf_len(&sig)), 0);
		/* Without a sigalg: any of the type's except SHA-1. */
		assert_int_equal(key_verify(k, NULL, data, sizeof(data),
		    wbuf_ptr(&sig), wbuf_len(&sig)),
		    strcmp(all_sigalgs[j], "ssh-rsa") == 0 ?
		    PC_ERR_SIGNATURE_INVALID : 0);
		/* Tampered data. */
		assert_int_equal(key_verify(k, all_sigalgs[j], data,
		    sizeof(data) - 1, wbuf_ptr(&sig), wbuf_len(&sig)),
		    PC_ERR_SIGNATURE_INVALID);
		/* Tampered signature: flip each of a spread of bits in the
		 * signature part (past the algorithm name). */
		len = wbuf_len(&sig);
		bad = malloc(len);
		assert_non_null(bad);
		for (n = 0; n < 16; n++) {
			size_t at = 4 + strlen(all_sigalgs[j]) + 4 +
			    (n * 7919) % (len - 8 - strlen(all_sigalgs[j]));

			memcpy(bad, wbuf_ptr(&sig), len);
			bad[at] ^= (uint8_t)(1u << (n % 8));
			assert_int_not_equal(key_verify(k, all_sigalgs[j],
			    data, sizeof(data), bad, len), 0);
		}
		/* Truncated, then with trailing data. */
		memcpy(bad, wbuf_ptr(&sig), len);
		assert_int_not_equal(key_verify(k, all_sigalgs[j], data,
		    sizeof(data), bad, len - 1), 0);
		free(bad);
		wbuf_init(&sig2, 0);
		assert_int_equal(wbuf_put(&sig2, wbuf_ptr(&sig), len), 0);
		assert_int_equal(wbuf_put_u8(&sig2, 0), 0);
		assert_int_equal(key_verify(k, all_sigalgs[j], data,
		    sizeof(data), wbuf_ptr(&sig2), wbuf_len(&sig2)),
		    PC_ERR_TRAILING_DATA);
		wbuf_clear(&sig2);
		/* Wrong sigalg asked for: every other name is refused. */
		for (n = 0; n < NSIGALGS; n++) {
			name = all_sigalgs[n];
			if (n == j)
				continue;
			assert_int_equal(key_verify(k, name, data,
			    sizeof(data), wbuf_ptr(&sig), wbuf_len(&sig)),
			    PC_ERR_SIGNATURE_INVALID);
		}
		/* Another key of the same type does not verify it. */
		if (other != NULL)
			assert_int_equal(key_verify(other, all_sigalgs[j],
			    data, sizeof(data), wbuf_ptr(&sig),
			    wbuf_len(&sig)), PC_ERR_SIGNATURE_INVALID);
		wbuf_clear(&sig);
	}
	assert_true(nfit >= 1);
	/* NULL sigalg signs with the default (rsa-sha2-512 for RSA). */
	wbuf_init(&sig, 0);
	assert_int_equal(key_sign(k, NULL, data, sizeof(data), &sig), 0);
	assert_int_equal(key_verify(k, t == KEY_RSA ? "rsa-sha2-512" :
	    key_name(k), data, sizeof(data), wbuf_ptr(&sig), wbuf_len(&sig)),
	    0);
	wbuf_clear(&sig);
	assert_int_equal(key_sign(k, "no-such-alg", data, sizeof(data),
	    &sig), PC_ERR_NO_ALGORITHM_MATCH);
}

static void
test_sign_verify(void **state)
{
	struct pc_key *k, *other, *pub;
	struct wbuf sig;
	size_t i, j;

	(void)state;
	for (i = 0; i < NFIXTURES; i++) {
		k = load_private(fixtures[i].file, NULL);
		other = NULL;
		for (j = 0; j < NFIXTURES; j++) {
			if (j != i && fixtures[j].type == fixtures[i].type) {
				other = load_public(fixtures[j].file, NULL);
				break;
			}
		}
		check_sign_verify(k, other);
		key_free(other);
		/* A public key cannot sign. */
		pub = load_public(fixtures[i].file, NULL);
		wbuf_init(&sig, 0);
		assert_int_equal(key_sign(pub, NULL, (const uint8_t *)"x", 1,
		    &sig), PC_ERR_INVALID_ARGUMENT);
		wbuf_clear(&sig);
		key_free(pub);
		key_free(k);
	}
}

/* RFC 8332 s. 3: a shorter RSA signature is left-padded on verify. */
static void
test_rsa_short_signature(void **state)
{
	struct pc_key *k;
	struct wbuf sig, shortsig;
	const uint8_t *s;
	uint8_t msg[8];
	size_t slen;
	uint32_t i;
	int found = 0;

	(void)state;
	k = load_private("rsa2048", NULL);
	/* About one signature in 256 starts with a zero byte. */
	for (i = 0; i < 4096 && !found; i++) {
		pc_put_u32(msg, i);
		pc_put_u32(msg + 4, 0x5eed);
		wbuf_init(&sig, 0);
		assert_int_equal(key_sign(k, "rsa-sha2-256", msg, sizeof(msg),
		    &sig), 0);
		s = wbuf_ptr(&sig) + 4 + strlen("rsa-sha2-256") + 4;
		slen = wbuf_len(&sig) - (4 + strlen("rsa-sha2-256") + 4);
		assert_int_equal(slen, 256);
		if (s[0] == 0) {
			found = 1;
			wbuf_init(&shortsig, 0);
			assert_int_equal(wbuf_put_cstring(&shortsig,
			    "rsa-sha2-256"), 0);
			assert_int_equal(wbuf_put_string(&shortsig, s + 1,
			    slen - 1), 0);
			assert_int_equal(key_verify(k, "rsa-sha2-256", msg,
			    sizeof(msg), wbuf_ptr(&shortsig),
			    wbuf_len(&shortsig)), 0);
			wbuf_clear(&shortsig);
		}
		/* Longer than the modulus: refused. */
		if (i == 0) {
			wbuf_init(&shortsig, 0);
			assert_int_equal(wbuf_put_cstring(&shortsig,
			    "rsa-sha2-256"), 0);
			assert_int_equal(wbuf_put_u32(&shortsig,
			    (uint32_t)slen + 1), 0);
			assert_int_equal(wbuf_put_u8(&shortsig, 0), 0);
			assert_int_equal(wbuf_put(&shortsig, s, slen), 0);
			assert_int_equal(key_verify(k, "rsa-sha2-256", msg,
			    sizeof(msg), wbuf_ptr(&shortsig),
			    wbuf_len(&shortsig)), PC_ERR_SIGNATURE_INVALID);
			wbuf_clear(&shortsig);
		}
		wbuf_clear(&sig);
	}
	assert_true(found);
	key_free(k);
}

static void
test_generate(void **state)
{
	static const struct {
		enum key_type t;
		unsigned bits, want;
	} gen[] = {
		{ KEY_ED25519, 0, 256 },
		{ KEY_ECDSA_P256, 0, 256 },
		{ KEY_ECDSA_P384, 384, 384 },
		{ KEY_ECDSA_P521, 0, 521 },
		{ KEY_RSA, 1024, 1024 },
		{ KEY_RSA, 2048, 2048 },
	};
	struct pc_key *k, *k2;
	struct wbuf blob;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(gen) / sizeof(gen[0]); i++) {
		assert_int_equal(key_generate(gen[i].t, gen[i].bits, &k), 0);
		assert_int_equal(key_get_type(k), gen[i].t);
		assert_int_equal(key_bits(k), gen[i].want);
		assert_true(key_has_private(k));
		check_sign_verify(k, NULL);
		assert_int_equal(key_generate(gen[i].t, gen[i].bits, &k2), 0);
		assert_false(key_equal_public(k, k2));
		wbuf_init(&blob, 0);
		assert_int_equal(key_to_blob(k2, &blob), 0);
		key_free(k2);
		assert_int_equal(key_from_blob(wbuf_ptr(&blob),
		    wbuf_len(&blob), &k2), 0);
		assert_false(key_equal_public(k, k2));
		key_free(k2);
		wbuf_clear(&blob);
		key_free(k);
	}
	assert_int_equal(key_generate(KEY_RSA, 1023, &k),
	    PC_ERR_INVALID_ARGUMENT);
	assert_null(k);
	assert_int_equal(key_generate(KEY_ECDSA_P256, 384, &k),
	    PC_ERR_INVALID_ARGUMENT);
	assert_int_equal(key_generate(KEY_UNSPEC, 0, &k),
	    PC_ERR_KEY_TYPE_UNKNOWN);
}

static void
test_encrypted(void **state)
{
	static const char proc[] =
	    "-----BEGIN RSA PRIVATE KEY-----\n"
	    "Proc-Type: 4,ENCRYPTED\n"
	    "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n"
	    "AAAA\n"
	    "-----END RSA PRIVATE KEY-----\n";
	static const char pkcs8[] =
	    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	    "AAAA\n"
	    "-----END ENCRYPTED PRIVATE KEY-----\n";
	struct pc_key *k = NULL;
	uint8_t *data;
	size_t len;
	char *comment = NULL;

	(void)state;
	data = read_file("ed25519_encrypted", &len);
	assert_int_equal(key_parse_private(data, len, &k, &comment),
	    PC_ERR_KEY_ENCRYPTED);
	assert_null(k);
	assert_null(comment);
	free(data);
	assert_int_equal(key_parse_private((const uint8_t *)proc,
	    strlen(proc), &k, NULL), PC_ERR_KEY_ENCRYPTED);
	assert_int_equal(key_parse_private((const uint8_t *)pkcs8,
	    strlen(pkcs8), &k, NULL), PC_ERR_KEY_ENCRYPTED);
	/* Its .pub is in the clear. */
	k = load_public("ed25519_encrypted", NULL);
	key_free(k);
}

/* Every proper prefix of a valid blob fails, as does trailing data. */
static void
test_blob_truncated_trailing(void **state)
{
	uint8_t blob[2048 + 1];
	struct pc_key *k;
	size_t i, n, len;

	(void)state;
	for (i = 0; i < NFIXTURES; i++) {
		len = pub_file_blob(fixtures[i].file, blob, sizeof(blob) - 1);
		for (n = 0; n < len; n++) {
			assert_int_not_equal(key_from_blob(blob, n, &k), 0);
			assert_null(k);
		}
		blob[len] = 0;
		assert_int_equal(key_from_blob(blob, len + 1, &k),
		    PC_ERR_TRAILING_DATA);
		assert_int_equal(key_from_blob(blob, len, &k), 0);
		key_free(k);
	}
}

/* A blob made of parts: string name, then raw bytes. */
static void
make_blob(struct wbuf *b, const char *name, const uint8_t *rest,
    size_t restlen)
{
	wbuf_init(b, 0);
	assert_int_equal(wbuf_put_cstring(b, name), 0);
	assert_int_equal(wbuf_put(b, rest, restlen), 0);
}

static void
test_blob_wrong_type(void **state)
{
	uint8_t blob[2048];
	struct pc_key *k;
	struct wbuf b;
	size_t len, namelen;

	(void)state;
	len = pub_file_blob("ed25519", blob, sizeof(blob));
	namelen = 4 + strlen("ssh-ed25519");
	/* Unknown names. */
	make_blob(&b, "ssh-dss", blob + namelen, len - namelen);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_KEY_TYPE_UNKNOWN);
	wbuf_clear(&b);
	make_blob(&b, "ssh-ed25519x", blob + namelen, len - namelen);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_KEY_TYPE_UNKNOWN);
	wbuf_clear(&b);
	make_blob(&b, "", blob + namelen, len - namelen);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_KEY_TYPE_UNKNOWN);
	wbuf_clear(&b);
	/* A signature algorithm name is not a key type. */
	make_blob(&b, "rsa-sha2-256", blob + namelen, len - namelen);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_KEY_TYPE_UNKNOWN);
	wbuf_clear(&b);
	/* Ed25519 fields under another type's name. */
	make_blob(&b, "ecdsa-sha2-nistp256", blob + namelen, len - namelen);
	assert_int_not_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    0);
	wbuf_clear(&b);
	make_blob(&b, "ssh-rsa", blob + namelen, len - namelen);
	assert_int_not_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    0);
	wbuf_clear(&b);
	/* Ed25519 public key of the wrong length. */
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_cstring(&b, "ssh-ed25519"), 0);
	assert_int_equal(wbuf_put_string(&b, blob + namelen + 4, 31), 0);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_KEY_INVALID);
	wbuf_clear(&b);
}

static void
test_blob_ec_invalid(void **state)
{
	uint8_t blob[512], q[1 + 2 * 66];
	struct pc_key *k;
	struct wbuf b, v;
	const uint8_t *qp;
	size_t len, qlen;
	char *name, *curve;

	(void)state;
	len = pub_file_blob("ecdsa256", blob, sizeof(blob));
	wbuf_init_const(&v, blob, len);
	assert_int_equal(wbuf_get_cstring(&v, &name, NULL), 0);
	assert_int_equal(wbuf_get_cstring(&v, &curve, NULL), 0);
	assert_string_equal(curve, "nistp256");
	assert_int_equal(wbuf_get_string_direct(&v, &qp, &qlen), 0);
	assert_int_equal(qlen, 65);
	memcpy(q, qp, qlen);

	/* Wrong curve name for the type, and an unknown curve. */
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_cstring(&b, name), 0);
	assert_int_equal(wbuf_put_cstring(&b, "nistp384"), 0);
	assert_int_equal(wbuf_put_string(&b, q, qlen), 0);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_KEY_INVALID);
	wbuf_clear(&b);
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_cstring(&b, name), 0);
	assert_int_equal(wbuf_put_cstring(&b, "secp256k1"), 0);
	assert_int_equal(wbuf_put_string(&b, q, qlen), 0);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_KEY_INVALID);
	wbuf_clear(&b);
	/* The nistp256 point under the nistp384 type: wrong length. */
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_cstring(&b, "ecdsa-sha2-nistp384"), 0);
	assert_int_equal(wbuf_put_cstring(&b, "nistp384"), 0);
	assert_int_equal(wbuf_put_string(&b, q, qlen), 0);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_KEY_INVALID);
	wbuf_clear(&b);
	/* Point off the curve: change the last byte of Y. */
	q[qlen - 1] ^= 0x01;
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_cstring(&b, name), 0);
	assert_int_equal(wbuf_put_cstring(&b, curve), 0);
	assert_int_equal(wbuf_put_string(&b, q, qlen), 0);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_KEY_INVALID);
	wbuf_clear(&b);
	q[qlen - 1] ^= 0x01;
	/* Compressed form (0x02/0x03 || X) is not what RFC 5656 sends. */
	q[0] = 0x02 | (q[qlen - 1] & 1);
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_cstring(&b, name), 0);
	assert_int_equal(wbuf_put_cstring(&b, curve), 0);
	assert_int_equal(wbuf_put_string(&b, q, 33), 0);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_KEY_INVALID);
	wbuf_clear(&b);
	/* The point at infinity's encoding, and all-zero coordinates. */
	memset(q, 0, qlen);
	q[0] = 0x04;
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_cstring(&b, name), 0);
	assert_int_equal(wbuf_put_cstring(&b, curve), 0);
	assert_int_equal(wbuf_put_string(&b, q, qlen), 0);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_KEY_INVALID);
	wbuf_clear(&b);
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_cstring(&b, name), 0);
	assert_int_equal(wbuf_put_cstring(&b, curve), 0);
	assert_int_equal(wbuf_put_string(&b, q, 1), 0);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_KEY_INVALID);
	wbuf_clear(&b);
	free(name);
	free(curve);
}

/* An ssh-rsa blob with the given e and an n of nbits bits (top and bottom
 * bits set: the blob parser checks size and form, not primality). */
static int
rsa_blob_parse(const uint8_t *e, size_t elen, unsigned nbits)
{
	uint8_t n[1024];
	size_t nlen = (nbits + 7) / 8;
	struct pc_key *k = NULL;
	struct wbuf b;
	int r;

	memset(n, 0x5a, nlen);
	n[0] = (uint8_t)(1u << ((nbits - 1) % 8));
	n[nlen - 1] |= 1;
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_cstring(&b, "ssh-rsa"), 0);
	assert_int_equal(wbuf_put_mpint(&b, e, elen), 0);
	assert_int_equal(wbuf_put_mpint(&b, n, nlen), 0);
	r = key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k);
	if (r == 0)
		assert_int_equal(key_bits(k), nbits);
	key_free(k);
	wbuf_clear(&b);
	return r;
}

static void
test_blob_rsa_invalid(void **state)
{
	static const uint8_t f4[] = { 0x01, 0x00, 0x01 };
	static const uint8_t even[] = { 0x01, 0x00, 0x02 };
	static const uint8_t one[] = { 0x01 };
	struct pc_key *k;
	struct wbuf b;
	uint8_t *data;
	size_t len;

	(void)state;
	assert_int_equal(rsa_blob_parse(f4, sizeof(f4), 1024), 0);
	assert_int_equal(rsa_blob_parse(f4, sizeof(f4), 4096), 0);
	/* Under 1024 bits is refused, as OpenSSH does. */
	assert_int_equal(rsa_blob_parse(f4, sizeof(f4), 1023),
	    PC_ERR_KEY_INVALID);
	assert_int_equal(rsa_blob_parse(f4, sizeof(f4), 768),
	    PC_ERR_KEY_INVALID);
	assert_int_equal(rsa_blob_parse(f4, sizeof(f4), 512),
	    PC_ERR_KEY_INVALID);
	assert_int_equal(rsa_blob_parse(even, sizeof(even), 2048),
	    PC_ERR_KEY_INVALID);
	assert_int_equal(rsa_blob_parse(one, sizeof(one), 2048),
	    PC_ERR_KEY_INVALID);
	assert_int_equal(rsa_blob_parse(NULL, 0, 2048), PC_ERR_KEY_INVALID);
	/* A negative and a non-minimal mpint. */
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_cstring(&b, "ssh-rsa"), 0);
	assert_int_equal(wbuf_put_string(&b, "\x81", 1), 0);
	assert_int_equal(wbuf_put_string(&b, "\x01\x01", 2), 0);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_BIGNUM_NEGATIVE);
	wbuf_clear(&b);
	wbuf_init(&b, 0);
	assert_int_equal(wbuf_put_cstring(&b, "ssh-rsa"), 0);
	assert_int_equal(wbuf_put_string(&b, "\x00\x01", 2), 0);
	assert_int_equal(wbuf_put_string(&b, "\x01\x01", 2), 0);
	assert_int_equal(key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k),
	    PC_ERR_BIGNUM_NOT_MINIMAL);
	wbuf_clear(&b);
	/* A 768-bit RSA private key file (from OpenSSL) is refused. */
	data = read_file("rsa768_pem", &len);
	assert_int_equal(key_parse_private(data, len, &k, NULL),
	    PC_ERR_KEY_INVALID);
	assert_null(k);
	free(data);
	/* So is an EC key on a curve SSH does not use. */
	data = read_file("ec_secp256k1_pem", &len);
	assert_int_equal(key_parse_private(data, len, &k, NULL),
	    PC_ERR_KEY_TYPE_UNKNOWN);
	free(data);
}

static void
test_public_line_invalid(void **state)
{
	uint8_t *data;
	size_t len;
	char *line, *sp, *comment;
	struct pc_key *k;
	char buf[512];

	(void)state;
	data = read_file("ed25519.pub", &len);
	line = (char *)data;
	/* Leading blanks, tabs and a CRLF ending are tolerated. */
	snprintf(buf, sizeof(buf), " \t%.*s\r\n", (int)(len - 1), line);
	assert_int_equal(key_from_public_line(buf, &k, &comment), 0);
	assert_string_equal(comment, "fixture-ed25519");
	free(comment);
	key_free(k);
	/* No comment at all gives "". */
	sp = strrchr(line, ' ');
	snprintf(buf, sizeof(buf), "%.*s", (int)(sp - line), line);
	assert_int_equal(key_from_public_line(buf, &k, &comment), 0);
	assert_string_equal(comment, "");
	free(comment);
	key_free(k);
	/* The type field must name the blob's type. */
	snprintf(buf, sizeof(buf), "ssh-rsa%s", line + strlen("ssh-ed25519"));
	assert_int_equal(key_from_public_line(buf, &k, NULL),
	    PC_ERR_KEY_TYPE_UNKNOWN);
	assert_null(k);
	snprintf(buf, sizeof(buf), "ssh-foo%s", line + strlen("ssh-ed25519"));
	assert_int_equal(key_from_public_line(buf, &k, NULL),
	    PC_ERR_KEY_TYPE_UNKNOWN);
	/* Bad base64: a stray character, a cut, lost padding. */
	snprintf(buf, sizeof(buf), "%s", line);
	buf[20] = '*';
	assert_int_equal(key_from_public_line(buf, &k, NULL),
	    PC_ERR_INVALID_FORMAT);
	snprintf(buf, sizeof(buf), "%.40s", line);
	assert_int_not_equal(key_from_public_line(buf, &k, NULL), 0);
	snprintf(buf, sizeof(buf), "ssh-ed25519");
	assert_int_equal(key_from_public_line(buf, &k, NULL),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(key_from_public_line("", &k, NULL),
	    PC_ERR_INVALID_FORMAT);
	assert_int_equal(key_from_public_line("ssh-ed25519 AAAA=", &k, NULL),
	    PC_ERR_INVALID_FORMAT);
	/* Base64 of a blob with trailing data. */
	assert_int_equal(key_from_public_line(
	    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEws1YTl5ZU8jD5JALaVpVL1GfMLN0"
	    "c6I2UGRmJs/H4bAA==", &k, NULL), PC_ERR_TRAILING_DATA);
	free(data);
}

/* ---- openssh-key-v1 surgery ---- */

struct ossh {
	char cipher[32], kdf[32];
	uint32_t nkeys;
	struct wbuf pub, priv;
};

/* Decode a fixture into its fields (PROTOCOL.key). */
static void
ossh_decode(const char *name, struct ossh *o)
{
	uint8_t *data, *raw;
	char *b64, *p, *q;
	size_t len, n, rawlen;
	struct wbuf b;
	const uint8_t *s;
	size_t slen;

	data = read_file(name, &len);
	b64 = malloc(len + 1);
	assert_non_null(b64);
	p = strchr((char *)data, '\n') + 1;
	for (n = 0; *p != '-'; p = q + 1) {
		q = strchr(p, '\n');
		memcpy(b64 + n, p, (size_t)(q - p));
		n += (size_t)(q - p);
	}
	raw = malloc(len);
	assert_int_equal(base64_decode(raw, len, &rawlen, b64, n, 0), 0);
	assert_memory_equal(raw, "openssh-key-v1\0", 15);
	wbuf_init_const(&b, raw + 15, rawlen - 15);
	assert_int_equal(wbuf_get_string_direct(&b, &s, &slen), 0);
	memcpy(o->cipher, s, slen);
	o->cipher[slen] = '\0';
	assert_int_equal(wbuf_get_string_direct(&b, &s, &slen), 0);
	memcpy(o->kdf, s, slen);
	o->kdf[slen] = '\0';
	assert_int_equal(wbuf_get_string_direct(&b, &s, &slen), 0);
	assert_int_equal(wbuf_get_u32(&b, &o->nkeys), 0);
	wbuf_init(&o->pub, 0);
	wbuf_init(&o->priv, 0);
	assert_int_equal(wbuf_get_stringb(&b, &o->pub), 0);
	assert_int_equal(wbuf_get_stringb(&b, &o->priv), 0);
	assert_int_equal(wbuf_get_end(&b), 0);
	free(raw);
	free(b64);
	free(data);
}

/* Raw binary from fields, with optional trailing bytes. */
static void
ossh_raw(const struct ossh *o, const char *magic, size_t extra,
    struct wbuf *raw)
{
	wbuf_init(raw, 0);
	assert_int_equal(wbuf_put(raw, magic, 15), 0);
	assert_int_equal(wbuf_put_cstring(raw, o->cipher), 0);
	assert_int_equal(wbuf_put_cstring(raw, o->kdf), 0);
	assert_int_equal(wbuf_put_string(raw, NULL, 0), 0);
	assert_int_equal(wbuf_put_u32(raw, o->nkeys), 0);
	assert_int_equal(wbuf_put_stringb(raw, &o->pub), 0);
	assert_int_equal(wbuf_put_stringb(raw, &o->priv), 0);
	while (extra-- > 0)
		assert_int_equal(wbuf_put_u8(raw, 0), 0);
}

/* Armour raw bytes the way ssh-keygen does, and parse the result. */
static int
ossh_parse_raw(const uint8_t *raw, size_t rawlen, struct pc_key **kp)
{
	size_t elen = base64_encoded_len(rawlen, 0), off;
	char *b64 = malloc(elen + 1);
	struct wbuf text;
	int r;

	assert_non_null(b64);
	assert_int_equal(base64_encode(b64, elen + 1, raw, rawlen, 0), 0);
	wbuf_init(&text, 0);
	assert_int_equal(wbuf_put(&text,
	    "-----BEGIN OPENSSH PRIVATE KEY-----\n", 36), 0);
	for (off = 0; off < elen; off += 70) {
		assert_int_equal(wbuf_put(&text, b64 + off,
		    elen - off < 70 ? elen - off : 70), 0);
		assert_int_equal(wbuf_put_u8(&text, '\n'), 0);
	}
	assert_int_equal(wbuf_put(&text,
	    "-----END OPENSSH PRIVATE KEY-----\n", 34), 0);
	*kp = NULL;
	r = key_parse_private(wbuf_ptr(&text), wbuf_len(&text), kp, NULL);
	if (r != 0)
		assert_null(*kp);
	key_free(*kp);
	*kp = NULL;
	wbuf_clear(&text);
	free(b64);
	return r;
}

static int
ossh_parse(const struct ossh *o, const char *magic, size_t extra)
{
	struct wbuf raw;
	struct pc_key *k;
	int r;

	ossh_raw(o, magic, extra, &raw);
	r = ossh_parse_raw(wbuf_ptr(&raw), wbuf_len(&raw), &k);
	wbuf_clear(&raw);
	return r;
}

static const char magic_ok[] = "openssh-key-v1";

static void
test_openssh_fields(void **state)
{
	struct ossh o, other;
	struct wbuf save, raw;
	struct pc_key *k;
	uint8_t *p;
	size_t i, n, plen;
	const char *files[] = { "ed25519", "ecdsa384", "rsa2048" };

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		ossh_decode(files[i], &o);
		assert_string_equal(o.cipher, "none");
		assert_int_equal(o.nkeys, 1);
		assert_int_equal(ossh_parse(&o, magic_ok, 0), 0);
		/* Trailing data after the private section. */
		assert_int_equal(ossh_parse(&o, magic_ok, 1),
		    PC_ERR_TRAILING_DATA);
		/* Bad magic. */
		assert_int_equal(ossh_parse(&o, "openssh-key-v2", 0),
		    PC_ERR_KEY_FORMAT);
		/* Not exactly one key. */
		o.nkeys = 2;
		assert_int_equal(ossh_parse(&o, magic_ok, 0),
		    PC_ERR_KEY_FORMAT);
		o.nkeys = 0;
		assert_int_equal(ossh_parse(&o, magic_ok, 0),
		    PC_ERR_KEY_FORMAT);
		o.nkeys = 1;
		/* A cipher means a passphrase. */
		snprintf(o.cipher, sizeof(o.cipher), "aes256-ctr");
		assert_int_equal(ossh_parse(&o, magic_ok, 0),
		    PC_ERR_KEY_ENCRYPTED);
		snprintf(o.cipher, sizeof(o.cipher), "none");
		/* kdf without cipher. */
		snprintf(o.kdf, sizeof(o.kdf), "bcrypt");
		assert_int_equal(ossh_parse(&o, magic_ok, 0),
		    PC_ERR_KEY_FORMAT);
		snprintf(o.kdf, sizeof(o.kdf), "none");

		p = wbuf_mutable_ptr(&o.priv);
		plen = wbuf_len(&o.priv);
		/* Check-ints that differ. */
		p[3] ^= 0x10;
		assert_int_equal(ossh_parse(&o, magic_ok, 0),
		    PC_ERR_KEY_FORMAT);
		p[3] ^= 0x10;
		/* Padding that is not 1, 2, 3, ... (ssh-keygen pads every
		 * one of these fixtures by at least one byte). */
		assert_true(p[plen - 1] >= 1 && p[plen - 1] <= 7);
		p[plen - 1] ^= 0x40;
		assert_int_equal(ossh_parse(&o, magic_ok, 0),
		    PC_ERR_KEY_FORMAT);
		p[plen - 1] ^= 0x40;
		assert_int_equal(ossh_parse(&o, magic_ok, 0), 0);
		/* Private section not a multiple of the block size. */
		wbuf_init(&save, 0);
		assert_int_equal(wbuf_put(&save, p, plen), 0);
		assert_int_equal(wbuf_put_u8(&o.priv, plen % 8 + 1), 0);
		assert_int_equal(ossh_parse(&o, magic_ok, 0),
		    PC_ERR_KEY_FORMAT);
		/* A whole extra block of padding is refused too. */
		for (n = 1; n < 8; n++)
			assert_int_equal(wbuf_put_u8(&o.priv,
			    (uint8_t)(plen % 8 + 1 + n)), 0);
		assert_int_not_equal(ossh_parse(&o, magic_ok, 0), 0);
		wbuf_reset(&o.priv);
		assert_int_equal(wbuf_put(&o.priv, wbuf_ptr(&save), plen), 0);
		/* Truncated private sections (whole blocks, so the block
		 * check is not what catches them). */
		for (n = 8; n < plen; n += 8) {
			assert_int_equal(wbuf_consume_end(&o.priv, 8), 0);
			assert_int_not_equal(ossh_parse(&o, magic_ok, 0), 0);
		}
		wbuf_reset(&o.priv);
		assert_int_equal(wbuf_put(&o.priv, wbuf_ptr(&save), plen), 0);
		wbuf_clear(&save);
		assert_int_equal(ossh_parse(&o, magic_ok, 0), 0);
		/* Every truncation of the whole binary. */
		ossh_raw(&o, magic_ok, 0, &raw);
		for (n = 0; n < wbuf_len(&raw); n += (i == 2 ? 7 : 1))
			assert_int_not_equal(ossh_parse_raw(wbuf_ptr(&raw), n,
			    &k), 0);
		wbuf_clear(&raw);
		wbuf_clear(&o.pub);
		wbuf_clear(&o.priv);
	}

	/* The public key of another file: type mismatch and key mismatch. */
	ossh_decode("ed25519", &o);
	ossh_decode("rsa2048", &other);
	wbuf_reset(&o.pub);
	assert_int_equal(wbuf_put(&o.pub, wbuf_ptr(&other.pub),
	    wbuf_len(&other.pub)), 0);
	assert_int_equal(ossh_parse(&o, magic_ok, 0), PC_ERR_KEY_FORMAT);
	wbuf_clear(&other.pub);
	wbuf_clear(&other.priv);
	{
		/* Same type, other key: the private half must match. */
		uint8_t blob[128];
		size_t bl = pub_file_blob("ed25519_pkcs8", blob, sizeof(blob));

		wbuf_reset(&o.pub);
		assert_int_equal(wbuf_put(&o.pub, blob, bl), 0);
		assert_int_equal(ossh_parse(&o, magic_ok, 0),
		    PC_ERR_KEY_INVALID);
	}
	wbuf_clear(&o.pub);
	wbuf_clear(&o.priv);

	/* Ed25519 sk whose second half is not the public key. */
	ossh_decode("ed25519", &o);
	p = wbuf_mutable_ptr(&o.priv);
	/* checkints 8, string name 4+11, string pk 4+32, string sk 4+64 */
	p[8 + 15 + 36 + 4 + 40] ^= 0x01;
	assert_int_equal(ossh_parse(&o, magic_ok, 0), PC_ERR_KEY_INVALID);
	p[8 + 15 + 36 + 4 + 40] ^= 0x01;
	/* Seed changed: it no longer gives the stored public key. */
	p[8 + 15 + 36 + 4 + 3] ^= 0x01;
	assert_int_equal(ossh_parse(&o, magic_ok, 0), PC_ERR_KEY_INVALID);
	wbuf_clear(&o.pub);
	wbuf_clear(&o.priv);

	/* An ECDSA private scalar that does not match its point. */
	ossh_decode("ecdsa256", &o);
	p = wbuf_mutable_ptr(&o.priv);
	plen = wbuf_len(&o.priv);
	/* checkints 8, string name 4+19, string curve 4+8, string Q 4+65,
	 * then mpint d: its contents start at 116. */
	assert_true(plen > 116 + 32);
	p[116 + 10] ^= 0x01;
	assert_int_equal(ossh_parse(&o, magic_ok, 0), PC_ERR_KEY_INVALID);
	wbuf_clear(&o.pub);
	wbuf_clear(&o.priv);

	/* An RSA prime changed: n != p * q. */
	ossh_decode("rsa2048", &o);
	p = wbuf_mutable_ptr(&o.priv);
	plen = wbuf_len(&o.priv);
	/* q is the last mpint: its low byte sits before the comment. */
	n = plen - (size_t)(p[plen - 1]) - 4 - strlen("fixture-rsa2048") - 1;
	p[n] ^= 0x02;
	assert_int_equal(ossh_parse(&o, magic_ok, 0), PC_ERR_KEY_INVALID);
	wbuf_clear(&o.pub);
	wbuf_clear(&o.priv);

	/* An RSA d that does not invert e (found by fuzz_privkey: such a
	 * key loaded and made bad signatures). */
	ossh_decode("rsa2048", &o);
	p = wbuf_mutable_ptr(&o.priv);
	/* checkints 8, string "ssh-rsa" 4+7, then mpints n, e, d */
	n = 8 + 11;
	n += 4 + pc_get_u32(p + n);
	n += 4 + pc_get_u32(p + n);
	assert_true(n + 4 + pc_get_u32(p + n) < wbuf_len(&o.priv));
	n += 4 + pc_get_u32(p + n) - 1;		/* the low byte of d */
	p[n] ^= 0x02;
	assert_int_equal(ossh_parse(&o, magic_ok, 0), PC_ERR_KEY_INVALID);
	p[n] ^= 0x02;
	assert_int_equal(ossh_parse(&o, magic_ok, 0), 0);
	wbuf_clear(&o.pub);
	wbuf_clear(&o.priv);
}

static void
expect_bad_file(const char *text, int want)
{
	struct pc_key *k = NULL;
	char *comment = NULL;

	assert_int_equal(key_parse_private((const uint8_t *)text,
	    strlen(text), &k, &comment), want);
	assert_null(k);
	assert_null(comment);
}

/* Armour problems, built from a good file by editing its text. */
static void
test_bad_armour(void **state)
{
	uint8_t *data;
	size_t len;
	char *text, *buf, *p;
	struct pc_key *k;

	(void)state;
	data = read_file("ed25519", &len);
	text = (char *)data;
	buf = malloc(len + 64);
	assert_non_null(buf);

	/* CRLF line ends and trailing blank lines are fine. */
	{
		size_t i, o = 0;

		for (i = 0; i < len; i++) {
			if (text[i] == '\n')
				buf[o++] = '\r';
			buf[o++] = text[i];
		}
		buf[o++] = '\n';
		assert_int_equal(key_parse_private((uint8_t *)buf, o, &k,
		    NULL), 0);
		key_free(k);
	}
	/* Missing END line. */
	p = strstr(text, "-----END");
	snprintf(buf, len + 64, "%.*s", (int)(p - text), text);
	expect_bad_file(buf, PC_ERR_KEY_FORMAT);
	/* END line without a line ending is accepted. */
	assert_int_equal(key_parse_private(data, len - 1, &k, NULL), 0);
	key_free(k);
	/* Wrong END label. */
	snprintf(buf, len + 64, "%.*s-----END RSA PRIVATE KEY-----\n",
	    (int)(p - text), text);
	expect_bad_file(buf, PC_ERR_KEY_FORMAT);
	/* Junk after the END line. */
	snprintf(buf, len + 64, "%sjunk\n", text);
	expect_bad_file(buf, PC_ERR_KEY_FORMAT);
	/* Junk after BEGIN on its line. */
	snprintf(buf, len + 64, "-----BEGIN OPENSSH PRIVATE KEY----- x%s",
	    strchr(text, '\n'));
	expect_bad_file(buf, PC_ERR_KEY_FORMAT);
	/* Text before BEGIN. */
	snprintf(buf, len + 64, "x%s", text);
	expect_bad_file(buf, PC_ERR_KEY_FORMAT);
	/* Bad base64 in the body: invalid character, space, '=' inside. */
	snprintf(buf, len + 64, "%s", text);
	buf[60] = '!';
	expect_bad_file(buf, PC_ERR_KEY_FORMAT);
	buf[60] = ' ';
	expect_bad_file(buf, PC_ERR_KEY_FORMAT);
	buf[60] = '=';
	expect_bad_file(buf, PC_ERR_KEY_FORMAT);
	/* A base64 line dropped: length no longer a multiple of 4 or the
	 * binary is cut short. */
	p = strchr(strchr(text, '\n') + 1, '\n') + 1;
	snprintf(buf, len + 64, "%.*s%s", (int)(strchr(text, '\n') + 1 - text),
	    text, p);
	expect_bad_file(buf, PC_ERR_KEY_FORMAT);
	/* Empty body. */
	expect_bad_file("-----BEGIN OPENSSH PRIVATE KEY-----\n"
	    "-----END OPENSSH PRIVATE KEY-----\n", PC_ERR_KEY_FORMAT);
	/* Not a key file at all, and unknown PEM labels. */
	expect_bad_file("", PC_ERR_KEY_FORMAT);
	expect_bad_file("hello\n", PC_ERR_KEY_FORMAT);
	expect_bad_file("-----BEGIN DSA PRIVATE KEY-----\nAAAA\n"
	    "-----END DSA PRIVATE KEY-----\n", PC_ERR_KEY_FORMAT);
	/* PEM with a broken body. */
	expect_bad_file("-----BEGIN PRIVATE KEY-----\nAAAA\n"
	    "-----END PRIVATE KEY-----\n", PC_ERR_KEY_FORMAT);
	expect_bad_file("-----BEGIN RSA PRIVATE KEY-----\n!!!!\n"
	    "-----END RSA PRIVATE KEY-----\n", PC_ERR_KEY_FORMAT);
	/* A public key line is not a private key. */
	free(data);
	data = read_file("ed25519.pub", &len);
	expect_bad_file((char *)data, PC_ERR_KEY_FORMAT);
	free(data);
	free(buf);
}

/* PEM files truncated anywhere fail cleanly. */
static void
test_pem_truncated(void **state)
{
	const char *files[] = { "rsa_pem", "ecdsa_pem", "ecdsa_pkcs8",
	    "ed25519_pkcs8" };
	struct pc_key *k;
	uint8_t *data;
	size_t i, n, len;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		data = read_file(files[i], &len);
		for (n = 0; n + 30 < len; n += 13) {
			assert_int_not_equal(key_parse_private(data, n, &k,
			    NULL), 0);
			assert_null(k);
		}
		free(data);
	}
}

static int
setup(void **state)
{
	(void)state;
	return crypto_lib_init() == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_fixtures_load),
		cmocka_unit_test(test_blob_roundtrip),
		cmocka_unit_test(test_private_write_roundtrip),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_rsa_short_signature),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_blob_truncated_trailing),
		cmocka_unit_test(test_blob_wrong_type),
		cmocka_unit_test(test_blob_ec_invalid),
		cmocka_unit_test(test_blob_rsa_invalid),
		cmocka_unit_test(test_public_line_invalid),
		cmocka_unit_test(test_openssh_fields),
		cmocka_unit_test(test_bad_armour),
		cmocka_unit_test(test_pem_truncated),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
