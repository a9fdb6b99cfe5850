// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * verify's pure parts: the ranges a pattern covers, the pattern itself, and
 * reading KernelPageSize and VmPTE from smaps and status texts.
 */
#include "private.h"
#include "test.h"
#include "verify.h"

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	char *buf = calloc(1, 1 << 16);
	size_t n = 0;

	if (f && buf)
		n = fread(buf, 1, (1 << 16) - 1, f);
	if (f)
		fclose(f);
	*ret_len = n;
	return buf;
}

static void ranges(void)
{
	struct daxmap_verify_range r[DAXMAP_VERIFY_MAX_RANGES];
	int n, i;

	/* A sample: 16 ranges of 2 MiB, evenly spread, inside the device. */
	n = daxmap_verify_ranges(UINT64_C(2111832064), 0, r, 16);
	CHECK(n == 16);
	for (i = 0; i < n; i++) {
		CHECK_U64(r[i].length, SZ_2M);
		CHECK_U64(r[i].offset % SZ_4K, 0);
		CHECK(r[i].offset + r[i].length <= UINT64_C(2111832064));
		if (i)
			CHECK(r[i].offset >= r[i - 1].offset + r[i - 1].length);
	}
	/* A small device: ranges of a sixteenth, still inside. */
	n = daxmap_verify_ranges(16 * SZ_4K * 3, 0, r, 16);
	CHECK(n == 16);
	CHECK_U64(r[15].offset + r[15].length, 16 * SZ_4K * 3);
	CHECK_U64(r[0].length, 3 * SZ_4K);
	/* A size: one range from the start; beyond the device or ragged: no. */
	CHECK(daxmap_verify_ranges(SZ_1G, SZ_2M, r, 16) == 1);
	CHECK_U64(r[0].offset, 0);
	CHECK_U64(r[0].length, SZ_2M);
	CHECK(daxmap_verify_ranges(SZ_1G, SZ_1G + 8, r, 16) == -EINVAL);
	CHECK(daxmap_verify_ranges(SZ_1G, 12, r, 16) == -EINVAL);
	CHECK(daxmap_verify_ranges(0, 0, r, 16) == -EINVAL);
}

static void pattern(void)
{
	uint64_t off;

	/* Never zero, and different from word to word. */
	for (off = 0; off < 1 << 20; off += 8) {
		CHECK(daxmap_verify_pattern_word(off) != 0);
		if (daxmap_verify_pattern_word(off) ==
		    daxmap_verify_pattern_word(off + 8)) {
			CHECK(!"two neighbouring words alike");
			break;
		}
	}
}

static void procself(void)
{
	uint64_t v = 0;
	size_t len;
	char *smaps = slurp(FIXTURE_DIR "/procself/smaps", &len);
	char *status;

	CHECK(daxmap_parse_smaps_page_size(smaps, len, 0x7f4000000000, &v) ==
	      0);
	CHECK_U64(v, SZ_1G);
	CHECK(daxmap_parse_smaps_page_size(smaps, len, 0x7f4080000000, &v) ==
	      0);
	CHECK_U64(v, SZ_2M);
	CHECK(daxmap_parse_smaps_page_size(smaps, len, 0x55d4c2a00000, &v) ==
	      0);
	CHECK_U64(v, SZ_4K);
	/* A start that is no VMA's, even inside one. */
	CHECK(daxmap_parse_smaps_page_size(smaps, len, 0x7f4000001000, &v) ==
	      -ENOENT);
	free(smaps);

	status = slurp(FIXTURE_DIR "/procself/status", &len);
	CHECK(daxmap_parse_vmpte(status, len, &v) == 0);
	CHECK_U64(v, 56 << 10);
	free(status);

	CHECK(daxmap_parse_vmpte("VmPTE:\t  8 kB", 13, &v) == 0);
	CHECK_U64(v, 8192);
	CHECK(daxmap_parse_vmpte("VmPTE:\t  8 MB\n", 14, &v) == -EBADMSG);
	CHECK(daxmap_parse_vmpte("VmPTE:\t kB\n", 11, &v) == -EBADMSG);
	CHECK(daxmap_parse_vmpte("VmPTE:\t 99999999999999999999 kB\n", 32,
				 &v) == -EBADMSG);
	CHECK(daxmap_parse_vmpte("Name: x\n", 8, &v) == -ENOENT);
	/* Not NUL-terminated: only @len bytes are read. */
	CHECK(daxmap_parse_vmpte("VmPTE:\t 4 kBxxxx", 12, &v) == 0);
	CHECK_U64(v, 4096);
}

/* A namespace's bad blocks as its dax device, past the info block, sees them. */
static void badblocks(void)
{
	const struct daxmap_badblock ns[] = {
		{ 0, 4096 },		/* in the info block only */
		{ SZ_2M - 4096, 8192 },	/* across the device's start */
		{ SZ_2M + SZ_4K, 512 },	/* inside */
		{ SZ_1G, 4096 },	/* past the device's end */
	};
	struct daxmap_badblock *dev = NULL;
	int n = -1;

	CHECK(daxmap_badblocks_translate(ns, 4, SZ_1G, SZ_1G + SZ_2M,
					 SZ_1G - SZ_2M - SZ_4K, &dev, &n) == 0);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_U64(dev[0].offset, 0);
		CHECK_U64(dev[0].length, 4096);
		CHECK_U64(dev[1].offset, SZ_4K);
		CHECK_U64(dev[1].length, 512);
	}
	free(dev);
	/* Nothing falls inside: none, and nothing to free. */
	CHECK(daxmap_badblocks_translate(ns, 1, SZ_1G, SZ_1G + SZ_2M, SZ_2M,
					 &dev, &n) == 0);
	CHECK(n == 0 && dev == NULL);
	/* An offset that would wrap is no bad block of the device. */
	{
		const struct daxmap_badblock wrap = { UINT64_MAX - 10, 4096 };

		CHECK(daxmap_badblocks_translate(&wrap, 1, SZ_1G, 0, UINT64_MAX,
						 &dev, &n) == 0);
		CHECK(n == 0);
	}
}

int main(void)
{
	badblocks();
	ranges();
	pattern();
	procself();
	return test_summary("verify");
}
