/*
 * Fixed keys for the fuzz targets (made once with ssh-keygen for this
 * purpose and used nowhere else): a fixed host key makes the exchange
 * hash, and so the session id that user signatures cover, the same in
 * every run, which lets recorded seeds carry valid signatures.
 */
#ifndef PC_FUZZKEYS_H
#define PC_FUZZKEYS_H

#include <stdlib.h>
#include <string.h>

#include "key.h"

static const char FUZZKEY_HOST_ED25519[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACCauGtKanNQVn2veWUjeBW/A3RMLQCZ4wmkf84TBStuyAAAAJAIQhlECEIZ\n"
    "RAAAAAtzc2gtZWQyNTUxOQAAACCauGtKanNQVn2veWUjeBW/A3RMLQCZ4wmkf84TBStuyA\n"
    "AAAEBlTcTEZthvo6sE9NpCoWh5fbo64U3l3OfdIzh8IezLWZq4a0pqc1BWfa95ZSN4Fb8D\n"
    "dEwtAJnjCaR/zhMFK27IAAAACWZ1enotaG9zdAECAwQ=\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

static const char FUZZKEY_USER_ED25519[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACDRZjGeFJ5CEW6K66yhVnX2HlCleOxCcwPYVxXyD6WFaAAAAJAN9GeGDfRn\n"
    "hgAAAAtzc2gtZWQyNTUxOQAAACDRZjGeFJ5CEW6K66yhVnX2HlCleOxCcwPYVxXyD6WFaA\n"
    "AAAECJkoMlL4PWhVbxFF6bNRriHO1va2ufp7fQibMQVnmlzNFmMZ4UnkIRborrrKFWdfYe\n"
    "UKV47EJzA9hXFfIPpYVoAAAACWZ1enotdXNlcgECAwQ=\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

static const char FUZZKEY_USER_ECDSA[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAaAAAABNlY2RzYS\n"
    "1zaGEyLW5pc3RwMjU2AAAACG5pc3RwMjU2AAAAQQRzAQfjT+DrGetMFGwn1GgyP6CuQVCs\n"
    "P5onsJvVTjjsD9v3OTsSgf6Is7jV06KZsZ5aYKTzUQEUFqXcJ1iOWHn+AAAAqLSoArW0qA\n"
    "K1AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHMBB+NP4OsZ60wU\n"
    "bCfUaDI/oK5BUKw/miewm9VOOOwP2/c5OxKB/oizuNXTopmxnlpgpPNRARQWpdwnWI5Yef\n"
    "4AAAAgW+0CNLU9iY8Wu/3o5M7/kOet7pUKdAhGeC3UQBw+qW0AAAAPZnV6ei11c2VyLWVj\n"
    "ZHNhAQ==\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

/* Parse one of the keys above; abort on failure. */
static inline struct pc_key *
fuzzkey_load(const char *text)
{
	struct pc_key *k = NULL;

	if (key_parse_private((const uint8_t *)text, strlen(text), &k,
	    NULL) != 0)
		abort();
	return k;
}

#endif /* PC_FUZZKEYS_H */
