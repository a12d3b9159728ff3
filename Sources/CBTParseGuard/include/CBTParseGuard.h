#ifndef SOURCED_CBTPARSEGUARD_H
#define SOURCED_CBTPARSEGUARD_H

#include <stdio.h>
#include <btparse.h>

/// bt_parse_entry, except that where btparse would end the process (its usage_error and
/// internal_error, which it calls on some malformed input, print and exit), it returns NULL with
/// *fatal set and the message in sourced_bt_fatal_message. btparse's state is then not to be
/// trusted: the caller parses no more BibTeX in this process.
AST *sourced_bt_parse_entry(FILE *file, char *name, boolean *ok, int *fatal);

/// The message of the last error caught, or "".
const char *sourced_bt_fatal_message(void);

#endif
