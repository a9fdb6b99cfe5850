// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The configuration: what daxmap.conf and daxmap.conf.d/ *.conf say, in
 * which order; every kind of mistake refused with the file, the line and
 * what is valid; and the sections held against a host (a status document
 * captured on 6.12 in the VM bed): ok, missing, or drifted in each key.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks.h"
#include "fixture-loader.h"
#include "test.h"

static char dir[] = "/tmp/daxmap-test-config.XXXXXX";

static void write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		CHECK(!"fixture file written");
		return;
	}
	fputs(text, f);
	fclose(f);
}

static void clear_dir(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'/* && mkdir '%s/daxmap.conf.d'",
		 dir, dir);
	CHECK(system(cmd) == 0);
}

/* Loads @text as daxmap.conf; the message (or NULL), freed by the caller. */
static int load(struct daxmap_ctx *ctx, const char *text,
		struct daxmap_config **ret, char **ret_message)
{
	clear_dir();
	write_file("daxmap.conf", text);
	return daxmap_config_load(ctx, ret, ret_message);
}

static void check_refused(struct daxmap_ctx *ctx, const char *text,
			  int line, const char *words)
{
	struct daxmap_config *cfg = NULL;
	char *message = NULL, want[128];
	int r = load(ctx, text, &cfg, &message);

	snprintf(want, sizeof(want), "%s/daxmap.conf:%d: ", dir, line);
	if (r != -EINVAL || !message || strncmp(message, want, strlen(want)) ||
	    !strstr(message, words)) {
		fprintf(stderr, "for:\n%s\ngot %d, '%s'; want line %d and '%s'\n",
			text, r, message ? message : "(none)", line, words);
		CHECK(!"refused at the right line, saying why");
	}
	daxmap_config_unref(cfg);
	free(message);
}

/* [daxmap] measure: the host's choice, unsaid unless said. */
static void check_measure(struct daxmap_ctx *ctx)
{
	static const struct {
		const char *text;
		int want;
	} cases[] = {
		{ "", -1 },
		{ "[namespace db0]\nsize = 1G\n", -1 },
		{ "[daxmap]\nmeasure = yes\n", 1 },
		{ "[daxmap]\nmeasure = no\n[namespace db0]\nsize = 1G\n", 0 },
		{ "[namespace db0]\nsize = 1G\n[daxmap]\nmeasure = yes\n", 1 },
	};
	struct daxmap_config *cfg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cfg = NULL;
		CHECK(load(ctx, cases[i].text, &cfg, NULL) == 0);
		CHECK(daxmap_config_get_measure(cfg) == cases[i].want);
		daxmap_config_unref(cfg);
	}
	/* The caller's choice, kept by the context; the config's otherwise. */
	CHECK(daxmap_get_measure(ctx) == DAXMAP_MEASURE_CONFIG);
	CHECK(daxmap_set_measure(ctx, DAXMAP_MEASURE_ON) == 0);
	CHECK(daxmap_get_measure(ctx) == DAXMAP_MEASURE_ON);
	CHECK(daxmap_set_measure(ctx, (enum daxmap_measure)7) == -EINVAL);
	CHECK(daxmap_set_measure(ctx, DAXMAP_MEASURE_CONFIG) == 0);
}

static void check_refusals(struct daxmap_ctx *ctx)
{
	check_refused(ctx, "[namespace db0]\nsize = 1G\ncolour = blue\n", 3,
		      "unknown key 'colour': the keys are region, numa_node");
	check_refused(ctx, "# a comment\n[region0]\nsize = 1G\n", 2,
		      "unknown section [region0]: sections are [namespace NAME], [device NAME] and [daxmap]");
	check_refused(ctx, "[namespace db0]\nsize = 12Q\n", 2,
		      "size: '12Q': not a size");
	check_refused(ctx, "[namespace db0]\nsize = -1G\n", 2,
		      "size: '-1G': negative");
	check_refused(ctx, "[namespace db0]\nsize = 3G\nalign = 3M\n", 3,
		      "align: '3M': one of 4K, 2M, 1G");
	check_refused(ctx, "[namespace db0]\nsize = 1G\nmode = sector\n", 3,
		      "mode: 'sector': devdax or fsdax");
	check_refused(ctx, "[namespace db0]\nsize = 1G\nmap = disk\n", 3,
		      "map: 'disk': mem (the memmap in RAM) or dev");
	check_refused(ctx, "[namespace db0]\npercent = 150\n", 2,
		      "percent: '150': a whole number from 1 to 100");
	check_refused(ctx, "[namespace db0]\nsize = 1G\nrecreate = maybe\n", 3,
		      "recreate: 'maybe': yes or no");
	check_refused(ctx, "[namespace db0]\nsize = 1G\nnuma_node = two\n", 3,
		      "numa_node: 'two' is not a NUMA node number");
	check_refused(ctx, "size = 1G\n", 1,
		      "'size' outside a section");
	check_refused(ctx, "[daxmap]\nmeasure = sometimes\n", 2,
		      "measure: 'sometimes': yes or no");
	check_refused(ctx, "[daxmap]\ncolour = blue\n", 2,
		      "unknown key 'colour' in [daxmap]: the key is measure");
	check_refused(ctx, "[daxmap]\nmeasure = yes\n[daxmap]\nmeasure = no\n",
		      4, "measure again: it is first at ");
	check_refused(ctx, "[namespace db0]\nsize = 1G\nthis is not ini\n", 3,
		      "not a [section], a key = value line or a comment");
	check_refused(ctx, "\n\n[namespace db0]\nalign = 2M\n", 3,
		      "[namespace db0]: give size or percent");
	check_refused(ctx, "[namespace db0]\nsize = 1G\npercent = 5\n", 1,
		      "size and percent exclude each other");
	check_refused(ctx, "[namespace db0]\nsize = 1G\nregion = region0\n"
		      "numa_node = 0\n", 1,
		      "region and numa_node exclude each other");
	check_refused(ctx, "[namespace db0]\nsize = 3M\nalign = 2M\n", 1,
		      "not a multiple of align 2M");
	check_refused(ctx, "[namespace a b]\nsize = 1G\n", 1,
		      "the name is one word");
	check_refused(ctx, "[namespace "
		      "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn]\n"
		      "size = 1G\n", 1, "a namespace label holds at most 63");
	check_refused(ctx, "[namespace db0]\nsize = 1G\n[namespace db0]\n"
		      "size = 2G\n", 3, "[namespace db0] again: it is first at");
	/* Hostile input: nothing of it may be taken as configuration. */
	check_refused(ctx, "[namespace db0]\nsize = 1G\nsize = 2G\n", 3,
		      "size again in [namespace db0]: a key is given once");
	check_refused(ctx, "[namespace db0]\nsize = 1G\n#"
		      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		      "[namespace evil]\nsize = 1T\n", 3, "line too long");
	check_refused(ctx, "[namespace db\x1b[0m]\nsize = 1G\n", 1,
		      "has a character a name may not");
	check_refused(ctx, "[namespace dax0.0]\nsize = 1G\n", 1,
		      "looks like a device's name");
	check_refused(ctx, "[namespace namespace1.2]\nsize = 1G\n", 1,
		      "looks like a device's name");
	check_refused(ctx, "[namespace db0]\nsize = 1G\nnuma_node = 4294967296\n",
		      3, "not a NUMA node number");
}

/* [device NAME]: every mistake refused at its file and line. */
static void check_device_refusals(struct daxmap_ctx *ctx)
{
	static const struct {
		const char *text;
		int line;
		const char *words;
	} cases[] = {
		{ "[device vm0]\nsize = 1G\ncolour = blue\n", 3,
		  "unknown key 'colour': the keys of [device NAME] are region, provider, numa_node, size, percent, align, mode, memmap_on_memory, movable, recreate, replace" },
		{ "[device vm0]\nsize = 1G\nmap = mem\n", 3,
		  "unknown key 'map'" },
		{ "[device vm0]\nregion = hmem 0\nsize = 1G\n", 2,
		  "region: 'hmem 0': one word" },
		{ "[device vm0]\nregion =\nsize = 1G\n", 2, "region: '': one word" },
		{ "[device vm0]\nprovider = \nsize = 1G\n", 2,
		  "provider: '': one word, the dax region's provider" },
		{ "[device vm0]\nsize = 1G\nnuma_node = -1\n", 3,
		  "numa_node: '-1' is not a NUMA node number" },
		{ "[device vm0]\nsize = 12Q\n", 2, "size: '12Q': not a size" },
		{ "[device vm0]\npercent = 0\n", 2,
		  "percent: '0': a whole number from 1 to 100 (of the dax region's size)" },
		{ "[device vm0]\nsize = 1G\nalign = 64K\n", 3,
		  "align: '64K': one of 4K, 2M, 1G" },
		{ "[device vm0]\nsize = 1G\nmode = fsdax\n", 3,
		  "mode: 'fsdax': devdax or system-ram" },
		{ "[device vm0]\nsize = 1G\nmode = system-ram\nmemmap_on_memory = often\n",
		  4, "memmap_on_memory: 'often': yes or no" },
		{ "[device vm0]\nsize = 1G\nmode = system-ram\nmovable = no\n", 4,
		  "movable: 'no': daxmap onlines system-ram movable only" },
		{ "[device vm0]\nsize = 1G\nmovable = perhaps\n", 3,
		  "movable: 'perhaps': yes or no" },
		{ "[device vm0]\nsize = 1G\nrecreate = 2\n", 3,
		  "recreate: '2': yes or no" },
		{ "[device vm0]\nsize = 1G\nreplace = sure\n", 3,
		  "replace: 'sure': yes or no" },
		{ "[device vm0]\nsize = 1G\nalign = 1G\nalign = 2M\n", 4,
		  "align again in [device vm0]: a key is given once" },
		{ "[device vm0]\nsize = 1G\nreplace = yes\nreplace = yes\n", 4,
		  "replace again in [device vm0]" },
		/* Checked once the section is read: said at its header. */
		{ "\n[device vm0]\nalign = 1G\n", 2,
		  "[device vm0]: give size or percent (of the dax region's size)" },
		{ "[device vm0]\nsize = 1G\npercent = 10\n", 1,
		  "[device vm0]: size and percent exclude each other" },
		{ "[device vm0]\nsize = 3G\nalign = 2G\n", 3, "align: '2G'" },
		{ "[device vm0]\nsize = 1536M\nalign = 1G\n", 1,
		  "[device vm0]: not a multiple of align 1G; the nearest valid sizes are 1G and 2G" },
		{ "[device vm0]\nsize = 1G\nmemmap_on_memory = yes\n", 1,
		  "memmap_on_memory is about system-ram: it goes with mode = system-ram" },
		{ "[device vm0]\nsize = 1G\nmode = devdax\nmovable = yes\n", 1,
		  "movable is about system-ram" },
		{ "[device vm 0]\nsize = 1G\n", 1, "[device vm 0]: the name is one word" },
		{ "[device dax1.0]\nsize = 1G\n", 1, "looks like a device's name" },
		{ "[device ]\nsize = 1G\n", 1, "the name is one word" },
		{ "[device vm0]\nsize = 1G\n[device vm0]\nsize = 2G\n", 3,
		  "[device vm0] again: [device vm0] is at " },
		{ "[namespace db0]\nsize = 1G\n[device db0]\nsize = 1G\n", 3,
		  "[device db0] again: [namespace db0] is at " },
		{ "[device db0]\nsize = 1G\n[namespace db0]\nsize = 1G\n", 3,
		  "[namespace db0] again: [device db0] is at " },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check_refused(ctx, cases[i].text, cases[i].line,
			      cases[i].words);
}

/* Every key of [device NAME], read as said. */
static void check_device_keys(struct daxmap_ctx *ctx)
{
	struct daxmap_config_device *d;
	struct daxmap_config *cfg = NULL;
	char *message = NULL;

	CHECK(load(ctx,
		   "[namespace db0]\nsize = 1G\n"
		   "; a device on soft-reserved memory\n"
		   "[device vm0]\nregion = hmem.0\nprovider = hmem\n"
		   "numa_node = 1\nsize = 2G\nalign = 1G\nmode = devdax\n"
		   "recreate = yes\nreplace = yes\n"
		   "[device ram0]\npercent = 25%\nmode = system-ram\n"
		   "memmap_on_memory = yes\nmovable = yes\n",
		   &cfg, &message) == 0);
	if (message)
		fprintf(stderr, "%s\n", message);
	free(message);
	if (!cfg)
		return;
	d = daxmap_config_device_get_first(cfg);
	CHECK(d != NULL);
	if (!d)
		goto out;
	CHECK_STR(daxmap_config_device_get_name(d), "vm0");
	CHECK(daxmap_config_device_get_line(d) == 4);
	CHECK(strstr(daxmap_config_device_get_file(d), "/daxmap.conf") != NULL);
	CHECK_STR(d->region, "hmem.0");
	CHECK_STR(d->provider, "hmem");
	CHECK(d->numa_node == 1 && d->size == 2 * SZ_1G && d->align == SZ_1G);
	CHECK(d->mode == DAXMAP_MODE_DEVDAX && d->recreate && d->replace);
	CHECK(d->memmap_on_memory == -1 && d->movable == -1 && !d->percent);
	d = daxmap_config_device_get_next(d);
	CHECK(d != NULL);
	if (!d)
		goto out;
	CHECK_STR(daxmap_config_device_get_name(d), "ram0");
	CHECK(d->percent == 25 && !d->size && !d->align && !d->region);
	CHECK(d->numa_node == -1 && !d->provider);
	CHECK(d->mode == DAXMAP_MODE_SYSTEM_RAM && d->memmap_on_memory == 1 &&
	      d->movable == 1 && !d->recreate && !d->replace);
	CHECK(daxmap_config_device_get_next(d) == NULL);
	/* The namespaces are where they were. */
	CHECK_STR(daxmap_config_namespace_get_name(
			  daxmap_config_namespace_get_first(cfg)), "db0");
out:
	daxmap_config_unref(cfg);
}

/* daxmap.conf first, then conf.d by name; other files passed over. */
static void check_order(struct daxmap_ctx *ctx)
{
	struct daxmap_create_request req;
	struct daxmap_config_namespace *n;
	struct daxmap_config *cfg = NULL;
	char *message = NULL, path[512];
	const char *names[4];
	int i = 0;

	clear_dir();
	write_file("daxmap.conf", "; the host's namespaces\n"
		   "[namespace db0]\nsize = 64G\nalign = 1G\nmap = mem\n"
		   "region = region1\n");
	write_file("daxmap.conf.d/20-cache.conf",
		   "[namespace cache0]\npercent = 50%\nnuma_node = 1\n"
		   "mode = fsdax\nrecreate = yes\n");
	write_file("daxmap.conf.d/10-logs.conf",
		   "[namespace logs]\nsize = 1.5G\nmap = dev\n");
	write_file("daxmap.conf.d/README", "[not read]\n");
	write_file("daxmap.conf.d/.hidden.conf", "[not read]\n");
	CHECK(daxmap_config_load(ctx, &cfg, &message) == 0);
	if (message)
		fprintf(stderr, "%s\n", message);
	if (!cfg)
		return;
	daxmap_config_namespace_foreach(cfg, n)
		if (i < 4)
			names[i++] = daxmap_config_namespace_get_name(n);
	CHECK(i == 3);
	CHECK_STR(names[0], "db0");
	CHECK_STR(names[1], "logs");
	CHECK_STR(names[2], "cache0");
	snprintf(path, sizeof(path), "%s/daxmap.conf.d/10-logs.conf", dir);
	CHECK_STR(daxmap_config_get_file(cfg, 1), path);
	CHECK(daxmap_config_get_file(cfg, 3) == NULL);

	n = daxmap_config_namespace_get_first(cfg);
	CHECK(daxmap_config_namespace_get_line(n) == 2);
	daxmap_config_namespace_get_request(n, &req);
	CHECK_U64(req.size, UINT64_C(64) << 30);
	CHECK_U64(req.align, UINT64_C(1) << 30);
	CHECK(req.map == DAXMAP_MAP_MEM && req.numa_node == -1);
	CHECK_STR(req.region, "region1");
	CHECK(!daxmap_config_namespace_get_recreate(n));
	n = daxmap_config_namespace_get_next(n);
	daxmap_config_namespace_get_request(n, &req);
	CHECK_U64(req.size, UINT64_C(3) << 29);
	CHECK(req.map == DAXMAP_MAP_DEV && !req.mode);
	n = daxmap_config_namespace_get_next(n);
	daxmap_config_namespace_get_request(n, &req);
	CHECK(req.percent == 50 && req.numa_node == 1 && !req.size);
	CHECK(req.mode == DAXMAP_MODE_FSDAX);
	CHECK(daxmap_config_namespace_get_recreate(n));
	daxmap_config_unref(cfg);

	/* A section given again in another file names both places. */
	write_file("daxmap.conf.d/30-again.conf", "\n[namespace db0]\nsize = 1G\n");
	message = NULL;
	CHECK(daxmap_config_load(ctx, &cfg, &message) == -EINVAL);
	CHECK(message && strstr(message, "30-again.conf:2: [namespace db0] again: it is first at") &&
	      strstr(message, "/daxmap.conf:2"));
	free(message);

	/* No files at all: an empty configuration, not an error. */
	clear_dir();
	CHECK(daxmap_config_load(ctx, &cfg, NULL) == 0);
	CHECK(cfg && !daxmap_config_get_file(cfg, 0) &&
	      !daxmap_config_namespace_get_first(cfg));
	daxmap_config_unref(cfg);
}

static struct daxmap_topology *host(struct daxmap_ctx *ctx, const char *name,
				    struct daxmap_kernel **ret_k)
{
	struct daxmap_topology *t = NULL;
	struct daxmap_kernel *k = NULL;
	char path[512], *doc = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), FIXTURE_DIR "/status/%s", name);
	f = fopen(path, "r");
	if (!f || getdelim(&doc, &len, '\0', f) < 0) {
		CHECK(!"the 6.12 capture is readable");
	} else {
		CHECK(daxmap_status_from_json(ctx, doc, &k, &t, NULL) == 0);
	}
	if (f)
		fclose(f);
	free(doc);
	if (ret_k)
		*ret_k = k;
	else
		daxmap_kernel_unref(k);
	return t;
}

static struct daxmap_topology *host_612(struct daxmap_ctx *ctx)
{
	return host(ctx, "6.12-busy.json", NULL);
}

/* Each section of @text against the 6.12 capture: state and drift keys. */
static void check_planner(struct daxmap_ctx *ctx)
{
	static const struct {
		const char *name;
		enum daxmap_config_state state;
		const char *drifts;	/* keys, comma-separated */
		bool managed;
	} want[] = {
		{ "db0", DAXMAP_CONFIG_OK, "", true },
		{ "cache0", DAXMAP_CONFIG_DRIFT, "align", true },
		{ "small4k", DAXMAP_CONFIG_DRIFT, "size,align,map", true },
		{ "fs0", DAXMAP_CONFIG_DRIFT, "mode", true },
		{ "foreign", DAXMAP_CONFIG_DRIFT, "size", false },
		{ "ondev", DAXMAP_CONFIG_DRIFT, "region", true },
		{ "nowhere", DAXMAP_CONFIG_MISSING, "", false },
		{ "newone", DAXMAP_CONFIG_OK, "", true },
	};
	struct daxmap_topology *t = host_612(ctx);
	struct daxmap_config_namespace *n;
	struct daxmap_config *cfg = NULL;
	size_t i = 0;

	CHECK(load(ctx,
		   "[namespace db0]\nsize = 2G\nalign = 2M\nmap = mem\n"
		   "[namespace cache0]\nsize = 3G\nalign = 2M\n"
		   "[namespace small4k]\nsize = 2G\nalign = 2M\nmap = mem\n"
		   "[namespace fs0]\nsize = 1G\n"
		   "[namespace foreign]\nsize = 1G\nrecreate = yes\n"
		   "[namespace ondev]\nsize = 1G\nregion = region1\n"
		   "[namespace nowhere]\npercent = 10\n"
		   /* A percentage is of free space that has changed since. */
		   "[namespace newone]\npercent = 90\n",
		   &cfg, NULL) == 0);
	if (!t || !cfg)
		goto out;
	daxmap_config_namespace_foreach(cfg, n) {
		struct daxmap_config_check *c = NULL;
		const char *key, *w, *h;
		char keys[64] = "";
		int j;

		CHECK(daxmap_config_check_new(n, t, &c) == 0);
		if (!c)
			break;
		for (j = 0; daxmap_config_check_get_drift(c, j, &key, &w, &h) == 0;
		     j++)
			snprintf(keys + strlen(keys), sizeof(keys) - strlen(keys),
				 "%s%s", j ? "," : "", key);
		CHECK_STR(daxmap_config_check_get_name(c), want[i].name);
		CHECK(daxmap_config_check_get_state(c) == want[i].state);
		CHECK_STR(keys, want[i].drifts);
		CHECK(c->managed == want[i].managed);
		CHECK((daxmap_config_check_get_namespace(c) == NULL) ==
		      (want[i].state == DAXMAP_CONFIG_MISSING));
		if (i == 1) {
			/* What the section says, and what the host has. */
			CHECK_STR(w, "2M");
			CHECK_STR(h, "1G");
		}
		daxmap_config_checks_free(c);
		i++;
	}
	CHECK(i == ARRAY_SIZE(want));
out:
	daxmap_config_unref(cfg);
	daxmap_topology_unref(t);
}

/*
 * [device] sections against a host with dynamic dax regions (the 6.12
 * soft-reserved capture of the bed, its hmem.0 given more regions and
 * devices: 6.12-dynamic.json): state, drift keys, and what a dry run
 * decides for each, which reads only the section and the host.
 *   hmem.0 (node 0) 4G, 1G free: dax0.1 vm0 1G/1G devdax, dax0.2 ram0
 *          1G/2M system-ram, dax0.3 "resized" 1G/2M devdax (daxmap's)
 *   hmem.1 (node 1) 2G, full: dax1.0, the kernel's, system-ram
 *   hmem.2 (node 1) 2G, full: dax2.0, the kernel's, devdax
 *   hmem.3 (node 2) 2G, full: dax3.0, the kernel's, and dax3.1 "other"
 */
static void check_device_planner(struct daxmap_ctx *ctx)
{
	static const struct {
		const char *name;
		enum daxmap_config_state state;
		const char *drifts;
		const char *device;
		enum daxmap_apply_outcome outcome;
		const char *words;	/* in the dry run's message */
	} want[] = {
		{ "vm0", DAXMAP_CONFIG_OK, "", "dax0.1",
		  DAXMAP_APPLY_UNCHANGED, NULL },
		{ "ram0", DAXMAP_CONFIG_DRIFT, "mode", "dax0.2",
		  DAXMAP_APPLY_WOULD_RECREATE,
		  "mode is system-ram, the configuration says devdax; dax0.2 would be reconfigured in place (its memory offlined first)" },
		{ "resized", DAXMAP_CONFIG_DRIFT, "size,align,region", "dax0.3",
		  DAXMAP_APPLY_LEFT_DRIFTED,
		  "size is 1G, the configuration says 2G; align is 2M, the configuration says 1G; region is hmem.0, the configuration says numa_node 1; left as it is" },
		{ "new0", DAXMAP_CONFIG_MISSING, "", NULL,
		  DAXMAP_APPLY_WOULD_CREATE,
		  "a 1G device, align 2M, devdax, on hmem.0" },
		{ "take1", DAXMAP_CONFIG_MISSING, "", NULL,
		  DAXMAP_APPLY_WOULD_CREATE,
		  "would remove the kernel's dax1.0 (system-ram, 2G, its memory offlined first) and make a 1G device, align 1G, on hmem.1 in its place" },
		{ "take2", DAXMAP_CONFIG_MISSING, "", NULL, DAXMAP_APPLY_FAILED,
		  "hmem.2's capacity is held by dax2.0, a devdax device the kernel made (2G), which may hold data: replace = yes in [device take2]" },
		{ "take2b", DAXMAP_CONFIG_MISSING, "", NULL,
		  DAXMAP_APPLY_WOULD_CREATE,
		  "would remove the kernel's dax2.0 (devdax, 2G) and make a 2G device" },
		{ "crowd", DAXMAP_CONFIG_MISSING, "", NULL, DAXMAP_APPLY_FAILED,
		  "hmem.3 has 0 free, less than the 1G asked: the devices there hold the rest" },
		{ "nowhere", DAXMAP_CONFIG_MISSING, "", NULL,
		  DAXMAP_APPLY_FAILED,
		  "no dynamic dax region matches provider cxl numa_node 0" },
		{ "toobig", DAXMAP_CONFIG_MISSING, "", NULL,
		  DAXMAP_APPLY_FAILED, "size 4G is more than hmem.1 holds: 2G" },
		{ "ram1", DAXMAP_CONFIG_MISSING, "", NULL,
		  DAXMAP_APPLY_WOULD_CREATE,
		  "a 1G device, align 2M, system-ram, on hmem.0" },
	};
	struct daxmap_topology *t = host(ctx, "6.12-dynamic.json", NULL);
	struct daxmap_config_device *cd;
	struct daxmap_config *cfg = NULL;
	char *message = NULL;
	size_t i = 0;

	CHECK(load(ctx,
		   "[device vm0]\nregion = hmem.0\nsize = 1G\nalign = 1G\n"
		   "[device ram0]\nsize = 1G\nrecreate = yes\n"
		   "[device resized]\nsize = 2G\nalign = 1G\nnuma_node = 1\n"
		   "[device new0]\nregion = 0\nsize = 1G\n"
		   "[device take1]\nregion = hmem.1\nsize = 1G\nalign = 1G\n"
		   "[device take2]\nregion = hmem.2\npercent = 50\n"
		   "[device take2b]\nregion = region2\nsize = 2G\nreplace = yes\n"
		   "[device crowd]\nregion = hmem.3\nsize = 1G\nreplace = yes\n"
		   "[device nowhere]\nprovider = cxl\nnuma_node = 0\nsize = 1G\n"
		   "[device toobig]\nregion = hmem.1\nsize = 4G\n"
		   "[device ram1]\nprovider = hmem\nnuma_node = 0\npercent = 25\n"
		   "mode = system-ram\nmemmap_on_memory = yes\n",
		   &cfg, &message) == 0);
	if (message)
		fprintf(stderr, "%s\n", message);
	free(message);
	if (!t || !cfg)
		goto out;
	daxmap_config_device_foreach(cfg, cd) {
		struct daxmap_config_check *c = NULL;
		const char *key, *w, *h;
		char keys[64] = "";
		int j;

		CHECK(daxmap_config_device_check_new(cd, t, &c) == 0);
		if (!c || i >= ARRAY_SIZE(want))
			break;
		for (j = 0; daxmap_config_check_get_drift(c, j, &key, &w, &h) == 0;
		     j++)
			snprintf(keys + strlen(keys), sizeof(keys) - strlen(keys),
				 "%s%s", j ? "," : "", key);
		CHECK_STR(daxmap_config_check_get_name(c), want[i].name);
		CHECK(daxmap_config_check_get_kind(c) == DAXMAP_CONFIG_KIND_DEVICE);
		CHECK(daxmap_config_check_get_state(c) == want[i].state);
		CHECK_STR(keys, want[i].drifts);
		CHECK(daxmap_config_check_get_namespace(c) == NULL);
		if (want[i].device)
			CHECK_STR(daxmap_config_check_get_device(c),
				  want[i].device);
		else
			CHECK(daxmap_config_check_get_device(c) == NULL);
		/* The dry run: decided on the host as it is, nothing done. */
		CHECK(daxmap_apply_device_section(ctx, NULL, &t, cd, true, c) == 0);
		if (c->outcome != want[i].outcome ||
		    (want[i].words && (!c->message ||
				       !strstr(c->message, want[i].words)))) {
			fprintf(stderr, "[device %s]: %s, '%s'; want %s, '%s'\n",
				want[i].name,
				daxmap_apply_outcome_name(c->outcome),
				c->message ? c->message : "(none)",
				daxmap_apply_outcome_name(want[i].outcome),
				want[i].words ? want[i].words : "");
			CHECK(!"the dry run decides as the rules say");
		}
		/* A failure names the section's place. */
		if (c->outcome == DAXMAP_APPLY_FAILED)
			CHECK(c->message && strstr(c->message, "/daxmap.conf:"));
		daxmap_config_checks_free(c);
		i++;
	}
	CHECK(i == ARRAY_SIZE(want));
	daxmap_config_unref(cfg);
	cfg = NULL;

	/* memmap_on_memory is held where the device is in system-ram. */
	CHECK(load(ctx, "[device ram0]\nsize = 1G\nmode = system-ram\n"
		   "memmap_on_memory = yes\nrecreate = yes\n"
		   "[device vm0]\nsize = 1G\nalign = 1G\nmode = system-ram\n"
		   "memmap_on_memory = yes\n", &cfg, NULL) == 0);
	if (!cfg)
		goto out;
	{
		struct daxmap_config_check *list = NULL, *c;

		CHECK(daxmap_config_checks_new(cfg, t, &list) == 0);
		c = list;
		CHECK(c && c->state == DAXMAP_CONFIG_DRIFT && c->ndrifts == 1 &&
		      !strcmp(c->drifts[0].key, "memmap_on_memory") &&
		      !strcmp(c->drifts[0].want, "yes") &&
		      !strcmp(c->drifts[0].have, "no"));
		if (c) {
			CHECK(daxmap_apply_device_section(
				      ctx, NULL, &t,
				      daxmap_config_device_get_first(cfg), true,
				      c) == 0);
			CHECK(c->outcome == DAXMAP_APPLY_WOULD_RECREATE &&
			      strstr(c->message, "reconfigured in place"));
			c = c->next;
		}
		/* A devdax device that should be system-ram: a mode drift
		 * only; where its memmap goes is not known until then. */
		CHECK(c && c->state == DAXMAP_CONFIG_DRIFT && c->ndrifts == 1 &&
		      !strcmp(c->drifts[0].key, "mode"));
		if (c) {
			CHECK(daxmap_apply_device_section(
				      ctx, NULL, &t,
				      daxmap_config_device_get_next(
					      daxmap_config_device_get_first(cfg)),
				      true, c) == 0);
			CHECK(c->outcome == DAXMAP_APPLY_LEFT_DRIFTED &&
			      strstr(c->message, "recreate = yes"));
		}
		daxmap_config_checks_free(list);
	}
out:
	daxmap_config_unref(cfg);
	daxmap_topology_unref(t);
}

/*
 * Device checks in a status document: "kind" and "device" beside what
 * namespace checks have, read back; a document of before them, with
 * neither, reads as namespace checks.
 */
static void check_device_json(struct daxmap_ctx *ctx)
{
	struct daxmap_kernel *k = NULL;
	struct daxmap_topology *t = host(ctx, "6.12-dynamic.json", &k);
	struct daxmap_config_status s = { .dir = dir };
	struct daxmap_config_status *back = NULL;
	struct daxmap_config *cfg = NULL;
	struct daxmap_topology *t2 = NULL;
	struct daxmap_kernel *k2 = NULL;
	char *doc = NULL, *files[] = { NULL }, *p;

	s.files = files;
	CHECK(load(ctx, "[namespace db0]\nsize = 1G\n"
		   "[device vm0]\nregion = hmem.0\nsize = 1G\nalign = 1G\n",
		   &cfg, NULL) == 0);
	if (!t || !k || !cfg)
		goto out;
	CHECK(daxmap_config_checks_new(cfg, t, &s.checks) == 0);
	CHECK(daxmap_status_to_json(k, t, &s, 0, &doc) == 0);
	if (!doc)
		goto out;
	CHECK(strstr(doc, "{\"name\":\"db0\",\"kind\":\"namespace\",\"state\":\"missing\",\"namespace\":null,\"device\":null,") != NULL);
	CHECK(strstr(doc, "{\"name\":\"vm0\",\"kind\":\"device\",\"state\":\"ok\",\"namespace\":null,\"device\":\"dax0.1\",\"managed\":true,") != NULL);
	CHECK(daxmap_status_from_json(ctx, doc, &k2, &t2, &back) == 0);
	if (back && back->checks && back->checks->next) {
		CHECK(back->checks->kind == DAXMAP_CONFIG_KIND_NAMESPACE);
		CHECK(back->checks->next->kind == DAXMAP_CONFIG_KIND_DEVICE);
		CHECK_STR(back->checks->next->device, "dax0.1");
	} else {
		CHECK(!"the checks read back");
	}
	daxmap_config_status_free(back);
	back = NULL;
	daxmap_topology_unref(t2);
	t2 = NULL;
	daxmap_kernel_unref(k2);
	k2 = NULL;
	/* Of before: no kind, no device. */
	while ((p = strstr(doc, "\"kind\":\"namespace\",")))
		memmove(p, p + 19, strlen(p + 19) + 1);
	while ((p = strstr(doc, "\"device\":null,")))
		memmove(p, p + 14, strlen(p + 14) + 1);
	CHECK(daxmap_status_from_json(ctx, doc, &k2, &t2, &back) == 0);
	CHECK(back && back->checks &&
	      back->checks->kind == DAXMAP_CONFIG_KIND_NAMESPACE &&
	      !back->checks->device);
out:
	free(doc);
	daxmap_config_status_free(back);
	daxmap_topology_unref(t2);
	daxmap_kernel_unref(k2);
	daxmap_config_checks_free(s.checks);
	daxmap_config_unref(cfg);
	daxmap_topology_unref(t);
	daxmap_kernel_unref(k);
}

static void check_sizes(void)
{
	static const struct {
		const char *text;
		uint64_t bytes;	/* 0: refused */
	} sizes[] = {
		{ "4096", 4096 }, { "512M", UINT64_C(512) << 20 },
		{ "1.5G", UINT64_C(3) << 29 }, { "2MiB", UINT64_C(2) << 20 },
		{ "16kb", UINT64_C(16) << 10 }, { "1T", UINT64_C(1) << 40 },
		{ "0", 0 }, { "-1G", 0 }, { "12Q", 0 }, { "1.5.3G", 0 },
		{ "0.3K", 0 }, { "", 0 }, { "99999999999T", 0 },
	};
	const char *why;
	uint64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		int r = daxmap_parse_size(sizes[i].text, &v, &why);

		if (sizes[i].bytes)
			CHECK(r == 0 && v == sizes[i].bytes);
		else
			CHECK(r < 0 && why && *why);
	}
}

static void check_size_format(void)
{
	static const struct {
		uint64_t bytes;
		const char *human;
		const char *exact;
	} sizes[] = {
		{ 0, "0 B", "0" },
		{ 1023, "1023 B", "1023" },
		{ 4096, "4.00 KiB", "4K" },
		{ UINT64_C(16) << 20, "16.0 MiB", "16M" },
		{ UINT64_C(1536) << 20, "1.50 GiB", "1536M" },
		/* Rounding moves up a unit: never "1024 MiB" or "10.00". */
		{ 1073479680, "1.00 GiB", "1048320K" },
		{ (UINT64_C(10) << 30) - 1, "10.0 GiB", "10737418239" },
		{ UINT64_C(1) << 40, "1.00 TiB", "1T" },
		{ UINT64_C(3) << 50, "3.00 PiB", "3072T" },
	};
	char b[DAXMAP_SIZE_BUF];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		CHECK_STR(daxmap_format_size(sizes[i].bytes, b, sizeof(b)),
			  sizes[i].human);
		CHECK_STR(daxmap_format_size_exact(sizes[i].bytes, b, sizeof(b)),
			  sizes[i].exact);
	}
}

/* The pure request checks: each refusal with its reason. */
static void check_request_checks(void)
{
	struct daxmap_create_request c = { .numa_node = -1, .size = SZ_1G };
	struct daxmap_reconfigure_request d = {};
	struct daxmap_plan_request p = { .size = 3 * SZ_2M / 2 };
	struct daxmap_model m;
	enum daxmap_reason why;
	char *msg = NULL;

	CHECK(daxmap_create_request_check(&c, &why, NULL) == 0);
	CHECK(why == DAXMAP_REASON_NONE);
	c.percent = 5;
	CHECK(daxmap_create_request_check(&c, &why, NULL) == -EINVAL);
	CHECK(why == DAXMAP_REASON_INVALID_SIZE);
	c.percent = 0;
	c.region = "region0";
	c.numa_node = 0;
	CHECK(daxmap_create_request_check(&c, &why, NULL) == -EINVAL);
	CHECK(why == DAXMAP_REASON_INVALID_ARGUMENT);
	c.numa_node = -1;
	c.align = 3 * SZ_2M / 2;
	CHECK(daxmap_create_request_check(&c, &why, NULL) == -EINVAL);
	CHECK(why == DAXMAP_REASON_UNSUPPORTED_ALIGN);
	c.align = 0;
	c.mode = DAXMAP_MODE_SYSTEM_RAM;
	CHECK(daxmap_create_request_check(&c, &why, NULL) == -EINVAL);
	CHECK(why == DAXMAP_REASON_INVALID_MODE);
	CHECK(daxmap_create_request_set_mode(&c, "sector", &why, &msg) < 0);
	CHECK(why == DAXMAP_REASON_INVALID_MODE);
	CHECK_STR(msg, "invalid mode 'sector': must be devdax or fsdax");
	free(msg);
	CHECK(daxmap_create_request_set_mode(&c, "fsdax", &why, NULL) == 0);
	CHECK(c.mode == DAXMAP_MODE_FSDAX);

	CHECK(daxmap_destroy_request_check("", &why, NULL) == -EINVAL);
	CHECK(why == DAXMAP_REASON_INVALID_ARGUMENT);
	CHECK(daxmap_reconfigure_request_check("dax0.0", &d, &why, NULL) < 0);
	CHECK(why == DAXMAP_REASON_INVALID_ARGUMENT);
	CHECK(daxmap_reconfigure_request_set_mode(&d, "fsdax", &why, NULL) < 0);
	CHECK(why == DAXMAP_REASON_INVALID_MODE);
	CHECK(daxmap_reconfigure_request_set_mode(&d, "system-ram", &why,
						  NULL) == 0);
	CHECK(daxmap_reconfigure_request_check("dax0.0", &d, &why, NULL) == 0);

	/* The plan takes its defaults, and names the sizes that would do. */
	CHECK(daxmap_plan_request_check(&p, &why, &msg) == -EINVAL);
	CHECK(why == DAXMAP_REASON_INVALID_SIZE);
	CHECK(p.align == SZ_2M && p.map == DAXMAP_MAP_MEM);
	CHECK_STR(msg, "not a multiple of align 2M; the nearest valid sizes are 2M and 4M");
	free(msg);
	p.size = SZ_1G;
	p.assume_dedup = true;
	CHECK(daxmap_plan_request_check(&p, &why, NULL) == 0);
	CHECK(daxmap_plan_model(NULL, &p, &m, &why, NULL) == 0);
	CHECK(m.dedup && m.dedup_kept_pages);

	CHECK_STR(daxmap_reason_name(DAXMAP_REASON_NOT_SUPPORTED),
		  "not-supported");
	CHECK(daxmap_align_get(0) == SZ_4K && daxmap_align_get(3) == 0);
	CHECK_STR(daxmap_mode_name(DAXMAP_MODE_SYSTEM_RAM), "system-ram");
}

int main(void)
{
	struct daxmap_ctx *ctx;
	char cmd[600];

	if (!mkdtemp(dir) || daxmap_new(&ctx) < 0)
		return 1;
	daxmap_set_log_priority(ctx, 0);
	CHECK(daxmap_set_config_dir(ctx, dir) == 0);
	CHECK(daxmap_set_config_dir(ctx, "relative") == -EINVAL);

	check_sizes();
	check_size_format();
	check_request_checks();
	check_measure(ctx);
	check_refusals(ctx);
	check_device_refusals(ctx);
	check_device_keys(ctx);
	check_order(ctx);
	check_planner(ctx);
	check_device_planner(ctx);
	check_device_json(ctx);

	daxmap_unref(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return test_summary("config");
}
