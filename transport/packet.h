/*
 * The binary packet protocol (RFC 4253 s. 6), sans-IO.
 *
 * Raw bytes from the peer go in with packet_input(); packet_read() returns
 * one decrypted, authenticated payload at a time.  packet_write() frames,
 * pads, encrypts and authenticates a payload into the output buffer, from
 * which the caller writes packet_output_ptr() bytes and then calls
 * packet_output_consume().  Everything produced between two writes leaves
 * in one write, so a flight of packets is one TCP segment where it fits.
 *
 * Each direction has its own keys and sequence number.  New keys take
 * effect for the next packet in that direction (RFC 4253 s. 7.3).
 */
#ifndef PC_PACKET_H
#define PC_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "cipher.h"
#include "err.h"
#include "mac.h"
#include "wbuf.h"

/* Hard cap on packet_length (as OpenSSH's PACKET_MAX_SIZE). */
#define PACKET_MAX_SIZE		(256 * 1024)
/* Largest payload we send; the peer must accept 32768 (RFC 4253 s. 6.1). */
#define PACKET_MAX_PAYLOAD	(PACKET_MAX_SIZE - 1024)
/* Rekey before 2^31 packets in one direction (OpenSSH's MAX_PACKETS). */
#define PACKET_MAX_PACKETS	(1ULL << 31)
/* Input buffered beyond one packet is refused (the reader stops reading). */
#define PACKET_INPUT_MAX	(PACKET_MAX_SIZE + 4 + 2 * CIPHER_MAX_BLOCK_LEN \
				    + MAC_MAX_LEN + 64 * 1024)
#define PACKET_OUTPUT_MAX	(64u * 1024 * 1024)

enum packet_dir_id { PACKET_RX = 0, PACKET_TX = 1 };

struct packet_dir {
	const struct cipher_alg *cipher;	/* NULL: none (before kex) */
	struct cipher_ctx *cctx;
	const struct mac_alg *mac;		/* NULL: none or AEAD */
	struct mac_ctx *mctx;
	size_t block;				/* cipher block size, >= 8 */
	size_t authlen;				/* AEAD tag or MAC length */
	size_t aadlen;				/* 4 for AEAD and ETM, else 0 */
	int len_encrypted;			/* chacha20-poly1305 */
	uint32_t seqnr;
	uint64_t packets;			/* since the last key change */
	uint64_t blocks;			/* cipher blocks since then */
	uint64_t max_blocks;			/* rekey threshold */
	uint64_t total_bytes;			/* whole connection */
};

struct packet {
	struct packet_dir dir[2];
	struct wbuf in;
	struct wbuf out;
	uint32_t rx_packlen;	/* length field of the packet being read */
	size_t rx_consume;	/* bytes of the last returned packet */
};

void	packet_init(struct packet *pk);
void	packet_clear(struct packet *pk);

/* Append received bytes; PC_ERR_NO_BUFFER_SPACE past PACKET_INPUT_MAX. */
int	packet_input(struct packet *pk, const void *p, size_t len) PC_WUR;
/* The same without a copy: reserve len bytes at the end of the input
 * (*p, borrowed), read into them, then commit the n actually read (the
 * rest is dropped).  Nothing else may touch the packet in between. */
int	packet_input_reserve(struct packet *pk, size_t len,
	    uint8_t **p) PC_WUR;
int	packet_input_commit(struct packet *pk, size_t reserved,
	    size_t n) PC_WUR;
/* How many more input bytes fit. */
size_t	packet_input_space(const struct packet *pk);
/*
 * The next packet's payload (borrowed until the next call), 0 on success,
 * PC_ERR_AGAIN when more input is needed; any other error is fatal for
 * the connection (PC_ERR_MAC_INVALID, PC_ERR_PACKET_TOO_LARGE,
 * PC_ERR_BAD_PADDING, PC_ERR_PROTOCOL).
 */
int	packet_read(struct packet *pk, const uint8_t **payload,
	    size_t *len) PC_WUR;
int	packet_write(struct packet *pk, const uint8_t *payload,
	    size_t len) PC_WUR;
/* A payload in two parts (a message header and its data), assembled in
 * the output buffer without an intermediate copy. */
int	packet_write2(struct packet *pk, const uint8_t *head, size_t hlen,
	    const uint8_t *tail, size_t tlen) PC_WUR;

const uint8_t *packet_output_ptr(const struct packet *pk, size_t *len);
int	packet_output_consume(struct packet *pk, size_t n) PC_WUR;
/* Append raw bytes (the version line) to the output. */
int	packet_output_raw(struct packet *pk, const void *p, size_t len) PC_WUR;

/*
 * Install keys for one direction (after NEWKEYS).  mac may be NULL (it is
 * ignored for AEAD ciphers).  rekey_bytes 0 means the cipher's default
 * limit (as OpenSSH: 2^(2*blocksize) blocks for 16-byte blocks, 1 GiB
 * otherwise), else the smaller of that and rekey_bytes.
 */
int	packet_set_keys(struct packet *pk, enum packet_dir_id d,
	    const struct cipher_alg *cipher, const uint8_t *key,
	    const uint8_t *iv, const struct mac_alg *mac,
	    const uint8_t *mackey, uint64_t rekey_bytes) PC_WUR;
void	packet_reset_seqnr(struct packet *pk, enum packet_dir_id d);
/* True when either direction has reached its rekey limit. */
int	packet_need_rekey(const struct packet *pk);

/*
 * Privilege separation (see tp_export): both directions' algorithms, keys,
 * cipher positions, sequence numbers and rekey counters, then the input
 * not yet returned by packet_read (a packet whose length was already read
 * is carried with that length) and the output not yet consumed, appended
 * to out.  Fails with PC_ERR_INVALID_ARGUMENT before both directions have
 * keys.  out holds keys: the caller wipes it (wbuf_clear).
 *
 * packet_import reads that from in into pk, fresh from packet_init,
 * checking every field (PC_ERR_INVALID_FORMAT, PC_ERR_MSG_INCOMPLETE...);
 * rekey_bytes as in packet_set_keys.  On error pk holds whatever was
 * read so far and is only good for packet_clear.  Key material read is
 * wiped from temporaries; in itself is only read (the caller wipes it).
 */
int	packet_export(const struct packet *pk, struct wbuf *out) PC_WUR;
int	packet_import(struct packet *pk, struct wbuf *in,
	    uint64_t rekey_bytes) PC_WUR;

#endif /* PC_PACKET_H */
