/*
 * stdin_line.c - reading one line of stdin byte by byte (stdin_line.h).
 */
#include "tests/coredump/stdin_line.h"

#include <unistd.h>

int read_stdin_line(char *line, size_t size) {
    size_t used = 0;
    for (;;) {
        char c;
        if (read(STDIN_FILENO, &c, 1) != 1)
            return -1;
        if (c == '\n')
            break;
        if (used + 1 >= size)
            return -1;
        line[used++] = c;
    }
    line[used] = '\0';
    return 0;
}
