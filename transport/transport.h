/*
 * The SSH transport layer (RFC 4253, RFC 8308, OpenSSH PROTOCOL), sans-IO.
 *
 * A struct tp is one side of one connection, client or server.  The
 * caller moves bytes: tp_input() with what the socket gave, tp_output_ptr()
 * / tp_output_consume() for what to write.  tp_next() runs the protocol and
 * returns upper-layer messages (SERVICE_REQUEST/ACCEPT and types >= 50) one
 * at a time; the transport answers everything of its own (version exchange,
 * kex and rekey, IGNORE, DEBUG, UNIMPLEMENTED, EXT_INFO, PING).  tp_send()
 * queues an upper-layer message; during a key exchange it is held and
 * released, in order, after our NEWKEYS (RFC 4253 s. 7.1).
 *
 * Errors other than PC_ERR_AGAIN from tp_next are fatal: the caller logs,
 * calls tp_disconnect() (which queues a DISCONNECT where one can still be
 * sent), writes what is left and closes.
 */
#ifndef PC_TRANSPORT_H
#define PC_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "kex.h"
#include "kexalg.h"
#include "key.h"
#include "wbuf.h"

enum tp_role { TP_SERVER = 0, TP_CLIENT = 1 };

/* Server: sign the exchange hash with a host key (borrowed). */
typedef int (*tp_sign_fn)(void *arg, const struct pc_key *hostkey,
    const char *sigalg, const uint8_t *data, size_t len, struct wbuf *sig);
/* Client: accept (0) or refuse (PC_ERR_HOSTKEY_REJECTED) the host key. */
typedef int (*tp_hostkey_fn)(void *arg, const struct pc_key *hostkey);

struct tp_params {
	enum tp_role role;
	/* Algorithm lists (comma-separated); NULL means the defaults. */
	const char *kex_algs;
	const char *hostkey_algs;
	const char *ciphers;
	const char *macs;
	uint64_t rekey_bytes;		/* 0: the cipher's default */
	uint32_t rekey_seconds;		/* 0: no time limit */
	const char *software;		/* NULL: "Portcullis_<version>" */
	/* Server side. */
	struct pc_key *const *hostkeys;	/* borrowed, public halves */
	size_t nhostkeys;
	tp_sign_fn sign;
	void *sign_arg;
	const struct kex_moduli_entry *moduli;	/* borrowed, may be NULL */
	size_t nmoduli;
	const char *server_sig_algs;	/* for EXT_INFO; NULL: defaults */
	/* Client side. */
	tp_hostkey_fn check_hostkey;	/* NULL accepts any host key */
	void *check_arg;
};

struct tp;

/* Make a transport; the version line and first KEXINIT are queued at once
 * (without waiting for the peer's, which saves a round trip).  Caller
 * frees with tp_free (accepts NULL). */
int	tp_new(const struct tp_params *p, struct tp **tpp) PC_WUR;
void	tp_free(struct tp *t);

int	tp_input(struct tp *t, const void *p, size_t len) PC_WUR;
size_t	tp_input_space(const struct tp *t);
int	tp_next(struct tp *t, const uint8_t **msg, size_t *len) PC_WUR;
int	tp_send(struct tp *t, const uint8_t *payload, size_t len) PC_WUR;
int	tp_send_wbuf(struct tp *t, const struct wbuf *payload) PC_WUR;
/* A message in two parts (a header and its data, e.g. CHANNEL_DATA),
 * framed without being copied together first. */
int	tp_send2(struct tp *t, const uint8_t *head, size_t hlen,
	    const uint8_t *tail, size_t tlen) PC_WUR;
/* tp_input without the copy: reserve at most tp_input_space bytes (*p,
 * borrowed), read the socket into them, commit what was read.  No other
 * tp call in between. */
int	tp_input_reserve(struct tp *t, size_t len, uint8_t **p) PC_WUR;
int	tp_input_commit(struct tp *t, size_t reserved, size_t n) PC_WUR;
const uint8_t *tp_output_ptr(const struct tp *t, size_t *len);
int	tp_output_consume(struct tp *t, size_t n) PC_WUR;

/* Monotonic time in seconds, for RekeyLimit's time part. */
int	tp_set_time(struct tp *t, uint64_t now) PC_WUR;
/* The user is authenticated: from now on RekeyLimit's byte and time
 * limits start key exchanges (never before, as OpenSSH). */
void	tp_set_authenticated(struct tp *t);
/* Start a key exchange now (no-op while one runs). */
int	tp_rekey(struct tp *t) PC_WUR;
/* Queue a DISCONNECT (when one can still be sent); later sends fail. */
void	tp_disconnect(struct tp *t, uint32_t reason, const char *desc);
/* The disconnect reason code that fits an error from tp_next. */
uint32_t tp_error_reason(int err);

int	tp_established(const struct tp *t);	/* first kex done */
int	tp_in_kex(const struct tp *t);
unsigned tp_kex_count(const struct tp *t);	/* completed key exchanges */
const char *tp_peer_version(const struct tp *t);
const uint8_t *tp_session_id(const struct tp *t, size_t *len);
const struct kex_choice *tp_choice(const struct tp *t);
/* The host key used in the last kex (client: the server's, borrowed). */
const struct pc_key *tp_peer_hostkey(const struct tp *t);
/* Client: the server-sig-algs extension the server sent, or NULL. */
const char *tp_server_sig_algs(const struct tp *t);
/* The peer's disconnect reason and message after PC_ERR_PEER_DISCONNECTED */
uint32_t tp_peer_disconnect_reason(const struct tp *t);
const char *tp_peer_disconnect_msg(const struct tp *t);
/* After PC_ERR_NO_ALGORITHM_MATCH: what had no match ("cipher", "MAC",
 * ...) and, in *offer, the peer's list for it (borrowed). */
const char *tp_nomatch(const struct tp *t, const char **offer);

/*
 * Privilege separation: continue this connection in another process, as
 * OpenSSH's monitor hands over its packet state.  The server's network
 * process calls tp_export right after queueing USERAUTH_SUCCESS; the
 * process that runs as the user calls tp_import and goes on with the
 * same connection, byte for byte (same keys, cipher positions, sequence
 * numbers, rekey counters and session id).
 *
 * tp_export appends the state to out.  It is refused while a key
 * exchange runs or before the first one ends (PC_ERR_INVALID_ARGUMENT:
 * pump until tp_in_kex is false) and after a disconnect
 * (PC_ERR_CONN_CLOSED); on any error out is left as it was.  The state
 * includes input not yet processed (the message tp_next last returned
 * is done with and left out) and output not yet consumed: the importer
 * processes and writes them, so the exporter must not write its output
 * after exporting.  t is unchanged; free it afterwards.
 *
 * SECRETS: the state holds both directions' keys.  The caller wipes out
 * once the state has been passed on (wbuf_clear does), and the receiver
 * wipes its copy after tp_import (which wipes its own temporaries).
 *
 * tp_import makes a transport from a state.  p gives the parameters the
 * original was made with (role, algorithm lists for later rekeys, host
 * keys, sign callback, moduli, rekey limits); they are not in the state.
 * The server's host key in the state must be one of p->hostkeys (by
 * public blob).  state is borrowed and only read.  The format starts
 * with a magic number and a version, ends with a SHA-256 of the rest, and
 * every field is checked: a truncated, damaged, extended or other-version
 * state fails (PC_ERR_INVALID_FORMAT, PC_ERR_MSG_INCOMPLETE, ...), as
 * does one made by the other role.  The digest is against accidents,
 * not forgery: the monitor compares tp_session_id of the result with the
 * one it signed.  The import goes on with the original's clock values
 * (tp_set_time): use the same monotonic clock, which CLOCK_MONOTONIC is
 * across processes.  Caller frees *tpp with tp_free.
 */
int	tp_export(const struct tp *t, struct wbuf *out) PC_WUR;
int	tp_import(const struct tp_params *p, const uint8_t *state,
	    size_t len, struct tp **tpp) PC_WUR;

#endif /* PC_TRANSPORT_H */
