/* Helpers for the userauth backend types (see auth.h). */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "wbuf.h"

void
auth_user_free(struct auth_user *u)
{
	size_t i;

	if (u == NULL)
		return;
	free(u->name);
	free(u->home);
	free(u->shell);
	for (i = 0; i < u->ngroups; i++)
		free(u->groups[i]);
	free(u->groups);
	free(u);
}

void
auth_kbdint_query_clear(struct auth_kbdint_query *q)
{
	unsigned i;

	free(q->name);
	free(q->instruction);
	for (i = 0; i < q->nprompts; i++)
		free(q->prompts[i]);
	free(q->prompts);
	free(q->echo);
	memset(q, 0, sizeof(*q));
}
