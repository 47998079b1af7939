/* Protocol version exchange (see version.h). */
#include <string.h>

#include "log.h"
#include "version.h"

void
version_init(struct version_state *vs, int accept_pre_lines)
{
	memset(vs, 0, sizeof(*vs));
	vs->accept_pre_lines = accept_pre_lines;
}

/*
 * Check a complete identification line "SSH-protoversion-softwareversion
 * [SP comments]".  Protocol 2.0 is accepted, and 1.99 (RFC 4253 s. 5.1:
 * a server that also speaks 1.x, which means 2.0 to us).
 */
static int
version_check(const char *s)
{
	const char *sw;
	size_t i;

	if (strncmp(s, "SSH-2.0-", 8) == 0)
		sw = s + 8;
	else if (strncmp(s, "SSH-1.99-", 9) == 0)
		sw = s + 9;
	else
		return PC_ERR_BANNER;
	if (*sw == '\0' || *sw == ' ')
		return PC_ERR_BANNER;
	for (i = 0; s[i] != '\0'; i++) {
		/* Printable US-ASCII; the comment may hold spaces. */
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return PC_ERR_BANNER;
	}
	return 0;
}

int
version_input(struct version_state *vs, const uint8_t *p, size_t len,
    size_t *consumed)
{
	size_t i, limit;
	int r;

	*consumed = 0;
	if (vs->done)
		return 0;
	for (i = 0; i < len; i++) {
		uint8_t c = p[i];

		if (c == '\0')
			return PC_ERR_BANNER;
		if (c != '\n') {
			limit = vs->accept_pre_lines ?
			    VERSION_MAX_PRE_LEN : VERSION_MAX_LEN;
			if (vs->line_len >= limit)
				return PC_ERR_BANNER;
			vs->line[vs->line_len++] = (char)c;
			continue;
		}
		/* End of line: strip the CR (a bare LF is tolerated). */
		if (vs->line_len > 0 && vs->line[vs->line_len - 1] == '\r')
			vs->line_len--;
		vs->line[vs->line_len] = '\0';
		if (strncmp(vs->line, "SSH-", 4) == 0) {
			if (vs->line_len + 2 > VERSION_MAX_LEN)
				return PC_ERR_BANNER;
			if ((r = version_check(vs->line)) != 0)
				return r;
			memcpy(vs->peer, vs->line, vs->line_len + 1);
			vs->done = 1;
			*consumed = i + 1;
			return 0;
		}
		if (!vs->accept_pre_lines ||
		    ++vs->pre_lines > VERSION_MAX_PRE_LINES)
			return PC_ERR_BANNER;
		vs->line_len = 0;
	}
	*consumed = len;
	return PC_ERR_AGAIN;
}

const char *
version_peer_software(const struct version_state *vs)
{
	const char *s = vs->peer;

	if (strncmp(s, "SSH-2.0-", 8) == 0)
		return s + 8;
	if (strncmp(s, "SSH-1.99-", 9) == 0)
		return s + 9;
	return s;
}
