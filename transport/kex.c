/* Algorithm negotiation and key derivation (see kex.h). */
#include <stdlib.h>
#include <string.h>

#include "kex.h"
#include "rand.h"
#include "ssh2.h"

void
kexinit_clear(struct kexinit *k)
{
	int i;

	for (i = 0; i < KEX_PROP_MAX; i++) {
		free(k->list[i]);
		k->list[i] = NULL;
	}
	k->first_kex_follows = 0;
}

int
kexinit_parse(const uint8_t *payload, size_t len, struct kexinit *out)
{
	struct wbuf b;
	uint8_t type;
	uint32_t reserved;
	int i, r;

	memset(out, 0, sizeof(*out));
	wbuf_init_const(&b, payload, len);
	if ((r = wbuf_get_u8(&b, &type)) != 0)
		goto out;
	if (type != SSH2_MSG_KEXINIT) {
		r = PC_ERR_UNEXPECTED_MESSAGE;
		goto out;
	}
	/* RFC 4253 s. 7.1, field by field. */
	if ((r = wbuf_get(&b, out->cookie, sizeof(out->cookie))) != 0)
		goto out;
	for (i = 0; i < KEX_PROP_MAX; i++) {
		if ((r = wbuf_get_namelist(&b, &out->list[i])) != 0)
			goto out;
	}
	if ((r = wbuf_get_bool(&b, &out->first_kex_follows)) != 0 ||
	    (r = wbuf_get_u32(&b, &reserved)) != 0 ||
	    (r = wbuf_get_end(&b)) != 0)
		goto out;
	/* reserved is ignored: RFC 4253 says it is for future extension. */
 out:
	if (r != 0)
		kexinit_clear(out);
	return r;
}

int
kexinit_build(struct wbuf *out, const char *const lists[KEX_PROP_MAX])
{
	uint8_t cookie[KEX_COOKIE_LEN];
	int i, r;

	rand_bytes(cookie, sizeof(cookie));
	if ((r = wbuf_put_u8(out, SSH2_MSG_KEXINIT)) != 0 ||
	    (r = wbuf_put(out, cookie, sizeof(cookie))) != 0)
		return r;
	for (i = 0; i < KEX_PROP_MAX; i++) {
		if ((r = wbuf_put_cstring(out, lists[i])) != 0)
			return r;
	}
	if ((r = wbuf_put_bool(out, 0)) != 0 ||	/* first_kex_follows */
	    (r = wbuf_put_u32(out, 0)) != 0)	/* reserved */
		return r;
	return 0;
}

int
kex_list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		const char *e = strchr(p, ',');
		size_t l = e == NULL ? strlen(p) : (size_t)(e - p);

		if (l == n && strncmp(p, name, n) == 0)
			return 1;
		p = e == NULL ? NULL : e + 1;
	}
	return 0;
}

int
kex_match_list(const char *a, const char *b, char *out, size_t outlen)
{
	const char *p = a;
	char name[KEX_MAX_ALG_NAME];

	while (p != NULL && *p != '\0') {
		const char *start = p, *e = strchr(p, ',');
		size_t l = e == NULL ? strlen(p) : (size_t)(e - p);

		p = e == NULL ? NULL : e + 1;
		if (l == 0 || l >= sizeof(name))
			continue;
		memcpy(name, start, l);
		name[l] = '\0';
		if (kex_list_has(b, name)) {
			if (l >= outlen)
				return PC_ERR_INVALID_ARGUMENT;
			memcpy(out, name, l + 1);
			return 0;
		}
	}
	return PC_ERR_NO_ALGORITHM_MATCH;
}

/* The first name of a list, for the first_kex_packet_follows guess. */
static void
first_name(const char *list, char *out, size_t outlen)
{
	size_t l = strcspn(list, ",");

	if (l >= outlen)
		l = outlen - 1;
	memcpy(out, list, l);
	out[l] = '\0';
}

int
kex_negotiate(const struct kexinit *c, const struct kexinit *s, int initial,
    struct kex_choice *out, int *what)
{
	char name[KEX_MAX_ALG_NAME], c0[KEX_MAX_ALG_NAME];
	char s0[KEX_MAX_ALG_NAME];
	int d, r;

	memset(out, 0, sizeof(*out));
	*what = -1;
	if ((r = kex_match_list(c->list[KEX_PROP_KEX], s->list[KEX_PROP_KEX],
	    name, sizeof(name))) != 0 ||
	    (out->kex = kexalg_by_name(name)) == NULL) {
		*what = KEX_PROP_KEX;
		return PC_ERR_NO_ALGORITHM_MATCH;
	}
	if ((r = kex_match_list(c->list[KEX_PROP_HOSTKEY],
	    s->list[KEX_PROP_HOSTKEY], out->hostkey_alg,
	    sizeof(out->hostkey_alg))) != 0) {
		*what = KEX_PROP_HOSTKEY;
		return PC_ERR_NO_ALGORITHM_MATCH;
	}
	for (d = KEX_CTOS; d <= KEX_STOC; d++) {
		if (kex_match_list(c->list[KEX_PROP_ENC_CTOS + d],
		    s->list[KEX_PROP_ENC_CTOS + d], name, sizeof(name)) != 0 ||
		    (out->enc[d] = cipher_by_name(name)) == NULL) {
			*what = KEX_PROP_ENC_CTOS + d;
			return PC_ERR_NO_ALGORITHM_MATCH;
		}
		/* An AEAD cipher authenticates: no MAC is chosen. */
		if (!cipher_is_aead(out->enc[d])) {
			if (kex_match_list(c->list[KEX_PROP_MAC_CTOS + d],
			    s->list[KEX_PROP_MAC_CTOS + d], name,
			    sizeof(name)) != 0 ||
			    (out->mac[d] = mac_by_name(name)) == NULL) {
				*what = KEX_PROP_MAC_CTOS + d;
				return PC_ERR_NO_ALGORITHM_MATCH;
			}
		}
		/* Compression: only "none" is implemented. */
		if (kex_match_list(c->list[KEX_PROP_COMP_CTOS + d],
		    s->list[KEX_PROP_COMP_CTOS + d], name, sizeof(name)) != 0 ||
		    strcmp(name, "none") != 0) {
			*what = KEX_PROP_COMP_CTOS + d;
			return PC_ERR_NO_ALGORITHM_MATCH;
		}
	}
	if (initial) {
		out->strict = kex_list_has(c->list[KEX_PROP_KEX],
		    KEX_STRICT_C) && kex_list_has(s->list[KEX_PROP_KEX],
		    KEX_STRICT_S);
		out->ext_info_c = kex_list_has(c->list[KEX_PROP_KEX],
		    KEX_EXT_INFO_C);
		out->ext_info_s = kex_list_has(s->list[KEX_PROP_KEX],
		    KEX_EXT_INFO_S);
	}
	/*
	 * RFC 4253 s. 7: a guessed packet is right only when both sides
	 * list the same kex and host key algorithm first.
	 */
	first_name(c->list[KEX_PROP_KEX], c0, sizeof(c0));
	first_name(s->list[KEX_PROP_KEX], s0, sizeof(s0));
	out->guess_wrong = strcmp(c0, s0) != 0;
	first_name(c->list[KEX_PROP_HOSTKEY], c0, sizeof(c0));
	first_name(s->list[KEX_PROP_HOSTKEY], s0, sizeof(s0));
	out->guess_wrong |= strcmp(c0, s0) != 0;
	return 0;
}

const char *
kex_proposal_desc(int prop)
{
	/* The words OpenSSH uses in "no matching ... found". */
	switch (prop) {
	case KEX_PROP_KEX:
		return "key exchange method";
	case KEX_PROP_HOSTKEY:
		return "host key type";
	case KEX_PROP_ENC_CTOS:
	case KEX_PROP_ENC_STOC:
		return "cipher";
	case KEX_PROP_MAC_CTOS:
	case KEX_PROP_MAC_STOC:
		return "MAC";
	case KEX_PROP_COMP_CTOS:
	case KEX_PROP_COMP_STOC:
		return "compression method";
	default:
		return "algorithm";
	}
}

int
kex_derive_key(enum digest_alg hash, const uint8_t *K, size_t Klen,
    const uint8_t *H, size_t Hlen, const uint8_t *sid, size_t sidlen,
    char letter, uint8_t *out, size_t need)
{
	struct digest_ctx *ctx = NULL;
	uint8_t block[DIGEST_MAX_LEN];
	size_t have = 0, hl = digest_len(hash), n;
	uint8_t c = (uint8_t)letter;
	int r;

	if (hl == 0)
		return PC_ERR_INVALID_ARGUMENT;
	while (have < need) {
		if ((r = digest_start(hash, &ctx)) != 0 ||
		    (r = digest_update(ctx, K, Klen)) != 0 ||
		    (r = digest_update(ctx, H, Hlen)) != 0)
			goto out;
		if (have == 0) {
			/* K1 = HASH(K || H || X || session_id) */
			if ((r = digest_update(ctx, &c, 1)) != 0 ||
			    (r = digest_update(ctx, sid, sidlen)) != 0)
				goto out;
		} else {
			/* Kn = HASH(K || H || K1 || ... || Kn-1) */
			if ((r = digest_update(ctx, out, have)) != 0)
				goto out;
		}
		if ((r = digest_final(ctx, block, sizeof(block))) != 0)
			goto out;
		digest_free(ctx);
		ctx = NULL;
		n = need - have < hl ? need - have : hl;
		memcpy(out + have, block, n);
		have += n;
	}
	r = 0;
 out:
	digest_free(ctx);
	pc_wipe(block, sizeof(block));
	return r;
}
