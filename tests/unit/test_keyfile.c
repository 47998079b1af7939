/* daemon/keyfile.c: permission checks on read, atomic writes and modes. */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "key.h"
#include "keyfile.h"
#include "rand.h"

struct tmpdir {
	char path[64];
};

static int
setup(void **state)
{
	struct tmpdir *t = calloc(1, sizeof(*t));

	if (t == NULL || crypto_lib_init() != 0)
		return -1;
	snprintf(t->path, sizeof(t->path), "/tmp/test_keyfile.XXXXXX");
	if (mkdtemp(t->path) == NULL)
		return -1;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tmpdir *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->path);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

static unsigned
file_mode(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static void
test_save_and_load(void **state)
{
	struct tmpdir *t = *state;
	char path[128], pubpath[160], *comment;
	struct pc_key *k, *priv, *pub;
	int i;
	static const enum key_type types[] = { KEY_ED25519, KEY_ECDSA_P384 };

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/key%d", t->path, i);
		snprintf(pubpath, sizeof(pubpath), "%s.pub", path);
		assert_int_equal(key_generate(types[i], 0, &k), 0);
		assert_int_equal(keyfile_save_pair(path, k, "c o m", 0), 0);
		assert_int_equal(file_mode(path), 0600);
		assert_int_equal(file_mode(pubpath), 0644);
		assert_int_equal(keyfile_load_private(path, &priv, &comment),
		    0);
		assert_string_equal(comment, "c o m");
		free(comment);
		assert_true(key_equal_public(k, priv));
		assert_true(key_has_private(priv));
		assert_int_equal(keyfile_load_public(pubpath, &pub, &comment),
		    0);
		assert_string_equal(comment, "c o m");
		free(comment);
		assert_true(key_equal_public(k, pub));
		/* No overwrite: EEXIST, and the files are unchanged. */
		key_free(priv);
		assert_int_equal(keyfile_save_pair(path, pub, "x", 0),
		    PC_ERR_SYSTEM);
		assert_int_equal(errno, EEXIST);
		assert_int_equal(keyfile_load_private(path, &priv, NULL), 0);
		assert_true(key_equal_public(k, priv));
		key_free(priv);
		key_free(pub);
		key_free(k);
	}
	/* Only the two pairs: no temporary files left behind. */
	{
		char cmd[160];

		snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 4",
		    t->path);
		assert_int_equal(system(cmd), 0);
	}
}

static void
test_permissions(void **state)
{
	struct tmpdir *t = *state;
	char path[128];
	struct pc_key *k, *k2;
	static const unsigned bad[] = { 0644, 0640, 0604, 0660, 0602, 0620 };
	size_t i;

	snprintf(path, sizeof(path), "%s/perm", t->path);
	assert_int_equal(key_generate(KEY_ED25519, 0, &k), 0);
	assert_int_equal(keyfile_save_pair(path, k, "", 0), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(chmod(path, bad[i]), 0);
		k2 = (struct pc_key *)1;
		assert_int_equal(keyfile_load_private(path, &k2, NULL),
		    PC_ERR_SYSTEM);
		assert_int_equal(errno, EACCES);
		assert_null(k2);
	}
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(keyfile_load_private(path, &k2, NULL), 0);
	key_free(k2);
	/* Public keys are not secret: no check. */
	assert_int_equal(chmod(path, 0644), 0);
	strncat(path, ".pub", sizeof(path) - strlen(path) - 1);
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(keyfile_load_public(path, &k2, NULL), 0);
	key_free(k2);
	key_free(k);
}

static void
test_bad_files(void **state)
{
	struct tmpdir *t = *state;
	char path[128];
	struct pc_key *k;
	FILE *f;

	snprintf(path, sizeof(path), "%s/missing", t->path);
	assert_int_equal(keyfile_load_private(path, &k, NULL), PC_ERR_SYSTEM);
	assert_int_equal(errno, ENOENT);
	/* A directory is not a key file. */
	assert_int_equal(keyfile_load_public(t->path, &k, NULL),
	    PC_ERR_SYSTEM);
	/* Over the size limit. */
	snprintf(path, sizeof(path), "%s/big", t->path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fseek(f, KEYFILE_MAX_SIZE + 1, SEEK_SET), 0);
	assert_int_equal(fputc('x', f), 'x');
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(keyfile_load_private(path, &k, NULL),
	    PC_ERR_KEY_FORMAT);
	/* A .pub with only comments and blank lines. */
	snprintf(path, sizeof(path), "%s/empty.pub", t->path);
	assert_int_equal(keyfile_write_atomic(path, "# x\n\n  \n", 8, 0644, 0),
	    0);
	assert_int_equal(keyfile_load_public(path, &k, NULL),
	    PC_ERR_KEY_FORMAT);
	/* Overwrite replaces atomically. */
	assert_int_equal(keyfile_write_atomic(path, "y\n", 2, 0600, 0),
	    PC_ERR_SYSTEM);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(keyfile_write_atomic(path, "y\n", 2, 0600, 1), 0);
	assert_int_equal(file_mode(path), 0600);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_and_load),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
