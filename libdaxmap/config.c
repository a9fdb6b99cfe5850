// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The declarative configuration: DIR/daxmap.conf, then DIR/daxmap.conf.d/
 * *.conf in name order, INI files (parsed with libinih) whose
 * [namespace NAME] sections name the namespaces a host should have and
 * whose [device NAME] sections the dax devices it should have on dynamic
 * dax regions (soft-reserved memory, CXL). A name names one section of
 * either kind: the checks and the records are looked up by it.
 *
 * All or nothing: the first mistake (a syntax error, an unknown section or
 * key, a bad value, a section given twice, a key missing) rejects the whole
 * configuration with one message naming the file, the line and the key,
 * so that a caller keeps acting on the last good one.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "checks.h"

#define SECTION_PREFIX "namespace "
#define DEVICE_PREFIX "device "

struct daxmap_config_namespace {
	struct daxmap_config_namespace *next;
	char *name;
	char *file;
	int line;		/* of the [namespace NAME] line */
	char *region;
	int numa_node;		/* -1: any */
	uint64_t size;
	unsigned int percent;
	uint64_t align;
	enum daxmap_mode mode;	/* UNKNOWN: devdax */
	enum daxmap_map map;
	bool recreate;
	unsigned int keys_seen;	/* 1 << index in config_keys, for repeats */
};

/* The keys of a [namespace NAME] section. */
static const char *const config_keys[] = {
	"region", "numa_node", "size", "percent", "align", "mode", "map",
	"recreate",
};

struct daxmap_config {
	int refcount;
	char *dir;
	char **files;		/* NULL-terminated */
	struct daxmap_config_namespace *namespaces;
	struct daxmap_config_device *devices;
	/* [daxmap]: settings of the host rather than of a namespace. */
	int measure;		/* -1 not said, else 0 or 1 */
	char *measure_at;	/* "file:line" where it was said */
};

/* What the parse of one file needs to know as it goes. */
struct parse {
	const char *file;
	FILE *f;
	int line;			/* counted by read_line() */
	/* The section being read, NULL in none or an ignored one. */
	struct daxmap_config_namespace *current;
	struct daxmap_config_namespace **tail;
	struct daxmap_config_device *current_device;
	struct daxmap_config_device **device_tail;
	bool in_daxmap;			/* in the [daxmap] section */
	struct daxmap_config *config;
	char *error;			/* the first mistake, "file:line: ..." */
	int error_line;
};

static void namespace_free(struct daxmap_config_namespace *n)
{
	free(n->name);
	free(n->file);
	free(n->region);
	free(n);
}

static void device_free(struct daxmap_config_device *d)
{
	free(d->name);
	free(d->file);
	free(d->region);
	free(d->provider);
	free(d);
}

static void config_free(struct daxmap_config *c)
{
	while (c->devices) {
		struct daxmap_config_device *next = c->devices->next;

		device_free(c->devices);
		c->devices = next;
	}
	while (c->namespaces) {
		struct daxmap_config_namespace *next = c->namespaces->next;

		namespace_free(c->namespaces);
		c->namespaces = next;
	}
	daxmap_strv_free(c->files);
	free(c->dir);
	free(c->measure_at);
	free(c);
}

static int fail(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Keeps the first mistake; returns 0, which tells libinih so. */
static int fail(struct parse *p, const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL;
	va_list args;
	int r;

	if (p->error)
		return 0;
	va_start(args, fmt);
	r = vasprintf(&what, fmt, args);
	va_end(args);
	if (r < 0) {
		what = NULL;
		return 0;
	}
	if (asprintf(&p->error, "%s:%d: %s", p->file, p->line, what) < 0)
		p->error = NULL;
	p->error_line = p->line;
	return 0;
}

static struct daxmap_config_namespace *find(struct daxmap_config *c,
					    const char *name)
{
	struct daxmap_config_namespace *n;

	for (n = c->namespaces; n; n = n->next)
		if (strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

static struct daxmap_config_device *find_device(struct daxmap_config *c,
						const char *name)
{
	struct daxmap_config_device *d;

	for (d = c->devices; d; d = d->next)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

/* Where a section of either kind called @name starts, or NULL. */
static const char *seen_at(struct daxmap_config *c, const char *name,
			   int *ret_line, const char **ret_kind)
{
	struct daxmap_config_namespace *n = find(c, name);
	struct daxmap_config_device *d = find_device(c, name);

	if (n) {
		*ret_line = n->line;
		*ret_kind = "namespace";
		return n->file;
	}
	if (d) {
		*ret_line = d->line;
		*ret_kind = "device";
		return d->file;
	}
	return NULL;
}

/* A [device NAME] header: @name is what follows "device ". */
static int begin_device(struct parse *p, char *name)
{
	_cleanup_free_ char *why = NULL;
	struct daxmap_config_device *d;
	const char *file, *kind;
	int line;

	if (!*name || strchr(name, ' '))
		return fail(p, "[device %s]: the name is one word, the name daxmap records for the device",
			    name);
	if (daxmap_name_check(name, NULL, &why) < 0)
		return fail(p, "[device]: %s", why ? why : "not a name");
	file = seen_at(p->config, name, &line, &kind);
	if (file)
		return fail(p, "[device %s] again: [%s %s] is at %s:%d, and a name names one section",
			    name, kind, name, file, line);
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->name = strdup(name);
	d->file = strdup(p->file);
	d->line = p->line;
	d->numa_node = -1;
	d->memmap_on_memory = -1;
	d->movable = -1;
	*p->device_tail = d;
	p->device_tail = &d->next;
	if (!d->name || !d->file)
		return -ENOMEM;
	p->current_device = d;
	return 0;
}

/*
 * A section header, seen by the line reader: libinih calls the handler
 * only for keys, so a section with none would otherwise go unnoticed.
 */
static int begin_section(struct parse *p, const char *header)
{
	struct daxmap_config_namespace *n, *seen;
	struct daxmap_config_device *dev;
	_cleanup_free_ char *name = NULL, *why = NULL;
	const char *end = strchr(header, ']');

	p->current = NULL;
	p->current_device = NULL;
	p->in_daxmap = false;
	if (!end)
		return 0;	/* libinih reports the syntax error */
	name = strndup(header, (size_t)(end - header));
	if (!name)
		return -ENOMEM;
	if (strcmp(name, "daxmap") == 0) {
		p->in_daxmap = true;
		return 0;
	}
	if (strncmp(name, DEVICE_PREFIX, strlen(DEVICE_PREFIX)) == 0)
		return begin_device(p, name + strlen(DEVICE_PREFIX));
	if (strncmp(name, SECTION_PREFIX, strlen(SECTION_PREFIX)) != 0)
		return fail(p, "unknown section [%s]: sections are [namespace NAME], [device NAME] and [daxmap]",
			    name);
	memmove(name, name + strlen(SECTION_PREFIX),
		strlen(name) - strlen(SECTION_PREFIX) + 1);
	if (!*name || strchr(name, ' '))
		return fail(p, "[namespace %s]: the name is one word, the namespace's label name",
			    name);
	if (daxmap_name_check(name, NULL, &why) < 0)
		return fail(p, "[namespace]: %s", why ? why : "not a name");
	seen = find(p->config, name);
	if (seen)
		return fail(p, "[namespace %s] again: it is first at %s:%d",
			    name, seen->file, seen->line);
	dev = find_device(p->config, name);
	if (dev)
		return fail(p, "[namespace %s] again: [device %s] is at %s:%d, and a name names one section",
			    name, name, dev->file, dev->line);

	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->name = TAKE_PTR(name);
	n->file = strdup(p->file);
	n->line = p->line;
	n->numa_node = -1;
	*p->tail = n;
	p->tail = &n->next;
	if (!n->file)
		return -ENOMEM;
	p->current = n;
	return 0;
}

/*
 * libinih's reader: fgets, counting lines and noticing section headers. A
 * line longer than libinih's buffer is refused: libinih would take its
 * tail for a line of its own, so a comment could hide a section.
 */
static char *read_line(char *buf, int size, void *userdata)
{
	struct parse *p = userdata;
	size_t len;
	const char *s;
	int c;

	if (!fgets(buf, size, p->f))
		return NULL;
	p->line++;
	len = strlen(buf);
	if (len == (size_t)size - 1 && buf[len - 1] != '\n' &&
	    (c = getc(p->f)) != EOF) {
		ungetc(c, p->f);
		fail(p, "line too long: a line holds at most %d characters",
		     size - 2);
		/* The rest of it, then nothing more: the file is refused. */
		while ((c = getc(p->f)) != EOF && c != '\n')
			;
		buf[0] = '\0';
		return buf;
	}
	s = buf + strspn(buf, " \t");
	if (*s == '[' && begin_section(p, s + 1) < 0)
		fail(p, "out of memory");
	return buf;
}

static int parse_bool(const char *v, bool *ret)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
	    !strcmp(v, "1") || !strcasecmp(v, "on"))
		*ret = true;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
		 !strcmp(v, "0") || !strcasecmp(v, "off"))
		*ret = false;
	else
		return -EINVAL;
	return 0;
}

/*
 * The values [namespace] and [device] sections share, each parsed and
 * range-checked in one place; like fail(), they return 1 when the value
 * is taken, 0 when it is refused.
 */
static int parse_numa_node(struct parse *p, const char *value, int *ret)
{
	char *end;
	long l;

	l = strtol(value, &end, 10);
	if (end == value || *end || l < 0 || l > 65535)
		return fail(p, "numa_node: '%s' is not a NUMA node number",
			    value);
	*ret = (int)l;
	return 1;
}

static int parse_size_key(struct parse *p, const char *value, uint64_t *ret)
{
	const char *why;

	if (daxmap_parse_size(value, ret, &why) < 0)
		return fail(p, "size: '%s': %s; use bytes or a number with a K, M, G or T suffix (64G)",
			    value, why);
	return 1;
}

/* @of says what it is a percentage of, for the message. */
static int parse_percent(struct parse *p, const char *value, const char *of,
			 unsigned int *ret)
{
	char *end;
	long l;

	l = strtol(value, &end, 10);
	if (end == value || (*end && strcmp(end, "%")) || l < 1 || l > 100)
		return fail(p, "percent: '%s': a whole number from 1 to 100 (of %s)",
			    value, of);
	*ret = (unsigned int)l;
	return 1;
}

static int parse_align(struct parse *p, const char *value, uint64_t *ret)
{
	const char *why;
	uint64_t a = 0;

	if (daxmap_parse_size(value, &a, &why) < 0 ||
	    !daxmap_align_is_valid(a))
		return fail(p, "align: '%s': one of %s", value,
			    daxmap_align_list());
	*ret = a;
	return 1;
}

static int set_key(struct parse *p, struct daxmap_config_namespace *n,
		   const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(config_keys); i++)
		if (!strcmp(key, config_keys[i]))
			break;
	if (i < ARRAY_SIZE(config_keys)) {
		if (n->keys_seen & (1u << i))
			return fail(p, "%s again in [namespace %s]: a key is given once",
				    key, n->name);
		n->keys_seen |= 1u << i;
	}

	if (!strcmp(key, "region")) {
		if (!*value)
			return fail(p, "region: empty; name a region (region0)");
		free(n->region);
		n->region = strdup(value);
		return n->region ? 1 : fail(p, "out of memory");
	}
	if (!strcmp(key, "numa_node"))
		return parse_numa_node(p, value, &n->numa_node);
	if (!strcmp(key, "size"))
		return parse_size_key(p, value, &n->size);
	if (!strcmp(key, "percent"))
		return parse_percent(p, value, "the region's largest free extent", &n->percent);
	if (!strcmp(key, "align"))
		return parse_align(p, value, &n->align);
	if (!strcmp(key, "mode")) {
		if (daxmap_mode_from_name(value, &n->mode) < 0 ||
		    !daxmap_mode_create_takes(n->mode))
			return fail(p, "mode: '%s': " DAXMAP_CREATE_MODES, value);
		return 1;
	}
	if (!strcmp(key, "map")) {
		if (daxmap_map_from_name(value, &n->map) < 0)
			return fail(p, "map: '%s': mem (the memmap in RAM) or dev (on the device)",
				    value);
		return 1;
	}
	if (!strcmp(key, "recreate")) {
		if (parse_bool(value, &n->recreate) < 0)
			return fail(p, "recreate: '%s': yes or no", value);
		return 1;
	}
	return fail(p, "unknown key '%s': the keys are region, numa_node, size, percent, align, mode, map, recreate",
		    key);
}

/* The keys of a [device NAME] section. */
static const char *const device_keys[] = {
	"region", "provider", "numa_node", "size", "percent", "align", "mode",
	"memmap_on_memory", "movable", "recreate", "replace",
};

static int set_device_key(struct parse *p, struct daxmap_config_device *d,
			  const char *key, const char *value)
{
	bool b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(device_keys); i++)
		if (!strcmp(key, device_keys[i]))
			break;
	if (i == ARRAY_SIZE(device_keys))
		return fail(p, "unknown key '%s': the keys of [device NAME] are region, provider, numa_node, size, percent, align, mode, memmap_on_memory, movable, recreate, replace",
			    key);
	if (d->keys_seen & (1u << i))
		return fail(p, "%s again in [device %s]: a key is given once",
			    key, d->name);
	d->keys_seen |= 1u << i;

	if (!strcmp(key, "region") || !strcmp(key, "provider")) {
		char **to = !strcmp(key, "region") ? &d->region : &d->provider;

		if (!*value || strpbrk(value, " \t"))
			return fail(p, "%s: '%s': one word, %s", key, value,
				    to == &d->region ?
					    "the dax region as daxmapctl status or daxctl list -R names it (hmem.0, or daxctl's id)" :
					    "the dax region's provider as daxmapctl status shows it (hmem, cxl)");
		*to = strdup(value);
		return *to ? 1 : fail(p, "out of memory");
	}
	if (!strcmp(key, "numa_node"))
		return parse_numa_node(p, value, &d->numa_node);
	if (!strcmp(key, "size"))
		return parse_size_key(p, value, &d->size);
	if (!strcmp(key, "percent"))
		return parse_percent(p, value, "the dax region's size", &d->percent);
	if (!strcmp(key, "align"))
		return parse_align(p, value, &d->align);
	if (!strcmp(key, "mode")) {
		if (daxmap_mode_from_name(value, &d->mode) < 0 ||
		    (d->mode != DAXMAP_MODE_DEVDAX &&
		     d->mode != DAXMAP_MODE_SYSTEM_RAM))
			return fail(p, "mode: '%s': devdax or system-ram", value);
		return 1;
	}
	if (parse_bool(value, &b) < 0)
		return fail(p, "%s: '%s': yes or no", key, value);
	if (!strcmp(key, "memmap_on_memory")) {
		d->memmap_on_memory = b;
	} else if (!strcmp(key, "movable")) {
		/*
		 * daxmap onlines system-ram movable only: memory in
		 * ZONE_NORMAL takes unmovable allocations and can then never
		 * be offlined and given back as devdax (reconfigure.c).
		 */
		if (!b)
			return fail(p, "movable: 'no': daxmap onlines system-ram movable only, so that it can be offlined and taken back as devdax; leave the key out or say yes");
		d->movable = b;
	} else if (!strcmp(key, "recreate")) {
		d->recreate = b;
	} else {
		d->replace = b;
	}
	return 1;
}

/* What a [device NAME] section must say, checked once it is read. */
static int check_device_section(struct parse *p, struct daxmap_config_device *d)
{
	_cleanup_free_ char *why = NULL;
	struct daxmap_device_request req = {
		.size = d->size ?: (d->align ?: SZ_2M),
		.align = d->align,
		.name = d->name,
	};

	p->line = d->line;
	if (!d->size && !d->percent)
		return fail(p, "[device %s]: give size or percent (of the dax region's size)",
			    d->name);
	if (d->size && d->percent)
		return fail(p, "[device %s]: size and percent exclude each other",
			    d->name);
	if (d->mode != DAXMAP_MODE_SYSTEM_RAM &&
	    (d->memmap_on_memory >= 0 || d->movable >= 0))
		return fail(p, "[device %s]: %s is about system-ram: it goes with mode = system-ram",
			    d->name, d->memmap_on_memory >= 0 ?
					     "memmap_on_memory" : "movable");
	if (daxmap_device_request_check(&req, NULL, &why) < 0)
		return fail(p, "[device %s]: %s", d->name,
			    why ? why : "not a valid request");
	return 1;
}

/* A key of [daxmap]: once in all the files, as a namespace's keys are. */
static int set_daxmap_key(struct parse *p, const char *key, const char *value)
{
	struct daxmap_config *c = p->config;
	bool on;

	if (strcmp(key, "measure") != 0)
		return fail(p, "unknown key '%s' in [daxmap]: the key is measure",
			    key);
	if (c->measure_at)
		return fail(p, "measure again: it is first at %s", c->measure_at);
	if (parse_bool(value, &on) < 0)
		return fail(p, "measure: '%s': yes or no", value);
	if (asprintf(&c->measure_at, "%s:%d", p->file, p->line) < 0) {
		c->measure_at = NULL;
		return -ENOMEM;
	}
	c->measure = on;
	return 1;
}

static int on_key(void *userdata, const char *section, const char *key,
		  const char *value)
{
	struct parse *p = userdata;

	if (p->error)
		return 0;
	if (!*section)
		return fail(p, "'%s' outside a section: keys go in a [namespace NAME] or [device NAME] section",
			    key);
	if (p->in_daxmap)
		return set_daxmap_key(p, key, value);
	if (p->current_device)
		return set_device_key(p, p->current_device, key, value);
	/* An unknown section was reported where it started. */
	if (!p->current)
		return 0;
	return set_key(p, p->current, key, value);
}

/* What a section must say, checked once it is read. */
static int check_section(struct parse *p, struct daxmap_config_namespace *n)
{
	_cleanup_free_ char *why = NULL;
	struct daxmap_create_request req;

	/* Report it at the section's line. */
	p->line = n->line;
	daxmap_config_namespace_get_request(n, &req);
	if (daxmap_create_request_check(&req, NULL, &why) < 0)
		return fail(p, "[namespace %s]: %s", n->name,
			    why ? why : "not a valid request");
	return 1;
}

static int parse_file(struct daxmap_config *c, const char *file,
		      char **ret_message)
{
	struct daxmap_config_namespace **first_new = NULL, *n;
	struct daxmap_config_device **first_device, *d;
	struct parse p = { .file = file, .config = c };
	_cleanup_fclose_ FILE *f = NULL;
	int r;

	f = fopen(file, "re");
	if (!f)
		return daxmap_set_message(ret_message, -errno,
					  "%s: cannot read it: %s", file,
					  strerror(errno));
	p.f = f;
	for (p.tail = &c->namespaces; *p.tail; p.tail = &(*p.tail)->next)
		;
	first_new = p.tail;
	for (p.device_tail = &c->devices; *p.device_tail;
	     p.device_tail = &(*p.device_tail)->next)
		;
	first_device = p.device_tail;

	r = ini_parse_stream(read_line, &p, on_key, &p);
	if (r == -2)
		return -ENOMEM;
	if (!p.error && r > 0) {
		p.line = r;
		fail(&p, "not a [section], a key = value line or a comment");
	}
	for (n = *first_new; !p.error && n; n = n->next)
		check_section(&p, n);
	for (d = *first_device; !p.error && d; d = d->next)
		check_device_section(&p, d);
	if (p.error) {
		r = daxmap_set_message(ret_message, -EINVAL, "%s", p.error);
		free(p.error);
		return r;
	}
	return 0;
}

static int conf_d_filter(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return d->d_name[0] != '.' && len > 5 &&
	       strcmp(d->d_name + len - 5, ".conf") == 0;
}

/* The files to read, in order: daxmap.conf, then conf.d by name. */
static int list_files(const char *dir, char ***ret)
{
	_cleanup_free_ char *main_file = NULL, *conf_d = NULL;
	struct dirent **entries = NULL;
	char **files;
	size_t n = 0;
	int i, count;

	if (asprintf(&main_file, "%s/daxmap.conf", dir) < 0 ||
	    asprintf(&conf_d, "%s/daxmap.conf.d", dir) < 0)
		return -ENOMEM;
	count = scandir(conf_d, &entries, conf_d_filter, alphasort);
	if (count < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			return -errno;
		count = 0;
	}
	files = calloc((size_t)count + 2, sizeof(*files));
	if (!files)
		goto oom;
	if (access(main_file, F_OK) == 0)
		files[n++] = TAKE_PTR(main_file);
	for (i = 0; i < count; i++)
		if (asprintf(&files[n++], "%s/%s", conf_d,
			     entries[i]->d_name) < 0) {
			files[--n] = NULL;
			goto oom;
		}
	for (i = 0; i < count; i++)
		free(entries[i]);
	free(entries);
	*ret = files;
	return 0;
oom:
	for (i = 0; i < count; i++)
		free(entries[i]);
	free(entries);
	daxmap_strv_free(files);
	return -ENOMEM;
}

DAXMAP_EXPORT int daxmap_config_load(struct daxmap_ctx *ctx,
				     struct daxmap_config **ret,
				     char **ret_message)
{
	struct daxmap_config *c;
	char **f;
	int r;

	if (ret_message)
		*ret_message = NULL;
	c = calloc(1, sizeof(*c));
	if (c)
		c->measure = -1;
	if (!c)
		return -ENOMEM;
	c->refcount = 1;
	c->dir = strdup(ctx->config_dir);
	if (!c->dir) {
		config_free(c);
		return -ENOMEM;
	}
	r = list_files(c->dir, &c->files);
	if (r < 0) {
		config_free(c);
		return daxmap_set_message(ret_message, r,
					  "%s: cannot list it: %s", c->dir,
					  strerror(-r));
	}
	for (f = c->files; *f; f++) {
		r = parse_file(c, *f, ret_message);
		if (r < 0) {
			config_free(c);
			return r;
		}
	}
	dbg(ctx, "configuration in %s: %zu files\n", c->dir,
	    (size_t)(f - c->files));
	*ret = c;
	return 0;
}

DAXMAP_EXPORT struct daxmap_config *daxmap_config_ref(struct daxmap_config *c)
{
	if (c)
		c->refcount++;
	return c;
}

DAXMAP_EXPORT struct daxmap_config *
daxmap_config_unref(struct daxmap_config *c)
{
	if (c && --c->refcount == 0)
		config_free(c);
	return NULL;
}

DAXMAP_EXPORT int daxmap_config_get_measure(struct daxmap_config *c)
{
	return c ? c->measure : -1;
}

DAXMAP_EXPORT const char *daxmap_config_get_dir(struct daxmap_config *c)
{
	return c->dir;
}

char *const *daxmap_config_get_files(struct daxmap_config *c)
{
	return c->files;
}

DAXMAP_EXPORT const char *daxmap_config_get_file(struct daxmap_config *c,
						 int i)
{
	return daxmap_strv_at(c->files, i);
}

DAXMAP_EXPORT struct daxmap_config_namespace *
daxmap_config_namespace_get_first(struct daxmap_config *c)
{
	return c->namespaces;
}

DAXMAP_EXPORT struct daxmap_config_namespace *
daxmap_config_namespace_get_next(struct daxmap_config_namespace *n)
{
	return n->next;
}

DAXMAP_EXPORT const char *
daxmap_config_namespace_get_name(struct daxmap_config_namespace *n)
{
	return n->name;
}

DAXMAP_EXPORT const char *
daxmap_config_namespace_get_file(struct daxmap_config_namespace *n)
{
	return n->file;
}

DAXMAP_EXPORT int
daxmap_config_namespace_get_line(struct daxmap_config_namespace *n)
{
	return n->line;
}

DAXMAP_EXPORT bool
daxmap_config_namespace_get_recreate(struct daxmap_config_namespace *n)
{
	return n->recreate;
}

DAXMAP_EXPORT void
daxmap_config_namespace_get_request(struct daxmap_config_namespace *n,
				    struct daxmap_create_request *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->region = n->region;
	ret->numa_node = n->numa_node;
	ret->size = n->size;
	ret->percent = n->percent;
	ret->align = n->align;
	ret->mode = n->mode;
	ret->map = n->map;
	ret->name = n->name;
}

DAXMAP_EXPORT struct daxmap_config_device *
daxmap_config_device_get_first(struct daxmap_config *c)
{
	return c->devices;
}

DAXMAP_EXPORT struct daxmap_config_device *
daxmap_config_device_get_next(struct daxmap_config_device *d)
{
	return d->next;
}

DAXMAP_EXPORT const char *
daxmap_config_device_get_name(struct daxmap_config_device *d)
{
	return d->name;
}

DAXMAP_EXPORT const char *
daxmap_config_device_get_file(struct daxmap_config_device *d)
{
	return d->file;
}

DAXMAP_EXPORT int daxmap_config_device_get_line(struct daxmap_config_device *d)
{
	return d->line;
}
