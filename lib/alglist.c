/*
 * Algorithm name lists: sshd_config(5) +/-/^ grammar and RFC 4253 s. 7.1
 * negotiation (see alglist.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alglist.h"
#include "match.h"

/* Is name[0..len) one of the names of list? */
static int
contains_len(const char *list, const char *name, size_t len)
{
	const char *p = list, *end;
	size_t n;

	for (;;) {
		end = strchr(p, ',');
		n = end == NULL ? strlen(p) : (size_t)(end - p);
		if (n == len && n > 0 && memcmp(p, name, len) == 0) {
			return 1;
		}
		if (end == NULL) {
			return 0;
		}
		p = end + 1;
	}
}

int
alglist_contains(const char *list, const char *name)
{
	return contains_len(list, name, strlen(name));
}

/* A non-empty list with no empty entries and at most ALGLIST_MAX_NAMES. */
static int
list_check(const char *list)
{
	const char *p = list, *end;
	size_t n, count = 0;

	for (;;) {
		end = strchr(p, ',');
		n = end == NULL ? strlen(p) : (size_t)(end - p);
		if (n == 0 || ++count > ALGLIST_MAX_NAMES) {
			return PC_ERR_INVALID_FORMAT;
		}
		if (end == NULL) {
			return 0;
		}
		p = end + 1;
	}
}

/* Append name[0..len) to res (sized by the caller) unless unsupported or
 * already present. */
static void
append_name(char *res, size_t *rlen, const char *name, size_t len,
    const char *supported)
{
	if (!contains_len(supported, name, len) ||
	    contains_len(res, name, len)) {
		return;
	}
	if (*rlen > 0) {
		res[(*rlen)++] = ',';
	}
	memcpy(res + *rlen, name, len);
	*rlen += len;
	res[*rlen] = '\0';
}

static void
append_list(char *res, size_t *rlen, const char *list, const char *supported)
{
	const char *p = list, *end;
	size_t n;

	for (;;) {
		end = strchr(p, ',');
		n = end == NULL ? strlen(p) : (size_t)(end - p);
		if (n > 0) {
			append_name(res, rlen, p, n, supported);
		}
		if (end == NULL) {
			return;
		}
		p = end + 1;
	}
}

/* Append the names of def that match none of the patterns. */
static int
append_filtered(char *res, size_t *rlen, const char *def,
    const char *patterns, const char *supported)
{
	char *copy, *cp, *name;

	if ((copy = strdup(def)) == NULL) {
		return PC_ERR_ALLOC;
	}
	cp = copy;
	while ((name = strsep(&cp, ",")) != NULL) {
		if (*name == '\0' ||
		    match_pattern_list(name, patterns, 0) == MATCH_YES) {
			continue;
		}
		append_name(res, rlen, name, strlen(name), supported);
	}
	free(copy);
	return 0;
}

int
alglist_assemble(const char *spec, const char *def, const char *supported,
    char **out)
{
	const char *body, *p, *end;
	char op = '\0', *res = NULL;
	size_t blen, dlen, rlen = 0, n;
	int r;

	if (out == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	*out = NULL;
	if (spec == NULL || def == NULL || supported == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	body = spec;
	if (*spec == '+' || *spec == '-' || *spec == '^') {
		op = *spec;
		body = spec + 1;
	}
	if ((r = list_check(body)) != 0) {
		return r;
	}
	/* Only '-' takes patterns; every other name must be real. */
	if (op != '-') {
		for (p = body;; p = end + 1) {
			end = strchr(p, ',');
			n = end == NULL ? strlen(p) : (size_t)(end - p);
			if (!contains_len(supported, p, n)) {
				return PC_ERR_NOT_FOUND;
			}
			if (end == NULL) {
				break;
			}
		}
	}
	blen = strlen(body);
	dlen = strlen(def);
	if (blen > SIZE_MAX - dlen - 2) {
		return PC_ERR_NO_BUFFER_SPACE;
	}
	if ((res = malloc(blen + dlen + 2)) == NULL) {
		return PC_ERR_ALLOC;
	}
	res[0] = '\0';
	switch (op) {
	case '+':
		append_list(res, &rlen, def, supported);
		append_list(res, &rlen, body, supported);
		break;
	case '^':
		append_list(res, &rlen, body, supported);
		append_list(res, &rlen, def, supported);
		break;
	case '-':
		if ((r = append_filtered(res, &rlen, def, body,
		    supported)) != 0) {
			goto out;
		}
		break;
	default:
		append_list(res, &rlen, body, supported);
		break;
	}
	if (rlen == 0) {
		r = PC_ERR_INVALID_ARGUMENT;
		goto out;
	}
	*out = res;
	res = NULL;
	r = 0;
 out:
	free(res);
	return r;
}

static size_t
count_names(const char *list)
{
	size_t count = 1;

	for (; *list != '\0'; list++) {
		if (*list == ',') {
			count++;
		}
	}
	return count;
}

int
alglist_match(const char *client, const char *server, char **out)
{
	const char *p, *end;
	size_t n;

	if (out == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	*out = NULL;
	if (client == NULL || server == NULL) {
		return PC_ERR_INVALID_ARGUMENT;
	}
	/* Cap the O(n*m) scan over peer-supplied names. */
	if (count_names(client) > ALGLIST_MAX_NAMES ||
	    count_names(server) > ALGLIST_MAX_NAMES) {
		return PC_ERR_INVALID_FORMAT;
	}
	for (p = client;; p = end + 1) {
		end = strchr(p, ',');
		n = end == NULL ? strlen(p) : (size_t)(end - p);
		if (n > 0 && contains_len(server, p, n)) {
			if ((*out = strndup(p, n)) == NULL) {
				return PC_ERR_ALLOC;
			}
			return 0;
		}
		if (end == NULL) {
			break;
		}
	}
	return PC_ERR_NO_ALGORITHM_MATCH;
}
