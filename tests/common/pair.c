/* Test helper: a client/server transport pair (see pair.h). */
#include <stdlib.h>
#include <string.h>

#include "pair.h"

static struct pc_key *keys[3];

struct pc_key *const *
pair_test_hostkeys(size_t *n)
{
	if (keys[0] == NULL) {
		if (key_generate(KEY_ED25519, 0, &keys[0]) != 0 ||
		    key_generate(KEY_ECDSA_P256, 0, &keys[1]) != 0 ||
		    key_generate(KEY_RSA, 2048, &keys[2]) != 0)
			abort();
	}
	*n = 3;
	return keys;
}

int
pair_sign(void *arg, const struct pc_key *key, const char *sigalg,
    const uint8_t *data, size_t len, struct wbuf *sig)
{
	return key_sign(key, sigalg, data, len, sig);
}

int
pair_new(struct pair *p, const struct tp_params *cp,
    const struct tp_params *sp)
{
	struct tp_params c, s;
	size_t n, i;
	int r;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < PAIR_MAX_MSGS; i++) {
		wbuf_init(&p->c.msgs[i], 0);
		wbuf_init(&p->s.msgs[i], 0);
	}
	if (cp != NULL)
		c = *cp;
	else
		memset(&c, 0, sizeof(c));
	if (sp != NULL)
		s = *sp;
	else
		memset(&s, 0, sizeof(s));
	c.role = TP_CLIENT;
	s.role = TP_SERVER;
	s.hostkeys = pair_test_hostkeys(&n);
	s.nhostkeys = n;
	s.sign = pair_sign;
	if ((r = tp_new(&c, &p->c.t)) != 0)
		return r;
	return tp_new(&s, &p->s.t);
}

void
pair_free(struct pair *p)
{
	size_t i;

	tp_free(p->c.t);
	tp_free(p->s.t);
	for (i = 0; i < PAIR_MAX_MSGS; i++) {
		wbuf_clear(&p->c.msgs[i]);
		wbuf_clear(&p->s.msgs[i]);
	}
	memset(p, 0, sizeof(*p));
}

/* Move what from has written to to; returns bytes moved. */
static size_t
move(struct pair_side *from, struct pair_side *to, int corrupt)
{
	const uint8_t *o;
	size_t len, n;
	uint8_t *copy;

	o = tp_output_ptr(from->t, &len);
	n = len < tp_input_space(to->t) ? len : tp_input_space(to->t);
	if (n == 0)
		return 0;
	if ((copy = malloc(n)) == NULL)
		abort();
	memcpy(copy, o, n);
	if (corrupt)
		copy[n - 1] ^= 0x01;	/* inside the last packet's tag */
	if (tp_input(to->t, copy, n) != 0)
		abort();
	free(copy);
	if (tp_output_consume(from->t, n) != 0)
		abort();
	return n;
}

static void
run(struct pair_side *side)
{
	const uint8_t *m;
	size_t len;
	int r;

	while (side->err == 0) {
		r = tp_next(side->t, &m, &len);
		if (r == PC_ERR_AGAIN)
			return;
		if (r != 0) {
			side->err = r;
			return;
		}
		if (side->nmsgs < PAIR_MAX_MSGS &&
		    wbuf_put(&side->msgs[side->nmsgs++], m, len) != 0)
			abort();
	}
}

void
pair_pump(struct pair *p)
{
	size_t moved;
	int rounds = 0;

	do {
		moved = move(&p->c, &p->s, p->corrupt_next_c2s);
		if (moved > 0)
			p->corrupt_next_c2s = 0;
		run(&p->s);
		moved += move(&p->s, &p->c, 0);
		run(&p->c);
	} while (moved > 0 && ++rounds < 10000 &&
	    p->c.err == 0 && p->s.err == 0);
}
