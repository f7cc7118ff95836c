#ifndef CPARD_CBYTES_SHIM_H
#define CPARD_CBYTES_SHIM_H
// Byte-class scans for the CSV parser (which of 32 bytes are CSV specials) and a prefetch hint. Typed static-inline
// shims only.
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Bit i is set when p[i] is ',', '"' or LF, for i in 0..<32. Reads exactly 32 bytes from p (unaligned).
static inline uint32_t CBytes_csvSpecials32(const uint8_t *p) {
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'), lf = _mm_set1_epi8('\n');
    __m128i a = _mm_loadu_si128((const __m128i *)p), b = _mm_loadu_si128((const __m128i *)(p + 16));
    __m128i ma = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, comma), _mm_cmpeq_epi8(a, quote)), _mm_cmpeq_epi8(a, lf));
    __m128i mb = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, comma), _mm_cmpeq_epi8(b, quote)), _mm_cmpeq_epi8(b, lf));
    return (uint32_t)_mm_movemask_epi8(ma) | ((uint32_t)_mm_movemask_epi8(mb) << 16);
#else
    uint32_t m = 0;
    for (int i = 0; i < 32; i++) {
        uint8_t c = p[i];
        m |= (uint32_t)(c == ',' || c == '"' || c == '\n') << i;
    }
    return m;
#endif
}

// A hint that the cache line holding p will be read soon; never faults, never waits.
static inline void CBytes_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}

#endif
