/*
 * crypto/rand.c: the padding pool.  Draws differ from each other, long
 * draws work, and a forked child never hands out what its parent's pool
 * would have (the pool is emptied in the child by the fork hook).
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rand.h"

static int
setup(void **state)
{
	(void)state;
	return crypto_lib_init() == 0 ? 0 : -1;
}

static void
test_draws_differ(void **state)
{
	uint8_t a[64], b[64], big[20000], zero[sizeof(big)];

	(void)state;
	rand_padding(a, sizeof(a));
	rand_padding(b, sizeof(b));
	assert_memory_not_equal(a, b, sizeof(a));
	/* Longer than the pool: still filled, not zeros. */
	memset(big, 0, sizeof(big));
	memset(zero, 0, sizeof(zero));
	rand_padding(big, sizeof(big));
	assert_memory_not_equal(big, zero, sizeof(big));
	assert_memory_not_equal(big + sizeof(big) - 64, zero, 64);
	/* Zero length is allowed. */
	rand_padding(a, 0);
}

/* Parent and child draw right after the fork: the same pool would give
 * them the same bytes. */
static void
test_fork_does_not_share(void **state)
{
	uint8_t mine[32], theirs[32];
	int fd[2], status;
	pid_t pid;

	(void)state;
	rand_padding(mine, 1);	/* the pool is filled now */
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		uint8_t c[32];

		rand_padding(c, sizeof(c));
		_exit(write(fd[1], c, sizeof(c)) == (ssize_t)sizeof(c) ? 0 : 1);
	}
	rand_padding(mine, sizeof(mine));
	assert_int_equal(read(fd[0], theirs, sizeof(theirs)),
	    (ssize_t)sizeof(theirs));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_memory_not_equal(mine, theirs, sizeof(mine));
	close(fd[0]);
	close(fd[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_draws_differ),
		cmocka_unit_test(test_fork_does_not_share),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
