/*
 * stdin_line.h - how the core-dump test's hosts read the secrets the test
 * hands them: with read(2), one byte at a time, so that no stdio buffer
 * keeps a copy of a key for the dump to find.
 */
#ifndef WISEPAY_TESTS_COREDUMP_STDIN_LINE_H
#define WISEPAY_TESTS_COREDUMP_STDIN_LINE_H

#include <stddef.h>

/* One line from stdin into `line` of `size` bytes, without the newline and
 * NUL-terminated. 0 on success; -1 at end of input, on a read error, or when
 * the line does not fit. */
int read_stdin_line(char *line, size_t size);

#endif
