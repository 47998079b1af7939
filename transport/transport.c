/*
 * The transport engine (see transport.h): version exchange, the per-phase
 * message gate, KEXINIT and NEWKEYS, strict kex, ext-info, ping, rekeying
 * and the queue that holds upper-layer messages during a key exchange.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "ssh2.h"
#include "tp_impl.h"

#define TP_MAX_EXTENSIONS	64
#define TP_SENDQ_MAX		(64u * 1024 * 1024)

/* Which part of the protocol the connection is in, for the gate. */
#define PH_INIT	0x01	/* first kex, the peer's KEXINIT not yet seen */
#define PH_KEX	0x02	/* between the peer's KEXINIT and its NEWKEYS */
#define PH_EST	0x04	/* keys in place; our rekey KEXINIT may be out */
#define PH_ALL	(PH_INIT | PH_KEX | PH_EST)

static int start_kex(struct tp *t);

/* ---------------------------------------------------------------- setup */

static int
dup_list(char **dst, const char *s)
{
	if ((*dst = strdup(s)) == NULL)
		return PC_ERR_ALLOC;
	return 0;
}

/* Join a list and extra names with a comma. */
static int
join_list(char **dst, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if ((*dst = malloc(la + lb + 2)) == NULL)
		return PC_ERR_ALLOC;
	memcpy(*dst, a, la);
	(*dst)[la] = ',';
	memcpy(*dst + la + 1, b, lb + 1);
	return 0;
}

const struct pc_key *
tp_hostkey_for_alg(const struct tp *t, const char *alg)
{
	enum key_type kt = key_type_for_sigalg(alg);
	/* A -cert-v01 algorithm needs a key with its HostCertificate. */
	int want_cert = key_plain_sigalg_for(alg) != NULL;
	size_t i;

	if (kt == KEY_UNSPEC)
		return NULL;
	for (i = 0; i < t->nhostkeys; i++) {
		if (t->hostkeys[i] != NULL &&
		    key_get_type(t->hostkeys[i]) == kt &&
		    (key_is_cert(t->hostkeys[i]) != 0) == want_cert)
			return t->hostkeys[i];
	}
	return NULL;
}

/* Server: offer only the host key algorithms we hold a key for. */
static int
server_hostkey_list(struct tp *t, const char *algs, char **out)
{
	struct wbuf b;
	const char *p = algs;
	char name[KEX_MAX_ALG_NAME];
	int r = 0;

	wbuf_init(&b, WBUF_MAX_NAMELIST);
	while (p != NULL && *p != '\0') {
		const char *e = strchr(p, ',');
		size_t l = e == NULL ? strlen(p) : (size_t)(e - p);

		if (l > 0 && l < sizeof(name)) {
			memcpy(name, p, l);
			name[l] = '\0';
			if (tp_hostkey_for_alg(t, name) != NULL &&
			    ((wbuf_len(&b) > 0 &&
			    (r = wbuf_put_u8(&b, ',')) != 0) ||
			    (r = wbuf_put(&b, name, l)) != 0))
				goto out;
		}
		p = e == NULL ? NULL : e + 1;
	}
	if (wbuf_len(&b) == 0) {
		error("no host key for any of the host key algorithms %s",
		    algs);
		r = PC_ERR_NOT_FOUND;
		goto out;
	}
	if ((r = wbuf_put_u8(&b, '\0')) != 0)
		goto out;
	r = dup_list(out, (const char *)wbuf_ptr(&b));
 out:
	wbuf_clear(&b);
	return r;
}

int
tp_alloc(const struct tp_params *p, struct tp **tpp)
{
	struct tp *t;
	const char *kex = p->kex_algs ? p->kex_algs : kexalg_default_list();
	const char *hk = p->hostkey_algs ? p->hostkey_algs :
	    key_sigalg_default_list();
	const char *enc = p->ciphers ? p->ciphers : cipher_default_list();
	const char *mac = p->macs ? p->macs : mac_default_list();
	int i, r;

	*tpp = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return PC_ERR_ALLOC;
	t->role = p->role;
	t->rekey_bytes = p->rekey_bytes;
	t->rekey_seconds = p->rekey_seconds;
	t->hostkeys = p->hostkeys;
	t->nhostkeys = p->nhostkeys;
	t->sign = p->sign;
	t->sign_arg = p->sign_arg;
	t->moduli = p->moduli;
	t->nmoduli = p->nmoduli;
	t->check_hostkey = p->check_hostkey;
	t->check_arg = p->check_arg;
	t->initial = 1;
	packet_init(&t->pk);
	version_init(&t->vs, p->role == TP_CLIENT);
	wbuf_init(&t->my_kexinit, WBUF_MAX_NAMELIST * KEX_PROP_MAX);
	wbuf_init(&t->peer_kexinit, PACKET_MAX_SIZE);
	wbuf_init(&t->client_pub, 0);
	wbuf_init(&t->gex_buf, 0);
	wbuf_init(&t->sendq, TP_SENDQ_MAX);
	wbuf_init(&t->msg, PACKET_MAX_PAYLOAD);

	if (p->role == TP_SERVER && (p->sign == NULL || p->nhostkeys == 0)) {
		r = PC_ERR_INVALID_ARGUMENT;
		goto out;
	}
	if ((r = dup_list(&t->lists[KEX_PROP_KEX], kex)) != 0 ||
	    (r = join_list(&t->initial_kex_list, kex, p->role == TP_SERVER ?
	    KEX_EXT_INFO_S "," KEX_STRICT_S :
	    KEX_EXT_INFO_C "," KEX_STRICT_C)) != 0)
		goto out;
	if (p->role == TP_SERVER)
		r = server_hostkey_list(t, hk, &t->lists[KEX_PROP_HOSTKEY]);
	else
		r = dup_list(&t->lists[KEX_PROP_HOSTKEY], hk);
	if (r != 0)
		goto out;
	for (i = 0; i < 2; i++) {
		if ((r = dup_list(&t->lists[KEX_PROP_ENC_CTOS + i], enc)) ||
		    (r = dup_list(&t->lists[KEX_PROP_MAC_CTOS + i], mac)) ||
		    (r = dup_list(&t->lists[KEX_PROP_COMP_CTOS + i],
		    "none")) ||
		    (r = dup_list(&t->lists[KEX_PROP_LANG_CTOS + i], "")))
			goto out;
	}
	if ((r = dup_list(&t->server_sig_algs, p->server_sig_algs ?
	    p->server_sig_algs : key_sigalg_default_list())) != 0)
		goto out;
	*tpp = t;
	t = NULL;
 out:
	tp_free(t);
	return r;
}

int
tp_new(const struct tp_params *p, struct tp **tpp)
{
	struct tp *t = NULL;
	const char *sw = p->software ? p->software : "Portcullis_" PC_VERSION;
	int r;

	*tpp = NULL;
	if ((r = tp_alloc(p, &t)) != 0)
		return r;
	/* RFC 4253 s. 4.2: the version line, then KEXINIT at once. */
	snprintf(t->my_version, sizeof(t->my_version), "SSH-2.0-%s", sw);
	if ((r = packet_output_raw(&t->pk, t->my_version,
	    strlen(t->my_version))) != 0 ||
	    (r = packet_output_raw(&t->pk, "\r\n", 2)) != 0 ||
	    (r = start_kex(t)) != 0)
		goto out;
	*tpp = t;
	t = NULL;
 out:
	tp_free(t);
	return r;
}

static void
kex_reset(struct tp *t)
{
	kexalg_state_free(t->kst);
	t->kst = NULL;
	wbuf_reset(&t->client_pub);
	wbuf_reset(&t->gex_buf);
	memset(&t->gex_own, 0, sizeof(t->gex_own));
	t->gex_grp = NULL;
	pc_wipe(&t->nk, sizeof(t->nk));
	t->kexinit_rcvd = 0;
	t->expect = 0;
	t->ignore_guess = 0;
	t->newkeys_sent = 0;
}

void
tp_free(struct tp *t)
{
	int i;

	if (t == NULL)
		return;
	kex_reset(t);
	for (i = 0; i < KEX_PROP_MAX; i++)
		free(t->lists[i]);
	free(t->initial_kex_list);
	free(t->server_sig_algs);
	free(t->peer_server_sig_algs);
	free(t->peer_msg);
	free(t->nomatch_offer);
	key_free(t->peer_hostkey);
	packet_clear(&t->pk);
	wbuf_clear(&t->my_kexinit);
	wbuf_clear(&t->peer_kexinit);
	wbuf_clear(&t->client_pub);
	wbuf_clear(&t->gex_buf);
	wbuf_clear(&t->sendq);
	wbuf_clear(&t->msg);
	pc_wipe(t, sizeof(*t));
	free(t);
}

/* ------------------------------------------------------------- sending */

int
tp_write(struct tp *t, const struct wbuf *payload)
{
	if (t->disconnected)
		return PC_ERR_CONN_CLOSED;
	return packet_write(&t->pk, wbuf_ptr(payload), wbuf_len(payload));
}

/* Whether upper-layer messages must wait (RFC 4253 s. 7.1). */
static int
must_hold(const struct tp *t)
{
	return t->initial || (t->kex_running && !t->newkeys_sent);
}

static int
maybe_rekey(struct tp *t)
{
	/*
	 * Not before authentication, as OpenSSH: its client refuses a
	 * KEXINIT while it waits for a USERAUTH reply.  A rekey the peer
	 * starts is still followed at any time.
	 */
	if (t->kex_running || t->initial || t->disconnected ||
	    !t->authenticated)
		return 0;
	if (packet_need_rekey(&t->pk) || (t->rekey_seconds != 0 &&
	    t->now >= t->kex_time + t->rekey_seconds)) {
		debug("rekey limit reached, starting key exchange");
		return start_kex(t);
	}
	return 0;
}

int
tp_send(struct tp *t, const uint8_t *payload, size_t len)
{
	int r;

	if (t->disconnected)
		return PC_ERR_CONN_CLOSED;
	if (len == 0 || len > PACKET_MAX_PAYLOAD)
		return PC_ERR_INVALID_ARGUMENT;
	if (must_hold(t)) {
		if ((r = wbuf_put_string(&t->sendq, payload, len)) != 0)
			return r;
		return 0;
	}
	if ((r = packet_write(&t->pk, payload, len)) != 0)
		return r;
	return maybe_rekey(t);
}

int
tp_send_wbuf(struct tp *t, const struct wbuf *payload)
{
	return tp_send(t, wbuf_ptr(payload), wbuf_len(payload));
}

int
tp_send2(struct tp *t, const uint8_t *head, size_t hlen, const uint8_t *tail,
    size_t tlen)
{
	int r;

	if (t->disconnected)
		return PC_ERR_CONN_CLOSED;
	if (hlen == 0 || hlen > PACKET_MAX_PAYLOAD ||
	    tlen > PACKET_MAX_PAYLOAD - hlen)
		return PC_ERR_INVALID_ARGUMENT;
	if (must_hold(t)) {
		/* Held as one string, as tp_send holds a payload. */
		if ((r = wbuf_put_u32(&t->sendq, (uint32_t)(hlen + tlen))) != 0 ||
		    (r = wbuf_put(&t->sendq, head, hlen)) != 0 ||
		    (r = wbuf_put(&t->sendq, tail, tlen)) != 0)
			return r;
		return 0;
	}
	if ((r = packet_write2(&t->pk, head, hlen, tail, tlen)) != 0)
		return r;
	return maybe_rekey(t);
}

/* Release what was held during the kex, in order. */
static int
flush_sendq(struct tp *t)
{
	const uint8_t *p;
	size_t len;
	int r;

	while (wbuf_len(&t->sendq) > 0) {
		if ((r = wbuf_get_string_direct(&t->sendq, &p, &len)) != 0 ||
		    (r = packet_write(&t->pk, p, len)) != 0)
			return r;
	}
	return 0;
}

const uint8_t *
tp_output_ptr(const struct tp *t, size_t *len)
{
	return packet_output_ptr(&t->pk, len);
}

int
tp_output_consume(struct tp *t, size_t n)
{
	return packet_output_consume(&t->pk, n);
}

void
tp_disconnect(struct tp *t, uint32_t reason, const char *desc)
{
	struct wbuf *m = &t->msg;

	if (t->disconnected)
		return;
	wbuf_reset(m);
	/* RFC 4253 s. 11.1; best effort: the connection ends anyway. */
	if (wbuf_put_u8(m, SSH2_MSG_DISCONNECT) == 0 &&
	    wbuf_put_u32(m, reason) == 0 &&
	    wbuf_put_cstring(m, desc) == 0 &&
	    wbuf_put_cstring(m, "") == 0)
		(void)!packet_write(&t->pk, wbuf_ptr(m), wbuf_len(m));
	t->disconnected = 1;
}

uint32_t
tp_error_reason(int err)
{
	switch (err) {
	case PC_ERR_MAC_INVALID:
		return SSH2_DISCONNECT_MAC_ERROR;
	case PC_ERR_NO_ALGORITHM_MATCH:
	case PC_ERR_KEX_INVALID:
	case PC_ERR_SIGNATURE_INVALID:
		return SSH2_DISCONNECT_KEY_EXCHANGE_FAILED;
	case PC_ERR_HOSTKEY_REJECTED:
		return SSH2_DISCONNECT_HOST_KEY_NOT_VERIFIABLE;
	case PC_ERR_BANNER:
		return SSH2_DISCONNECT_PROTOCOL_VERSION_NOT_SUPPORTED;
	default:
		return SSH2_DISCONNECT_PROTOCOL_ERROR;
	}
}

/* ------------------------------------------------------- key exchange */

static int
start_kex(struct tp *t)
{
	const char *lists[KEX_PROP_MAX];
	int i, r;

	for (i = 0; i < KEX_PROP_MAX; i++)
		lists[i] = t->lists[i];
	/* The pseudo-algorithms belong to the first kex only. */
	if (t->initial)
		lists[KEX_PROP_KEX] = t->initial_kex_list;
	wbuf_reset(&t->my_kexinit);
	if ((r = kexinit_build(&t->my_kexinit, lists)) != 0 ||
	    (r = tp_write(t, &t->my_kexinit)) != 0)
		return r;
	t->kex_running = 1;
	t->newkeys_sent = 0;
	return 0;
}

static int
recv_kexinit(struct tp *t, const uint8_t *payload, size_t len)
{
	struct kexinit mine, peer;
	const struct kexinit *c, *s;
	int what = -1;
	/* The sequence number this KEXINIT had (already incremented). */
	uint32_t seqnr = t->pk.dir[PACKET_RX].seqnr - 1;
	int r;

	memset(&mine, 0, sizeof(mine));
	memset(&peer, 0, sizeof(peer));
	if ((r = kexinit_parse(payload, len, &peer)) != 0) {
		error("bad KEXINIT from peer: %s", pc_strerror(r));
		goto out;
	}
	wbuf_reset(&t->peer_kexinit);
	if ((r = wbuf_put(&t->peer_kexinit, payload, len)) != 0)
		goto out;
	if (!t->kex_running && (r = start_kex(t)) != 0)
		goto out;
	if ((r = kexinit_parse(wbuf_ptr(&t->my_kexinit),
	    wbuf_len(&t->my_kexinit), &mine)) != 0)
		goto out;
	c = t->role == TP_SERVER ? &peer : &mine;
	s = t->role == TP_SERVER ? &mine : &peer;
	if ((r = kex_negotiate(c, s, t->initial, &t->choice, &what)) != 0) {
		/* Kept for the caller's log line, with the peer's offer. */
		t->nomatch_what = kex_proposal_desc(what);
		free(t->nomatch_offer);
		t->nomatch_offer = strdup(what >= 0 ? peer.list[what] : "");
		debug("no matching %s found: client %s server %s",
		    t->nomatch_what, what >= 0 ? c->list[what] : "",
		    what >= 0 ? s->list[what] : "");
		goto out;
	}
	if (t->initial) {
		t->strict = t->choice.strict;
		/* PROTOCOL s. 1.10: under strict kex the KEXINIT must be the
		 * very first packet (this closes the Terrapin attack). */
		if (t->strict && seqnr != 0) {
			error("strict kex violation: KEXINIT was not the "
			    "first packet");
			r = PC_ERR_STRICT_KEX;
			goto out;
		}
	}
	t->kexinit_rcvd = 1;
	t->ignore_guess = peer.first_kex_follows && t->choice.guess_wrong;
	debug("kex: algorithm %s, host key %s, c->s %s %s, s->c %s %s%s",
	    t->choice.kex->name, t->choice.hostkey_alg,
	    cipher_name(t->choice.enc[KEX_CTOS]),
	    t->choice.mac[KEX_CTOS] ? mac_name(t->choice.mac[KEX_CTOS]) :
	    "<implicit>", cipher_name(t->choice.enc[KEX_STOC]),
	    t->choice.mac[KEX_STOC] ? mac_name(t->choice.mac[KEX_STOC]) :
	    "<implicit>", t->strict ? ", strict" : "");
	if (t->role == TP_SERVER)
		t->expect = kexmsg_server_first(t);
	else
		r = kexmsg_client_start(t);
 out:
	kexinit_clear(&mine);
	kexinit_clear(&peer);
	return r;
}

/* Keys for one direction from the derived material. */
static int
install_keys(struct tp *t, enum packet_dir_id pd)
{
	/* Our TX is s->c on the server and c->s on the client. */
	int d = (pd == PACKET_TX) == (t->role == TP_SERVER) ?
	    KEX_STOC : KEX_CTOS;

	return packet_set_keys(&t->pk, pd, t->choice.enc[d], t->nk.key[d],
	    t->nk.iv[d], t->choice.mac[d], t->nk.mackey[d], t->rekey_bytes);
}

/* RFC 8308 s. 2.4 and OpenSSH PROTOCOL s. 1.9 / 2.5. */
static int
send_ext_info(struct tp *t)
{
	struct wbuf *m = &t->msg;
	int r;

	wbuf_reset(m);
	if ((r = wbuf_put_u8(m, SSH2_MSG_EXT_INFO)) != 0 ||
	    (r = wbuf_put_u32(m, 3)) != 0 ||
	    (r = wbuf_put_cstring(m, "server-sig-algs")) != 0 ||
	    (r = wbuf_put_cstring(m, t->server_sig_algs)) != 0 ||
	    (r = wbuf_put_cstring(m, "publickey-hostbound@openssh.com")) ||
	    (r = wbuf_put_cstring(m, "0")) != 0 ||
	    (r = wbuf_put_cstring(m, "ping@openssh.com")) != 0 ||
	    (r = wbuf_put_cstring(m, "0")) != 0)
		return r;
	return tp_write(t, m);
}

int
tp_kex_keys_and_newkeys(struct tp *t, const uint8_t *K, size_t Klen,
    const uint8_t *H, size_t Hlen)
{
	enum digest_alg hash = t->choice.kex->hash;
	const uint8_t newkeys = SSH2_MSG_NEWKEYS;
	int d, r;

	if (Hlen > sizeof(t->session_id))
		return PC_ERR_INTERNAL;
	if (t->initial) {
		memcpy(t->session_id, H, Hlen);
		t->session_id_len = Hlen;
	}
	/* RFC 4253 s. 7.2: A/B IVs, C/D keys, E/F MAC keys. */
	for (d = KEX_CTOS; d <= KEX_STOC; d++) {
		const struct cipher_alg *c = t->choice.enc[d];
		const struct mac_alg *m = t->choice.mac[d];

		if ((r = kex_derive_key(hash, K, Klen, H, Hlen, t->session_id,
		    t->session_id_len, 'A' + d, t->nk.iv[d],
		    cipher_iv_len(c))) != 0 ||
		    (r = kex_derive_key(hash, K, Klen, H, Hlen, t->session_id,
		    t->session_id_len, 'C' + d, t->nk.key[d],
		    cipher_key_len(c))) != 0)
			return r;
		if (m != NULL && (r = kex_derive_key(hash, K, Klen, H, Hlen,
		    t->session_id, t->session_id_len, 'E' + d, t->nk.mackey[d],
		    mac_key_len(m))) != 0)
			return r;
	}
	if ((r = packet_write(&t->pk, &newkeys, 1)) != 0 ||
	    (r = install_keys(t, PACKET_TX)) != 0)
		return r;
	if (t->strict)
		packet_reset_seqnr(&t->pk, PACKET_TX);
	t->newkeys_sent = 1;
	t->expect = SSH2_MSG_NEWKEYS;
	/* RFC 8308 s. 2.4: EXT_INFO right after the first NEWKEYS. */
	if (t->role == TP_SERVER && t->initial && t->choice.ext_info_c &&
	    (r = send_ext_info(t)) != 0)
		return r;
	if (!t->initial)
		return flush_sendq(t);
	return 0;
}

static int
recv_newkeys(struct tp *t, struct wbuf *m)
{
	int r;

	if ((r = wbuf_get_end(m)) != 0 ||
	    (r = install_keys(t, PACKET_RX)) != 0)
		return r;
	if (t->strict)
		packet_reset_seqnr(&t->pk, PACKET_RX);
	kex_reset(t);
	t->kex_running = 0;
	t->kex_count++;
	t->kex_time = t->now;
	debug("kex: key exchange #%u completed (%s)", t->kex_count,
	    t->choice.kex->name);
	if (t->initial) {
		t->initial = 0;
		return flush_sendq(t);
	}
	return 0;
}

/* -------------------------------------------------- transport messages */

static int
recv_disconnect(struct tp *t, struct wbuf *m)
{
	char *desc = NULL;
	uint32_t reason = 0;

	/* Be lenient: the peer is leaving whatever we think of it. */
	if (wbuf_get_u32(m, &reason) == 0 &&
	    wbuf_get_cstring(m, &desc, NULL) == 0) {
		free(t->peer_msg);
		t->peer_msg = desc;
	}
	t->peer_reason = reason;
	debug("received disconnect: %u: %s", reason,
	    t->peer_msg ? t->peer_msg : "");
	t->disconnected = 1;
	return PC_ERR_PEER_DISCONNECTED;
}

static int
recv_debug(struct tp *t, struct wbuf *m)
{
	char *s = NULL;
	int display;

	if (wbuf_get_bool(m, &display) == 0 &&
	    wbuf_get_cstring(m, &s, NULL) == 0)
		debug("remote debug message: %s", s);
	free(s);
	return 0;
}

static int
recv_unimplemented(struct tp *t, struct wbuf *m)
{
	uint32_t seq;
	int r;

	if ((r = wbuf_get_u32(m, &seq)) != 0)
		return r;
	debug("peer sent UNIMPLEMENTED for packet %u", seq);
	return 0;
}

static int
recv_ext_info(struct tp *t, struct wbuf *m)
{
	uint32_t n, i;
	char *name = NULL, *value = NULL;
	int r;

	if ((r = wbuf_get_u32(m, &n)) != 0)
		return r;
	if (n > TP_MAX_EXTENSIONS)
		return PC_ERR_PROTOCOL;
	for (i = 0; i < n; i++) {
		if ((r = wbuf_get_cstring(m, &name, NULL)) != 0)
			goto out;
		/* Values are opaque strings; only the ones we use are
		 * required to be text. */
		if (t->role == TP_CLIENT &&
		    strcmp(name, "server-sig-algs") == 0) {
			if ((r = wbuf_get_cstring(m, &value, NULL)) != 0)
				goto out;
			free(t->peer_server_sig_algs);
			t->peer_server_sig_algs = value;
			value = NULL;
		} else if ((r = wbuf_get_string_direct(m, NULL, NULL)) != 0)
			goto out;
		free(name);
		name = NULL;
	}
	r = wbuf_get_end(m);
 out:
	free(name);
	free(value);
	return r;
}

static int
recv_ping(struct tp *t, struct wbuf *m)
{
	const uint8_t *data;
	size_t len;
	int r;

	if ((r = wbuf_get_string_direct(m, &data, &len)) != 0 ||
	    (r = wbuf_get_end(m)) != 0)
		return r;
	/* PROTOCOL s. 1.9: answer with the same data. */
	wbuf_reset(&t->msg);
	if ((r = wbuf_put_u8(&t->msg, SSH2_MSG_PONG)) != 0 ||
	    (r = wbuf_put_string(&t->msg, data, len)) != 0)
		return r;
	return tp_send_wbuf(t, &t->msg);
}

static int
send_unimplemented(struct tp *t)
{
	uint8_t m[5];

	m[0] = SSH2_MSG_UNIMPLEMENTED;
	pc_put_u32(m + 1, t->pk.dir[PACKET_RX].seqnr - 1);
	return tp_send(t, m, sizeof(m));
}

/*
 * The gate: for each message type, the phases it is allowed in.  Anything
 * else ends the connection (RFC 4253 s. 7.1 and 11; under strict kex,
 * PROTOCOL s. 1.10, any unexpected message during the first kex).
 */
enum gate_action {
	G_DISCONNECT, G_IGNORE, G_DEBUG, G_UNIMPL, G_KEXINIT, G_NEWKEYS,
	G_KEXMSG, G_EXT_INFO, G_PING, G_PONG, G_UPPER, G_UNKNOWN
};

static const struct {
	uint8_t lo, hi;		/* message types */
	uint8_t phases;
	enum gate_action action;
} gate[] = {
	{ SSH2_MSG_DISCONNECT, SSH2_MSG_DISCONNECT, PH_ALL, G_DISCONNECT },
	{ SSH2_MSG_IGNORE, SSH2_MSG_IGNORE, PH_ALL, G_IGNORE },
	{ SSH2_MSG_UNIMPLEMENTED, SSH2_MSG_UNIMPLEMENTED, PH_ALL, G_UNIMPL },
	{ SSH2_MSG_DEBUG, SSH2_MSG_DEBUG, PH_ALL, G_DEBUG },
	{ SSH2_MSG_SERVICE_REQUEST, SSH2_MSG_SERVICE_ACCEPT, PH_EST, G_UPPER },
	{ SSH2_MSG_EXT_INFO, SSH2_MSG_EXT_INFO, PH_EST, G_EXT_INFO },
	{ SSH2_MSG_KEXINIT, SSH2_MSG_KEXINIT, PH_INIT | PH_EST, G_KEXINIT },
	{ SSH2_MSG_NEWKEYS, SSH2_MSG_NEWKEYS, PH_KEX, G_NEWKEYS },
	{ 30, 49, PH_KEX, G_KEXMSG },
	{ SSH2_MSG_PING, SSH2_MSG_PING, PH_EST, G_PING },
	{ SSH2_MSG_PONG, SSH2_MSG_PONG, PH_EST, G_PONG },
	{ 50, 255, PH_EST, G_UPPER },
	{ 8, 49, PH_EST, G_UNKNOWN },	/* after the specific entries */
};

static int
phase(const struct tp *t)
{
	if (t->kexinit_rcvd)
		return PH_KEX;
	return t->initial ? PH_INIT : PH_EST;
}

/* Handle one packet; *deliver says whether it goes to the upper layer. */
static int
dispatch(struct tp *t, const uint8_t *p, size_t len, int *deliver)
{
	struct wbuf m;
	uint8_t type = p[0];
	int ph = phase(t), strict_initial = t->strict && t->initial;
	size_t i;

	*deliver = 0;
	for (i = 0; i < sizeof(gate) / sizeof(gate[0]); i++) {
		if (type >= gate[i].lo && type <= gate[i].hi &&
		    (gate[i].phases & ph) != 0)
			break;
	}
	/* Under strict kex only kex messages pass during the first kex. */
	if (strict_initial && i < sizeof(gate) / sizeof(gate[0]) &&
	    gate[i].action != G_KEXMSG && gate[i].action != G_NEWKEYS &&
	    gate[i].action != G_DISCONNECT)
		i = sizeof(gate) / sizeof(gate[0]);
	if (i == sizeof(gate) / sizeof(gate[0])) {
		error("%sunexpected message type %u during %s",
		    strict_initial ? "strict kex violation: " : "", type,
		    ph == PH_EST ? "session" : "key exchange");
		return strict_initial ? PC_ERR_STRICT_KEX :
		    PC_ERR_UNEXPECTED_MESSAGE;
	}
	wbuf_init_const(&m, p + 1, len - 1);
	switch (gate[i].action) {
	case G_DISCONNECT:
		return recv_disconnect(t, &m);
	case G_IGNORE:
	case G_PONG:
		return 0;
	case G_DEBUG:
		return recv_debug(t, &m);
	case G_UNIMPL:
		return recv_unimplemented(t, &m);
	case G_KEXINIT:
		return recv_kexinit(t, p, len);
	case G_NEWKEYS:
		if (t->expect != SSH2_MSG_NEWKEYS)
			break;
		return recv_newkeys(t, &m);
	case G_KEXMSG:
		/* RFC 4253 s. 7: a wrongly guessed packet is dropped. */
		if (t->ignore_guess) {
			t->ignore_guess = 0;
			return 0;
		}
		if (type != t->expect)
			break;
		return kexmsg_recv(t, type, &m);
	case G_EXT_INFO:
		return recv_ext_info(t, &m);
	case G_PING:
		return recv_ping(t, &m);
	case G_UPPER:
		*deliver = 1;
		return 0;
	case G_UNKNOWN:
		return send_unimplemented(t);
	}
	error("%sunexpected message type %u during key exchange",
	    t->strict && t->initial ? "strict kex violation: " : "", type);
	return t->strict && t->initial ? PC_ERR_STRICT_KEX :
	    PC_ERR_UNEXPECTED_MESSAGE;
}

/* ------------------------------------------------------------- input */

int
tp_input(struct tp *t, const void *p, size_t len)
{
	return packet_input(&t->pk, p, len);
}

int
tp_input_reserve(struct tp *t, size_t len, uint8_t **p)
{
	return packet_input_reserve(&t->pk, len, p);
}

int
tp_input_commit(struct tp *t, size_t reserved, size_t n)
{
	return packet_input_commit(&t->pk, reserved, n);
}

size_t
tp_input_space(const struct tp *t)
{
	return packet_input_space(&t->pk);
}

int
tp_next(struct tp *t, const uint8_t **msg, size_t *len)
{
	const uint8_t *p;
	size_t n, used;
	int r, deliver;

	*msg = NULL;
	*len = 0;
	if (t->disconnected)
		return PC_ERR_CONN_CLOSED;
	if (!t->vs.done) {
		r = version_input(&t->vs, wbuf_ptr(&t->pk.in),
		    wbuf_len(&t->pk.in), &used);
		if (r == 0 || r == PC_ERR_AGAIN) {
			if (wbuf_consume(&t->pk.in, used) != 0)
				return PC_ERR_INTERNAL;
		}
		if (r != 0)
			return r;
		debug("peer version: %s", t->vs.peer);
	}
	for (;;) {
		if ((r = packet_read(&t->pk, &p, &n)) != 0)
			return r;
		if ((r = dispatch(t, p, n, &deliver)) != 0)
			return r;
		if ((r = maybe_rekey(t)) != 0)
			return r;
		if (deliver) {
			*msg = p;
			*len = n;
			return 0;
		}
	}
}

int
tp_set_time(struct tp *t, uint64_t now)
{
	t->now = now;
	if (t->kex_count == 0)
		t->kex_time = now;
	return maybe_rekey(t);
}

void
tp_set_authenticated(struct tp *t)
{
	t->authenticated = 1;
}

int
tp_rekey(struct tp *t)
{
	if (t->kex_running || t->initial || t->disconnected)
		return 0;
	return start_kex(t);
}

/* ------------------------------------------------------------ queries */

int
tp_established(const struct tp *t)
{
	return !t->initial;
}

int
tp_in_kex(const struct tp *t)
{
	return t->kex_running;
}

unsigned
tp_kex_count(const struct tp *t)
{
	return t->kex_count;
}

const char *
tp_peer_version(const struct tp *t)
{
	return t->vs.done ? t->vs.peer : "";
}

const uint8_t *
tp_session_id(const struct tp *t, size_t *len)
{
	*len = t->session_id_len;
	return t->session_id;
}

const struct kex_choice *
tp_choice(const struct tp *t)
{
	return &t->choice;
}

const struct pc_key *
tp_peer_hostkey(const struct tp *t)
{
	return t->role == TP_CLIENT ? t->peer_hostkey : t->hostkey_used;
}

const char *
tp_server_sig_algs(const struct tp *t)
{
	return t->peer_server_sig_algs;
}

uint32_t
tp_peer_disconnect_reason(const struct tp *t)
{
	return t->peer_reason;
}

const char *
tp_peer_disconnect_msg(const struct tp *t)
{
	return t->peer_msg ? t->peer_msg : "";
}

const char *
tp_nomatch(const struct tp *t, const char **offer)
{
	*offer = t->nomatch_offer ? t->nomatch_offer : "";
	return t->nomatch_what ? t->nomatch_what : "algorithm";
}
