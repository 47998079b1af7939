/*
 * Pseudo-terminals for sessions (RFC 4254 s. 6.2, 6.7, 6.9, 8): opening
 * one in the connection process (as root), giving the slave to the user
 * as sshd's pty_setowner does, the window size, BREAK, and the encoded
 * terminal modes of a pty-req.
 */
#ifndef PC_SESSPTY_H
#define PC_SESSPTY_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <termios.h>

#include "err.h"

#define SESSPTY_NAME_MAX	64

/* RFC 4254 s. 8 */
#define SESSPTY_OP_END	0
#define SESSPTY_OP_ISPEED	128
#define SESSPTY_OP_OSPEED	129
#define SESSPTY_MAX_MODES	256	/* opcodes read from one request */

struct sesspty {
	int master;		/* -1 when closed */
	int slave;		/* -1 when closed */
	char name[SESSPTY_NAME_MAX];	/* "/dev/pts/N" */
};

/* Open a new pty; both ends close-on-exec. */
int	sesspty_open(struct sesspty *p) PC_WUR;
void	sesspty_close_slave(struct sesspty *p);
void	sesspty_close(struct sesspty *p);
/* The slave to the user, group tty (if it exists), mode 0620. */
int	sesspty_setowner(const struct sesspty *p, uid_t uid,
	    gid_t gid) PC_WUR;
/* Back to root, mode 0666, as sshd's pty_release. */
void	sesspty_release(const char *name);
int	sesspty_set_winsize(int fd, uint32_t cols, uint32_t rows,
	    uint32_t xpixel, uint32_t ypixel) PC_WUR;
/* Apply the encoded modes to *tio.  Opcodes 1..159 carry a uint32,
 * unknown ones are skipped; an opcode from 160 on ends the list (RFC
 * 4254 s. 8).  PC_ERR_MSG_INCOMPLETE when an argument is truncated;
 * PC_ERR_RANGE past SESSPTY_MAX_MODES opcodes. */
int	sesspty_modes_decode(struct termios *tio, const uint8_t *modes,
	    size_t len) PC_WUR;
/* tcgetattr, pty_modes_decode, tcsetattr on fd. */
int	sesspty_modes_apply(int fd, const uint8_t *modes,
	    size_t len) PC_WUR;
/* Make fd (a slave, in a child after setsid) the controlling terminal
 * and the standard input, output and error. */
int	sesspty_make_controlling(int fd) PC_WUR;

#endif /* PC_SESSPTY_H */
