/*
 * Private key file formats (see key.h): OpenSSH's "openssh-key-v1"
 * (PROTOCOL.key), read and written unencrypted, and PEM (traditional
 * "RSA PRIVATE KEY" / "EC PRIVATE KEY" and PKCS#8 "PRIVATE KEY") read
 * through OpenSSL.  Every decoded byte is a secret: buffers are wbufs,
 * which wipe on clear.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "base64.h"
#include "key.h"
#include "key_int.h"
#include "rand.h"
#include "wbuf.h"

/* PROTOCOL.key: the magic includes its NUL terminator. */
#define KEYFMT_MAGIC		"openssh-key-v1"
#define KEYFMT_MAGIC_LEN	sizeof(KEYFMT_MAGIC)
#define KEYFMT_BEGIN		"-----BEGIN OPENSSH PRIVATE KEY-----"
#define KEYFMT_END		"-----END OPENSSH PRIVATE KEY-----"
#define KEYFMT_COLS		70	/* ssh-keygen's line width */
#define KEYFMT_BLOCK		8	/* block size of cipher "none" */
#define KEYFMT_MAX_FILE		(1u << 20)	/* as OpenSSH's limit */

#define KEYFMT_PEM_RSA		"-----BEGIN RSA PRIVATE KEY-----"
#define KEYFMT_PEM_EC		"-----BEGIN EC PRIVATE KEY-----"
#define KEYFMT_PEM_PKCS8	"-----BEGIN PRIVATE KEY-----"
#define KEYFMT_PEM_ENCRYPTED	"-----BEGIN ENCRYPTED PRIVATE KEY-----"
#define KEYFMT_PEM_PROC_ENC	"Proc-Type: 4,ENCRYPTED"

static int
keyfmt_has_prefix(const uint8_t *data, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);

	return len >= plen && memcmp(data, prefix, plen) == 0;
}

/* Find needle in the first len bytes of data. */
static int
keyfmt_contains(const uint8_t *data, size_t len, const char *needle)
{
	size_t nlen = strlen(needle), i;

	for (i = 0; nlen <= len && i <= len - nlen; i++) {
		if (memcmp(data + i, needle, nlen) == 0)
			return 1;
	}
	return 0;
}

/*
 * Remove the armour: the data starts with the BEGIN line; lines of base64
 * follow until the END line, after which only blank space may remain.
 * Lines end in LF or CRLF.  The decoded bytes are appended to out.
 */
static int
keyfmt_dearmour(const uint8_t *data, size_t len, struct wbuf *out)
{
	const uint8_t *p = data, *end = data + len, *nl;
	size_t llen, blen = strlen(KEYFMT_BEGIN), dlen, maxlen;
	struct wbuf b64;
	uint8_t *dst;
	int r, done = 0;

	wbuf_init(&b64, KEYFMT_MAX_FILE);
	if (!keyfmt_has_prefix(data, len, KEYFMT_BEGIN)) {
		r = PC_ERR_KEY_FORMAT;
		goto out;
	}
	p += blen;
	/* One line per iteration; each consumes at least one byte. */
	while (p < end) {
		/* The last line may lack its line end. */
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		llen = (size_t)(nl - p);
		if (llen > 0 && p[llen - 1] == '\r')
			llen--;
		if (p != data + blen) {
			/* A base64 line, or the END line. */
			if (llen == strlen(KEYFMT_END) &&
			    memcmp(p, KEYFMT_END, llen) == 0) {
				done = 1;
				p = nl;
				break;
			}
			if ((r = wbuf_put(&b64, p, llen)) != 0)
				goto out;
		} else if (llen != 0) {
			r = PC_ERR_KEY_FORMAT;	/* junk after BEGIN */
			goto out;
		}
		p = nl < end ? nl + 1 : end;
	}
	if (!done) {
		r = PC_ERR_KEY_FORMAT;
		goto out;
	}
	for (; p < end; p++) {
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t') {
			r = PC_ERR_KEY_FORMAT;
			goto out;
		}
	}
	if (wbuf_len(&b64) == 0) {
		r = PC_ERR_KEY_FORMAT;
		goto out;
	}
	maxlen = base64_decoded_max(wbuf_len(&b64));
	if ((r = wbuf_reserve(out, maxlen, &dst)) != 0)
		goto out;
	r = base64_decode(dst, maxlen, &dlen, (const char *)wbuf_ptr(&b64),
	    wbuf_len(&b64), 0);
	if (r != 0)
		dlen = 0;
	/* Give back what the decoder did not use (all of it on error). */
	if (wbuf_consume_end(out, maxlen - dlen) != 0)
		r = PC_ERR_INTERNAL;
	if (r == PC_ERR_INVALID_FORMAT)
		r = PC_ERR_KEY_FORMAT;
 out:
	wbuf_clear(&b64);
	return r;
}

/* The private fields for type k->type, in PROTOCOL.key order (which for
 * RSA is not the public blob's order). */
static int
keyfmt_get_private_fields(struct wbuf *b, struct pc_key *k)
{
	const uint8_t *pk, *sk, *q, *d, *curve;
	size_t pklen, sklen, qlen, dlen, clen;
	const char *want;
	struct key_rsa_parts rp;
	int r;

	switch (k->type) {
	case KEY_ED25519:
		/* string ENC(A), string k || ENC(A) */
		if ((r = wbuf_get_string_direct(b, &pk, &pklen)) != 0 ||
		    (r = wbuf_get_string_direct(b, &sk, &sklen)) != 0)
			return r;
		if (pklen != KEY_ED25519_PK_LEN || sklen != KEY_ED25519_SK_LEN)
			return PC_ERR_KEY_INVALID;
		if ((r = key_ed25519_set_seed(k, sk)) != 0)
			return r;
		/* The stored public key, both copies, must be the one the
		 * seed gives. */
		if (memcmp(k->ed_pk, pk, KEY_ED25519_PK_LEN) != 0 ||
		    memcmp(sk + KEY_ED25519_SEED_LEN, pk,
		    KEY_ED25519_PK_LEN) != 0)
			return PC_ERR_KEY_INVALID;
		return 0;
	case KEY_ECDSA_P256:
	case KEY_ECDSA_P384:
	case KEY_ECDSA_P521:
		/* string curve, string Q, mpint d */
		want = key_ec_curve_name(k->type);
		if ((r = wbuf_get_string_direct(b, &curve, &clen)) != 0)
			return r;
		if (clen != strlen(want) || memcmp(curve, want, clen) != 0)
			return PC_ERR_KEY_INVALID;
		if ((r = wbuf_get_string_direct(b, &q, &qlen)) != 0 ||
		    (r = wbuf_get_mpint(b, &d, &dlen)) != 0)
			return r;
		return key_ec_set(k, q, qlen, d, dlen);
	case KEY_RSA:
		/* mpint n, e, d, iqmp, p, q */
		memset(&rp, 0, sizeof(rp));
		if ((r = wbuf_get_mpint(b, &rp.n, &rp.nlen)) != 0 ||
		    (r = wbuf_get_mpint(b, &rp.e, &rp.elen)) != 0 ||
		    (r = wbuf_get_mpint(b, &rp.d, &rp.dlen)) != 0 ||
		    (r = wbuf_get_mpint(b, &rp.iqmp, &rp.iqmplen)) != 0 ||
		    (r = wbuf_get_mpint(b, &rp.p, &rp.plen)) != 0 ||
		    (r = wbuf_get_mpint(b, &rp.q, &rp.qlen)) != 0)
			return r;
		return key_rsa_set(k, &rp);
	default:
		return PC_ERR_KEY_TYPE_UNKNOWN;
	}
}

static int
keyfmt_put_private_fields(const struct pc_key *k, struct wbuf *out)
{
	uint8_t q[1 + 2 * KEY_EC_MAX_FIELD];
	size_t qlen;
	int r;

	switch (k->type) {
	case KEY_ED25519:
		if ((r = wbuf_put_string(out, k->ed_pk,
		    sizeof(k->ed_pk))) != 0)
			return r;
		return wbuf_put_string(out, k->ed_sk, sizeof(k->ed_sk));
	case KEY_ECDSA_P256:
	case KEY_ECDSA_P384:
	case KEY_ECDSA_P521:
		if ((r = key_ec_get_point(k, q, &qlen)) != 0 ||
		    (r = wbuf_put_cstring(out,
		    key_ec_curve_name(k->type))) != 0 ||
		    (r = wbuf_put_string(out, q, qlen)) != 0)
			return r;
		return key_put_param_mpint(k, OSSL_PKEY_PARAM_PRIV_KEY, out);
	case KEY_RSA:
		if ((r = key_put_param_mpint(k, OSSL_PKEY_PARAM_RSA_N,
		    out)) != 0 ||
		    (r = key_put_param_mpint(k, OSSL_PKEY_PARAM_RSA_E,
		    out)) != 0 ||
		    (r = key_put_param_mpint(k, OSSL_PKEY_PARAM_RSA_D,
		    out)) != 0 ||
		    (r = key_put_param_mpint(k,
		    OSSL_PKEY_PARAM_RSA_COEFFICIENT1, out)) != 0 ||
		    (r = key_put_param_mpint(k, OSSL_PKEY_PARAM_RSA_FACTOR1,
		    out)) != 0)
			return r;
		return key_put_param_mpint(k, OSSL_PKEY_PARAM_RSA_FACTOR2,
		    out);
	default:
		return PC_ERR_KEY_TYPE_UNKNOWN;
	}
}

static int
keyfmt_string_is(const uint8_t *p, size_t len, const char *s)
{
	return len == strlen(s) && memcmp(p, s, len) == 0;
}

/* The list of private keys (PROTOCOL.key "encrypted, padded list"). */
static int
keyfmt_parse_private_section(struct wbuf *b, const struct pc_key *pub,
    struct pc_key **kp, char **comment)
{
	uint32_t check1, check2;
	const uint8_t *name;
	size_t nlen, i, padlen;
	struct pc_key *k = NULL;
	char *cm = NULL;
	uint8_t pad;
	int r;

	if (wbuf_len(b) % KEYFMT_BLOCK != 0)
		return PC_ERR_KEY_FORMAT;
	/* uint32 checkint, uint32 checkint: equal after decryption. */
	if ((r = wbuf_get_u32(b, &check1)) != 0 ||
	    (r = wbuf_get_u32(b, &check2)) != 0)
		return r;
	if (check1 != check2)
		return PC_ERR_KEY_FORMAT;
	/* string keytype: must be the public key's */
	if ((r = wbuf_get_string_direct(b, &name, &nlen)) != 0)
		return r;
	if (!keyfmt_string_is(name, nlen, key_name(pub)))
		return PC_ERR_KEY_FORMAT;
	if ((k = key_new(key_get_type(pub))) == NULL)
		return PC_ERR_ALLOC;
	if ((r = keyfmt_get_private_fields(b, k)) != 0)
		goto out;
	if (!key_equal_public(k, pub)) {
		r = PC_ERR_KEY_INVALID;
		goto out;
	}
	/* string comment */
	if ((r = wbuf_get_cstring(b, &cm, NULL)) != 0)
		goto out;
	/* Padding 1, 2, 3, ... up to the block size. */
	padlen = wbuf_len(b);
	if (padlen >= KEYFMT_BLOCK) {
		r = PC_ERR_KEY_FORMAT;
		goto out;
	}
	for (i = 0; i < padlen; i++) {
		if ((r = wbuf_get_u8(b, &pad)) != 0)
			goto out;
		if (pad != (uint8_t)(i + 1)) {
			r = PC_ERR_KEY_FORMAT;
			goto out;
		}
	}
	*kp = k;
	k = NULL;
	if (comment != NULL) {
		*comment = cm;
		cm = NULL;
	}
	r = 0;
 out:
	key_free(k);
	free(cm);
	return r;
}

static int
keyfmt_parse_openssh(const uint8_t *data, size_t len, struct pc_key **kp,
    char **comment)
{
	struct wbuf raw, b, priv;
	uint8_t magic[KEYFMT_MAGIC_LEN];
	const uint8_t *cipher, *kdf, *kdfopts, *pubblob, *privp;
	size_t cipherlen, kdflen, kdfoptslen, publen, privlen;
	struct pc_key *pub = NULL;
	uint32_t nkeys;
	int r;

	wbuf_init(&raw, KEYFMT_MAX_FILE);
	if ((r = keyfmt_dearmour(data, len, &raw)) != 0)
		goto out;
	wbuf_init_const(&b, wbuf_ptr(&raw), wbuf_len(&raw));
	/* byte[] AUTH_MAGIC */
	if ((r = wbuf_get(&b, magic, sizeof(magic))) != 0)
		goto out;
	if (memcmp(magic, KEYFMT_MAGIC, sizeof(magic)) != 0) {
		r = PC_ERR_KEY_FORMAT;
		goto out;
	}
	/* string ciphername, string kdfname, string kdfoptions */
	if ((r = wbuf_get_string_direct(&b, &cipher, &cipherlen)) != 0 ||
	    (r = wbuf_get_string_direct(&b, &kdf, &kdflen)) != 0 ||
	    (r = wbuf_get_string_direct(&b, &kdfopts, &kdfoptslen)) != 0)
		goto out;
	if (!keyfmt_string_is(cipher, cipherlen, "none")) {
		r = PC_ERR_KEY_ENCRYPTED;
		goto out;
	}
	/* Cipher "none" comes with kdf "none" and no kdf options. */
	if (!keyfmt_string_is(kdf, kdflen, "none") || kdfoptslen != 0) {
		r = PC_ERR_KEY_FORMAT;
		goto out;
	}
	/* uint32 number of keys: ssh-keygen writes exactly one. */
	if ((r = wbuf_get_u32(&b, &nkeys)) != 0)
		goto out;
	if (nkeys != 1) {
		r = PC_ERR_KEY_FORMAT;
		goto out;
	}
	/* string publickey1 */
	if ((r = wbuf_get_string_direct(&b, &pubblob, &publen)) != 0 ||
	    (r = key_from_blob_plain(pubblob, publen, &pub)) != 0)
		goto out;
	/* string encrypted, padded list of private keys */
	if ((r = wbuf_get_string_direct(&b, &privp, &privlen)) != 0 ||
	    (r = wbuf_get_end(&b)) != 0)
		goto out;
	wbuf_init_const(&priv, privp, privlen);
	r = keyfmt_parse_private_section(&priv, pub, kp, comment);
 out:
	key_free(pub);
	pc_wipe(magic, sizeof(magic));
	wbuf_clear(&raw);
	return r;
}

/* OpenSSL's passphrase callback: never prompt, never give a passphrase. */
static int
keyfmt_no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static int
keyfmt_parse_pem(const uint8_t *data, size_t len, struct pc_key **kp)
{
	EVP_PKEY *pkey;
	BIO *bio;

	/* RFC 1421 s. 4.6.1.1 headers of an encrypted traditional key. */
	if (keyfmt_contains(data, len, KEYFMT_PEM_PROC_ENC))
		return PC_ERR_KEY_ENCRYPTED;
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL)
		return PC_ERR_ALLOC;
	pkey = PEM_read_bio_PrivateKey(bio, NULL, keyfmt_no_passphrase, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (pkey == NULL)
		return PC_ERR_KEY_FORMAT;
	return key_from_evp(pkey, kp);	/* takes pkey */
}

int
key_parse_private(const uint8_t *data, size_t len, struct pc_key **kp,
    char **comment)
{
	int r;

	*kp = NULL;
	if (comment != NULL)
		*comment = NULL;
	if (data == NULL || len > KEYFMT_MAX_FILE)
		return PC_ERR_KEY_FORMAT;
	if (keyfmt_has_prefix(data, len, KEYFMT_BEGIN))
		return keyfmt_parse_openssh(data, len, kp, comment);
	if (keyfmt_has_prefix(data, len, KEYFMT_PEM_ENCRYPTED))
		return PC_ERR_KEY_ENCRYPTED;
	if (!keyfmt_has_prefix(data, len, KEYFMT_PEM_RSA) &&
	    !keyfmt_has_prefix(data, len, KEYFMT_PEM_EC) &&
	    !keyfmt_has_prefix(data, len, KEYFMT_PEM_PKCS8))
		return PC_ERR_KEY_FORMAT;
	if ((r = keyfmt_parse_pem(data, len, kp)) != 0)
		return r;
	/* PEM files have no comment. */
	if (comment != NULL && (*comment = strdup("")) == NULL) {
		key_free(*kp);
		*kp = NULL;
		return PC_ERR_ALLOC;
	}
	return 0;
}

/* Base64 of raw, KEYFMT_COLS to a line, between the armour lines. */
static int
keyfmt_armour(const struct wbuf *raw, struct wbuf *out)
{
	char *b64 = NULL;
	size_t elen, off, n;
	int r;

	elen = base64_encoded_len(wbuf_len(raw), 0);
	if ((b64 = malloc(elen + 1)) == NULL)
		return PC_ERR_ALLOC;
	if ((r = base64_encode(b64, elen + 1, wbuf_ptr(raw), wbuf_len(raw),
	    0)) != 0)
		goto out;
	if ((r = wbuf_put(out, KEYFMT_BEGIN "\n",
	    strlen(KEYFMT_BEGIN "\n"))) != 0)
		goto out;
	for (off = 0; off < elen; off += n) {
		n = elen - off < KEYFMT_COLS ? elen - off : KEYFMT_COLS;
		if ((r = wbuf_put(out, b64 + off, n)) != 0 ||
		    (r = wbuf_put_u8(out, '\n')) != 0)
			goto out;
	}
	r = wbuf_put(out, KEYFMT_END "\n", strlen(KEYFMT_END "\n"));
 out:
	if (b64 != NULL) {
		pc_wipe(b64, elen + 1);
		free(b64);
	}
	return r;
}

int
key_write_private(const struct pc_key *k, const char *comment,
    struct wbuf *out)
{
	struct wbuf pubblob, priv, raw;
	uint32_t check;
	uint8_t i;
	size_t start = wbuf_len(out);
	int r;

	/* A certificate is written as its own -cert.pub file. */
	if (k == NULL || !key_has_private(k) || key_is_cert(k))
		return PC_ERR_INVALID_ARGUMENT;
	wbuf_init(&pubblob, 0);
	wbuf_init(&priv, 0);
	wbuf_init(&raw, 0);
	if ((r = key_to_blob(k, &pubblob)) != 0)
		goto out;
	/* PROTOCOL.key: random check-int twice, the key, the comment,
	 * then padding 1, 2, 3, ... to the cipher's block size. */
	rand_bytes(&check, sizeof(check));
	if ((r = wbuf_put_u32(&priv, check)) != 0 ||
	    (r = wbuf_put_u32(&priv, check)) != 0 ||
	    (r = wbuf_put_cstring(&priv, key_name(k))) != 0 ||
	    (r = keyfmt_put_private_fields(k, &priv)) != 0 ||
	    (r = wbuf_put_cstring(&priv, comment == NULL ? "" :
	    comment)) != 0)
		goto out;
	for (i = 1; wbuf_len(&priv) % KEYFMT_BLOCK != 0; i++) {
		if ((r = wbuf_put_u8(&priv, i)) != 0)
			goto out;
	}
	if ((r = wbuf_put(&raw, KEYFMT_MAGIC, KEYFMT_MAGIC_LEN)) != 0 ||
	    (r = wbuf_put_cstring(&raw, "none")) != 0 ||	/* cipher */
	    (r = wbuf_put_cstring(&raw, "none")) != 0 ||	/* kdf */
	    (r = wbuf_put_string(&raw, NULL, 0)) != 0 ||	/* kdfoptions */
	    (r = wbuf_put_u32(&raw, 1)) != 0 ||
	    (r = wbuf_put_stringb(&raw, &pubblob)) != 0 ||
	    (r = wbuf_put_stringb(&raw, &priv)) != 0)
		goto out;
	r = keyfmt_armour(&raw, out);
 out:
	if (r != 0 && wbuf_len(out) > start &&
	    wbuf_consume_end(out, wbuf_len(out) - start) != 0)
		r = PC_ERR_INTERNAL;
	pc_wipe(&check, sizeof(check));
	wbuf_clear(&pubblob);
	wbuf_clear(&priv);
	wbuf_clear(&raw);
	return r;
}
