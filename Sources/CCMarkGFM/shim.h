#ifndef SOURCED_CMARK_SHIM_H
#define SOURCED_CMARK_SHIM_H

#include <stdlib.h>
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>

// Debian installs no header that declares the extension node types; they are
// assigned when the core extensions register. `const` keeps Swift 6 from
// treating them as mutable globals.
extern const cmark_node_type CMARK_NODE_TABLE;
extern const cmark_node_type CMARK_NODE_TABLE_ROW;
extern const cmark_node_type CMARK_NODE_TABLE_CELL;
extern const cmark_node_type CMARK_NODE_STRIKETHROUGH;

#endif
