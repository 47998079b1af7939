/* Messages for the PC_ERR_* codes (lib/err.h). */
#include "err.h"

static const char *const err_msgs[PC_ERR_NUM] = {
	[0] = "success",
	[1] = "internal error",
	[2] = "memory allocation failed",
	[3] = "message incomplete",
	[4] = "buffer size limit reached",
	[5] = "unexpected data after end of message",
	[6] = "invalid format",
	[7] = "string too large",
	[8] = "bignum is negative",
	[9] = "bignum too large",
	[10] = "bignum has a superfluous leading zero",
	[11] = "invalid argument",
	[12] = "no matching algorithm",
	[13] = "message authentication code incorrect",
	[14] = "incorrect signature",
	[15] = "unknown or unsupported key type",
	[16] = "invalid key",
	[17] = "invalid key file format",
	[18] = "key is encrypted with a passphrase",
	[19] = "error in cryptographic library",
	[20] = "protocol error",
	[21] = "packet too large",
	[22] = "bad padding",
	[23] = "invalid protocol identification",
	[24] = "peer disconnected",
	[25] = "unexpected message",
	[26] = "system error",
	[27] = "configuration error",
	[28] = "not found",
	[29] = "more input needed",
	[30] = "invalid key exchange value",
	[31] = "host key rejected",
	[32] = "strict key exchange violation",
	[33] = "connection closed",
	[34] = "timeout",
	[35] = "number out of range",
	[36] = "authentication failed",
	[37] = "key is revoked",
	[38] = "certificate refused",
	[39] = "refused by policy",
};

const char *
pc_strerror(int err)
{
	/* Range-check before negating: -INT_MIN overflows. */
	if (err > 0 || err <= -PC_ERR_NUM || err_msgs[-err] == 0)
		return "unknown error";
	return err_msgs[-err];
}
