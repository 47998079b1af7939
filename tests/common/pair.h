/*
 * Test helper: a client and a server transport wired together in one
 * process, with the bytes between them moved by pair_pump().
 */
#ifndef PC_TEST_PAIR_H
#define PC_TEST_PAIR_H

#include <stddef.h>
#include <stdint.h>

#include "key.h"
#include "transport.h"
#include "wbuf.h"

#define PAIR_MAX_MSGS	256

struct pair_side {
	struct tp *t;
	int err;			/* first error from tp_next, or 0 */
	size_t nmsgs;			/* upper-layer messages received */
	struct wbuf msgs[PAIR_MAX_MSGS];
};

struct pair {
	struct pair_side c, s;
	struct pc_key *hostkeys[4];
	size_t nhostkeys;
	/* Flip a byte of the next client->server chunk when set. */
	int corrupt_next_c2s;
};

/* Host keys: ed25519, ecdsa-p256 and rsa-2048, made once per process. */
struct pc_key *const *pair_test_hostkeys(size_t *n);
int	pair_sign(void *arg, const struct pc_key *key, const char *sigalg,
	    const uint8_t *data, size_t len, struct wbuf *sig);
/* Make both sides; the params' role, host key and sign fields are set
 * here.  Either params pointer may be NULL for defaults. */
int	pair_new(struct pair *p, const struct tp_params *client,
	    const struct tp_params *server);
void	pair_free(struct pair *p);
/* Move bytes and run both sides until neither has anything to do. */
void	pair_pump(struct pair *p);

#endif /* PC_TEST_PAIR_H */
