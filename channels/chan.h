/*
 * The connection protocol (RFC 4254) after authentication, sans-IO.
 *
 * This first version holds no channels: every CHANNEL_OPEN is refused
 * with SSH_OPEN_ADMINISTRATIVELY_PROHIBITED and every GLOBAL_REQUEST that
 * wants a reply gets REQUEST_FAILURE, so a client learns at once what it
 * cannot do.  Sessions and forwarding grow here in the next issues.
 */
#ifndef PC_CHAN_H
#define PC_CHAN_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "transport.h"

/* RFC 4254 s. 5.1 reason codes */
#define SSH2_OPEN_ADMINISTRATIVELY_PROHIBITED	1
#define SSH2_OPEN_CONNECT_FAILED		2
#define SSH2_OPEN_UNKNOWN_CHANNEL_TYPE		3
#define SSH2_OPEN_RESOURCE_SHORTAGE		4

struct chan_conn;

/* t is borrowed.  Caller frees with chan_conn_free (accepts NULL). */
int	chan_conn_new(struct tp *t, struct chan_conn **cp) PC_WUR;
void	chan_conn_free(struct chan_conn *c);
/* One message from tp_next after authentication.  An error ends the
 * connection with *reason. */
int	chan_recv(struct chan_conn *c, const uint8_t *msg, size_t len,
	    uint32_t *reason) PC_WUR;

#endif /* PC_CHAN_H */
