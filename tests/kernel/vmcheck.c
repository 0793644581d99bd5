// SPDX-License-Identifier: GPL-2.0
/*
 * vmcheck: the guest's small toolbox, built static so that it runs in the QEMU
 * initramfs next to busybox.
 *
 *   vmcheck json FILE      FILE must hold exactly one strict JSON object; prints its
 *                          top-level scalar members as key=value lines
 *   vmcheck scan           counts processes by state from /proc/[pid]/stat, the way
 *                          the agent's procfs fallback does; prints key=value lines
 *   vmcheck bench N FILE   reads FILE N times; prints ns per read
 *   vmcheck bench N scan   runs the /proc scan N times; prints ns per scan
 *   vmcheck hold N         forks N sleeping children and waits (they die with it)
 *   vmcheck zombie         forks a child that exits and is never reaped, then waits
 *   vmcheck named NAME spin|sleep
 *                          takes NAME as its command name (prctl, what /proc/<pid>/stat
 *                          and the module show) and spins on the CPU or sleeps
 *
 * Exit status 0 on success, 1 on a check that failed, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

/* ---- reading a whole file (proc files report size 0, so read until EOF) ---- */

static char *read_all(const char *path, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *bigger = realloc(buf, cap * 2 + 1);

			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r < 0) {
				free(buf);
				close(fd);
				return NULL;
			}
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* ---- a strict JSON parser (RFC 8259) that reports the first error ---- */

struct parser {
	const char *s;
	size_t pos, len;
	int depth;
	const char *error;
	FILE *members; /* key=value of the outer object's scalars, printed on success */
};

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos])
		p->pos++;
}

static int fail(struct parser *p, const char *what)
{
	if (!p->error)
		p->error = what;
	return 0;
}

static int parse_value(struct parser *p);

static int parse_string(struct parser *p)
{
	if (p->pos >= p->len || p->s[p->pos] != '"')
		return fail(p, "expected a string");
	p->pos++;
	while (p->pos < p->len) {
		unsigned char c = (unsigned char)p->s[p->pos++];

		if (c == '"')
			return 1;
		if (c < 0x20)
			return fail(p, "control character in a string");
		if (c == '\\') {
			if (p->pos >= p->len)
				break;
			c = (unsigned char)p->s[p->pos++];
			if (c == 'u') {
				for (int i = 0; i < 4; i++, p->pos++)
					if (p->pos >= p->len ||
					    !isxdigit((unsigned char)p->s[p->pos]))
						return fail(p, "bad \\u escape");
			} else if (!strchr("\"\\/bfnrt", c) || !c) {
				return fail(p, "bad escape");
			}
		}
	}
	return fail(p, "unterminated string");
}

static int parse_number(struct parser *p)
{
	size_t start = p->pos;

	if (p->pos < p->len && p->s[p->pos] == '-')
		p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '0') {
		p->pos++;
	} else if (p->pos < p->len && isdigit((unsigned char)p->s[p->pos])) {
		while (p->pos < p->len && isdigit((unsigned char)p->s[p->pos]))
			p->pos++;
	} else {
		return fail(p, "bad number");
	}
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (p->pos >= p->len || !isdigit((unsigned char)p->s[p->pos]))
			return fail(p, "bad fraction");
		while (p->pos < p->len && isdigit((unsigned char)p->s[p->pos]))
			p->pos++;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (p->pos >= p->len || !isdigit((unsigned char)p->s[p->pos]))
			return fail(p, "bad exponent");
		while (p->pos < p->len && isdigit((unsigned char)p->s[p->pos]))
			p->pos++;
	}
	return p->pos > start;
}

static int parse_literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || strncmp(p->s + p->pos, word, n) != 0)
		return fail(p, "unexpected character");
	p->pos += n;
	return 1;
}

static int parse_container(struct parser *p, char open, char close)
{
	int is_object = open == '{', top = p->depth == 0;

	if (++p->depth > 64)
		return fail(p, "nested too deeply");
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		p->depth--;
		return 1;
	}
	for (;;) {
		size_t key_start = 0, key_end = 0, value_start;

		skip_ws(p);
		if (is_object) {
			key_start = p->pos;
			if (!parse_string(p))
				return 0;
			key_end = p->pos;
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':')
				return fail(p, "expected ':'");
			p->pos++;
			skip_ws(p);
		}
		value_start = p->pos;
		if (!parse_value(p))
			return 0;
		if (top && is_object && p->members && !strchr("{[", p->s[value_start])) {
			const char *v = p->s + value_start;
			size_t vl = p->pos - value_start;

			if (*v == '"') {
				v++;
				vl -= 2;
			}
			fprintf(p->members, "%.*s=%.*s\n", (int)(key_end - key_start - 2),
				p->s + key_start + 1, (int)vl, v);
		}
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			p->depth--;
			return 1;
		}
		return fail(p, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
	return 0;
}

static int parse_value(struct parser *p)
{
	skip_ws(p);
	if (p->pos >= p->len)
		return fail(p, "unexpected end");
	switch (p->s[p->pos]) {
	case '{':
		return parse_container(p, '{', '}');
	case '[':
		return parse_container(p, '[', ']');
	case '"':
		return parse_string(p);
	case 't':
		return parse_literal(p, "true");
	case 'f':
		return parse_literal(p, "false");
	case 'n':
		return parse_literal(p, "null");
	default:
		return parse_number(p);
	}
}

static int cmd_json(const char *path)
{
	size_t len = 0;
	char *text = read_all(path, &len);
	char *members = NULL;
	size_t members_len = 0;
	struct parser p = {.s = text, .len = len};

	if (!text) {
		fprintf(stderr, "vmcheck: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (strlen(text) != len) {
		fprintf(stderr, "vmcheck: %s: NUL byte in the file\n", path);
		free(text);
		return 1;
	}
	p.members = open_memstream(&members, &members_len);
	if (!p.members) {
		free(text);
		return 1;
	}
	skip_ws(&p);
	if (p.pos >= p.len || p.s[p.pos] != '{')
		fail(&p, "not a JSON object");
	else if (parse_value(&p)) {
		skip_ws(&p);
		if (p.pos != p.len)
			fail(&p, "text after the object");
	}
	fclose(p.members);
	free(text);
	if (p.error) {
		fprintf(stderr, "vmcheck: %s: invalid JSON at byte %zu: %s\n", path, p.pos,
			p.error);
		free(members);
		return 1;
	}
	fputs(members, stdout);
	free(members);
	return 0;
}

/* ---- the procfs scan (what the agent does without the modules) ---- */

struct counts {
	long corriendo, durmiendo, zombie, parados, total;
};

static int scan_proc(struct counts *c)
{
	DIR *dir = opendir("/proc");
	struct dirent *e;
	char path[300], buf[512];

	memset(c, 0, sizeof(*c));
	if (!dir)
		return -1;
	while ((e = readdir(dir))) {
		const char *close_paren;
		ssize_t n;
		int fd;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue; /* exited between readdir and open */
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* The command name may hold ')' itself: the state follows the last one. */
		close_paren = strrchr(buf, ')');
		if (!close_paren || close_paren[1] != ' ')
			continue;
		switch (close_paren[2]) {
		case 'R':
			c->corriendo++;
			break;
		case 'S':
		case 'D':
		case 'I':
			c->durmiendo++;
			break;
		case 'Z':
			c->zombie++;
			break;
		case 'T':
		case 't':
			c->parados++;
			break;
		default:
			break;
		}
		c->total++;
	}
	closedir(dir);
	return 0;
}

static int cmd_scan(void)
{
	struct counts c;

	if (scan_proc(&c) != 0) {
		fprintf(stderr, "vmcheck: cannot open /proc: %s\n", strerror(errno));
		return 1;
	}
	printf("procesos_corriendo=%ld\ntotal_procesos=%ld\nprocesos_durmiendo=%ld\n"
	       "procesos_zombie=%ld\nprocesos_parados=%ld\n",
	       c.corriendo, c.total, c.durmiendo, c.zombie, c.parados);
	return 0;
}

/* ---- timing ---- */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmd_bench(long n, const char *what)
{
	double start = now_ns();
	int is_scan = strcmp(what, "scan") == 0;

	for (long i = 0; i < n; i++) {
		if (is_scan) {
			struct counts c;

			if (scan_proc(&c) != 0)
				return 1;
		} else {
			size_t len;
			char *text = read_all(what, &len);

			if (!text) {
				fprintf(stderr, "vmcheck: cannot read %s\n", what);
				return 1;
			}
			free(text);
		}
	}
	printf("ns_per_op=%.0f\n", (now_ns() - start) / (double)n);
	return 0;
}

/* ---- processes made on purpose ---- */

static int cmd_hold(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "vmcheck: fork %ld: %s\n", i, strerror(errno));
			return 1;
		}
		if (pid == 0) {
			/* Die with the parent, so that killing it cleans up all of them. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() == 1)
				_exit(0);
			for (;;)
				pause();
		}
	}
	printf("held %ld\n", n);
	fflush(stdout);
	for (;;)
		pause();
}

static int cmd_zombie(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return 1;
	if (pid == 0)
		_exit(0);
	/* Never wait(): the child stays a zombie while this process lives. */
	printf("zombie %d\n", (int)pid);
	fflush(stdout);
	for (;;)
		pause();
}

static int cmd_named(const char *name, const char *what)
{
	int spin = strcmp(what, "spin") == 0;

	if (!spin && strcmp(what, "sleep") != 0)
		return 2;
	if (prctl(PR_SET_NAME, name) != 0) {
		fprintf(stderr, "vmcheck: PR_SET_NAME: %s\n", strerror(errno));
		return 1;
	}
	printf("named %d\n", (int)getpid());
	fflush(stdout);
	if (spin) {
		volatile unsigned long n = 0;

		for (;;)
			n++;
	}
	for (;;)
		pause();
}

static int usage(void)
{
	fprintf(stderr, "usage: vmcheck json FILE | scan | bench N FILE|scan | hold N | zombie"
			" | named NAME spin|sleep\n");
	return 2;
}

static long count_arg(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	return (*s && !*end && n > 0 && n <= 100000) ? n : -1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "json") == 0)
		return cmd_json(argv[2]);
	if (argc == 2 && strcmp(argv[1], "scan") == 0)
		return cmd_scan();
	if (argc == 4 && strcmp(argv[1], "bench") == 0 && count_arg(argv[2]) > 0)
		return cmd_bench(count_arg(argv[2]), argv[3]);
	if (argc == 3 && strcmp(argv[1], "hold") == 0 && count_arg(argv[2]) > 0)
		return cmd_hold(count_arg(argv[2]));
	if (argc == 2 && strcmp(argv[1], "zombie") == 0)
		return cmd_zombie();
	if (argc == 4 && strcmp(argv[1], "named") == 0)
		return cmd_named(argv[2], argv[3]);
	return usage();
}
