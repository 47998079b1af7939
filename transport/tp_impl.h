/*
 * Internals shared by transport.c (the engine), kexmsg.c (the kex method
 * messages) and tpstate.c (tp_export / tp_import).  Not for use outside
 * transport/.
 */
#ifndef PC_TP_IMPL_H
#define PC_TP_IMPL_H

#include "cipher.h"
#include "kex.h"
#include "kexalg.h"
#include "mac.h"
#include "packet.h"
#include "transport.h"
#include "version.h"

/* Keys derived in a kex, installed per direction at NEWKEYS. */
struct tp_newkeys {
	uint8_t iv[2][CIPHER_MAX_IV_LEN];
	uint8_t key[2][CIPHER_MAX_KEY_LEN];
	uint8_t mackey[2][MAC_MAX_KEY_LEN];
};

struct tp {
	enum tp_role role;
	char *lists[KEX_PROP_MAX];	/* our proposal for rekeys */
	char *initial_kex_list;		/* with the pseudo-algorithms */
	uint64_t rekey_bytes;
	uint32_t rekey_seconds;
	struct pc_key *const *hostkeys;
	size_t nhostkeys;
	tp_sign_fn sign;
	void *sign_arg;
	const struct kex_moduli_entry *moduli;
	size_t nmoduli;
	char *server_sig_algs;
	tp_hostkey_fn check_hostkey;
	void *check_arg;

	struct packet pk;
	struct version_state vs;
	char my_version[VERSION_MAX_LEN + 1];

	/* The key exchange in progress. */
	int kex_running;		/* we sent KEXINIT; not yet done */
	int initial;			/* the first kex is not done */
	int strict;			/* strict kex negotiated */
	int kexinit_rcvd;		/* the peer's KEXINIT of this kex */
	struct wbuf my_kexinit;		/* payloads, for the hash */
	struct wbuf peer_kexinit;
	struct kex_choice choice;
	uint8_t expect;			/* next kex message from the peer */
	int ignore_guess;		/* drop the peer's guessed packet */
	int newkeys_sent;
	struct kexalg_state *kst;	/* client ephemeral secret */
	struct wbuf client_pub;		/* client: our public value */
	uint32_t gex_min, gex_n, gex_max;	/* as the client sent them */
	const struct kex_dh_group *gex_grp;	/* server: borrowed */
	struct kex_dh_group gex_own;		/* client: points into gex_buf */
	struct wbuf gex_buf;
	struct tp_newkeys nk;
	uint8_t session_id[DIGEST_MAX_LEN];
	size_t session_id_len;
	unsigned kex_count;
	uint64_t now;
	uint64_t kex_time;		/* when the last kex finished */
	struct pc_key *peer_hostkey;	/* client: the server's key */
	const struct pc_key *hostkey_used;	/* server: borrowed */

	int authenticated;		/* limit rekeys allowed from now */
	struct wbuf sendq;		/* held upper-layer messages */
	struct wbuf msg;		/* scratch for building messages */
	char *peer_server_sig_algs;
	int disconnected;
	uint32_t peer_reason;
	char *peer_msg;
	const char *nomatch_what;	/* after PC_ERR_NO_ALGORITHM_MATCH */
	char *nomatch_offer;
};

/* transport.c */
/* A transport with p's parameters and proposal lists, nothing queued and
 * no kex started (tp_new and tp_import go on from there). */
int	tp_alloc(const struct tp_params *p, struct tp **tpp) PC_WUR;
int	tp_write(struct tp *t, const struct wbuf *payload) PC_WUR;
int	tp_kex_keys_and_newkeys(struct tp *t, const uint8_t *K, size_t Klen,
	    const uint8_t *H, size_t Hlen) PC_WUR;
const struct pc_key *tp_hostkey_for_alg(const struct tp *t,
	    const char *alg);

/* kexmsg.c: the kex method messages (RFC 5656 s. 4, RFC 8731,
 * RFC 4253 s. 8, RFC 4419). */
int	kexmsg_client_start(struct tp *t) PC_WUR;
int	kexmsg_recv(struct tp *t, uint8_t type, struct wbuf *m) PC_WUR;
/* The message the server expects first for this kex method. */
uint8_t	kexmsg_server_first(const struct tp *t);

#endif /* PC_TP_IMPL_H */
