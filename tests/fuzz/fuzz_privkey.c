/*
 * libFuzzer target: the key parsers of crypto/keyfmt.c and crypto/key.c.
 * Every input is tried as
 *   - a private key file (key_parse_private: openssh-key-v1, PEM RSA / EC,
 *     PKCS#8; encrypted files of every kind are refused with
 *     PC_ERR_KEY_ENCRYPTED before any KDF runs, since Portcullis reads
 *     no passphrase, so there are no bcrypt rounds to cap),
 *   - a public key or certificate blob (key_from_blob),
 *   - an authorized_keys / .pub line (key_from_public_line).
 * What parses must survive a round trip: the public blob parses back to
 * an equal key, a private key written with key_write_private reads back
 * equal, and it signs something its public half verifies (RSA keys over
 * 4096 bits are not signed with, to keep runs fast).
 *
 * Seeds (tests/fuzz/corpus/privkey): files made with ssh-keygen (ed25519,
 * ECDSA P-256/384/521, RSA, in openssh-key-v1, PEM and PKCS#8, plain and
 * with a passphrase, -a 1), .pub lines, raw blobs and a certificate.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "log.h"
#include "rand.h"
#include "wbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void
check_blob(const struct pc_key *k)
{
	struct pc_key *k2 = NULL;
	struct wbuf b;
	char fp[KEY_FP_MAX], *d = NULL;

	wbuf_init(&b, 0);
	if (key_to_blob(k, &b) != 0 ||
	    key_from_blob(wbuf_ptr(&b), wbuf_len(&b), &k2) != 0 ||
	    !key_equal_public(k, k2) || key_has_private(k2) ||
	    key_fingerprint(k, fp, sizeof(fp)) != 0 ||
	    key_describe(k, &d) != 0)
		abort();
	free(d);
	key_free(k2);
	wbuf_clear(&b);
}

static void
check_private(const struct pc_key *k, const char *comment)
{
	static const uint8_t msg[] = "fuzz";
	struct pc_key *k2 = NULL;
	struct wbuf out, sig;
	char *c2 = NULL;

	wbuf_init(&out, 0);
	wbuf_init(&sig, 0);
	if (!key_has_private(k) || key_is_cert(k))
		abort();
	if (key_write_private(k, comment, &out) != 0 ||
	    key_parse_private(wbuf_ptr(&out), wbuf_len(&out), &k2,
	    &c2) != 0 || !key_equal_public(k, k2) || !key_has_private(k2) ||
	    strcmp(comment, c2) != 0)
		abort();
	if (key_get_type(k) != KEY_RSA || key_bits(k) <= 4096) {
		if (key_sign(k, NULL, msg, sizeof(msg), &sig) != 0 ||
		    key_verify(k2, NULL, msg, sizeof(msg), wbuf_ptr(&sig),
		    wbuf_len(&sig)) != 0)
			abort();
	}
	free(c2);
	key_free(k2);
	wbuf_clear(&out);
	wbuf_clear(&sig);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pc_key *k = NULL;
	char *comment = NULL, *line;

	if (key_parse_private(data, len, &k, &comment) == 0) {
		if (k == NULL || comment == NULL)
			abort();
		check_blob(k);
		check_private(k, comment);
		key_free(k);
		free(comment);
	} else if (k != NULL)
		abort();
	k = NULL;
	comment = NULL;
	if (key_from_blob(data, len, &k) == 0) {
		if (key_has_private(k))
			abort();
		check_blob(k);
		key_free(k);
	} else if (k != NULL)
		abort();
	k = NULL;
	if ((line = malloc(len + 1)) == NULL)
		abort();
	memcpy(line, data, len);
	line[len] = '\0';
	if (key_from_public_line(line, &k, &comment) == 0) {
		check_blob(k);
		key_free(k);
		free(comment);
	} else if (k != NULL)
		abort();
	free(line);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct log_settings ls = {
		.ident = "fuzz_privkey", .level = LOG_LEVEL_QUIET,
		.to_stderr = 1, .fd = -1,
	};

	(void)argc;
	(void)argv;
	log_init(&ls);
	if (crypto_lib_init() != 0)
		abort();
	return 0;
}
