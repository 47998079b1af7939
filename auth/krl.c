/*
 * RevokedKeys: OpenSSH key revocation lists (PROTOCOL.krl) and plain text
 * lists of public keys.  See krl.h for the rules; the comments here cite
 * the PROTOCOL.krl section each field comes from.
 *
 * Everything parsed is kept in sorted arrays and looked up by binary
 * search: explicit key blobs, SHA-1 and SHA-256 hashes, and for each CA
 * (or the "any CA" entry) merged serial ranges and key IDs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "digest.h"
#include "err.h"
#include "key.h"
#include "krl.h"
#include "log.h"
#include "wbuf.h"

/* PROTOCOL.krl s. 1 */
#define KRL_MAGIC		"SSHKRL\n\0"
#define KRL_MAGIC_LEN		8
#define KRL_FORMAT_VERSION	1

/* PROTOCOL.krl s. 1: section types */
#define KRL_SECTION_CERTIFICATES	1
#define KRL_SECTION_EXPLICIT_KEY	2
#define KRL_SECTION_FINGERPRINT_SHA1	3
#define KRL_SECTION_SIGNATURE		4
#define KRL_SECTION_FINGERPRINT_SHA256	5
#define KRL_SECTION_EXTENSION		255

/* PROTOCOL.krl s. 2: certificate subsection types */
#define KRL_SECTION_CERT_SERIAL_LIST	0x20
#define KRL_SECTION_CERT_SERIAL_RANGE	0x21
#define KRL_SECTION_CERT_SERIAL_BITMAP	0x22
#define KRL_SECTION_CERT_KEY_ID		0x23
#define KRL_SECTION_CERT_EXTENSION	0x39

#define KRL_SHA1_LEN		20
#define KRL_SHA256_LEN		32
/* Longest serial bitmap, as OpenSSH's SSHBUF_MAX_BIGNUM (16384 bits). */
#define KRL_BITMAP_MAX		(16384 / 8)

#define CERT_SUFFIX		"-cert-v01@openssh.com"
#define KEY_NAME_MAX		64

struct revoked_blob {
	uint8_t *p;
	size_t len;
};

struct revoked_range {
	uint64_t lo, hi;
};

/* Certificates revoked under one CA (or under any CA if blob is NULL). */
struct revoked_ca {
	uint8_t *blob;		/* canonical CA key blob; NULL: any CA */
	size_t len;
	int never;		/* a CA type we never accept: matches nothing */
	struct revoked_range *ranges;
	size_t nranges, aranges;
	char **ids;
	size_t nids, aids;
};

struct revoked {
	int krl;
	size_t nentries;	/* against REVOKED_MAX_ENTRIES */
	struct revoked_blob *keys;
	size_t nkeys, akeys;
	uint8_t *sha1;		/* nsha1 hashes of KRL_SHA1_LEN bytes */
	size_t nsha1, asha1;
	uint8_t *sha256;
	size_t nsha256, asha256;
	struct revoked_ca *cas;
	size_t ncas, acas;
};

/* Keys blobs of the signatures of a KRL, while it is parsed. */
struct krl_signers {
	struct revoked_blob s[REVOKED_MAX_SIGS];
	size_t n;
};

/* Make room for one more element at index n of *pp. */
static int
revoked_grow(void **pp, size_t *alloc, size_t n, size_t elem)
{
	size_t na;
	void *np;

	if (n < *alloc)
		return 0;
	na = *alloc == 0 ? 8 : *alloc;
	if (na > SIZE_MAX / 2 / elem)
		return PC_ERR_ALLOC;
	na *= 2;
	if ((np = realloc(*pp, na * elem)) == NULL)
		return PC_ERR_ALLOC;
	*pp = np;
	*alloc = na;
	return 0;
}

static int
revoked_count(struct revoked *r)
{
	if (r->nentries >= REVOKED_MAX_ENTRIES)
		return PC_ERR_RANGE;
	r->nentries++;
	return 0;
}

static int
revoked_add_key(struct revoked *r, const uint8_t *p, size_t len)
{
	uint8_t *copy;
	int ret;

	if ((ret = revoked_count(r)) != 0 ||
	    (ret = revoked_grow((void **)&r->keys, &r->akeys, r->nkeys,
	    sizeof(*r->keys))) != 0)
		return ret;
	if ((copy = malloc(len == 0 ? 1 : len)) == NULL)
		return PC_ERR_ALLOC;
	if (len > 0)
		memcpy(copy, p, len);
	r->keys[r->nkeys].p = copy;
	r->keys[r->nkeys].len = len;
	r->nkeys++;
	return 0;
}

static int
revoked_add_hash(struct revoked *r, uint8_t **arr, size_t *n, size_t *alloc,
    const uint8_t *h, size_t hlen)
{
	int ret;

	if ((ret = revoked_count(r)) != 0 ||
	    (ret = revoked_grow((void **)arr, alloc, *n, hlen)) != 0)
		return ret;
	memcpy(*arr + *n * hlen, h, hlen);
	(*n)++;
	return 0;
}

static int
revoked_add_range(struct revoked *r, struct revoked_ca *ca, uint64_t lo,
    uint64_t hi)
{
	int ret;

	/*
	 * Serial 0 is what a CA that sets none writes, so OpenSSH's
	 * ssh_krl_revoke_cert_by_serial_range() refuses it and with it the
	 * KRL; an inverted range is malformed.
	 */
	if (lo == 0 || lo > hi)
		return PC_ERR_INVALID_FORMAT;
	if ((ret = revoked_count(r)) != 0 ||
	    (ret = revoked_grow((void **)&ca->ranges, &ca->aranges,
	    ca->nranges, sizeof(*ca->ranges))) != 0)
		return ret;
	ca->ranges[ca->nranges].lo = lo;
	ca->ranges[ca->nranges].hi = hi;
	ca->nranges++;
	return 0;
}

static int
revoked_add_id(struct revoked *r, struct revoked_ca *ca, const uint8_t *p,
    size_t len)
{
	char *id;
	int ret;

	/* A key ID is a string that cannot hold a NUL (sshbuf_get_cstring). */
	if (memchr(p, '\0', len) != NULL)
		return PC_ERR_INVALID_FORMAT;
	if ((ret = revoked_count(r)) != 0 ||
	    (ret = revoked_grow((void **)&ca->ids, &ca->aids, ca->nids,
	    sizeof(*ca->ids))) != 0)
		return ret;
	if ((id = malloc(len + 1)) == NULL)
		return PC_ERR_ALLOC;
	memcpy(id, p, len);
	id[len] = '\0';
	ca->ids[ca->nids++] = id;
	return 0;
}

static void
revoked_ca_clear(struct revoked_ca *ca)
{
	size_t i;

	for (i = 0; i < ca->nids; i++)
		free(ca->ids[i]);
	free(ca->ids);
	free(ca->ranges);
	free(ca->blob);
}

void
revoked_free(struct revoked *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nkeys; i++)
		free(r->keys[i].p);
	free(r->keys);
	free(r->sha1);
	free(r->sha256);
	for (i = 0; i < r->ncas; i++)
		revoked_ca_clear(&r->cas[i]);
	free(r->cas);
	free(r);
}

int
revoked_is_krl(const struct revoked *r)
{
	return r != NULL && r->krl;
}

/* Sorting and lookup */

static int
revoked_blob_cmp(const void *a, const void *b)
{
	const struct revoked_blob *x = a, *y = b;
	int c;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->len == 0)
		return 0;
	c = memcmp(x->p, y->p, x->len);
	return c;
}

static int
revoked_sha1_cmp(const void *a, const void *b)
{
	return memcmp(a, b, KRL_SHA1_LEN);
}

static int
revoked_sha256_cmp(const void *a, const void *b)
{
	return memcmp(a, b, KRL_SHA256_LEN);
}

static int
revoked_range_cmp(const void *a, const void *b)
{
	const struct revoked_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return 0;
}

static int
revoked_id_cmp(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;

	return strcmp(*x, *y);
}

/* Sort n fixed-size hashes and drop duplicates; returns the new count. */
static size_t
revoked_sort_hashes(uint8_t *arr, size_t n, size_t hlen,
    int (*cmp)(const void *, const void *))
{
	size_t i, out;

	if (n == 0)
		return 0;
	qsort(arr, n, hlen, cmp);
	for (i = 1, out = 1; i < n; i++) {
		if (memcmp(arr + (out - 1) * hlen, arr + i * hlen, hlen) == 0)
			continue;
		if (out != i)
			memcpy(arr + out * hlen, arr + i * hlen, hlen);
		out++;
	}
	return out;
}

/*
 * Sort and merge serial ranges: PROTOCOL.krl lets serials come in any
 * order, overlapping and repeated (OpenSSH merges them into a tree).
 */
static void
revoked_ca_finish(struct revoked_ca *ca)
{
	size_t i, out;

	if (ca->nranges > 0) {
		qsort(ca->ranges, ca->nranges, sizeof(*ca->ranges),
		    revoked_range_cmp);
		for (i = 1, out = 0; i < ca->nranges; i++) {
			struct revoked_range *last = &ca->ranges[out];

			/* Overlapping or adjacent (hi + 1 == lo): merge. */
			if (ca->ranges[i].lo <= last->hi ||
			    ca->ranges[i].lo - 1 == last->hi) {
				if (ca->ranges[i].hi > last->hi)
					last->hi = ca->ranges[i].hi;
				continue;
			}
			ca->ranges[++out] = ca->ranges[i];
		}
		ca->nranges = out + 1;
	}
	if (ca->nids > 0) {
		qsort(ca->ids, ca->nids, sizeof(*ca->ids), revoked_id_cmp);
		for (i = 1, out = 1; i < ca->nids; i++) {
			if (strcmp(ca->ids[out - 1], ca->ids[i]) == 0) {
				free(ca->ids[i]);
				continue;
			}
			ca->ids[out++] = ca->ids[i];
		}
		ca->nids = out;
	}
}

static void
revoked_finish(struct revoked *r)
{
	size_t i, out;

	if (r->nkeys > 0) {
		qsort(r->keys, r->nkeys, sizeof(*r->keys), revoked_blob_cmp);
		for (i = 1, out = 1; i < r->nkeys; i++) {
			if (revoked_blob_cmp(&r->keys[out - 1],
			    &r->keys[i]) == 0) {
				free(r->keys[i].p);
				continue;
			}
			r->keys[out++] = r->keys[i];
		}
		r->nkeys = out;
	}
	r->nsha1 = revoked_sort_hashes(r->sha1, r->nsha1, KRL_SHA1_LEN,
	    revoked_sha1_cmp);
	r->nsha256 = revoked_sort_hashes(r->sha256, r->nsha256,
	    KRL_SHA256_LEN, revoked_sha256_cmp);
	for (i = 0; i < r->ncas; i++)
		revoked_ca_finish(&r->cas[i]);
}

static int
revoked_serial_listed(const struct revoked_ca *ca, uint64_t serial)
{
	size_t lo = 0, hi = ca->nranges, mid;

	/* Disjoint sorted ranges: find the last with lo <= serial. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ca->ranges[mid].lo <= serial)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && ca->ranges[lo - 1].hi >= serial;
}

/* Is this plain key blob listed, by itself or by its hashes? */
static int
revoked_check_blob(const struct revoked *r, const uint8_t *blob, size_t len)
{
	struct revoked_blob key;
	uint8_t h[DIGEST_MAX_LEN];
	int ret;

	key.p = (uint8_t *)(uintptr_t)blob;
	key.len = len;
	if (r->nkeys > 0 && bsearch(&key, r->keys, r->nkeys, sizeof(*r->keys),
	    revoked_blob_cmp) != NULL)
		return PC_ERR_KEY_REVOKED;
	/* PROTOCOL.krl s. 4: the hash of the public key blob. */
	if (r->nsha1 > 0) {
		if ((ret = digest_memory(DIGEST_SHA1, blob, len, h,
		    sizeof(h))) != 0)
			return ret;
		if (bsearch(h, r->sha1, r->nsha1, KRL_SHA1_LEN,
		    revoked_sha1_cmp) != NULL)
			return PC_ERR_KEY_REVOKED;
	}
	if (r->nsha256 > 0) {
		if ((ret = digest_memory(DIGEST_SHA256, blob, len, h,
		    sizeof(h))) != 0)
			return ret;
		if (bsearch(h, r->sha256, r->nsha256, KRL_SHA256_LEN,
		    revoked_sha256_cmp) != NULL)
			return PC_ERR_KEY_REVOKED;
	}
	return 0;
}

int
revoked_check_key(const struct revoked *r, const struct pc_key *key)
{
	struct wbuf b;
	int ret;

	if (r == NULL || key == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	wbuf_init(&b, 0);
	if ((ret = key_to_blob(key, &b)) == 0)
		ret = revoked_check_blob(r, wbuf_ptr(&b), wbuf_len(&b));
	wbuf_clear(&b);
	return ret;
}

int
revoked_check_cert(const struct revoked *r, uint64_t serial,
    const char *key_id, const struct pc_key *ca_key,
    const struct pc_key *certified_key)
{
	struct wbuf b;
	const struct revoked_ca *ca;
	size_t i;
	int ret;

	if (r == NULL || key_id == NULL || ca_key == NULL ||
	    certified_key == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((ret = revoked_check_key(r, certified_key)) != 0)
		return ret;
	wbuf_init(&b, 0);
	if ((ret = key_to_blob(ca_key, &b)) != 0)
		goto out;
	for (i = 0; i < r->ncas; i++) {
		ca = &r->cas[i];
		if (ca->never)
			continue;
		/* PROTOCOL.krl s. 2: an empty CA key means any CA. */
		if (ca->blob != NULL && (ca->len != wbuf_len(&b) ||
		    memcmp(ca->blob, wbuf_ptr(&b), ca->len) != 0))
			continue;
		if (ca->nids > 0 && bsearch(&key_id, ca->ids, ca->nids,
		    sizeof(*ca->ids), revoked_id_cmp) != NULL) {
			ret = PC_ERR_KEY_REVOKED;
			goto out;
		}
		if (serial != 0 && revoked_serial_listed(ca, serial)) {
			ret = PC_ERR_KEY_REVOKED;
			goto out;
		}
	}
	/* The CA itself, as ssh_krl_check_key() checks it. */
	ret = revoked_check_blob(r, wbuf_ptr(&b), wbuf_len(&b));
 out:
	wbuf_clear(&b);
	return ret;
}

/* KRL parsing */

/*
 * A string (RFC 4251 s. 5), borrowed in place.  Not wbuf_get_string_direct:
 * a KRL section may be longer than WBUF_MAX_STRING; the whole file is
 * capped instead.
 */
static int
krl_get_blob(struct wbuf *b, const uint8_t **p, size_t *len)
{
	uint32_t n;
	int ret;

	if ((ret = wbuf_peek_u32(b, &n)) != 0)
		return ret;
	if ((size_t)n > wbuf_len(b) - 4)
		return PC_ERR_MSG_INCOMPLETE;
	*p = wbuf_ptr(b) + 4;
	*len = n;
	return wbuf_consume(b, 4 + (size_t)n);
}

/*
 * The CA entry for this CA key blob (empty: any CA), made if new.  Blobs
 * of key types we parse are stored in canonical form so that they compare
 * with key_to_blob() output; a key type we never accept cannot sign a
 * certificate that gets here, so its entry matches nothing.
 */
static int
krl_ca_entry(struct revoked *r, const uint8_t *blob, size_t len,
    struct revoked_ca **cap)
{
	struct pc_key *k = NULL;
	struct wbuf canon;
	struct revoked_ca *ca;
	const uint8_t *p = blob;
	size_t i, plen = len;
	int ret, never = 0;

	*cap = NULL;
	wbuf_init(&canon, 0);
	if (len > 0) {
		ret = key_from_blob(blob, len, &k);
		if (ret == PC_ERR_KEY_TYPE_UNKNOWN) {
			never = 1;
		} else if (ret != 0) {
			goto out;
		} else {
			if ((ret = key_to_blob(k, &canon)) != 0)
				goto out;
			p = wbuf_ptr(&canon);
			plen = wbuf_len(&canon);
		}
	}
	for (i = 0; i < r->ncas; i++) {
		ca = &r->cas[i];
		if (ca->never != never || ca->len != plen ||
		    (plen > 0 && memcmp(ca->blob, p, plen) != 0))
			continue;
		*cap = ca;
		ret = 0;
		goto out;
	}
	if (r->ncas >= REVOKED_MAX_CAS) {
		ret = PC_ERR_RANGE;
		goto out;
	}
	if ((ret = revoked_grow((void **)&r->cas, &r->acas, r->ncas,
	    sizeof(*r->cas))) != 0)
		goto out;
	ca = &r->cas[r->ncas];
	memset(ca, 0, sizeof(*ca));
	if (plen > 0) {
		if ((ca->blob = malloc(plen)) == NULL) {
			ret = PC_ERR_ALLOC;
			goto out;
		}
		memcpy(ca->blob, p, plen);
		ca->len = plen;
	}
	ca->never = never;
	r->ncas++;
	*cap = ca;
	ret = 0;
 out:
	key_free(k);
	wbuf_clear(&canon);
	return ret;
}

/*
 * PROTOCOL.krl s. 2.3: uint64 serial_offset, mpint revoked_keys_bitmap;
 * bit N revokes serial_offset + N.  Read as OpenSSH reads it
 * (sshbuf_get_bignum2_bytes_direct): not negative, at most 16384 bits plus
 * a sign byte, leading zero bytes tolerated; a bitmap that would wrap past
 * 2^64 - 1 or revoke serial 0 is an error.
 */
static int
krl_parse_bitmap(struct revoked *r, struct revoked_ca *ca, struct wbuf *s)
{
	const uint8_t *m;
	size_t mlen, top, i, start = 0;
	uint64_t off;
	int ret, inrun = 0, set, bit;

	if ((ret = wbuf_get_u64(s, &off)) != 0 ||
	    (ret = krl_get_blob(s, &m, &mlen)) != 0)
		return ret;
	if (mlen > 0 && (m[0] & 0x80) != 0)
		return PC_ERR_BIGNUM_NEGATIVE;
	if (mlen > KRL_BITMAP_MAX + 1 ||
	    (mlen == KRL_BITMAP_MAX + 1 && m[0] != 0))
		return PC_ERR_BIGNUM_TOO_LARGE;
	while (mlen > 0 && m[0] == 0) {
		m++;
		mlen--;
	}
	if (mlen == 0)
		return 0;
	/* Index of the highest set bit. */
	for (bit = 7; bit >= 0 && (m[0] & (1u << bit)) == 0; bit--)
		;
	top = (mlen - 1) * 8 + (size_t)bit;
	if ((uint64_t)top > UINT64_MAX - off)
		return PC_ERR_INVALID_FORMAT;
	/* Add each run of set bits as one range. */
	for (i = 0; i <= top; i++) {
		set = (m[mlen - 1 - i / 8] >> (i % 8)) & 1;
		if (set && !inrun) {
			start = i;
			inrun = 1;
		} else if (!set && inrun) {
			if ((ret = revoked_add_range(r, ca, off + start,
			    off + i - 1)) != 0)
				return ret;
			inrun = 0;
		}
	}
	/* The top bit is set, so a run is open. */
	return revoked_add_range(r, ca, off + start, off + top);
}

/*
 * PROTOCOL.krl s. 2.5 and 5: string extension_name, boolean is_critical,
 * string extension_contents.  No extension is supported: a critical one
 * makes the KRL unusable, others are skipped as the text says they may be.
 * (OpenSSH 9.2 refuses every extension; later versions follow the text.)
 */
static int
krl_parse_extension(struct wbuf *s, const char *path)
{
	const uint8_t *name, *contents;
	size_t nlen, clen;
	uint8_t critical;
	int ret;

	if ((ret = krl_get_blob(s, &name, &nlen)) != 0 ||
	    (ret = wbuf_get_u8(s, &critical)) != 0 ||
	    (ret = krl_get_blob(s, &contents, &clen)) != 0)
		return ret;
	if (memchr(name, '\0', nlen) != NULL)
		return PC_ERR_INVALID_FORMAT;
	if (critical != 0) {
		error("%s: unsupported critical KRL extension \"%.*s\"",
		    path, (int)(nlen > 64 ? 64 : nlen), (const char *)name);
		return PC_ERR_INVALID_FORMAT;
	}
	return 0;
}

/* PROTOCOL.krl s. 2: string ca_key, string reserved, then subsections. */
static int
krl_parse_certs(struct revoked *r, const uint8_t *p, size_t len,
    const char *path)
{
	struct wbuf b, s;
	struct revoked_ca *ca;
	const uint8_t *cap, *sub, *id;
	size_t calen, sublen, idlen;
	uint64_t serial, lo, hi;
	uint8_t type;
	int ret;

	wbuf_init_const(&b, p, len);
	if ((ret = krl_get_blob(&b, &cap, &calen)) != 0 ||	/* ca_key */
	    (ret = krl_get_blob(&b, &sub, &sublen)) != 0)	/* reserved */
		return ret;
	if ((ret = krl_ca_entry(r, cap, calen, &ca)) != 0)
		return ret;
	while (wbuf_len(&b) > 0) {
		if ((ret = wbuf_get_u8(&b, &type)) != 0 ||
		    (ret = krl_get_blob(&b, &sub, &sublen)) != 0)
			return ret;
		wbuf_init_const(&s, sub, sublen);
		switch (type) {
		case KRL_SECTION_CERT_SERIAL_LIST:	/* s. 2.1 */
			while (wbuf_len(&s) > 0) {
				if ((ret = wbuf_get_u64(&s, &serial)) != 0 ||
				    (ret = revoked_add_range(r, ca, serial,
				    serial)) != 0)
					return ret;
			}
			break;
		case KRL_SECTION_CERT_SERIAL_RANGE:	/* s. 2.2 */
			if ((ret = wbuf_get_u64(&s, &lo)) != 0 ||
			    (ret = wbuf_get_u64(&s, &hi)) != 0 ||
			    (ret = revoked_add_range(r, ca, lo, hi)) != 0)
				return ret;
			break;
		case KRL_SECTION_CERT_SERIAL_BITMAP:	/* s. 2.3 */
			if ((ret = krl_parse_bitmap(r, ca, &s)) != 0)
				return ret;
			break;
		case KRL_SECTION_CERT_KEY_ID:		/* s. 2.4 */
			while (wbuf_len(&s) > 0) {
				if ((ret = krl_get_blob(&s, &id,
				    &idlen)) != 0 ||
				    (ret = revoked_add_id(r, ca, id,
				    idlen)) != 0)
					return ret;
			}
			break;
		case KRL_SECTION_CERT_EXTENSION:	/* s. 2.5 */
			if ((ret = krl_parse_extension(&s, path)) != 0)
				return ret;
			break;
		default:
			error("%s: unsupported KRL certificate section %u",
			    path, (unsigned)type);
			return PC_ERR_INVALID_FORMAT;
		}
		if ((ret = wbuf_get_end(&s)) != 0)
			return ret;
	}
	return 0;
}

/*
 * PROTOCOL.krl s. 3 and 4: a list of strings, each a key blob (kept as
 * is: OpenSSH compares blobs without parsing them) or a hash of hlen
 * bytes.
 */
static int
krl_parse_blobs(struct revoked *r, const uint8_t *p, size_t len, int type)
{
	struct wbuf b;
	const uint8_t *item;
	size_t ilen;
	int ret;

	wbuf_init_const(&b, p, len);
	while (wbuf_len(&b) > 0) {
		if ((ret = krl_get_blob(&b, &item, &ilen)) != 0)
			return ret;
		switch (type) {
		case KRL_SECTION_EXPLICIT_KEY:
			ret = revoked_add_key(r, item, ilen);
			break;
		case KRL_SECTION_FINGERPRINT_SHA1:
			ret = ilen != KRL_SHA1_LEN ? PC_ERR_INVALID_FORMAT :
			    revoked_add_hash(r, &r->sha1, &r->nsha1,
			    &r->asha1, item, ilen);
			break;
		default:
			ret = ilen != KRL_SHA256_LEN ? PC_ERR_INVALID_FORMAT :
			    revoked_add_hash(r, &r->sha256, &r->nsha256,
			    &r->asha256, item, ilen);
			break;
		}
		if (ret != 0)
			return ret;
	}
	return 0;
}

/*
 * PROTOCOL.krl s. 6: byte KRL_SECTION_SIGNATURE, string signature_key,
 * string signature, over the KRL from the magic to the end of
 * signature_key.  No signer is trusted (sshd passes none), but as OpenSSH
 * 9.2 does, a signature that is present must verify and a key may sign
 * only once.
 */
static int
krl_parse_signature(struct krl_signers *sg, const uint8_t *data,
    size_t signed_len, const uint8_t *kblob, size_t klen, struct wbuf *b,
    const char *path)
{
	struct pc_key *k = NULL;
	struct wbuf canon;
	const uint8_t *sig;
	size_t siglen, i;
	int ret;

	wbuf_init(&canon, 0);
	if ((ret = krl_get_blob(b, &sig, &siglen)) != 0)
		goto out;
	if (sg->n >= REVOKED_MAX_SIGS) {
		ret = PC_ERR_RANGE;
		goto out;
	}
	if ((ret = key_from_blob(kblob, klen, &k)) != 0 ||
	    (ret = key_to_blob(k, &canon)) != 0)
		goto out;
	if ((ret = key_verify(k, NULL, data, signed_len, sig,
	    siglen)) != 0) {
		error("%s: bad signature on KRL", path);
		goto out;
	}
	for (i = 0; i < sg->n; i++) {
		if (sg->s[i].len == wbuf_len(&canon) &&
		    memcmp(sg->s[i].p, wbuf_ptr(&canon), sg->s[i].len) == 0) {
			error("%s: KRL signed more than once with the same "
			    "key", path);
			ret = PC_ERR_INVALID_FORMAT;
			goto out;
		}
	}
	if ((sg->s[sg->n].p = malloc(wbuf_len(&canon))) == NULL) {
		ret = PC_ERR_ALLOC;
		goto out;
	}
	memcpy(sg->s[sg->n].p, wbuf_ptr(&canon), wbuf_len(&canon));
	sg->s[sg->n].len = wbuf_len(&canon);
	sg->n++;
	ret = 0;
 out:
	key_free(k);
	wbuf_clear(&canon);
	return ret;
}

static int
krl_parse(struct revoked *r, const uint8_t *data, size_t len,
    const char *path)
{
	struct krl_signers sg;
	struct wbuf b, s;
	const uint8_t *p;
	size_t plen, i;
	uint64_t krl_version, generated_date, flags;
	uint32_t format_version;
	uint8_t type;
	int ret, unrevoked;

	memset(&sg, 0, sizeof(sg));
	r->krl = 1;
	wbuf_init_const(&b, data, len);
	/* PROTOCOL.krl s. 1: the header */
	if ((ret = wbuf_consume(&b, KRL_MAGIC_LEN)) != 0 ||
	    (ret = wbuf_get_u32(&b, &format_version)) != 0)
		goto out;
	if (format_version != KRL_FORMAT_VERSION) {
		error("%s: unsupported KRL format version %u", path,
		    (unsigned)format_version);
		ret = PC_ERR_INVALID_FORMAT;
		goto out;
	}
	if ((ret = wbuf_get_u64(&b, &krl_version)) != 0 ||
	    (ret = wbuf_get_u64(&b, &generated_date)) != 0 ||
	    (ret = wbuf_get_u64(&b, &flags)) != 0 ||	/* none defined */
	    (ret = krl_get_blob(&b, &p, &plen)) != 0 ||	/* reserved */
	    (ret = krl_get_blob(&b, &p, &plen)) != 0)	/* comment */
		goto out;
	if (memchr(p, '\0', plen) != NULL) {
		ret = PC_ERR_INVALID_FORMAT;
		goto out;
	}
	debug("%s: KRL version %llu", path, (unsigned long long)krl_version);
	/* Sections: byte section_type, string section_data */
	while (wbuf_len(&b) > 0) {
		if ((ret = wbuf_get_u8(&b, &type)) != 0 ||
		    (ret = krl_get_blob(&b, &p, &plen)) != 0)
			goto out;
		/* s. 6: signatures come last. */
		if (sg.n > 0 && type != KRL_SECTION_SIGNATURE) {
			error("%s: KRL section after signature", path);
			ret = PC_ERR_INVALID_FORMAT;
			goto out;
		}
		switch (type) {
		case KRL_SECTION_CERTIFICATES:
			ret = krl_parse_certs(r, p, plen, path);
			break;
		case KRL_SECTION_EXPLICIT_KEY:
		case KRL_SECTION_FINGERPRINT_SHA1:
		case KRL_SECTION_FINGERPRINT_SHA256:
			ret = krl_parse_blobs(r, p, plen, type);
			break;
		case KRL_SECTION_SIGNATURE:
			ret = krl_parse_signature(&sg, data,
			    len - wbuf_len(&b), p, plen, &b, path);
			break;
		case KRL_SECTION_EXTENSION:
			wbuf_init_const(&s, p, plen);
			if ((ret = krl_parse_extension(&s, path)) == 0)
				ret = wbuf_get_end(&s);
			break;
		default:
			error("%s: unsupported KRL section %u", path,
			    (unsigned)type);
			ret = PC_ERR_INVALID_FORMAT;
			break;
		}
		if (ret != 0)
			goto out;
	}
	revoked_finish(r);
	/* As OpenSSH: a KRL whose every signer it revokes is refused. */
	if (sg.n > 0) {
		unrevoked = 0;
		for (i = 0; i < sg.n; i++) {
			ret = revoked_check_blob(r, sg.s[i].p, sg.s[i].len);
			if (ret == 0)
				unrevoked = 1;
			else if (ret != PC_ERR_KEY_REVOKED)
				goto out;
		}
		if (!unrevoked) {
			error("%s: all keys that signed the KRL are revoked",
			    path);
			ret = PC_ERR_KEY_REVOKED;
			goto out;
		}
	}
	ret = 0;
 out:
	for (i = 0; i < sg.n; i++)
		free(sg.s[i].p);
	return ret;
}

/* Text lists */

static int
text_is_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/*
 * Key types OpenSSH reads that this server never accepts as user keys or
 * CAs (crypto/key.h): a line of one of them cannot match a key that
 * reaches a check, so it is skipped rather than refused.
 */
static int
text_type_unsupported(const char *base)
{
	static const char *const names[] = {
		"ssh-dss",
		"sk-ecdsa-sha2-nistp256@openssh.com",
		"sk-ssh-ed25519@openssh.com",
		"ssh-xmss@openssh.com",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(base, names[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * An ssh-rsa blob whose modulus is under KEY_RSA_MIN_BITS: OpenSSH's
 * sshkey_in_file() skips such lines (SSH_ERR_KEY_LENGTH), and no such key
 * can log in here.
 */
static int
text_rsa_too_small(const uint8_t *blob, size_t len)
{
	struct wbuf b;
	const uint8_t *name, *n;
	size_t nlen, len_n, bits;
	unsigned top;

	wbuf_init_const(&b, blob, len);
	if (wbuf_get_string_direct(&b, &name, &nlen) != 0 ||
	    nlen != 7 || memcmp(name, "ssh-rsa", 7) != 0 ||
	    wbuf_get_string_direct(&b, NULL, NULL) != 0 ||	/* e */
	    wbuf_get_string_direct(&b, &n, &len_n) != 0 ||	/* n */
	    wbuf_get_end(&b) != 0)
		return 0;
	if (len_n == 0 || (n[0] & 0x80) != 0)	/* zero or negative */
		return 0;
	while (len_n > 0 && n[0] == 0) {
		n++;
		len_n--;
	}
	if (len_n == 0)
		return 0;
	for (top = 0; (n[0] >> top) > 1; top++)
		;
	bits = (len_n - 1) * 8 + top + 1;
	return bits < KEY_RSA_MIN_BITS;
}

/* A plain key blob from a text line: stored in canonical form. */
static int
text_add_plain(struct revoked *r, const uint8_t *blob, size_t len)
{
	struct pc_key *k = NULL;
	struct wbuf canon;
	int ret;

	wbuf_init(&canon, 0);
	if ((ret = key_from_blob(blob, len, &k)) != 0) {
		if (text_rsa_too_small(blob, len))
			ret = 0;
		goto out;
	}
	if ((ret = key_to_blob(k, &canon)) != 0)
		goto out;
	ret = revoked_add_key(r, wbuf_ptr(&canon), wbuf_len(&canon));
 out:
	key_free(k);
	wbuf_clear(&canon);
	return ret;
}

/*
 * The certified key of an OpenSSH certificate blob (PROTOCOL.certkeys):
 * string type, string nonce, then the plain key's public fields
 * (ed25519: pk; ecdsa: curve, Q; rsa: e, n) in the plain blob's order.
 */
static int
text_add_cert(struct revoked *r, enum key_type t, const char *base,
    const uint8_t *blob, size_t len)
{
	struct wbuf b, plain;
	const uint8_t *f;
	size_t flen, nfields, i;
	int ret;

	nfields = t == KEY_ED25519 ? 1 : 2;
	wbuf_init_const(&b, blob, len);
	wbuf_init(&plain, 0);
	if ((ret = wbuf_get_string_direct(&b, NULL, NULL)) != 0 ||  /* type */
	    (ret = wbuf_get_string_direct(&b, NULL, NULL)) != 0 ||  /* nonce */
	    (ret = wbuf_put_cstring(&plain, base)) != 0)
		goto out;
	for (i = 0; i < nfields; i++) {
		if ((ret = wbuf_get_string_direct(&b, &f, &flen)) != 0 ||
		    (ret = wbuf_put_string(&plain, f, flen)) != 0)
			goto out;
	}
	ret = text_add_plain(r, wbuf_ptr(&plain), wbuf_len(&plain));
 out:
	wbuf_clear(&plain);
	return ret;
}

/* One line of a text list, without its '\n'. */
static int
text_parse_line(struct revoked *r, const uint8_t *p, size_t n)
{
	char type[KEY_NAME_MAX + 1], base[KEY_NAME_MAX + 1];
	const uint8_t *tok, *b64, *name;
	size_t tlen, blen, nlen, dlen, slen;
	uint8_t *blob = NULL;
	struct wbuf b;
	enum key_type t;
	int ret;

	if (memchr(p, '\0', n) != NULL)
		return PC_ERR_INVALID_FORMAT;
	while (n > 0 && (text_is_blank(p[n - 1]) || p[n - 1] == '\r'))
		n--;
	while (n > 0 && text_is_blank(*p)) {
		p++;
		n--;
	}
	if (n == 0 || *p == '#')
		return 0;
	/* "type base64 [comment]", as sshkey_read() reads a .pub line */
	for (tok = p, tlen = 0; tlen < n && !text_is_blank(tok[tlen]); tlen++)
		;
	for (b64 = tok + tlen; b64 < p + n && text_is_blank(*b64); b64++)
		;
	for (blen = 0; b64 + blen < p + n && !text_is_blank(b64[blen]); blen++)
		;
	if (blen == 0)
		return PC_ERR_INVALID_FORMAT;
	if (tlen > KEY_NAME_MAX)
		return PC_ERR_KEY_TYPE_UNKNOWN;
	memcpy(type, tok, tlen);
	type[tlen] = '\0';
	if ((blob = malloc(base64_decoded_max(blen) + 1)) == NULL)
		return PC_ERR_ALLOC;
	if ((ret = base64_decode(blob, base64_decoded_max(blen) + 1, &dlen,
	    (const char *)b64, blen, 0)) != 0)
		goto out;
	/* The blob must be of the type the line names. */
	wbuf_init_const(&b, blob, dlen);
	if ((ret = wbuf_get_string_direct(&b, &name, &nlen)) != 0)
		goto out;
	if (nlen != tlen || memcmp(name, type, tlen) != 0) {
		ret = PC_ERR_KEY_TYPE_UNKNOWN;
		goto out;
	}
	memcpy(base, type, tlen + 1);
	slen = strlen(CERT_SUFFIX);
	if (tlen > slen && strcmp(type + tlen - slen, CERT_SUFFIX) == 0)
		base[tlen - slen] = '\0';
	t = key_type_from_name(base);
	if (t != KEY_UNSPEC && strcmp(base, type) == 0)
		ret = text_add_plain(r, blob, dlen);
	else if (t != KEY_UNSPEC)
		ret = text_add_cert(r, t, base, blob, dlen);
	else if (text_type_unsupported(base))
		ret = 0;
	else
		ret = PC_ERR_KEY_TYPE_UNKNOWN;
 out:
	free(blob);
	return ret;
}

static int
text_parse(struct revoked *r, const uint8_t *data, size_t len,
    const char *path)
{
	const uint8_t *nl;
	size_t pos = 0, end, lineno = 0;
	int ret;

	while (pos < len) {
		nl = memchr(data + pos, '\n', len - pos);
		end = nl != NULL ? (size_t)(nl - data) : len;
		lineno++;
		if (end - pos > REVOKED_MAX_LINE)
			ret = PC_ERR_STRING_TOO_LARGE;
		else
			ret = text_parse_line(r, data + pos, end - pos);
		if (ret != 0) {
			error("%s:%zu: bad revoked key line: %s", path,
			    lineno, pc_strerror(ret));
			return ret;
		}
		pos = nl != NULL ? end + 1 : len;
	}
	revoked_finish(r);
	return 0;
}

int
revoked_parse(const uint8_t *data, size_t len, const char *path,
    struct revoked **out)
{
	struct revoked *r;
	int ret;

	if (out == NULL || (data == NULL && len > 0))
		return PC_ERR_INVALID_ARGUMENT;
	*out = NULL;
	if (path == NULL)
		path = "(revoked keys)";
	if (len > REVOKED_MAX_SIZE) {
		error("%s: revoked keys file too large", path);
		return PC_ERR_NO_BUFFER_SPACE;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return PC_ERR_ALLOC;
	/* sshkey_check_revoked(): a KRL if it has the magic, else text. */
	if (len >= KRL_MAGIC_LEN && memcmp(data, KRL_MAGIC,
	    KRL_MAGIC_LEN) == 0) {
		if ((ret = krl_parse(r, data, len, path)) != 0)
			error("%s: invalid KRL: %s", path, pc_strerror(ret));
	} else {
		ret = text_parse(r, data, len, path);
	}
	if (ret != 0) {
		revoked_free(r);
		return ret;
	}
	*out = r;
	return 0;
}
