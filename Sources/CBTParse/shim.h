// btparse, the BibTeX parser of Text::BibTeX (Debian's libbtparse-dev), which has no pkg-config file.
#include <stdio.h>
#include <btparse.h>
