/*
 * The daemon's implementation of struct auth_backend (auth/auth.h): users
 * from the system databases, sshd_config with its Match blocks for the
 * user, authorized_keys files and AuthorizedKeysCommand, TrustedUserCAKeys
 * with AuthorizedPrincipalsFile/Command, RevokedKeys, PAM or crypt(3), and
 * the login policy of policy/.  One per connection process.
 */
#ifndef PC_AUTHBACKEND_H
#define PC_AUTHBACKEND_H

#include "auth.h"
#include "err.h"
#include "servconf.h"

struct authbackend {
	struct auth_backend vt;		/* what userauth calls */
	const struct server_config *global;	/* borrowed, filled */
	struct server_config user_cfg;	/* after Match for the user */
	int have_user_cfg;
	char *auth_methods;		/* joined for the current config */
	char *banner;			/* Banner file contents */
	const struct auth_peer *peer;	/* borrowed, from the first request */
};

/* global is borrowed for the life of ab. */
int	authbackend_init(struct authbackend *ab,
	    const struct server_config *global) PC_WUR;
void	authbackend_clear(struct authbackend *ab);
/* The settings before the user is known (global configuration). */
int	authbackend_settings(struct authbackend *ab,
	    struct auth_settings *s) PC_WUR;

#endif /* PC_AUTHBACKEND_H */
