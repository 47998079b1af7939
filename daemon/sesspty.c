/* Pseudo-terminals for sessions (see sesspty.h). */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pty.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"
#include "sesspty.h"

/* RFC 4254 s. 8: which termios field each opcode sets. */
enum mode_kind { MODE_CC, MODE_I, MODE_L, MODE_O, MODE_C };

struct mode_map {
	uint8_t op;
	uint8_t kind;
	tcflag_t flag;		/* a flag bit, or the c_cc index */
};

static const struct mode_map mode_table[] = {
	{ 1, MODE_CC, VINTR },
	{ 2, MODE_CC, VQUIT },
	{ 3, MODE_CC, VERASE },
	{ 4, MODE_CC, VKILL },
	{ 5, MODE_CC, VEOF },
	{ 6, MODE_CC, VEOL },
	{ 7, MODE_CC, VEOL2 },
	{ 8, MODE_CC, VSTART },
	{ 9, MODE_CC, VSTOP },
	{ 10, MODE_CC, VSUSP },
	/* 11 VDSUSP: not on Linux */
	{ 12, MODE_CC, VREPRINT },
	{ 13, MODE_CC, VWERASE },
	{ 14, MODE_CC, VLNEXT },
	/* 15 VFLUSH, 16 VSWTCH, 17 VSTATUS: not on Linux */
	{ 18, MODE_CC, VDISCARD },
	{ 30, MODE_I, IGNPAR },
	{ 31, MODE_I, PARMRK },
	{ 32, MODE_I, INPCK },
	{ 33, MODE_I, ISTRIP },
	{ 34, MODE_I, INLCR },
	{ 35, MODE_I, IGNCR },
	{ 36, MODE_I, ICRNL },
	{ 37, MODE_I, IUCLC },
	{ 38, MODE_I, IXON },
	{ 39, MODE_I, IXANY },
	{ 40, MODE_I, IXOFF },
	{ 41, MODE_I, IMAXBEL },
	{ 42, MODE_I, IUTF8 },		/* RFC 8160 */
	{ 50, MODE_L, ISIG },
	{ 51, MODE_L, ICANON },
	{ 52, MODE_L, XCASE },
	{ 53, MODE_L, ECHO },
	{ 54, MODE_L, ECHOE },
	{ 55, MODE_L, ECHOK },
	{ 56, MODE_L, ECHONL },
	{ 57, MODE_L, NOFLSH },
	{ 58, MODE_L, TOSTOP },
	{ 59, MODE_L, IEXTEN },
	{ 60, MODE_L, ECHOCTL },
	{ 61, MODE_L, ECHOKE },
	{ 62, MODE_L, PENDIN },
	{ 70, MODE_O, OPOST },
	{ 71, MODE_O, OLCUC },
	{ 72, MODE_O, ONLCR },
	{ 73, MODE_O, OCRNL },
	{ 74, MODE_O, ONOCR },
	{ 75, MODE_O, ONLRET },
	{ 90, MODE_C, CS7 },
	{ 91, MODE_C, CS8 },
	{ 92, MODE_C, PARENB },
	{ 93, MODE_C, PARODD },
};

static const struct {
	uint32_t baud;
	speed_t speed;
} speed_table[] = {
	{ 0, B0 }, { 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 },
	{ 150, B150 }, { 200, B200 }, { 300, B300 }, { 600, B600 },
	{ 1200, B1200 }, { 1800, B1800 }, { 2400, B2400 }, { 4800, B4800 },
	{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
	{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
	{ 460800, B460800 }, { 921600, B921600 },
};

int
sesspty_open(struct sesspty *p)
{
	int fl;

	p->master = p->slave = -1;
	p->name[0] = '\0';
	if (openpty(&p->master, &p->slave, NULL, NULL, NULL) == -1) {
		error("openpty: %s", strerror(errno));
		return PC_ERR_SYSTEM;
	}
	if (ttyname_r(p->slave, p->name, sizeof(p->name)) != 0) {
		error("ttyname: %s", strerror(errno));
		sesspty_close(p);
		return PC_ERR_SYSTEM;
	}
	(void)fcntl(p->master, F_SETFD, FD_CLOEXEC);
	(void)fcntl(p->slave, F_SETFD, FD_CLOEXEC);
	if ((fl = fcntl(p->master, F_GETFL)) == -1 ||
	    fcntl(p->master, F_SETFL, fl | O_NONBLOCK) == -1) {
		sesspty_close(p);
		return PC_ERR_SYSTEM;
	}
	return 0;
}

void
sesspty_close_slave(struct sesspty *p)
{
	if (p->slave != -1) {
		close(p->slave);
		p->slave = -1;
	}
}

void
sesspty_close(struct sesspty *p)
{
	sesspty_close_slave(p);
	if (p->master != -1) {
		close(p->master);
		p->master = -1;
	}
}

int
sesspty_setowner(const struct sesspty *p, uid_t uid, gid_t gid)
{
	struct group *grp = getgrnam("tty");
	gid_t g = grp != NULL ? grp->gr_gid : gid;
	mode_t mode = grp != NULL ? S_IRUSR | S_IWUSR | S_IWGRP :
	    S_IRUSR | S_IWUSR | S_IWGRP | S_IWOTH;
	struct stat st;

	/* As sshd: the user owns the tty, group tty may write to it (for
	 * write(1) and wall(1)), nobody else reads it. */
	if (fstat(p->slave, &st) == -1) {
		error("fstat %s: %s", p->name, strerror(errno));
		return PC_ERR_SYSTEM;
	}
	if ((st.st_uid != uid || st.st_gid != g) &&
	    fchown(p->slave, uid, g) == -1) {
		error("chown(%.100s, %u, %u) failed: %.100s", p->name,
		    (unsigned)uid, (unsigned)g, strerror(errno));
		return PC_ERR_SYSTEM;
	}
	if ((st.st_mode & (S_IRWXU | S_IRWXG | S_IRWXO)) != mode &&
	    fchmod(p->slave, mode) == -1) {
		error("chmod(%.100s, 0%o) failed: %.100s", p->name,
		    (unsigned)mode, strerror(errno));
		return PC_ERR_SYSTEM;
	}
	return 0;
}

void
sesspty_release(const char *name)
{
	if (name == NULL || *name == '\0') {
		return;
	}
	if (chown(name, 0, 0) == -1 && errno != ENOENT) {
		debug("chown %.100s 0 0 failed: %.100s", name,
		    strerror(errno));
	}
	if (chmod(name, 0666) == -1 && errno != ENOENT) {
		debug("chmod %.100s 0666 failed: %.100s", name,
		    strerror(errno));
	}
}

int
sesspty_set_winsize(int fd, uint32_t cols, uint32_t rows, uint32_t xpixel,
    uint32_t ypixel)
{
	struct winsize w;

	/* struct winsize holds unsigned shorts: clamp, as a huge size is
	 * meaningless and must not wrap to a tiny one. */
	memset(&w, 0, sizeof(w));
	w.ws_col = cols > 0xffff ? 0xffff : (unsigned short)cols;
	w.ws_row = rows > 0xffff ? 0xffff : (unsigned short)rows;
	w.ws_xpixel = xpixel > 0xffff ? 0xffff : (unsigned short)xpixel;
	w.ws_ypixel = ypixel > 0xffff ? 0xffff : (unsigned short)ypixel;
	if (ioctl(fd, TIOCSWINSZ, &w) == -1) {
		debug("TIOCSWINSZ: %s", strerror(errno));
		return PC_ERR_SYSTEM;
	}
	return 0;
}

static int
baud_to_speed(uint32_t baud, speed_t *sp)
{
	size_t i;

	for (i = 0; i < sizeof(speed_table) / sizeof(speed_table[0]); i++) {
		if (speed_table[i].baud == baud) {
			*sp = speed_table[i].speed;
			return 0;
		}
	}
	return PC_ERR_NOT_FOUND;
}

static void
set_flag(tcflag_t *field, tcflag_t flag, uint32_t on)
{
	if (on) {
		*field |= flag;
	} else {
		*field &= ~flag;
	}
}

static void
apply_one(struct termios *tio, uint8_t op, uint32_t v)
{
	const struct mode_map *m = NULL;
	speed_t sp;
	size_t i;

	if (op == SESSPTY_OP_ISPEED || op == SESSPTY_OP_OSPEED) {
		/* An unknown rate leaves the speed as it was. */
		if (baud_to_speed(v, &sp) == 0) {
			if (op == SESSPTY_OP_ISPEED) {
				(void)cfsetispeed(tio, sp);
			} else {
				(void)cfsetospeed(tio, sp);
			}
		}
		return;
	}
	for (i = 0; i < sizeof(mode_table) / sizeof(mode_table[0]); i++) {
		if (mode_table[i].op == op) {
			m = &mode_table[i];
			break;
		}
	}
	if (m == NULL) {
		debug3("pty-req: ignoring unknown mode %u", op);
		return;
	}
	switch (m->kind) {
	case MODE_CC:
		/* 255 disables the character (OpenSSH's special_char_decode). */
		tio->c_cc[m->flag] = v == 255 ? _POSIX_VDISABLE : (cc_t)v;
		break;
	case MODE_I:
		set_flag(&tio->c_iflag, m->flag, v);
		break;
	case MODE_L:
		set_flag(&tio->c_lflag, m->flag, v);
		break;
	case MODE_O:
		set_flag(&tio->c_oflag, m->flag, v);
		break;
	case MODE_C:
		set_flag(&tio->c_cflag, m->flag, v);
		break;
	}
}

int
sesspty_modes_decode(struct termios *tio, const uint8_t *modes, size_t len)
{
	size_t off = 0, count = 0;
	uint8_t op;
	uint32_t v;

	while (off < len) {
		op = modes[off++];
		if (op == SESSPTY_OP_END || op >= 160) {
			/* RFC 4254 s. 8: 160..255 are undefined and stop
			 * the parse; TTY_OP_END ends it. */
			return 0;
		}
		if (++count > SESSPTY_MAX_MODES) {
			return PC_ERR_RANGE;
		}
		if (len - off < 4) {
			return PC_ERR_MSG_INCOMPLETE;
		}
		v = (uint32_t)modes[off] << 24 | (uint32_t)modes[off + 1] << 16 |
		    (uint32_t)modes[off + 2] << 8 | modes[off + 3];
		off += 4;
		apply_one(tio, op, v);
	}
	return 0;
}

int
sesspty_modes_apply(int fd, const uint8_t *modes, size_t len)
{
	struct termios tio;
	int r;

	if (tcgetattr(fd, &tio) == -1) {
		error("tcgetattr: %s", strerror(errno));
		return PC_ERR_SYSTEM;
	}
	if ((r = sesspty_modes_decode(&tio, modes, len)) != 0) {
		return r;
	}
	if (tcsetattr(fd, TCSANOW, &tio) == -1) {
		error("tcsetattr: %s", strerror(errno));
		return PC_ERR_SYSTEM;
	}
	return 0;
}

int
sesspty_make_controlling(int fd)
{
	if (ioctl(fd, TIOCSCTTY, 0) == -1) {
		return PC_ERR_SYSTEM;
	}
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1) {
		return PC_ERR_SYSTEM;
	}
	if (fd > STDERR_FILENO) {
		close(fd);
	}
	return 0;
}
