/*
 * OpenSSH certificates (see cert.h): parsing and checking the blob of
 * PROTOCOL.certkeys, the CA signature, and the certificate half of the
 * key.h API (key_is_cert, key_cert, key_attach_cert, key_describe).
 *
 * The blob is kept whole (cert->blob): the signature covers its bytes as
 * received, key_to_blob gives them back unchanged, and the borrowed
 * fields (nonce, option data, signature) point into it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "alglist.h"
#include "cert.h"
#include "key.h"
#include "key_int.h"
#include "wbuf.h"

#define CERT_DESCRIBE_MAX_ID	256	/* key id bytes shown in the logs */

const struct pc_key *
cert_key(const struct pc_cert *c)
{
	return c == NULL ? NULL : c->key;
}

const struct pc_key *
cert_ca_key(const struct pc_cert *c)
{
	return c == NULL ? NULL : c->ca_key;
}

const char *
cert_type_name(const struct pc_cert *c)
{
	if (c != NULL && c->type == CERT_TYPE_USER)
		return "user";
	if (c != NULL && c->type == CERT_TYPE_HOST)
		return "host";
	return "unknown";
}

static void
cert_options_free(struct cert_option *opts, size_t n)
{
	size_t i;

	if (opts == NULL)
		return;
	for (i = 0; i < n; i++)
		free(opts[i].name);
	free(opts);
}

void
cert_free(struct pc_cert *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->key_id);
	if (c->principals != NULL) {
		for (i = 0; i < c->nprincipals; i++)
			free(c->principals[i]);
		free(c->principals);
	}
	cert_options_free(c->critical, c->ncritical);
	cert_options_free(c->extensions, c->nextensions);
	key_free(c->key);
	key_free(c->ca_key);
	free(c->sig_alg);
	free(c->blob);
	free(c);
}

/*
 * "valid principals": a string holding zero or more strings, each a
 * principal (PROTOCOL.certkeys).  At most CERT_MAX_PRINCIPALS, as OpenSSH.
 */
static int
cert_parse_principals(const uint8_t *p, size_t len, struct pc_cert *c)
{
	struct wbuf b;
	char **np, *name = NULL;
	int r;

	wbuf_init_const(&b, p, len);
	while (wbuf_len(&b) > 0) {
		if (c->nprincipals >= CERT_MAX_PRINCIPALS)
			return PC_ERR_CERT_INVALID;
		if ((r = wbuf_get_cstring(&b, &name, NULL)) != 0)
			return r;
		if ((np = reallocarray(c->principals, c->nprincipals + 1,
		    sizeof(*np))) == NULL) {
			free(name);
			return PC_ERR_ALLOC;
		}
		c->principals = np;
		c->principals[c->nprincipals++] = name;
	}
	return 0;
}

/*
 * "critical options" and "extensions": a string holding pairs of string
 * name, string data.  PROTOCOL.certkeys: "Options must be lexically
 * ordered by "name" if they appear in the sequence.  Each named option
 * may only appear once": each name must sort strictly after the one
 * before it, which refuses duplicates too.
 */
static int
cert_parse_options(const uint8_t *p, size_t len, struct cert_option **optsp,
    size_t *np)
{
	struct wbuf b;
	struct cert_option *no;
	const uint8_t *data;
	size_t datalen, nlen;
	char *name = NULL;
	int r;

	wbuf_init_const(&b, p, len);
	while (wbuf_len(&b) > 0) {
		if (*np >= CERT_MAX_OPTIONS)
			return PC_ERR_CERT_INVALID;
		if ((r = wbuf_get_cstring(&b, &name, &nlen)) != 0)
			return r;
		if ((r = wbuf_get_string_direct(&b, &data, &datalen)) != 0)
			goto out;
		if (nlen == 0 || (*np > 0 &&
		    strcmp((*optsp)[*np - 1].name, name) >= 0)) {
			r = PC_ERR_CERT_INVALID;
			goto out;
		}
		if ((no = reallocarray(*optsp, *np + 1,
		    sizeof(*no))) == NULL) {
			r = PC_ERR_ALLOC;
			goto out;
		}
		*optsp = no;
		no[*np].name = name;
		no[*np].data = data;
		no[*np].datalen = datalen;
		(*np)++;
		name = NULL;
	}
	r = 0;
 out:
	free(name);
	return r;
}

/* The signature field: string algorithm, string signature (RFC 4253
 * s. 6.6), by a plain algorithm of the CA key's type. */
static int
cert_parse_signature(struct pc_cert *c)
{
	struct wbuf b;
	int r;

	wbuf_init_const(&b, c->signature, c->siglen);
	if ((r = wbuf_get_cstring(&b, &c->sig_alg, NULL)) != 0 ||
	    (r = wbuf_get_string_direct(&b, NULL, NULL)) != 0 ||
	    (r = wbuf_get_end(&b)) != 0)
		return r;
	if (key_plain_sigalg_for(c->sig_alg) != NULL ||
	    key_type_for_sigalg(c->sig_alg) != key_get_type(c->ca_key))
		return PC_ERR_CERT_INVALID;
	return 0;
}

/* The fields after the certified key, up to the signature key. */
static int
cert_parse_body(struct wbuf *b, struct pc_cert *c)
{
	const uint8_t *p;
	size_t len;
	int r;

	/* uint64 serial, uint32 type */
	if ((r = wbuf_get_u64(b, &c->serial)) != 0 ||
	    (r = wbuf_get_u32(b, &c->type)) != 0)
		return r;
	if (c->type != CERT_TYPE_USER && c->type != CERT_TYPE_HOST)
		return PC_ERR_CERT_INVALID;
	/* string key id */
	if ((r = wbuf_get_cstring(b, &c->key_id, NULL)) != 0)
		return r;
	/* string valid principals */
	if ((r = wbuf_get_string_direct(b, &p, &len)) != 0 ||
	    (r = cert_parse_principals(p, len, c)) != 0)
		return r;
	/* uint64 valid after, uint64 valid before */
	if ((r = wbuf_get_u64(b, &c->valid_after)) != 0 ||
	    (r = wbuf_get_u64(b, &c->valid_before)) != 0)
		return r;
	/* string critical options, string extensions */
	if ((r = wbuf_get_string_direct(b, &p, &len)) != 0 ||
	    (r = cert_parse_options(p, len, &c->critical,
	    &c->ncritical)) != 0)
		return r;
	if ((r = wbuf_get_string_direct(b, &p, &len)) != 0 ||
	    (r = cert_parse_options(p, len, &c->extensions,
	    &c->nextensions)) != 0)
		return r;
	/* string reserved: "currently unused and is ignored" */
	return wbuf_get_string_direct(b, &c->reserved, &c->reservedlen);
}

int
cert_parse(const uint8_t *blob, size_t len, enum key_type t,
    struct pc_key **kp)
{
	struct pc_cert *c = NULL;
	struct pc_key *k = NULL;
	const uint8_t *p;
	size_t plen;
	struct wbuf b;
	int r;

	*kp = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->blob = malloc(len == 0 ? 1 : len)) == NULL ||
	    (k = key_new(t)) == NULL) {
		r = PC_ERR_ALLOC;
		goto out;
	}
	memcpy(c->blob, blob, len);
	c->bloblen = len;
	wbuf_init_const(&b, c->blob, c->bloblen);
	/* string "ssh-ed25519-cert-v01@openssh.com" etc. (the caller
	 * matched it to t), string nonce */
	if ((r = wbuf_get_string_direct(&b, NULL, NULL)) != 0 ||
	    (r = wbuf_get_string_direct(&b, &c->nonce, &c->noncelen)) != 0)
		goto out;
	/* The certified key's fields, as in its plain blob. */
	if ((r = key_get_public_fields(&b, k)) != 0)
		goto out;
	if ((r = cert_parse_body(&b, c)) != 0)
		goto out;
	/* string signature key: a plain key, never a certificate
	 * (PROTOCOL.certkeys; OpenSSH refuses chained certificates). */
	if ((r = wbuf_get_string_direct(&b, &p, &plen)) != 0 ||
	    (r = key_from_blob_plain(p, plen, &c->ca_key)) != 0)
		goto out;
	/* The signature covers every byte before its own field. */
	c->signed_len = c->bloblen - wbuf_len(&b);
	/* string signature */
	if ((r = wbuf_get_string_direct(&b, &c->signature,
	    &c->siglen)) != 0 ||
	    (r = wbuf_get_end(&b)) != 0)
		goto out;
	if ((r = cert_parse_signature(c)) != 0)
		goto out;
	if ((r = key_copy_public(k, &c->key)) != 0)
		goto out;
	k->cert = c;
	c = NULL;
	*kp = k;
	k = NULL;
 out:
	cert_free(c);
	key_free(k);
	return r;
}

int
cert_dup(const struct pc_cert *c, struct pc_cert **cp)
{
	struct pc_key *k;
	int r;

	*cp = NULL;
	if (c == NULL || c->key == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = cert_parse(c->blob, c->bloblen, key_get_type(c->key),
	    &k)) != 0)
		return r;
	*cp = k->cert;
	k->cert = NULL;
	key_free(k);
	return 0;
}

int
cert_verify_signature(const struct pc_cert *c, const char *allowed)
{
	int r;

	if (c == NULL || c->ca_key == NULL || c->sig_alg == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if (allowed == NULL)
		allowed = CERT_CA_SIGALGS_DEFAULT;
	/* sshd_config(5) CASignatureAlgorithms. */
	if (!alglist_contains(allowed, c->sig_alg))
		return PC_ERR_NO_ALGORITHM_MATCH;
	r = key_verify(c->ca_key, c->sig_alg, c->blob, c->signed_len,
	    c->signature, c->siglen);
	if (r == PC_ERR_ALLOC || r == PC_ERR_LIBCRYPTO || r == 0)
		return r;
	/* A malformed inner signature is a bad signature. */
	return PC_ERR_SIGNATURE_INVALID;
}

int
cert_option_value(const struct cert_option *o, char **valuep)
{
	struct wbuf b;
	char *v = NULL;

	*valuep = NULL;
	if (o == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	wbuf_init_const(&b, o->data, o->datalen);
	if (wbuf_get_cstring(&b, &v, NULL) != 0 || wbuf_get_end(&b) != 0) {
		free(v);
		return PC_ERR_INVALID_FORMAT;
	}
	*valuep = v;
	return 0;
}

const struct cert_option *
cert_find_option(const struct cert_option *opts, size_t nopts,
    const char *name)
{
	size_t i;

	if (opts == NULL || name == NULL)
		return NULL;
	for (i = 0; i < nopts; i++) {
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	}
	return NULL;
}

/*
 * The certificate half of the key.h API (and key_copy_public of
 * key_int.h, which only certificates use).
 */

/*
 * Certificate signature algorithms and the plain algorithm that signs for
 * each: the signature blob names the plain one (PROTOCOL.certkeys; for RSA,
 * RFC 8332 s. 3 with the names OpenSSH added in PROTOCOL s. 3.1).
 */
static const struct key_cert_sigalg {
	const char *cert;
	const char *plain;
} key_cert_sigalgs[] = {
	{ "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519" },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256" },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384" },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521" },
	{ "rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-512" },
	{ "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-256" },
	{ "ssh-rsa-cert-v01@openssh.com", "ssh-rsa" },
};

const char *
key_label(const struct pc_key *k)
{
	if (k == NULL || k->cert == NULL)
		return key_type_label(key_get_type(k));
	switch (k->type) {
	case KEY_ED25519:
		return "ED25519-CERT";
	case KEY_ECDSA_P256:
	case KEY_ECDSA_P384:
	case KEY_ECDSA_P521:
		return "ECDSA-CERT";
	case KEY_RSA:
		return "RSA-CERT";
	default:
		return "UNKNOWN-CERT";
	}
}

const char *
key_cert_sigalg_for(const char *plain_sigalg)
{
	size_t i;

	if (plain_sigalg == NULL)
		return NULL;
	for (i = 0; i < sizeof(key_cert_sigalgs) /
	    sizeof(key_cert_sigalgs[0]); i++) {
		if (strcmp(key_cert_sigalgs[i].plain, plain_sigalg) == 0)
			return key_cert_sigalgs[i].cert;
	}
	return NULL;
}

const char *
key_plain_sigalg_for(const char *cert_sigalg)
{
	size_t i;

	if (cert_sigalg == NULL)
		return NULL;
	for (i = 0; i < sizeof(key_cert_sigalgs) /
	    sizeof(key_cert_sigalgs[0]); i++) {
		if (strcmp(key_cert_sigalgs[i].cert, cert_sigalg) == 0)
			return key_cert_sigalgs[i].plain;
	}
	return NULL;
}

/* A public-only EVP_PKEY with pkey's public half: another reference to
 * pkey if it has no private half, else a copy through SubjectPublicKeyInfo
 * (so that no private material is shared with a public copy). */
static EVP_PKEY *
key_evp_public_copy(EVP_PKEY *pkey, int has_private)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	EVP_PKEY *pub;
	int len;

	if (!has_private)
		return EVP_PKEY_up_ref(pkey) == 1 ? pkey : NULL;
	if ((len = i2d_PUBKEY(pkey, &der)) <= 0) {
		ERR_clear_error();
		return NULL;
	}
	p = der;
	pub = d2i_PUBKEY(NULL, &p, len);
	OPENSSL_free(der);
	ERR_clear_error();
	return pub;
}

int
key_copy_public(const struct pc_key *k, struct pc_key **kp)
{
	struct pc_key *c;

	*kp = NULL;
	if (k == NULL || key_type_name(k->type) == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((c = key_new(k->type)) == NULL)
		return PC_ERR_ALLOC;
	memcpy(c->ed_pk, k->ed_pk, sizeof(c->ed_pk));
	if (k->pkey != NULL) {
		/* The public half only, even from a private key. */
		if ((c->pkey = key_evp_public_copy(k->pkey,
		    k->has_private)) == NULL) {
			key_free(c);
			return PC_ERR_LIBCRYPTO;
		}
	}
	*kp = c;
	return 0;
}


int
key_is_cert(const struct pc_key *k)
{
	return k != NULL && k->cert != NULL;
}

const struct pc_cert *
key_cert(const struct pc_key *k)
{
	return k == NULL ? NULL : k->cert;
}

int
key_attach_cert(const struct pc_key *priv, const struct pc_key *cert,
    struct pc_key **kp)
{
	struct pc_key *k;
	int r;

	*kp = NULL;
	if (priv == NULL || cert == NULL || !priv->has_private ||
	    priv->cert != NULL || cert->cert == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if (!key_equal_certified(priv, cert))
		return PC_ERR_KEY_INVALID;
	if ((k = key_new(priv->type)) == NULL)
		return PC_ERR_ALLOC;
	memcpy(k->ed_pk, priv->ed_pk, sizeof(k->ed_pk));
	memcpy(k->ed_sk, priv->ed_sk, sizeof(k->ed_sk));
	if (priv->pkey != NULL) {
		/* EVP_PKEYs are never changed once built: share it. */
		if (EVP_PKEY_up_ref(priv->pkey) != 1) {
			r = PC_ERR_LIBCRYPTO;
			goto out;
		}
		k->pkey = priv->pkey;
	}
	k->has_private = 1;
	if ((r = cert_dup(cert->cert, &k->cert)) != 0)
		goto out;
	*kp = k;
	k = NULL;
 out:
	key_free(k);	/* wipes the private copy */
	return r;
}

/* s as printable ASCII, other bytes and '\' as \xNN, at most max bytes
 * of s (then "..."): dst holds 4 * max + 4 bytes. */
static void
cert_escape(char *dst, const char *s, size_t max)
{
	size_t i;
	unsigned char ch;

	for (i = 0; s[i] != '\0' && i < max; i++) {
		ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			*dst++ = (char)ch;
		} else {
			snprintf(dst, 5, "\\x%02x", ch);
			dst += 4;
		}
	}
	if (s[i] != '\0') {
		memcpy(dst, "...", 3);
		dst += 3;
	}
	*dst = '\0';
}

int
key_describe(const struct pc_key *k, char **out)
{
	char fp[KEY_FP_MAX], cafp[KEY_FP_MAX];
	char id[4 * CERT_DESCRIBE_MAX_ID + 4];
	const struct pc_cert *c;
	int r, n;

	*out = NULL;
	if (k == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = key_fingerprint(k, fp, sizeof(fp))) != 0)
		return r;
	if ((c = k->cert) == NULL) {
		n = asprintf(out, "%s %s", key_label(k), fp);
	} else {
		if ((r = key_fingerprint(c->ca_key, cafp, sizeof(cafp))) != 0)
			return r;
		cert_escape(id, c->key_id, CERT_DESCRIBE_MAX_ID);
		/* As sshd logs a certificate (auth2-pubkey.c format_key). */
		n = asprintf(out, "%s %s ID %s (serial %llu) CA %s %s",
		    key_label(k), fp, id, (unsigned long long)c->serial,
		    key_label(c->ca_key), cafp);
	}
	if (n < 0) {
		*out = NULL;
		return PC_ERR_ALLOC;
	}
	return 0;
}
