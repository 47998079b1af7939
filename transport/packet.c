/* The binary packet protocol (see packet.h; RFC 4253 s. 6). */
#include <string.h>

#include "log.h"
#include "packet.h"
#include "rand.h"

#define NONE_BLOCK	8	/* RFC 4253 s. 6: at least 8 */
#define MIN_PADDING	4

static void
dir_clear_keys(struct packet_dir *d)
{
	cipher_ctx_free(d->cctx);
	mac_ctx_free(d->mctx);
	d->cctx = NULL;
	d->mctx = NULL;
	d->cipher = NULL;
	d->mac = NULL;
	d->len_encrypted = 0;
}

void
packet_init(struct packet *pk)
{
	int i;

	memset(pk, 0, sizeof(*pk));
	for (i = 0; i < 2; i++) {
		pk->dir[i].block = NONE_BLOCK;
		pk->dir[i].max_blocks = UINT64_MAX;
	}
	wbuf_init(&pk->in, PACKET_INPUT_MAX);
	wbuf_init(&pk->out, PACKET_OUTPUT_MAX);
}

void
packet_clear(struct packet *pk)
{
	dir_clear_keys(&pk->dir[PACKET_RX]);
	dir_clear_keys(&pk->dir[PACKET_TX]);
	wbuf_clear(&pk->in);
	wbuf_clear(&pk->out);
	memset(pk, 0, sizeof(*pk));
}

int
packet_input(struct packet *pk, const void *p, size_t len)
{
	return wbuf_put(&pk->in, p, len);
}

int
packet_input_reserve(struct packet *pk, size_t len, uint8_t **p)
{
	if (len > packet_input_space(pk))
		return PC_ERR_NO_BUFFER_SPACE;
	return wbuf_reserve(&pk->in, len, p);
}

int
packet_input_commit(struct packet *pk, size_t reserved, size_t n)
{
	if (n > reserved)
		return PC_ERR_INVALID_ARGUMENT;
	return wbuf_consume_end(&pk->in, reserved - n);
}

size_t
packet_input_space(const struct packet *pk)
{
	size_t used = wbuf_len(&pk->in);

	return used >= PACKET_INPUT_MAX ? 0 : PACKET_INPUT_MAX - used;
}

const uint8_t *
packet_output_ptr(const struct packet *pk, size_t *len)
{
	*len = wbuf_len(&pk->out);
	return wbuf_ptr(&pk->out);
}

int
packet_output_consume(struct packet *pk, size_t n)
{
	return wbuf_consume(&pk->out, n);
}

int
packet_output_raw(struct packet *pk, const void *p, size_t len)
{
	return wbuf_put(&pk->out, p, len);
}

/* Count traffic for the rekey limits. */
static void
dir_account(struct packet_dir *d, size_t bytes)
{
	d->seqnr++;	/* wraps modulo 2^32 (RFC 4253 s. 6.4) */
	d->packets++;
	d->blocks += (bytes + d->block - 1) / d->block;
	d->total_bytes += bytes;
}

int
packet_need_rekey(const struct packet *pk)
{
	int i;

	for (i = 0; i < 2; i++) {
		const struct packet_dir *d = &pk->dir[i];

		if (d->cipher == NULL)
			continue;
		if (d->blocks >= d->max_blocks ||
		    d->packets >= PACKET_MAX_PACKETS)
			return 1;
	}
	return 0;
}

void
packet_reset_seqnr(struct packet *pk, enum packet_dir_id d)
{
	pk->dir[d].seqnr = 0;
}

/*
 * Put new contexts in place for one direction (taking them over) with the
 * rekey limit that goes with the cipher; the counters start from zero.
 */
static void
dir_install(struct packet_dir *d, const struct cipher_alg *cipher,
    struct cipher_ctx *cctx, const struct mac_alg *mac,
    struct mac_ctx *mctx, uint64_t rekey_bytes)
{
	uint64_t max_blocks;
	size_t block;

	block = cipher_block_len(cipher);
	if (block < NONE_BLOCK)
		block = NONE_BLOCK;
	/* OpenSSH's limits: 2^(2*blocksize bits/8) blocks for >= 128-bit
	 * blocks (RFC 4344 s. 3.2), else 1 GiB. */
	if (block >= 16)
		max_blocks = 1ULL << (block * 2);
	else
		max_blocks = (1ULL << 30) / block;
	if (rekey_bytes != 0 && rekey_bytes / block < max_blocks)
		max_blocks = rekey_bytes / block;
	if (max_blocks == 0)
		max_blocks = 1;
	dir_clear_keys(d);
	d->cipher = cipher;
	d->cctx = cctx;
	d->mac = mac;
	d->mctx = mctx;
	d->block = block;
	d->aadlen = (mac == NULL || mac_is_etm(mac)) ? 4 : 0;
	d->len_encrypted = cipher_length_encrypted(cipher);
	d->authlen = mac != NULL ? mac_len(mac) : cipher_tag_len(cipher);
	d->packets = 0;
	d->blocks = 0;
	d->max_blocks = max_blocks;
}

int
packet_set_keys(struct packet *pk, enum packet_dir_id id,
    const struct cipher_alg *cipher, const uint8_t *key, const uint8_t *iv,
    const struct mac_alg *mac, const uint8_t *mackey, uint64_t rekey_bytes)
{
	struct cipher_ctx *cctx = NULL;
	struct mac_ctx *mctx = NULL;
	int r;

	if (cipher_is_aead(cipher))
		mac = NULL;
	else if (mac == NULL)
		return PC_ERR_INVALID_ARGUMENT;
	if ((r = cipher_ctx_new(&cctx, cipher, key, cipher_key_len(cipher),
	    iv, cipher_iv_len(cipher),
	    id == PACKET_TX ? CIPHER_ENCRYPT : CIPHER_DECRYPT)) != 0)
		goto out;
	if (mac != NULL && (r = mac_ctx_new(&mctx, mac, mackey,
	    mac_key_len(mac))) != 0)
		goto out;
	dir_install(&pk->dir[id], cipher, cctx, mac, mctx, rekey_bytes);
	cctx = NULL;
	mctx = NULL;
	r = 0;
 out:
	cipher_ctx_free(cctx);
	mac_ctx_free(mctx);
	return r;
}

int
packet_write(struct packet *pk, const uint8_t *payload, size_t len)
{
	return packet_write2(pk, payload, len, NULL, 0);
}

int
packet_write2(struct packet *pk, const uint8_t *head, size_t hlen,
    const uint8_t *tail, size_t tlen)
{
	struct packet_dir *d = &pk->dir[PACKET_TX];
	size_t aadlen, padlen, plen, total, len;
	uint8_t *p;
	int r;

	if (hlen > PACKET_MAX_PAYLOAD || tlen > PACKET_MAX_PAYLOAD - hlen)
		return PC_ERR_INVALID_ARGUMENT;
	len = hlen + tlen;
	if (len == 0)
		return PC_ERR_INVALID_ARGUMENT;
	aadlen = d->cipher == NULL ? 0 : d->aadlen;
	/* Pad so that what is encrypted is a multiple of the block size:
	 * with AAD the length field is not encrypted (RFC 5647 s. 7.2). */
	padlen = d->block - ((aadlen ? 0 : 4) + 1 + len) % d->block;
	if (padlen < MIN_PADDING)
		padlen += d->block;
	plen = 1 + len + padlen;
	total = 4 + plen + (d->cipher == NULL ? 0 : d->authlen);
	if ((r = wbuf_reserve(&pk->out, total, &p)) != 0)
		return r;
	pc_put_u32(p, (uint32_t)plen);
	p[4] = (uint8_t)padlen;
	/* The payload is assembled in place, ready to be encrypted there. */
	if (hlen > 0)
		memcpy(p + 5, head, hlen);
	if (tlen > 0)
		memcpy(p + 5 + hlen, tail, tlen);
	rand_padding(p + 5 + len, padlen);

	if (d->cipher == NULL) {
		/* no encryption before the first NEWKEYS */
	} else if (d->mac == NULL) {
		/* AEAD: the tag follows the packet */
		r = cipher_crypt(d->cctx, d->seqnr, p, p, plen, 4, d->authlen);
	} else if (mac_is_etm(d->mac)) {
		/* encrypt-then-MAC over length || ciphertext */
		if ((r = cipher_crypt(d->cctx, d->seqnr, p, p, plen, 4,
		    0)) == 0)
			r = mac_compute(d->mctx, d->seqnr, p, 4 + plen,
			    p + 4 + plen);
	} else {
		/* MAC over the plaintext packet, then encrypt it all */
		if ((r = mac_compute(d->mctx, d->seqnr, p, 4 + plen,
		    p + 4 + plen)) == 0)
			r = cipher_crypt(d->cctx, d->seqnr, p, p, 4 + plen,
			    0, 0);
	}
	if (r != 0) {
		/* Never leave a half-made packet in the output. */
		pc_wipe(p, total);
		(void)!wbuf_consume_end(&pk->out, total);
		return r;
	}
	dir_account(d, 4 + plen);
	return 0;
}

/* Learn the length of the next packet, decrypting what that needs. */
static int
read_length(struct packet *pk)
{
	struct packet_dir *d = &pk->dir[PACKET_RX];
	size_t avail = wbuf_len(&pk->in);
	uint8_t *p = wbuf_mutable_ptr(&pk->in);
	uint32_t plen;
	int r;

	if (d->cipher == NULL || d->aadlen != 0) {
		if (avail < 4)
			return PC_ERR_AGAIN;
		if (d->len_encrypted) {
			/* chacha20-poly1305: the length is encrypted */
			if ((r = cipher_get_length(d->cctx, &plen, d->seqnr,
			    p, avail)) != 0)
				return r;
		} else
			plen = pc_get_u32(p);
	} else {
		/* Encrypted length: decrypt the first block in place. */
		if (avail < d->block)
			return PC_ERR_AGAIN;
		if ((r = cipher_crypt(d->cctx, d->seqnr, p, p, d->block, 0,
		    0)) != 0)
			return r;
		plen = pc_get_u32(p);
	}
	if (plen < 1 + MIN_PADDING || plen > PACKET_MAX_SIZE) {
		debug("packet length %u out of range", plen);
		return PC_ERR_PACKET_TOO_LARGE;
	}
	if (((d->cipher != NULL && d->aadlen) ? plen : 4 + plen) %
	    d->block != 0) {
		debug("packet length %u not a multiple of block size %zu",
		    plen, d->block);
		return PC_ERR_BAD_PADDING;
	}
	pk->rx_packlen = plen;
	return 0;
}

int
packet_read(struct packet *pk, const uint8_t **payload, size_t *lenp)
{
	struct packet_dir *d = &pk->dir[PACKET_RX];
	size_t total, authlen, padlen, plen;
	uint8_t *p;
	int r;

	*payload = NULL;
	*lenp = 0;
	if (pk->rx_consume != 0) {
		if ((r = wbuf_consume(&pk->in, pk->rx_consume)) != 0)
			return r;
		pk->rx_consume = 0;
	}
	if (pk->rx_packlen == 0 && (r = read_length(pk)) != 0)
		return r;
	plen = pk->rx_packlen;
	authlen = d->cipher == NULL ? 0 : d->authlen;
	total = 4 + plen + authlen;
	if (wbuf_len(&pk->in) < total)
		return PC_ERR_AGAIN;
	p = wbuf_mutable_ptr(&pk->in);

	if (d->cipher == NULL) {
		r = 0;
	} else if (d->mac == NULL) {
		/* AEAD: the tag is checked before anything is decrypted */
		r = cipher_crypt(d->cctx, d->seqnr, p, p, plen, 4, authlen);
	} else if (mac_is_etm(d->mac)) {
		if ((r = mac_verify(d->mctx, d->seqnr, p, 4 + plen,
		    p + 4 + plen)) == 0)
			r = cipher_crypt(d->cctx, d->seqnr, p, p, plen, 4, 0);
	} else {
		/* The first block was decrypted by read_length. */
		if ((r = cipher_crypt(d->cctx, d->seqnr, p + d->block,
		    p + d->block, 4 + plen - d->block, 0, 0)) == 0)
			r = mac_verify(d->mctx, d->seqnr, p, 4 + plen,
			    p + 4 + plen);
	}
	if (r != 0)
		return r;
	padlen = p[4];
	if (padlen < MIN_PADDING || padlen >= plen) {
		debug("bad padding length %zu for packet length %zu",
		    padlen, plen);
		return PC_ERR_BAD_PADDING;
	}
	if (plen - 1 - padlen == 0)
		return PC_ERR_PROTOCOL;	/* no message type */
	*payload = p + 5;
	*lenp = plen - 1 - padlen;
	pk->rx_consume = total;
	pk->rx_packlen = 0;
	dir_account(d, 4 + plen);
	return 0;
}

/* ------------------------------------------- state for another process */

#define PACKET_STATE_NAME_MAX	64	/* longest algorithm name + 1 */

/* A length-prefixed run of bytes that may be longer than a wbuf string
 * (the output queue may hold up to PACKET_OUTPUT_MAX). */
static int
put_blob(struct wbuf *out, const uint8_t *p, size_t len)
{
	int r;

	if (len > UINT32_MAX)
		return PC_ERR_NO_BUFFER_SPACE;
	if ((r = wbuf_put_u32(out, (uint32_t)len)) != 0)
		return r;
	return len == 0 ? 0 : wbuf_put(out, p, len);
}

static int
get_blob(struct wbuf *in, size_t max, const uint8_t **pp, size_t *lenp)
{
	uint32_t n;
	int r;

	if ((r = wbuf_peek_u32(in, &n)) != 0)
		return r;
	if (n > max)
		return PC_ERR_INVALID_FORMAT;
	if ((size_t)n > wbuf_len(in) - 4)
		return PC_ERR_MSG_INCOMPLETE;
	*pp = wbuf_ptr(in) + 4;
	*lenp = n;
	return wbuf_consume(in, 4 + (size_t)n);
}

/* A string of at most max bytes copied into out (wiped by the caller
 * when it is a key); its length in *lenp. */
static int
get_fixed(struct wbuf *in, uint8_t *out, size_t max, size_t *lenp)
{
	const uint8_t *p;
	size_t len;
	int r;

	if ((r = wbuf_get_string_direct(in, &p, &len)) != 0)
		return r;
	if (len > max)
		return PC_ERR_INVALID_FORMAT;
	if (len != 0)
		memcpy(out, p, len);
	*lenp = len;
	return 0;
}

/* An algorithm name as a NUL-terminated string in name. */
static int
get_name(struct wbuf *in, char name[PACKET_STATE_NAME_MAX])
{
	size_t len;
	int r;

	if ((r = get_fixed(in, (uint8_t *)name, PACKET_STATE_NAME_MAX - 1,
	    &len)) != 0)
		return r;
	name[len] = '\0';
	if (strlen(name) != len)
		return PC_ERR_INVALID_FORMAT;
	return 0;
}

static int
dir_export(const struct packet_dir *d, struct wbuf *out)
{
	struct cipher_state cs;
	uint8_t mackey[MAC_MAX_KEY_LEN];
	size_t mackeylen = 0;
	int r;

	memset(&cs, 0, sizeof(cs));
	if (d->cipher == NULL || d->cctx == NULL ||
	    (d->mac != NULL && d->mctx == NULL)) {
		r = PC_ERR_INVALID_ARGUMENT;	/* no keys yet */
		goto out;
	}
	if ((r = cipher_ctx_export(d->cctx, &cs)) != 0 ||
	    (d->mac != NULL &&
	    (r = mac_ctx_export(d->mctx, mackey, &mackeylen)) != 0))
		goto out;
	if ((r = wbuf_put_cstring(out, cipher_name(d->cipher))) != 0 ||
	    (r = wbuf_put_cstring(out, d->mac != NULL ?
	    mac_name(d->mac) : "")) != 0 ||
	    (r = wbuf_put_string(out, cs.key, cs.key_len)) != 0 ||
	    (r = wbuf_put_string(out, cs.iv, cs.iv_len)) != 0 ||
	    (r = wbuf_put_u32(out, cs.pos)) != 0 ||
	    (r = wbuf_put_string(out, mackey, mackeylen)) != 0 ||
	    (r = wbuf_put_u32(out, d->seqnr)) != 0 ||
	    (r = wbuf_put_u64(out, d->packets)) != 0 ||
	    (r = wbuf_put_u64(out, d->blocks)) != 0 ||
	    (r = wbuf_put_u64(out, d->total_bytes)) != 0)
		goto out;
	r = 0;
 out:
	pc_wipe(&cs, sizeof(cs));
	pc_wipe(mackey, sizeof(mackey));
	return r;
}

int
packet_export(const struct packet *pk, struct wbuf *out)
{
	const uint8_t *p;
	size_t len;
	int r;

	if ((r = dir_export(&pk->dir[PACKET_RX], out)) != 0 ||
	    (r = dir_export(&pk->dir[PACKET_TX], out)) != 0)
		return r;
	/* The last packet packet_read returned is done with: skip it. */
	if (pk->rx_consume > wbuf_len(&pk->in))
		return PC_ERR_INTERNAL;
	p = wbuf_ptr(&pk->in) + pk->rx_consume;
	len = wbuf_len(&pk->in) - pk->rx_consume;
	if ((r = wbuf_put_u32(out, pk->rx_packlen)) != 0 ||
	    (r = put_blob(out, p, len)) != 0 ||
	    (r = put_blob(out, wbuf_ptr(&pk->out), wbuf_len(&pk->out))) != 0)
		return r;
	return 0;
}

static int
dir_import(struct packet_dir *d, enum packet_dir_id id, struct wbuf *in,
    uint64_t rekey_bytes)
{
	char cname[PACKET_STATE_NAME_MAX], mname[PACKET_STATE_NAME_MAX];
	const struct cipher_alg *cipher;
	const struct mac_alg *mac = NULL;
	struct cipher_ctx *cctx = NULL;
	struct mac_ctx *mctx = NULL;
	struct cipher_state cs;
	uint8_t mackey[MAC_MAX_KEY_LEN];
	size_t mackeylen = 0;
	uint32_t seqnr;
	uint64_t packets, blocks, total;
	int r;

	memset(&cs, 0, sizeof(cs));
	if ((r = get_name(in, cname)) != 0 ||
	    (r = get_name(in, mname)) != 0 ||
	    (r = get_fixed(in, cs.key, sizeof(cs.key), &cs.key_len)) != 0 ||
	    (r = get_fixed(in, cs.iv, sizeof(cs.iv), &cs.iv_len)) != 0 ||
	    (r = wbuf_get_u32(in, &cs.pos)) != 0 ||
	    (r = get_fixed(in, mackey, sizeof(mackey), &mackeylen)) != 0 ||
	    (r = wbuf_get_u32(in, &seqnr)) != 0 ||
	    (r = wbuf_get_u64(in, &packets)) != 0 ||
	    (r = wbuf_get_u64(in, &blocks)) != 0 ||
	    (r = wbuf_get_u64(in, &total)) != 0)
		goto out;
	/* A real cipher ("none" is only the state before the first kex);
	 * AEAD ciphers come without a MAC, the others with one. */
	r = PC_ERR_INVALID_FORMAT;
	if ((cipher = cipher_by_name(cname)) == NULL ||
	    strcmp(cname, "none") == 0)
		goto out;
	if (cipher_is_aead(cipher)) {
		if (*mname != '\0' || mackeylen != 0)
			goto out;
	} else if ((mac = mac_by_name(mname)) == NULL ||
	    mackeylen != mac_key_len(mac))
		goto out;
	if ((r = cipher_ctx_import(&cctx, cipher, id == PACKET_TX ?
	    CIPHER_ENCRYPT : CIPHER_DECRYPT, &cs)) != 0 ||
	    (mac != NULL &&
	    (r = mac_ctx_new(&mctx, mac, mackey, mackeylen)) != 0))
		goto out;
	dir_install(d, cipher, cctx, mac, mctx, rekey_bytes);
	cctx = NULL;
	mctx = NULL;
	d->seqnr = seqnr;
	d->packets = packets;
	d->blocks = blocks;
	d->total_bytes = total;
	r = 0;
 out:
	cipher_ctx_free(cctx);
	mac_ctx_free(mctx);
	pc_wipe(&cs, sizeof(cs));
	pc_wipe(mackey, sizeof(mackey));
	return r;
}

int
packet_import(struct packet *pk, struct wbuf *in, uint64_t rekey_bytes)
{
	const struct packet_dir *rx = &pk->dir[PACKET_RX];
	const uint8_t *p;
	size_t len;
	uint32_t plen;
	int r;

	if (pk->dir[PACKET_RX].cipher != NULL ||
	    pk->dir[PACKET_TX].cipher != NULL || wbuf_len(&pk->in) != 0 ||
	    wbuf_len(&pk->out) != 0)
		return PC_ERR_INVALID_ARGUMENT;	/* not fresh */
	if ((r = dir_import(&pk->dir[PACKET_RX], PACKET_RX, in,
	    rekey_bytes)) != 0 ||
	    (r = dir_import(&pk->dir[PACKET_TX], PACKET_TX, in,
	    rekey_bytes)) != 0 ||
	    (r = wbuf_get_u32(in, &plen)) != 0)
		return r;
	if ((r = get_blob(in, PACKET_INPUT_MAX, &p, &len)) != 0 ||
	    (r = wbuf_put(&pk->in, p, len)) != 0 ||
	    (r = get_blob(in, PACKET_OUTPUT_MAX, &p, &len)) != 0 ||
	    (r = wbuf_put(&pk->out, p, len)) != 0)
		return r;
	/*
	 * A packet whose length was already read: the same checks as
	 * read_length, and the bytes that read needed must be there (for
	 * a non-ETM MAC they hold the first block, already decrypted).
	 */
	if (plen != 0) {
		size_t need = rx->aadlen != 0 ? 4 : rx->block;

		if (plen < 1 + MIN_PADDING || plen > PACKET_MAX_SIZE ||
		    (rx->aadlen != 0 ? plen : 4 + plen) % rx->block != 0 ||
		    wbuf_len(&pk->in) < need)
			return PC_ERR_INVALID_FORMAT;
	}
	pk->rx_packlen = plen;
	pk->rx_consume = 0;
	return 0;
}
