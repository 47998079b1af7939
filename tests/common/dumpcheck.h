/*
 * Test helper: assertions on `portcullisd -T`'s dump (servconf_dump) of a
 * configuration.  Include after <cmocka.h>.
 */
#ifndef PC_TEST_DUMPCHECK_H
#define PC_TEST_DUMPCHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "servconf.h"

/* The whole dump; caller frees. */
static inline char *
dump_str(const struct server_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_non_null(f = open_memstream(&buf, &len));
	servconf_dump(cfg, f);
	fclose(f);
	return buf;
}

/* The dump has exactly this line. */
static inline void
assert_dump_has(const struct server_config *cfg, const char *line)
{
	char *d = dump_str(cfg), want[4096];

	if ((size_t)snprintf(want, sizeof(want), "\n%s\n", line) >=
	    sizeof(want))
		fail_msg("dump line too long to check");
	if (strncmp(d, want + 1, strlen(want + 1)) != 0 &&
	    strstr(d, want) == NULL)
		fail_msg("dump lacks \"%s\"; dump is:\n%s", line, d);
	free(d);
}

/* No dump line starts with prefix. */
static inline void
assert_dump_lacks(const struct server_config *cfg, const char *prefix)
{
	char *d = dump_str(cfg), want[256];

	if ((size_t)snprintf(want, sizeof(want), "\n%s", prefix) >=
	    sizeof(want))
		fail_msg("dump prefix too long to check");
	if (strstr(d, want) != NULL ||
	    strncmp(d, want + 1, strlen(want + 1)) == 0)
		fail_msg("dump has \"%s\"; dump is:\n%s", prefix, d);
	free(d);
}

#endif /* PC_TEST_DUMPCHECK_H */
