/*
 * libFuzzer target: RevokedKeys parsing (auth/krl.c), KRLs and text lists,
 * and when it parses, the key and certificate checks against the keys of
 * tests/data/krl (so that corpus KRLs built from those fixtures can match).
 * The certificate serial and key ID checked come from the input's last
 * bytes, to reach the serial range and key ID lookups.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "key.h"
#include "krl.h"
#include "log.h"
#include "rand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static const char *const lines[] = {
	/* ca.pub */
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE8qOabDAmt6g0Rx1hqKTnVmh8F4W"
	"GRkLZmfNslE0v5S",
	/* cu.pub */
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIABLeIl04bXgiG3MZgvm/SK8Dj5nm"
	"LhhBpwetAK4bTgM",
	/* ca2.pub */
	"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyN"
	"TYAAABBBAcd0g6ePRupksP92bhDCKS/RYD3PIFc6E2eDb8jhoE47xEFBIboHKLkqd"
	"g4EUymSv44AxSat2asLGxqdGV/5JM=",
};
#define NKEYS	(sizeof(lines) / sizeof(lines[0]))

static struct pc_key *keys[NKEYS];

static int
load_keys(void)
{
	struct log_settings quiet = { "fuzz_krl", LOG_LEVEL_QUIET, 0, 0, 0,
	    -1 };
	size_t i;

	if (keys[0] != NULL)
		return 0;
	/* Every refused input logs why; that is only noise here. */
	log_init(&quiet);
	if (crypto_lib_init() != 0)
		return -1;
	for (i = 0; i < NKEYS; i++) {
		if (key_from_public_line(lines[i], &keys[i], NULL) != 0)
			return -1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const ids[] = { "user-3", "user-7", "bob", "" };
	struct revoked *r = NULL;
	uint64_t serial = 0;
	size_t i;

	if (load_keys() != 0)
		return 0;
	if (revoked_parse(data, len, "fuzz", &r) != 0)
		return 0;
	if (len >= 8)
		memcpy(&serial, data + len - 8, sizeof(serial));
	for (i = 0; i < NKEYS; i++)
		(void)!revoked_check_key(r, keys[i]);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		(void)!revoked_check_cert(r, serial % 256, ids[i], keys[0],
		    keys[1]);
		(void)!revoked_check_cert(r, serial, ids[i], keys[2],
		    keys[1]);
	}
	revoked_free(r);
	return 0;
}
