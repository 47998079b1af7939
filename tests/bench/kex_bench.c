/*
 * Key exchanges per second, for `make bench`: for every method in the kex
 * table, the one-round primitive alone (client key pair, server
 * encapsulation, client decapsulation) and a whole handshake between our
 * client and server cores in one process (with the Ed25519 host key
 * signature and its check).  Each measurement runs for a bounded time and
 * count; the figures are per second of one core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kexalg.h"
#include "pair.h"
#include "rand.h"

#define BENCH_SECONDS	1.0
#define BENCH_MAX_RUNS	100000

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One primitive round trip; 0 if both sides derived the same K. */
static int
primitive_once(const struct kex_alg *alg)
{
	const struct kex_dh_group *grp = alg->group;
	struct kexalg_state *st = NULL;
	struct wbuf cpub, spub, ks, kc;
	int r = -1;

	if (alg->kind == KEXALG_GEX)
		grp = kexalg_modp_group(14);	/* a 2048-bit group */
	wbuf_init(&cpub, 0);
	wbuf_init(&spub, 0);
	wbuf_init(&ks, 0);
	wbuf_init(&kc, 0);
	if (alg->client_keypair(alg, grp, &st, &cpub) == 0 &&
	    alg->server_encaps(alg, grp, wbuf_ptr(&cpub), wbuf_len(&cpub),
	    &spub, &ks) == 0 &&
	    alg->client_decaps(st, wbuf_ptr(&spub), wbuf_len(&spub),
	    &kc) == 0 &&
	    wbuf_len(&ks) == wbuf_len(&kc) &&
	    memcmp(wbuf_ptr(&ks), wbuf_ptr(&kc), wbuf_len(&ks)) == 0)
		r = 0;
	kexalg_state_free(st);
	wbuf_clear(&cpub);
	wbuf_clear(&spub);
	wbuf_clear(&ks);
	wbuf_clear(&kc);
	return r;
}

/* One whole handshake between our client and server. */
static int
handshake_once(const char *name)
{
	struct tp_params cp, sp;
	struct pair p;
	int r;

	memset(&cp, 0, sizeof(cp));
	memset(&sp, 0, sizeof(sp));
	cp.kex_algs = name;
	cp.hostkey_algs = "ssh-ed25519";
	if (pair_new(&p, &cp, &sp) != 0)
		return -1;
	pair_pump(&p);
	r = (p.c.err == 0 && p.s.err == 0 && tp_established(p.c.t) &&
	    tp_established(p.s.t)) ? 0 : -1;
	pair_free(&p);
	return r;
}

static double
rate(int (*fn)(const void *), const void *arg)
{
	double start = now_s(), t;
	long n = 0;

	do {
		if (fn(arg) != 0)
			return -1;
		n++;
		t = now_s() - start;
	} while (t < BENCH_SECONDS && n < BENCH_MAX_RUNS);
	return (double)n / t;
}

static int
prim_fn(const void *arg)
{
	return primitive_once(arg);
}

static int
hs_fn(const void *arg)
{
	return handshake_once(arg);
}

int
main(void)
{
	char *list, *name, *save = NULL;
	size_t n;
	int bad = 0;

	if (crypto_lib_init() != 0)
		return 1;
	(void)pair_test_hostkeys(&n);
	if ((list = strdup(kexalg_supported_list())) == NULL)
		return 1;
	printf("%-40s %14s %14s\n", "kex (one core)", "primitive/s",
	    "handshakes/s");
	for (name = strtok_r(list, ",", &save); name != NULL;
	    name = strtok_r(NULL, ",", &save)) {
		const struct kex_alg *alg = kexalg_by_name(name);
		double p, h;

		if (alg == NULL)
			continue;
		p = rate(prim_fn, alg);
		h = rate(hs_fn, name);
		if (p < 0 || h < 0) {
			printf("%-40s %14s %14s\n", name, "FAILED", "FAILED");
			bad = 1;
			continue;
		}
		printf("%-40s %14.1f %14.1f\n", name, p, h);
	}
	free(list);
	return bad;
}
