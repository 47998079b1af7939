/*
 * Handing a connection's transport to another process (tp_export and
 * tp_import, see transport.h): privilege separation, where the sandboxed
 * network process authenticates the user and the process that then runs
 * as the user carries on the same SSH connection, as OpenSSH's monitor
 * passes its packet state ("keystate") after authentication.
 *
 * What is carried is what the next packets and the next key exchanges
 * depend on: both directions' keys and cipher positions, sequence
 * numbers and rekey counters (packet_export), the negotiated algorithms,
 * both identification strings and the session id (every later exchange
 * hash covers them, RFC 4253 s. 8), the strict-kex, ext-info and
 * authenticated flags, the host key, the kex clock, and the bytes read
 * but not yet processed and written but not yet sent.  The proposal
 * lists, host keys, signing callback and rekey limits are not carried:
 * the importer passes its tp_params, as for tp_new.
 *
 * Format, version 1.  Integers are big-endian, "string" is RFC 4251 s. 5's:
 *   uint32    TPSTATE_MAGIC ("PCTX")
 *   uint32    TPSTATE_VERSION
 *   byte      role: 0 server, 1 client
 *   string    our identification string (without CR LF)
 *   string    the peer's identification string
 *   string    kex method of the last key exchange
 *   string    host key algorithm
 *   string    cipher client to server, string cipher server to client
 *   string    MAC client to server, string MAC server to client
 *             ("" with an AEAD cipher)
 *   uint32    flags: TPSTATE_F_*
 *   string    session id
 *   uint32    key exchanges completed (at least 1)
 *   uint64    the clock (tp_set_time), uint64 when the last kex ended
 *   string    host key blob: server, the key it signs with; client, the
 *             server's key (a rekey must show the same one)
 *   byte      client: 1 if the server sent server-sig-algs, else 0
 *   string    its value, or ""
 *   ...       the packet layer, per direction (receive, then send):
 *             string cipher, string MAC, string key, string IV, uint32
 *             position, string MAC key, uint32 sequence number, uint64
 *             packets, uint64 blocks, uint64 bytes; then uint32 length
 *             of a packet being read, uint32 + bytes of unprocessed input,
 *             uint32 + bytes of unsent output (packet.c)
 *   byte[32]  SHA-256 of everything before it
 *
 * The digest catches a state damaged or cut short on its way between
 * processes; it is no protection against a process that makes up a
 * state (the monitor must compare the session id with the one it
 * signed).  Whatever passes it is still parsed field by field, every
 * length checked, and must leave nothing behind.
 */
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "log.h"
#include "tp_impl.h"

#define TPSTATE_MAGIC		0x50435458u	/* "PCTX" */
#define TPSTATE_VERSION		1u
#define TPSTATE_HEADER_LEN	8
#define TPSTATE_DIGEST		DIGEST_SHA256
#define TPSTATE_DIGEST_LEN	32

#define TPSTATE_F_STRICT	0x01u
#define TPSTATE_F_EXT_INFO_C	0x02u
#define TPSTATE_F_EXT_INFO_S	0x04u
#define TPSTATE_F_AUTHENTICATED	0x08u
#define TPSTATE_F_ALL		0x0fu

/* ------------------------------------------------------------ export */

/* The host key's public blob, as a string. */
static int
tpstate_put_hostkey(struct wbuf *out, const struct pc_key *hk)
{
	struct wbuf blob;
	int r;

	wbuf_init(&blob, 0);
	if ((r = key_to_blob(hk, &blob)) == 0)
		r = wbuf_put_stringb(out, &blob);
	wbuf_clear(&blob);
	return r;
}

static int
tpstate_put_body(const struct tp *t, struct wbuf *out)
{
	const struct kex_choice *c = &t->choice;
	const struct pc_key *hk;
	uint32_t flags = 0;
	int d, r;

	hk = t->role == TP_SERVER ? t->hostkey_used : t->peer_hostkey;
	if (hk == NULL || c->kex == NULL || c->enc[0] == NULL ||
	    c->enc[1] == NULL)
		return PC_ERR_INTERNAL;
	if (c->strict)
		flags |= TPSTATE_F_STRICT;
	if (c->ext_info_c)
		flags |= TPSTATE_F_EXT_INFO_C;
	if (c->ext_info_s)
		flags |= TPSTATE_F_EXT_INFO_S;
	if (t->authenticated)
		flags |= TPSTATE_F_AUTHENTICATED;
	if ((r = wbuf_put_u32(out, TPSTATE_MAGIC)) != 0 ||
	    (r = wbuf_put_u32(out, TPSTATE_VERSION)) != 0 ||
	    (r = wbuf_put_u8(out, t->role == TP_CLIENT ? 1 : 0)) != 0 ||
	    (r = wbuf_put_cstring(out, t->my_version)) != 0 ||
	    (r = wbuf_put_cstring(out, t->vs.peer)) != 0 ||
	    (r = wbuf_put_cstring(out, c->kex->name)) != 0 ||
	    (r = wbuf_put_cstring(out, c->hostkey_alg)) != 0)
		return r;
	for (d = KEX_CTOS; d <= KEX_STOC; d++) {
		if ((r = wbuf_put_cstring(out, cipher_name(c->enc[d]))) != 0)
			return r;
	}
	for (d = KEX_CTOS; d <= KEX_STOC; d++) {
		if ((r = wbuf_put_cstring(out, c->mac[d] != NULL ?
		    mac_name(c->mac[d]) : "")) != 0)
			return r;
	}
	if ((r = wbuf_put_u32(out, flags)) != 0 ||
	    (r = wbuf_put_string(out, t->session_id,
	    t->session_id_len)) != 0 ||
	    (r = wbuf_put_u32(out, t->kex_count)) != 0 ||
	    (r = wbuf_put_u64(out, t->now)) != 0 ||
	    (r = wbuf_put_u64(out, t->kex_time)) != 0 ||
	    (r = tpstate_put_hostkey(out, hk)) != 0)
		return r;
	if ((r = wbuf_put_u8(out, t->peer_server_sig_algs != NULL)) != 0 ||
	    (r = wbuf_put_cstring(out, t->peer_server_sig_algs != NULL ?
	    t->peer_server_sig_algs : "")) != 0)
		return r;
	return packet_export(&t->pk, out);
}

int
tp_export(const struct tp *t, struct wbuf *out)
{
	uint8_t digest[TPSTATE_DIGEST_LEN];
	size_t start = wbuf_len(out);
	int r;

	if (t->disconnected)
		return PC_ERR_CONN_CLOSED;
	/* Only between key exchanges: a kex in flight has ephemeral
	 * secrets, held messages and half-installed keys. */
	if (t->initial || t->kex_running || t->kexinit_rcvd ||
	    !t->vs.done)
		return PC_ERR_INVALID_ARGUMENT;
	if (wbuf_len(&t->sendq) != 0)
		return PC_ERR_INTERNAL;	/* only held during a kex */
	if ((r = tpstate_put_body(t, out)) != 0 ||
	    (r = digest_memory(TPSTATE_DIGEST, wbuf_ptr(out) + start,
	    wbuf_len(out) - start, digest, sizeof(digest))) != 0 ||
	    (r = wbuf_put(out, digest, sizeof(digest))) != 0)
		goto out;
	r = 0;
 out:
	if (r != 0 && wbuf_len(out) > start) {
		/* Leave out as it was, without the keys written so far. */
		pc_wipe(wbuf_mutable_ptr(out) + start, wbuf_len(out) - start);
		(void)!wbuf_consume_end(out, wbuf_len(out) - start);
	}
	return r;
}

/* ------------------------------------------------------------ import */

/* A string without NUL bytes of at most max - 1 bytes into out. */
static int
tpstate_get_text(struct wbuf *b, char *out, size_t max)
{
	const uint8_t *p;
	size_t len;
	int r;

	if ((r = wbuf_get_string_direct(b, &p, &len)) != 0)
		return r;
	if (len >= max || memchr(p, '\0', len) != NULL)
		return PC_ERR_INVALID_FORMAT;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

/* An identification string: "SSH-" and printable (RFC 4253 s. 4.2). */
static int
tpstate_get_version(struct wbuf *b, char out[VERSION_MAX_LEN + 1])
{
	size_t i;
	int r;

	if ((r = tpstate_get_text(b, out, VERSION_MAX_LEN + 1)) != 0)
		return r;
	if (strncmp(out, "SSH-", 4) != 0)
		return PC_ERR_INVALID_FORMAT;
	for (i = 0; out[i] != '\0'; i++) {
		if ((unsigned char)out[i] < 0x20 ||
		    (unsigned char)out[i] > 0x7e)
			return PC_ERR_INVALID_FORMAT;
	}
	return 0;
}

/* The negotiated algorithms, by name, into t->choice. */
static int
tpstate_get_choice(struct wbuf *b, struct tp *t)
{
	struct kex_choice *c = &t->choice;
	char name[KEX_MAX_ALG_NAME];
	int d, r;

	if ((r = tpstate_get_text(b, name, sizeof(name))) != 0)
		return r;
	if ((c->kex = kexalg_by_name(name)) == NULL)
		return PC_ERR_INVALID_FORMAT;
	if ((r = tpstate_get_text(b, c->hostkey_alg,
	    sizeof(c->hostkey_alg))) != 0)
		return r;
	if (key_type_for_sigalg(c->hostkey_alg) == KEY_UNSPEC)
		return PC_ERR_INVALID_FORMAT;
	for (d = KEX_CTOS; d <= KEX_STOC; d++) {
		if ((r = tpstate_get_text(b, name, sizeof(name))) != 0)
			return r;
		if ((c->enc[d] = cipher_by_name(name)) == NULL ||
		    strcmp(name, "none") == 0)
			return PC_ERR_INVALID_FORMAT;
	}
	for (d = KEX_CTOS; d <= KEX_STOC; d++) {
		if ((r = tpstate_get_text(b, name, sizeof(name))) != 0)
			return r;
		if (cipher_is_aead(c->enc[d])) {
			if (*name != '\0')
				return PC_ERR_INVALID_FORMAT;
		} else if ((c->mac[d] = mac_by_name(name)) == NULL)
			return PC_ERR_INVALID_FORMAT;
	}
	return 0;
}

/* Server: the host key it signed with must be one of ours (by its blob,
 * certificate included), so that rekeys can go on signing. */
static int
tpstate_find_hostkey(struct tp *t, const uint8_t *blob, size_t len)
{
	struct wbuf b;
	size_t i;
	int r = PC_ERR_NOT_FOUND;

	wbuf_init(&b, 0);
	for (i = 0; i < t->nhostkeys; i++) {
		if (t->hostkeys[i] == NULL)
			continue;
		wbuf_reset(&b);
		if ((r = key_to_blob(t->hostkeys[i], &b)) != 0)
			break;
		if (wbuf_len(&b) == len && memcmp(wbuf_ptr(&b), blob,
		    len) == 0) {
			t->hostkey_used = t->hostkeys[i];
			r = 0;
			break;
		}
		r = PC_ERR_NOT_FOUND;
	}
	wbuf_clear(&b);
	return r;
}

static int
tpstate_get_hostkey(struct wbuf *b, struct tp *t)
{
	const uint8_t *blob;
	size_t len;
	int r;

	const struct pc_key *hk;

	if ((r = wbuf_get_string_direct(b, &blob, &len)) != 0)
		return r;
	if (t->role == TP_SERVER) {
		if ((r = tpstate_find_hostkey(t, blob, len)) != 0) {
			debug("transport state: its host key is not one of "
			    "ours");
			return r;
		}
		hk = t->hostkey_used;
	} else {
		if ((r = key_from_blob(blob, len, &t->peer_hostkey)) != 0)
			return r;
		hk = t->peer_hostkey;
	}
	/* The key fits the algorithm that was negotiated for it. */
	if (key_get_type(hk) != key_type_for_sigalg(t->choice.hostkey_alg) ||
	    (key_is_cert(hk) != 0) !=
	    (key_plain_sigalg_for(t->choice.hostkey_alg) != NULL))
		return PC_ERR_INVALID_FORMAT;
	return 0;
}

/* The packet layer's algorithms must be those the last kex chose. */
static int
tpstate_check_packet(const struct tp *t)
{
	int pd, d;

	for (pd = PACKET_RX; pd <= PACKET_TX; pd++) {
		/* Our TX is s->c on the server and c->s on the client. */
		d = (pd == PACKET_TX) == (t->role == TP_SERVER) ?
		    KEX_STOC : KEX_CTOS;
		if (t->pk.dir[pd].cipher != t->choice.enc[d] ||
		    t->pk.dir[pd].mac != t->choice.mac[d])
			return PC_ERR_INVALID_FORMAT;
	}
	return 0;
}

static int
tpstate_get_body(struct wbuf *b, struct tp *t)
{
	const uint8_t *sid;
	size_t sidlen;
	uint32_t flags, count;
	uint8_t has_ssa;
	char *ssa = NULL;
	int r;

	version_init(&t->vs, t->role == TP_CLIENT);
	if ((r = tpstate_get_version(b, t->my_version)) != 0 ||
	    (r = tpstate_get_version(b, t->vs.peer)) != 0 ||
	    (r = tpstate_get_choice(b, t)) != 0 ||
	    (r = wbuf_get_u32(b, &flags)) != 0 ||
	    (r = wbuf_get_string_direct(b, &sid, &sidlen)) != 0 ||
	    (r = wbuf_get_u32(b, &count)) != 0 ||
	    (r = wbuf_get_u64(b, &t->now)) != 0 ||
	    (r = wbuf_get_u64(b, &t->kex_time)) != 0)
		return r;
	t->vs.done = 1;
	if ((flags & ~TPSTATE_F_ALL) != 0 || sidlen == 0 ||
	    sidlen > sizeof(t->session_id) || count == 0)
		return PC_ERR_INVALID_FORMAT;
	t->choice.strict = (flags & TPSTATE_F_STRICT) != 0;
	t->choice.ext_info_c = (flags & TPSTATE_F_EXT_INFO_C) != 0;
	t->choice.ext_info_s = (flags & TPSTATE_F_EXT_INFO_S) != 0;
	t->strict = t->choice.strict;
	t->authenticated = (flags & TPSTATE_F_AUTHENTICATED) != 0;
	memcpy(t->session_id, sid, sidlen);
	t->session_id_len = sidlen;
	t->kex_count = count;
	if ((r = tpstate_get_hostkey(b, t)) != 0 ||
	    (r = wbuf_get_u8(b, &has_ssa)) != 0 ||
	    (r = wbuf_get_cstring(b, &ssa, NULL)) != 0)
		goto out;
	/* Only a client hears server-sig-algs (RFC 8308 s. 3.1). */
	if (has_ssa > 1 || (has_ssa && t->role != TP_CLIENT) ||
	    (!has_ssa && *ssa != '\0') || strlen(ssa) > WBUF_MAX_NAMELIST) {
		r = PC_ERR_INVALID_FORMAT;
		goto out;
	}
	if (has_ssa) {
		t->peer_server_sig_algs = ssa;
		ssa = NULL;
	}
	if ((r = packet_import(&t->pk, b, t->rekey_bytes)) != 0 ||
	    (r = tpstate_check_packet(t)) != 0)
		goto out;
	r = wbuf_get_end(b);
 out:
	free(ssa);
	return r;
}

int
tp_import(const struct tp_params *p, const uint8_t *state, size_t len,
    struct tp **tpp)
{
	uint8_t digest[TPSTATE_DIGEST_LEN];
	struct tp *t = NULL;
	struct wbuf b;
	uint32_t magic, version;
	uint8_t role;
	size_t body;
	int r;

	*tpp = NULL;
	if (p == NULL || (state == NULL && len != 0))
		return PC_ERR_INVALID_ARGUMENT;
	if (len < TPSTATE_HEADER_LEN + TPSTATE_DIGEST_LEN)
		return PC_ERR_MSG_INCOMPLETE;
	body = len - TPSTATE_DIGEST_LEN;
	wbuf_init_const(&b, state, body);
	if ((r = wbuf_get_u32(&b, &magic)) != 0 ||
	    (r = wbuf_get_u32(&b, &version)) != 0)
		return r;
	if (magic != TPSTATE_MAGIC || version != TPSTATE_VERSION) {
		debug("transport state: magic %08x version %u, want %08x %u",
		    magic, version, TPSTATE_MAGIC, TPSTATE_VERSION);
		return PC_ERR_INVALID_FORMAT;
	}
	if ((r = digest_memory(TPSTATE_DIGEST, state, body, digest,
	    sizeof(digest))) != 0)
		return r;
	if (pc_timingsafe_bcmp(digest, state + body, sizeof(digest)) != 0) {
		debug("transport state: digest mismatch");
		return PC_ERR_INVALID_FORMAT;
	}
	if ((r = wbuf_get_u8(&b, &role)) != 0)
		return r;
	if (role > 1 || (role == 1) != (p->role == TP_CLIENT)) {
		debug("transport state: made by the other role");
		return PC_ERR_INVALID_FORMAT;
	}
	if ((r = tp_alloc(p, &t)) != 0 ||
	    (r = tpstate_get_body(&b, t)) != 0)
		goto out;
	/* Established, between key exchanges: the first kex is done. */
	t->initial = 0;
	t->kex_running = 0;
	*tpp = t;
	t = NULL;
 out:
	tp_free(t);
	return r;
}
