/*
 * Error codes for every Portcullis function.
 *
 * Functions return int: 0 on success, a negative PC_ERR_* on failure.
 * pc_strerror() gives a fixed message for each code (never NULL).
 */
#ifndef PC_ERR_H
#define PC_ERR_H

#define PC_WUR __attribute__((warn_unused_result))

#define PC_OK				0
#define PC_ERR_INTERNAL			-1	/* corrupted invariant */
#define PC_ERR_ALLOC			-2	/* out of memory */
#define PC_ERR_MSG_INCOMPLETE		-3	/* truncated message */
#define PC_ERR_NO_BUFFER_SPACE		-4	/* buffer maximum reached */
#define PC_ERR_TRAILING_DATA		-5	/* data after end of message */
#define PC_ERR_INVALID_FORMAT		-6	/* malformed field */
#define PC_ERR_STRING_TOO_LARGE		-7
#define PC_ERR_BIGNUM_NEGATIVE		-8
#define PC_ERR_BIGNUM_TOO_LARGE		-9
#define PC_ERR_BIGNUM_NOT_MINIMAL	-10
#define PC_ERR_INVALID_ARGUMENT		-11
#define PC_ERR_NO_ALGORITHM_MATCH	-12	/* negotiation failed */
#define PC_ERR_MAC_INVALID		-13
#define PC_ERR_SIGNATURE_INVALID	-14
#define PC_ERR_KEY_TYPE_UNKNOWN		-15
#define PC_ERR_KEY_INVALID		-16
#define PC_ERR_KEY_FORMAT		-17	/* unreadable key file */
#define PC_ERR_KEY_ENCRYPTED		-18	/* passphrase-protected key */
#define PC_ERR_LIBCRYPTO		-19	/* OpenSSL or libsodium failure */
#define PC_ERR_PROTOCOL			-20	/* peer broke the protocol */
#define PC_ERR_PACKET_TOO_LARGE		-21
#define PC_ERR_BAD_PADDING		-22
#define PC_ERR_BANNER			-23	/* bad version exchange */
#define PC_ERR_PEER_DISCONNECTED	-24	/* peer sent DISCONNECT */
#define PC_ERR_UNEXPECTED_MESSAGE	-25
#define PC_ERR_SYSTEM			-26	/* see errno */
#define PC_ERR_CONFIG			-27
#define PC_ERR_NOT_FOUND		-28
#define PC_ERR_AGAIN			-29	/* need more input */
#define PC_ERR_KEX_INVALID		-30	/* bad kex value from peer */
#define PC_ERR_HOSTKEY_REJECTED		-31	/* client: host key refused */
#define PC_ERR_STRICT_KEX		-32	/* strict kex violation */
#define PC_ERR_CONN_CLOSED		-33	/* connection closed by peer */
#define PC_ERR_TIMEOUT			-34
#define PC_ERR_RANGE			-35	/* number out of range */
#define PC_ERR_AUTH_FAILED		-36	/* wrong password, key refused */
#define PC_ERR_KEY_REVOKED		-37	/* key or CA in RevokedKeys */
#define PC_ERR_CERT_INVALID		-38	/* certificate refused */
#define PC_ERR_PERMISSION_DENIED	-39	/* refused by policy */
#define PC_ERR_NUM			40	/* number of codes (positive) */

const char *pc_strerror(int err);

#endif /* PC_ERR_H */
