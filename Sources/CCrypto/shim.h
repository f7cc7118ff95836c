#ifndef CPARD_CCRYPTO_SHIM_H
#define CPARD_CCRYPTO_SHIM_H
// OpenSSL's libcrypto message digests (EVP_Digest*), narrowed to SHA-256: typed shims only.
#include <stddef.h>
#include <openssl/evp.h>

// A fresh SHA-256 context, or NULL when libcrypto cannot make one (out of memory).
static inline EVP_MD_CTX *CCrypto_sha256_new(void) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

// 1 on success.
static inline int CCrypto_sha256_update(EVP_MD_CTX *ctx, const void *bytes, size_t count) {
    return EVP_DigestUpdate(ctx, bytes, count);
}

// Writes the 32-byte digest of everything so far to `out` without ending `ctx` (a copy is finalised); 1 on success.
static inline int CCrypto_sha256_peek(const EVP_MD_CTX *ctx, unsigned char *out) {
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    if (copy == NULL) return 0;
    unsigned int length = 0;
    int ok = EVP_MD_CTX_copy_ex(copy, ctx) == 1 && EVP_DigestFinal_ex(copy, out, &length) == 1 && length == 32;
    EVP_MD_CTX_free(copy);
    return ok;
}

static inline void CCrypto_sha256_free(EVP_MD_CTX *ctx) { EVP_MD_CTX_free(ctx); }

#endif
