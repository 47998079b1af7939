/*
 * Protocol version exchange (RFC 4253 s. 4.2), sans-IO.
 *
 * Feed the peer's bytes to version_input() until it returns 0; the peer's
 * identification string (without CR LF) is then in vs->peer, and *consumed
 * says how many input bytes belonged to the exchange (the rest are the
 * first binary packets).
 */
#ifndef PC_VERSION_H
#define PC_VERSION_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* RFC 4253 s. 4.2: at most 255 characters including CR LF. */
#define VERSION_MAX_LEN		255
/* A server may send other lines first; a client may not (RFC 4253). */
#define VERSION_MAX_PRE_LINES	1024
#define VERSION_MAX_PRE_LEN	8192

struct version_state {
	int accept_pre_lines;		/* 1 when we are the client */
	unsigned pre_lines;
	size_t line_len;		/* bytes of the current line so far */
	char line[VERSION_MAX_PRE_LEN + 1];
	char peer[VERSION_MAX_LEN + 1];	/* the peer's identification */
	int done;
};

void	version_init(struct version_state *vs, int accept_pre_lines);
int	version_input(struct version_state *vs, const uint8_t *p, size_t len,
	    size_t *consumed) PC_WUR;
/* The software-version field of the peer's identification, for logs. */
const char *version_peer_software(const struct version_state *vs);

#endif /* PC_VERSION_H */
