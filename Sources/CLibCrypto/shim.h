// SHA-256 through OpenSSL 3's EVP interface (Debian's libssl-dev), in place of compiling a
// copy of BoringSSL for one hash function.
#include <openssl/evp.h>
