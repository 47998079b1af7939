/*
 * Fuzz-only shortcuts, compiled in only with -DPC_FUZZ_CHEAP, which the
 * Makefile passes to the fuzz build (build/fuzz/, FUZZ_FLAGS) and to
 * nothing else: without it this header declares nothing and the code it
 * guards does not exist, so the daemon, the tests and the sanitizer build
 * are the same as without this file.
 *
 * In the fuzz build the shortcuts are still off until a target sets bits
 * of pc_fuzz_cheap (tests/fuzz/fuzz_preauth.c does; the other targets run
 * the real code):
 *
 * PC_FUZZ_FIXED_RANDOM: rand_bytes() gives bytes that depend only on
 *   their position in the request, rand_uniform() gives 0, and ECDH's
 *   ephemeral key is a fixed scalar.  The server's KEXINIT cookie and its
 *   ephemeral keys are then the same in every run, so a client byte stream
 *   recorded once (the seed corpus) still decrypts when it is played
 *   again: without it no input could get past NEWKEYS.
 * PC_FUZZ_FAKE_HOSTSIG: hostkeys_sign() appends a well-formed signature
 *   blob of zeros instead of signing (nobody checks it: the client's
 *   bytes are the fuzz input).
 * PC_FUZZ_BAD_USERSIG: userauth treats every publickey signature as bad
 *   without verifying it.
 * PC_FUZZ_SKIP_MAC: received MACs and AEAD tags are not checked
 *   (mac_verify, chacha20-poly1305, AES-GCM).  The ciphers are stream
 *   ciphers, so a bit the fuzzer flips in the ciphertext of a recorded
 *   session is a bit flipped in the plaintext: mutations reach the
 *   messages after NEWKEYS instead of all dying as MAC errors.
 *
 * Owned by crypto/rand.c, which defines the variable.
 */
#ifndef PC_FUZZCHEAP_H
#define PC_FUZZCHEAP_H

#ifdef PC_FUZZ_CHEAP
#define PC_FUZZ_FIXED_RANDOM	0x01u
#define PC_FUZZ_FAKE_HOSTSIG	0x02u
#define PC_FUZZ_BAD_USERSIG	0x04u
#define PC_FUZZ_SKIP_MAC	0x08u

extern unsigned pc_fuzz_cheap;
#endif

#endif /* PC_FUZZCHEAP_H */
