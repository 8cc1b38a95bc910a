/*
 * Parsing of bulk invite files (POLICY.md IN5, RELIABILITY.md 3.3).
 *
 * The parser never gives up on the whole text because of one bad line:
 * every line that is not skipped (blank, '#' comment, CSV header) yields
 * exactly one entry, good or bad, with its 1-based line number, so the
 * caller can choose all-or-nothing or best-effort. Only running out of
 * memory fails the call, and then nothing is left allocated.
 *
 * Formats (doc/DECISIONS.md, "Inviting"):
 *  - TXT: one address per line, surrounding blanks trimmed, blank lines
 *    and lines starting with '#' skipped, "Display Name <addr>" accepted.
 *  - CSV (RFC 4180): ',' separated, or ';' when the header row is; quoted
 *    fields with "" escapes, separators and line breaks inside quotes. A
 *    header is the first non-blank record when one of its fields is
 *    "email", "e-mail" or "email address" (trimmed, any case); the address
 *    is then that column, else column 0. Cells may be "Name <addr>" too.
 * SPDX-License-Identifier: MIT
 */
#include "pws-int.h"
#include "bulk.h"
#include "email.h"

#include <string.h>

/* Longest line (CSV: record) accepted, terminator excluded. Bounds the
 * per-record scratch buffer and the rescan after a runaway quote. */
#define LINE_MAX_BYTES 4096
#define NO_COL SIZE_MAX

/* Reasons reported for bad lines besides those of pws__email_norm(). */
static const char R_LONG[] = "line longer than 4096 bytes";
static const char R_NUL[] = "NUL byte in line";
static const char R_ANGLE[] = "malformed \"Name <address>\"";
static const char R_DUP[] = "duplicate address";
static const char R_NOCOL[] = "missing email column";
static const char R_UNTERM[] = "unterminated quote";
static const char R_QLONG[] = "unterminated quote or quoted field longer than 4096 bytes";
static const char R_AFTERQ[] = "text after closing quote";

/* ---- the text cursor ---------------------------------------------------- */

/* Counts lines as editors do: LF, CRLF and a lone CR each end one line. */
typedef struct cursor {
	const char *p;
	size_t len, pos;
	uint32_t line;      /* 1-based number of the line at pos */
} cursor;

static int is_eol(char c)
{
	return c == '\r' || c == '\n';
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void next_line_no(cursor *c)
{
	if (c->line < UINT32_MAX) /* GCOVR_EXCL_BR_LINE: saturates (4e9 lines) rather than wrap to 0 */
		c->line++;
}

/* Consumes one line terminator at pos, if there is one. */
static void eat_eol(cursor *c)
{
	if (c->pos >= c->len || !is_eol(c->p[c->pos]))
		return;
	if (c->p[c->pos++] == '\r' && c->pos < c->len && c->p[c->pos] == '\n')
		c->pos++;
	next_line_no(c);
}

/* Moves to the start of the line after the one holding pos. */
static void skip_line(cursor *c)
{
	while (c->pos < c->len && !is_eol(c->p[c->pos]))
		c->pos++;
	eat_eol(c);
}

static void cursor_init(cursor *c, const char *text, size_t len)
{
	c->p = text;
	c->len = len;
	c->pos = 0;
	c->line = 1;
	/* Excel and Notepad write a UTF-8 BOM; it is not part of line 1. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		c->pos = 3;
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_blank((*s)[*n - 1]))
		(*n)--;
}

/* ---- the entry list ----------------------------------------------------- */

static int grow(const pws__mem *m, pws__bulk_list *l)
{
	size_t cap = l->cap ? l->cap * 2 : 16;
	pws__bulk_entry *v;

	if (l->n < l->cap)
		return PWS_OK;
	if (cap < l->cap || cap > SIZE_MAX / sizeof *v) /* GCOVR_EXCL_BR_LINE: SIZE_MAX/32 entries */
		return PWS_ENOMEM;
	v = pws__realloc(m, l->v, cap * sizeof *v);
	if (!v)
		return PWS_ENOMEM; /* l->v is still valid and still ours */
	l->v = v;
	l->cap = cap;
	return PWS_OK;
}

static int push_bad(const pws__mem *m, pws__bulk_list *l, uint32_t line,
                    const char *why)
{
	pws__bulk_entry *e;

	if (grow(m, l) != PWS_OK)
		return PWS_ENOMEM;
	e = &l->v[l->n++];
	e->line = line;
	e->code = PWS_EINVALID;
	e->email = NULL;
	e->error = why;
	return PWS_OK;
}

static int push_addr(const pws__mem *m, pws__bulk_list *l, uint32_t line,
                     const char *s, size_t n)
{
	char norm[PWS__EMAIL_MAX + 1];
	const char *why = "invalid address";
	pws__bulk_entry *e;
	char *copy;

	if (pws__email_key(norm, s, n, &why) != PWS_OK)
		return push_bad(m, l, line, why);
	/* Room first, then the copy: a failure leaves nothing dangling. */
	if (grow(m, l) != PWS_OK)
		return PWS_ENOMEM;
	copy = pws__strdup(m, norm);
	if (!copy)
		return PWS_ENOMEM;
	e = &l->v[l->n++];
	e->line = line;
	e->code = PWS_OK;
	e->email = copy;
	e->error = NULL;
	return PWS_OK;
}

/* Takes the address out of "Display Name <addr>" (or "<addr>"); a cell
 * without angle brackets is the address itself. The form must end with
 * the '>' and hold one '<' and one '>', so "a <b> c" and "<a> <b>" are
 * refused instead of guessed at. */
static const char *unwrap_angle(const char **s, size_t *n)
{
	const char *lt = memchr(*s, '<', *n), *gt = memchr(*s, '>', *n);

	if (!lt && !gt)
		return NULL;
	if (!lt || !gt || gt < lt || gt != *s + *n - 1 ||
	    memchr(lt + 1, '<', (size_t)(gt - lt - 1)))
		return R_ANGLE;
	*s = lt + 1;
	*n = (size_t)(gt - lt - 1);
	trim(s, n);
	return NULL;
}

/* One address cell of either format, already trimmed. */
static int push_cell(const pws__mem *m, pws__bulk_list *l, uint32_t line,
                     const char *s, size_t n)
{
	const char *why = unwrap_angle(&s, &n);

	if (why)
		return push_bad(m, l, line, why);
	return push_addr(m, l, line, s, n);
}

/* ---- TXT ---------------------------------------------------------------- */

static int txt_line(const pws__mem *m, pws__bulk_list *l, uint32_t line,
                    const char *s, size_t n)
{
	if (n > LINE_MAX_BYTES)
		return push_bad(m, l, line, R_LONG);
	/* Checked before trimming and comment skipping: a NUL anywhere means
	 * the file is not the text it claims to be. */
	if (memchr(s, '\0', n))
		return push_bad(m, l, line, R_NUL);
	trim(&s, &n);
	if (n == 0 || s[0] == '#')
		return PWS_OK;
	return push_cell(m, l, line, s, n);
}

static int parse_txt(const pws__mem *m, cursor *c, pws__bulk_list *l)
{
	int rc;

	while (c->pos < c->len) {
		size_t start = c->pos;
		uint32_t line = c->line;

		while (c->pos < c->len && !is_eol(c->p[c->pos]))
			c->pos++;
		rc = txt_line(m, l, line, c->p + start, c->pos - start);
		if (rc != PWS_OK)
			return rc;
		eat_eol(c);
	}
	return PWS_OK;
}

/* ---- CSV ---------------------------------------------------------------- */

enum csv_state { F_START, F_PLAIN, F_QUOTED, F_AFTER_QUOTE };

/* One CSV record as read: only the wanted column's text is kept. */
typedef struct csv_rec {
	uint32_t line;          /* where the record starts */
	const char *why;        /* NULL, or why the record is bad */
	size_t want;            /* column to keep in cell */
	int find_header;        /* look for a header field name */
	size_t nfields;
	size_t header_col;      /* first field naming the email column, or NO_COL */
	int have;               /* the wanted column exists */
	int nonblank;           /* some field holds a non-blank byte */
	char cell[LINE_MAX_BYTES + 1];
	size_t cell_len;
	char name[32];          /* current field, for header detection */
	size_t name_len;
	int name_over;          /* the field is too long to be a header name */
} csv_rec;

static void rec_bad(csv_rec *r, const char *why)
{
	if (!r->why) /* the first problem is the one worth reporting */
		r->why = why;
}

static void field_put(csv_rec *r, char ch)
{
	if (!is_blank(ch))
		r->nonblank = 1;
	if (ch == '\0')
		rec_bad(r, R_NUL);
	/* The record cap keeps cell_len within the buffer; the test is the
	 * buffer's own guard. */
	if (r->nfields == r->want && r->cell_len < LINE_MAX_BYTES) /* GCOVR_EXCL_BR_LINE: see above */
		r->cell[r->cell_len++] = ch;
	if (r->find_header) {
		if (r->name_len < sizeof r->name)
			r->name[r->name_len++] = ch;
		else
			r->name_over = 1;
	}
}

static int is_header_name(const char *s, size_t n)
{
	static const char *const names[] = { "email", "e-mail", "email address" };
	size_t i, k;

	trim(&s, &n);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strlen(names[i]) != n)
			continue;
		for (k = 0; k < n; k++) {
			char ch = s[k];

			if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch - 'A' + 'a');
			if (ch != names[i][k])
				break;
		}
		if (k == n)
			return 1;
	}
	return 0;
}

static void field_end(csv_rec *r)
{
	if (r->find_header && r->header_col == NO_COL && !r->name_over &&
	    is_header_name(r->name, r->name_len))
		r->header_col = r->nfields;
	if (r->nfields == r->want)
		r->have = 1;
	r->nfields++;
	r->name_len = 0;
	r->name_over = 0;
}

static void rec_reset(csv_rec *r, uint32_t line, size_t want, int find_header)
{
	r->line = line;
	r->why = NULL;
	r->want = want;
	r->find_header = find_header;
	r->nfields = 0;
	r->header_col = NO_COL;
	r->have = 0;
	r->nonblank = 0;
	r->cell_len = 0;
	r->name_len = 0;
	r->name_over = 0;
}

/* A quote left open swallows the rest of the record's bytes; rather than
 * lose every later line to it, the record is bad and reading resumes on
 * the line after the one it started on. */
static void csv_resync(cursor *c, csv_rec *r, size_t start, const char *why)
{
	rec_bad(r, why);
	c->pos = start;
	c->line = r->line;
	skip_line(c);
}

/* Handles one byte inside a quoted field; returns the new state. */
static enum csv_state csv_quoted(cursor *c, csv_rec *r)
{
	char ch = c->p[c->pos++];

	if (ch == '"') {
		if (c->pos < c->len && c->p[c->pos] == '"') {
			c->pos++;
			field_put(r, '"');
			return F_QUOTED;
		}
		return F_AFTER_QUOTE;
	}
	field_put(r, ch);
	if (ch == '\n' || (ch == '\r' && (c->pos >= c->len || c->p[c->pos] != '\n')))
		next_line_no(c); /* a line break inside quotes is still a line */
	return F_QUOTED;
}

/* Handles one byte outside quotes (not a terminator, not the separator). */
static enum csv_state csv_unquoted(cursor *c, csv_rec *r, enum csv_state st)
{
	char ch = c->p[c->pos++];

	if (st == F_START && ch == '"')
		return F_QUOTED;
	if (st == F_START && is_blank(ch))
		return F_START; /* leading blanks: the cell is trimmed anyway */
	if (st == F_AFTER_QUOTE) {
		if (is_blank(ch))
			return F_AFTER_QUOTE;
		rec_bad(r, R_AFTERQ);
	}
	/* A '"' inside an unquoted field is kept as text; the address
	 * check refuses it if it lands in the email column. */
	field_put(r, ch);
	return F_PLAIN;
}

/* Reads one record (to its terminator, which it consumes). */
static void csv_read(cursor *c, char sep, csv_rec *r)
{
	size_t start = c->pos;
	enum csv_state st = F_START;

	for (;;) {
		if (c->pos >= c->len) {
			if (st == F_QUOTED)
				csv_resync(c, r, start, R_UNTERM);
			else
				field_end(r);
			return;
		}
		if (st != F_QUOTED && is_eol(c->p[c->pos])) {
			field_end(r);
			eat_eol(c);
			return;
		}
		if (c->pos - start >= LINE_MAX_BYTES) {
			if (st == F_QUOTED) {
				csv_resync(c, r, start, R_QLONG);
			} else {
				rec_bad(r, R_LONG);
				skip_line(c);
			}
			return;
		}
		if (st == F_QUOTED) {
			st = csv_quoted(c, r);
		} else if (c->p[c->pos] == sep) {
			c->pos++;
			field_end(r);
			st = F_START;
		} else {
			st = csv_unquoted(c, r, st);
		}
	}
}

/* Finds the header, if any: the first non-blank record, read with ','
 * and then with ';'. Without one, the cursor is left on that record and
 * the address is column 0 of ','-separated records: guessing ';' from
 * data alone could split "a@x.com;b@y.com" and silently drop b. */
static void csv_header(cursor *c, csv_rec *r, char *sep, size_t *col)
{
	cursor first;

	*sep = ',';
	*col = 0;
	do {
		first = *c;
		if (c->pos >= c->len)
			return;
		rec_reset(r, c->line, NO_COL, 1);
		csv_read(c, ',', r);
	} while (!r->why && !r->nonblank);
	if (!r->why && r->header_col != NO_COL) {
		*col = r->header_col;
		return;
	}
	*c = first;
	rec_reset(r, c->line, NO_COL, 1);
	csv_read(c, ';', r);
	if (!r->why && r->header_col != NO_COL) {
		*sep = ';';
		*col = r->header_col;
		return;
	}
	*c = first;
}

static int csv_record(const pws__mem *m, pws__bulk_list *l, const csv_rec *r)
{
	const char *s = r->cell;
	size_t n = r->cell_len;

	if (r->why)
		return push_bad(m, l, r->line, r->why);
	if (!r->nonblank) /* blank line, or only separators */
		return PWS_OK;
	if (!r->have)
		return push_bad(m, l, r->line, R_NOCOL);
	trim(&s, &n);
	return push_cell(m, l, r->line, s, n);
}

static int parse_csv(const pws__mem *m, cursor *c, pws__bulk_list *l)
{
	csv_rec r;
	char sep;
	size_t col;
	int rc;

	csv_header(c, &r, &sep, &col);
	while (c->pos < c->len) {
		rec_reset(&r, c->line, col, 0);
		csv_read(c, sep, &r);
		rc = csv_record(m, l, &r);
		if (rc != PWS_OK)
			return rc;
	}
	return PWS_OK;
}

/* ---- duplicates --------------------------------------------------------- */

/* Addresses differing only in case are duplicates (RELIABILITY 3.2:
 * deduplicate on the lowercased address). The entries hold identity keys
 * (pws__email_key): domain and local part are lowercase already, so a
 * plain byte comparison is the case-insensitive one. */
static int addr_cmp(const char *a, const char *b)
{
	return strcmp(a, b);
}

/* Orders entry indices by address, then by position, so the first of a
 * run of equal addresses is the earliest line. */
static int idx_less(const pws__bulk_entry *v, size_t a, size_t b)
{
	int d = addr_cmp(v[a].email, v[b].email);

	return d < 0 || (d == 0 && a < b);
}

static void merge(const pws__bulk_entry *v, const size_t *src, size_t *dst,
                  size_t lo, size_t mid, size_t hi)
{
	size_t i = lo, j = mid, k = lo;

	while (i < mid && j < hi)
		dst[k++] = idx_less(v, src[j], src[i]) ? src[j++] : src[i++];
	while (i < mid)
		dst[k++] = src[i++];
	while (j < hi)
		dst[k++] = src[j++];
}

/* Bottom-up merge sort: O(n log n) in the worst case, unlike a hash table
 * an attacker could flood, and unlike qsort() it allocates only through
 * the host's allocator. Returns the array holding the sorted indices. */
static size_t *sort_idx(const pws__bulk_entry *v, size_t *a, size_t *b, size_t n)
{
	size_t width, lo, *t;

	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = mid + width < n ? mid + width : n;

			merge(v, a, b, lo, mid, hi);
		}
		t = a;
		a = b;
		b = t;
	}
	return a;
}

static void mark_dup(const pws__mem *m, pws__bulk_entry *e)
{
	pws__free(m, e->email);
	e->email = NULL;
	e->code = PWS_EINVALID;
	e->error = R_DUP;
}

static int dedupe(const pws__mem *m, pws__bulk_list *l)
{
	size_t i, n = 0, head, *a, *b, *sorted;

	for (i = 0; i < l->n; i++)
		n += l->v[i].code == PWS_OK;
	if (n < 2)
		return PWS_OK;
	a = pws__calloc(m, n, sizeof *a);
	b = a ? pws__calloc(m, n, sizeof *b) : NULL;
	if (!b) {
		pws__free(m, a);
		return PWS_ENOMEM;
	}
	for (i = 0, n = 0; i < l->n; i++)
		if (l->v[i].code == PWS_OK)
			a[n++] = i;
	sorted = sort_idx(l->v, a, b, n);
	/* The head of each run is never freed, so it stays comparable. */
	for (head = 0, i = 1; i < n; i++) {
		if (addr_cmp(l->v[sorted[head]].email, l->v[sorted[i]].email) == 0)
			mark_dup(m, &l->v[sorted[i]]);
		else
			head = i;
	}
	pws__free(m, a);
	pws__free(m, b);
	return PWS_OK;
}

/* ---- entry points ------------------------------------------------------- */

int pws__bulk_parse(const pws__mem *m, const char *text, size_t len, int format,
                    pws__bulk_list *out)
{
	pws__bulk_list l = { NULL, 0, 0 };
	cursor c;
	int rc;

	if (!out)
		return PWS_EINVALID;
	*out = l;
	if (!m || (!text && len) ||
	    (format != PWS_BULK_TXT && format != PWS_BULK_CSV))
		return PWS_EINVALID;
	cursor_init(&c, text, len);
	rc = format == PWS_BULK_TXT ? parse_txt(m, &c, &l) : parse_csv(m, &c, &l);
	if (rc == PWS_OK)
		rc = dedupe(m, &l);
	if (rc != PWS_OK) {
		pws__bulk_list_free(m, &l);
		return rc;
	}
	*out = l;
	return PWS_OK;
}

void pws__bulk_list_free(const pws__mem *m, pws__bulk_list *l)
{
	size_t i;

	/* Without the allocator nothing can be freed; keeping the pointers
	 * at least lets a leak checker see them. */
	if (!l || !m)
		return;
	for (i = 0; i < l->n; i++)
		pws__free(m, l->v[i].email);
	pws__free(m, l->v);
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}
