/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the libFuzzer harnesses share: a scratch directory made once per
 * process, and writing an input into a file there, for the parsers that
 * read files (the configuration, the records, /proc below a root).
 */
#ifndef DAXMAP_FUZZ_H
#define DAXMAP_FUZZ_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A directory of this process's own, removed by nobody (it is in TMPDIR). */
static inline const char *fuzz_scratch(void)
{
	static char dir[256];

	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(dir, sizeof(dir), "%s/daxmap-fuzz.XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(dir))
			abort();
	}
	return dir;
}

/* Writes @data to DIR/@relpath, making the directories on the way. */
static inline void fuzz_write(const char *dir, const char *relpath,
			      const uint8_t *data, size_t size)
{
	char path[512], *p;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, relpath);
	for (p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	/*
	 * A new file each time: ext4 flushes a file truncated and rewritten
	 * when it is closed (auto_da_alloc), which costs milliseconds.
	 */
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
}

/* @data as a C string (the parser under test reads up to a NUL). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif /* DAXMAP_FUZZ_H */
