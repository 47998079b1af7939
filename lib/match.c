/*
 * Pattern and address-list matching with OpenSSH's semantics (see
 * match.h and sshd_config(5) "PATTERNS").
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "match.h"

/* Longest address entry we parse: an IPv6 literal plus "/128". */
#define MATCH_ADDR_MAX	(INET6_ADDRSTRLEN + 4)

struct match_addr {
	int af;			/* AF_INET or AF_INET6 */
	uint8_t a[16];		/* network byte order; 4 bytes for AF_INET */
};

static int
char_eq(char a, char b, int icase)
{
	if (icase) {
		return tolower((unsigned char)a) == tolower((unsigned char)b);
	}
	return a == b;
}

/*
 * Iterative glob with one backtrack point: on a mismatch after a '*', let
 * that '*' swallow one more character and retry.  This is linear in
 * memory and O(len(s) * len(pattern)) in time, with no recursion, so a
 * hostile pattern or string cannot exhaust the stack.
 */
int
match_pattern_len(const char *s, const char *p, size_t plen, int icase)
{
	size_t pi = 0, star_pi = 0;
	const char *star_s = NULL;

	while (*s != '\0') {
		if (pi < plen && p[pi] == '*') {
			star_pi = ++pi;
			star_s = s;
			continue;
		}
		if (pi < plen && (p[pi] == '?' || char_eq(p[pi], *s, icase))) {
			pi++;
			s++;
			continue;
		}
		if (star_s != NULL) {
			pi = star_pi;
			s = ++star_s;
			continue;
		}
		return 0;
	}
	while (pi < plen && p[pi] == '*') {
		pi++;
	}
	return pi == plen;
}

int
match_pattern(const char *s, const char *pattern, int icase)
{
	return match_pattern_len(s, pattern, strlen(pattern), icase);
}

int
match_pattern_list(const char *s, const char *list, int icase)
{
	const char *p = list, *end;
	size_t len;
	int neg, found = 0;

	for (;;) {
		end = strchr(p, ',');
		len = end == NULL ? strlen(p) : (size_t)(end - p);
		neg = len > 0 && p[0] == '!';
		if (neg) {
			p++;
			len--;
		}
		if (len > 0 && match_pattern_len(s, p, len, icase)) {
			/* A negated match wins wherever it appears. */
			if (neg) {
				return MATCH_NEGATED;
			}
			found = 1;
		}
		if (end == NULL) {
			break;
		}
		p = end + 1;
	}
	return found ? MATCH_YES : MATCH_NONE;
}

/* Parse a numeric address of len bytes; -1 if it is not one. */
static int
addr_parse(const char *s, size_t len, struct match_addr *out)
{
	char buf[MATCH_ADDR_MAX + 1];

	if (len == 0 || len >= sizeof(buf)) {
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->a) == 1) {
		out->af = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, out->a) == 1) {
		out->af = AF_INET6;
		return 0;
	}
	return -1;
}

/* Treat ::ffff:a.b.c.d as a.b.c.d (RFC 4291 s. 2.5.5.2), as sshd does. */
static void
addr_unmap(struct match_addr *a)
{
	static const uint8_t mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	if (a->af == AF_INET6 && memcmp(a->a, mapped, sizeof(mapped)) == 0) {
		memmove(a->a, a->a + 12, 4);
		memset(a->a + 4, 0, 12);
		a->af = AF_INET;
	}
}

static unsigned
addr_maxbits(const struct match_addr *a)
{
	return a->af == AF_INET ? 32 : 128;
}

/* Do the first bits bits of a and b agree? */
static int
addr_prefix_eq(const struct match_addr *a, const struct match_addr *b,
    unsigned bits)
{
	unsigned i, full = bits / 8, rem = bits % 8;
	uint8_t m;

	if (a->af != b->af) {
		return 0;
	}
	for (i = 0; i < full; i++) {
		if (a->a[i] != b->a[i]) {
			return 0;
		}
	}
	if (rem != 0) {
		m = (uint8_t)(0xff << (8 - rem));
		if ((a->a[full] & m) != (b->a[full] & m)) {
			return 0;
		}
	}
	return 1;
}

/*
 * Parse "addr/masklen" (p[0..len), len > 0, containing '/').  The mask is
 * 1 to 3 decimal digits within the family's width, and the host part of
 * the address must be zero: "10.0.0.1/8" is refused as inconsistent, as
 * OpenSSH's addr_pton_cidr does, since it is almost always a typo.
 */
static int
cidr_parse(const char *p, size_t len, struct match_addr *net, unsigned *bits)
{
	const char *slash = memchr(p, '/', len);
	size_t alen, mlen, i;
	unsigned v = 0;
	struct match_addr host;

	if (slash == NULL) {
		return -1;
	}
	alen = (size_t)(slash - p);
	mlen = len - alen - 1;
	if (mlen == 0 || mlen > 3 || addr_parse(p, alen, net) != 0) {
		return -1;
	}
	for (i = 0; i < mlen; i++) {
		if (slash[1 + i] < '0' || slash[1 + i] > '9') {
			return -1;
		}
		v = v * 10 + (unsigned)(slash[1 + i] - '0');
	}
	if (v > addr_maxbits(net)) {
		return -1;
	}
	/* Host bits must be zero: compare with the masked-off address. */
	host = *net;
	for (i = v; i < addr_maxbits(net); i++) {
		host.a[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	}
	if (memcmp(host.a, net->a, sizeof(host.a)) != 0) {
		return -1;
	}
	*bits = v;
	return 0;
}

/* Characters that may appear in a wildcard address pattern. */
static int
addr_wild_ok(const char *p, size_t len)
{
	size_t i;
	int wild = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '*' || p[i] == '?') {
			wild = 1;
		} else if (!isxdigit((unsigned char)p[i]) && p[i] != '.' &&
		    p[i] != ':') {
			return 0;
		}
	}
	return wild;
}

static int
addr_list_common(const char *addr, const char *list, int allow_wild)
{
	struct match_addr a, net;
	const char *p = list, *end;
	size_t len;
	unsigned bits;
	int neg, have_addr = 0, hit, result = MATCH_NONE;

	if (addr != NULL && addr_parse(addr, strlen(addr), &a) == 0) {
		addr_unmap(&a);
		have_addr = 1;
	}
	for (;;) {
		end = strchr(p, ',');
		len = end == NULL ? strlen(p) : (size_t)(end - p);
		neg = len > 0 && p[0] == '!';
		if (neg) {
			p++;
			len--;
		}
		if (len == 0) {
			return PC_ERR_INVALID_FORMAT;
		}
		hit = 0;
		if (memchr(p, '/', len) != NULL) {
			if (cidr_parse(p, len, &net, &bits) != 0) {
				return PC_ERR_INVALID_FORMAT;
			}
			hit = have_addr && addr_prefix_eq(&a, &net, bits);
		} else if (addr_parse(p, len, &net) == 0) {
			hit = have_addr &&
			    addr_prefix_eq(&a, &net, addr_maxbits(&net));
		} else if (allow_wild && addr_wild_ok(p, len)) {
			hit = addr != NULL &&
			    match_pattern_len(addr, p, len, 1);
		} else {
			return PC_ERR_INVALID_FORMAT;
		}
		if (hit) {
			result = neg ? MATCH_NEGATED :
			    (result == MATCH_NEGATED ? result : MATCH_YES);
		}
		if (end == NULL) {
			break;
		}
		p = end + 1;
	}
	/* Syntax check only. */
	if (addr == NULL) {
		return 0;
	}
	return result;
}

int
match_addr_list(const char *addr, const char *list)
{
	return addr_list_common(addr, list, 1);
}

int
match_cidr_list(const char *addr, const char *list)
{
	return addr_list_common(addr, list, 0);
}
