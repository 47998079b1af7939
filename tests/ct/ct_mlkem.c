/*
 * Secret-independence check for ML-KEM-768 Decaps and KeyGen, run under
 * valgrind memcheck (make ct-check); not a cmocka test.
 *
 * The secret parts of dk are marked undefined: dk_PKE (the first 1152
 * bytes, s-hat) and z (the last 32).  The embedded ek and H(ek) are
 * public and stay defined, so the s. 7.3 hash check, a comparison of
 * public values, is not reported.  memcheck then reports any conditional
 * branch or memory address computed from the secret: Decrypt, the
 * re-encryption with the secret m', the compare of c with c' and the
 * choice between K' and J(z || c).  The outputs are marked defined only
 * after the call, before the program looks at them.  KeyGen is checked
 * the same way with d and z undefined (ek is public, so it is marked
 * defined on return).  OpenSSL's SHA3 and SHAKE take secret input here;
 * Keccak has no secret-dependent branches, and memcheck did not flag
 * them, so no hash call needs an exemption.
 */
#include <stdio.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "mlkem.h"
#include "rand.h"
#include "wbuf.h"

#define PKE_DK_LEN	1152

static int
check(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}

int
main(void)
{
	static uint8_t ek[MLKEM768_EK_LEN], dk[MLKEM768_DK_LEN];
	static uint8_t ct[MLKEM768_CT_LEN];
	uint8_t d[32], z[32], k[32], k2[32], k3[32];
	int r, fails = 0;

	if (crypto_lib_init() != 0) {
		fprintf(stderr, "crypto_lib_init failed\n");
		return 1;
	}
	rand_bytes(d, sizeof(d));
	rand_bytes(z, sizeof(z));
	VALGRIND_MAKE_MEM_UNDEFINED(d, sizeof(d));
	VALGRIND_MAKE_MEM_UNDEFINED(z, sizeof(z));
	r = mlkem768_keygen_internal(d, z, ek, dk);
	VALGRIND_MAKE_MEM_DEFINED(&r, sizeof(r));
	VALGRIND_MAKE_MEM_DEFINED(ek, sizeof(ek));
	VALGRIND_MAKE_MEM_DEFINED(dk, sizeof(dk));
	fails += check("keygen", r == 0);

	r = mlkem768_encaps(ek, sizeof(ek), ct, k);
	fails += check("encaps", r == 0);

	/* Decaps of the valid ciphertext with dk_PKE and z secret. */
	VALGRIND_MAKE_MEM_UNDEFINED(dk, PKE_DK_LEN);
	VALGRIND_MAKE_MEM_UNDEFINED(dk + MLKEM768_DK_LEN - 32, 32);
	r = mlkem768_decaps(dk, sizeof(dk), ct, sizeof(ct), k2);
	VALGRIND_MAKE_MEM_DEFINED(&r, sizeof(r));
	VALGRIND_MAKE_MEM_DEFINED(k2, sizeof(k2));
	fails += check("decaps valid", r == 0 &&
	    pc_timingsafe_bcmp(k, k2, sizeof(k)) == 0);

	/* And of a corrupted one: implicit rejection, a different key. */
	ct[100] ^= 0x04;
	r = mlkem768_decaps(dk, sizeof(dk), ct, sizeof(ct), k3);
	VALGRIND_MAKE_MEM_DEFINED(&r, sizeof(r));
	VALGRIND_MAKE_MEM_DEFINED(k3, sizeof(k3));
	fails += check("decaps invalid", r == 0 &&
	    pc_timingsafe_bcmp(k, k3, sizeof(k)) != 0);
	pc_wipe(dk, sizeof(dk));
	return fails == 0 ? 0 : 1;
}
