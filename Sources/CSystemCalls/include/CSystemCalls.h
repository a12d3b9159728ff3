#ifndef SOURCED_CSYSTEMCALLS_H
#define SOURCED_CSYSTEMCALLS_H

/// Swaps the two paths, both of which must exist, in one step (Linux's renameat2 with
/// RENAME_EXCHANGE): no observer ever sees either path missing. Returns 0, or -1 with errno
/// set; EINVAL or ENOSYS where the file system or kernel cannot exchange.
int sourced_exchange_paths(const char *first, const char *second);

#endif
