/*
 * Internal interface of the sshd_config parser, shared by its four
 * files and by nothing else:
 *
 *   servconf.c        lines, quoting, Include, Match, the public API
 *   servconf_types.c  value types: how a kind of value is parsed,
 *                     copied (Match), dumped (-T) and freed
 *   servconf_kw.c     the keyword table, the authentication keywords'
 *                     own types and defaults, %-token expansion
 *   servconf_sess.c   the session and forwarding keywords' types and
 *                     defaults
 *
 * A keyword is one row of servconf_keywords[]: its -T name, its type and
 * the offset of its field in struct server_config.
 */
#ifndef PC_SERVCONF_INT_H
#define PC_SERVCONF_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log.h"
#include "servconf.h"

/* Keyword flags, as OpenSSH's SSHCFG_*. */
#define KW_GLOBAL	0x01
#define KW_MATCH	0x02	/* allowed inside a Match block */
#define KW_ALL		(KW_GLOBAL | KW_MATCH)
/* A string whose value "none" means unset: made NULL once the options are
 * final (OpenSSH's CLEAR_ON_NONE) and dumped as "none" when NULL. */
#define KW_NONE		0x04
/* The last line wins rather than the first (OpenSSH's StreamLocalBindMask):
 * its origin follows the last line too. */
#define KW_LAST		0x08

/* Where the line being parsed came from. */
struct servconf_lctx {
	const char *file;
	int lineno;
	const char *keyword;	/* as written */
	/* The raw text after the keyword and its separator, for keywords
	 * that take the rest of the line (AuthorizedKeysCommand). */
	const char *rest;
};

#define LERR(lc, fmt, ...) \
	error("%s line %d: " fmt, (lc)->file, (lc)->lineno, ##__VA_ARGS__)

struct servconf_kw;

struct servconf_kwtype {
	/* Parse av[0..ac) (the arguments after the keyword) into cfg; a
	 * value already set stays (first wins) but is still checked. */
	int (*parse)(const struct servconf_kw *kw, struct server_config *cfg,
	    const struct servconf_lctx *lc, char **av, int ac);
	/* If set in src, replace dst's value with a copy. */
	int (*copy)(const struct servconf_kw *kw, struct server_config *dst,
	    const struct server_config *src);
	void (*dump)(const struct servconf_kw *kw,
	    const struct server_config *cfg, FILE *f);
	void (*free)(const struct servconf_kw *kw, struct server_config *cfg);
};

struct servconf_kw {
	const char *name;	/* lower case, as printed by the dump */
	const struct servconf_kwtype *type;
	size_t off;		/* of the field in struct server_config */
	unsigned flags;
	const void *arg;	/* type-specific */
};

struct servconf_enum {
	const char *name;
	int val;
};

/* The lists an algorithm-list keyword is assembled from. */
struct servconf_algsrc {
	const char *(*def)(void);
	const char *(*supported)(void);
	const char *what;	/* for errors */
};

#define FIELD(cfg, kw, type) \
	((type *)(void *)((char *)(cfg) + (kw)->off))
#define CFIELD(cfg, kw, type) \
	((const type *)(const void *)((const char *)(cfg) + (kw)->off))

/* servconf_types.c: value parsers. */
int	servconf_one_arg(const struct servconf_lctx *lc, char **av, int ac);
int	servconf_parse_uint(const char *s, int64_t max, int64_t *out);
int	servconf_parse_port(const char *s);
int	servconf_parse_time(const char *s, int64_t *out);
int	servconf_strlist_add(struct servconf_strlist *l, const char *s,
	    size_t max) PC_WUR;
void	servconf_strlist_clear(struct servconf_strlist *l);

/* servconf_types.c: operations the keyword-specific types reuse. */
int	servconf_int_copy(const struct servconf_kw *,
	    struct server_config *, const struct server_config *);
int	servconf_string_copy(const struct servconf_kw *,
	    struct server_config *, const struct server_config *);
void	servconf_string_dump(const struct servconf_kw *,
	    const struct server_config *, FILE *);
void	servconf_string_free(const struct servconf_kw *,
	    struct server_config *);
void	servconf_nothing_free(const struct servconf_kw *,
	    struct server_config *);
int	servconf_strlist_copy(const struct servconf_kw *,
	    struct server_config *, const struct server_config *);
void	servconf_strlist_dump(const struct servconf_kw *,
	    const struct server_config *, FILE *);
void	servconf_strlist_free(const struct servconf_kw *,
	    struct server_config *);

/* servconf_types.c: the generic types. */
extern const struct servconf_kwtype servconf_t_flag;	/* yes/no */
extern const struct servconf_kwtype servconf_t_int;	/* >= 0 */
extern const struct servconf_kwtype servconf_t_time;
extern const struct servconf_kwtype servconf_t_string;
extern const struct servconf_kwtype servconf_t_alglist;
extern const struct servconf_kwtype servconf_t_enum;
extern const struct servconf_kwtype servconf_t_loglevel;
extern const struct servconf_kwtype servconf_t_facility;
extern const struct servconf_kwtype servconf_t_pathlist;
extern const struct servconf_kwtype servconf_t_port;
extern const struct servconf_kwtype servconf_t_listen;
extern const struct servconf_kwtype servconf_t_rekey;
extern const struct servconf_kwtype servconf_t_maxstartups;

/* servconf_sess.c: the session and forwarding keywords' types. */
extern const struct servconf_kwtype servconf_t_acceptenv;
extern const struct servconf_kwtype servconf_t_setenv;
extern const struct servconf_kwtype servconf_t_userenv;
extern const struct servconf_kwtype servconf_t_restline;
int	servconf_rest_of_line(const struct servconf_lctx *lc, const char **sp,
	    size_t *lenp) PC_WUR;
extern const struct servconf_kwtype servconf_t_subsystem;
extern const struct servconf_kwtype servconf_t_permits;
extern const struct servconf_kwtype servconf_t_octal;
extern const struct servconf_kwtype servconf_t_tcpwrappers;
extern const struct servconf_kwtype servconf_t_wrapfile;	/* absolute */
/* Their defaults (part of servconf_fill_defaults). */
void	servconf_kw_fill_session(struct server_config *cfg);
/* XAuthLocation and the TCPWrappers keywords' defaults: before
 * servconf_kw_fill_auth, whose servconf_kw_clear_none makes an
 * "XAuthLocation none" NULL. */
int	servconf_kw_fill_fwd(struct server_config *cfg) PC_WUR;

/* servconf_srclimit.c: PerSourcePenalties, PerSourcePenaltyExemptList,
 * PerSourceNetBlockSize, PerSourceMaxStartups. */
extern const struct servconf_kwtype servconf_t_penalties;
extern const struct servconf_kwtype servconf_t_penalty_exempt;
extern const struct servconf_kwtype servconf_t_netblock;
extern const struct servconf_kwtype servconf_t_persource_startups;
void	servconf_srclimit_init(struct server_config *cfg);
void	servconf_kw_fill_srclimit(struct server_config *cfg);

/* servconf_kw.c: the table. */
extern const struct servconf_kw servconf_keywords[];
extern const size_t servconf_nkeywords;

/* The row for a keyword or one of its aliases (case-insensitive). */
const struct servconf_kw *servconf_kw_find(const char *name);
/* 1 if OpenSSH accepts the keyword as deprecated (ignored, warned). */
int	servconf_kw_deprecated(const char *name);
/* 1 if it is an OpenSSH keyword Portcullis does not implement. */
int	servconf_kw_unsupported(const char *name);
/* Defaults and cross-checks of the authentication keywords and of
 * HostKeyAlgorithms (part of servconf_fill_defaults).  Errors are
 * logged. */
int	servconf_kw_fill_auth(struct server_config *cfg) PC_WUR;
/* "none" to NULL for the KW_NONE keywords (OpenSSH's CLEAR_ON_NONE). */
void	servconf_kw_clear_none(struct server_config *cfg);

#endif /* PC_SERVCONF_INT_H */
