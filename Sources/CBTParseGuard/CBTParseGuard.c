// Interposes btparse's fatal error functions: they are exported and called through the PLT, so
// these definitions replace them in this process. Only C frames (btparse's own) lie between the
// setjmp below and the longjmp, as C allows.
#include "CBTParseGuard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf sourced_bt_jump;
static int sourced_bt_armed = 0;
static char sourced_bt_message[512] = "";

static void sourced_bt_fatal(const char *kind, const char *format, va_list arguments) {
    vsnprintf(sourced_bt_message, sizeof sourced_bt_message, format, arguments);
    if (sourced_bt_armed) {
        sourced_bt_armed = 0;
        longjmp(sourced_bt_jump, 1);
    }
    fprintf(stderr, "%s: %s\n", kind, sourced_bt_message);
    exit(1);
}

void usage_error(const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    sourced_bt_fatal("btparse usage error", format, arguments);
    va_end(arguments);
}

void internal_error(const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    sourced_bt_fatal("btparse internal error", format, arguments);
    va_end(arguments);
}

AST *sourced_bt_parse_entry(FILE *file, char *name, boolean *ok, int *fatal) {
    *fatal = 0;
    if (setjmp(sourced_bt_jump)) {
        *fatal = 1;
        return NULL;
    }
    sourced_bt_armed = 1;
    AST *entry = bt_parse_entry(file, name, 0, ok);
    sourced_bt_armed = 0;
    return entry;
}

const char *sourced_bt_fatal_message(void) { return sourced_bt_message; }
