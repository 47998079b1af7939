/*
 * Test helpers for the sshd_config tests: load a configuration given as
 * text (through a temporary file, as servconf_load reads files) or apply
 * one -o style line, each on a fresh struct server_config with the log
 * captured (logcap.h).  Include after <cmocka.h> and "logcap.h".
 */
#ifndef PC_TEST_CONFTEXT_H
#define PC_TEST_CONFTEXT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "servconf.h"

/* Write text to a new temporary file named in path; the caller unlinks
 * it. */
static inline void
conftext_write(char *path, size_t size, const char *text)
{
	int fd;

	snprintf(path, size, "/tmp/pc_servconf_test_XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)),
	    (ssize_t)strlen(text));
	close(fd);
}

/* Load text as a config file (no defaults); path gets its name, which
 * stays valid for messages (the file itself is removed). */
static inline int
load_text_at(const char *text, struct server_config *cfg, char *path,
    size_t size)
{
	int r;

	log_capture();
	servconf_init(cfg);
	conftext_write(path, size, text);
	r = servconf_load(cfg, path);
	unlink(path);
	return r;
}

static inline int
load_text(const char *text, struct server_config *cfg)
{
	char path[64];

	return load_text_at(text, cfg, path, sizeof(path));
}

/* Apply one -o style line to a fresh configuration. */
static inline int
one_line(const char *line, struct server_config *cfg)
{
	log_capture();
	servconf_init(cfg);
	return servconf_parse_arg(cfg, line, "command-line", 1);
}

#endif /* PC_TEST_CONFTEXT_H */
