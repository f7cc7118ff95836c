#ifndef CPARD_CLIBXML2_SHIM_H
#define CPARD_CLIBXML2_SHIM_H
// Must come first: keep libxml2's ICU types away from Foundation's.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlsave.h>

// xmlFree is a global function pointer that Swift 6 rejects.
static inline void CLibXML2_free(void *p) { xmlFree(p); }

// libxml2's generic error callback is variadic, which Swift cannot express: a no-op one, installed
// on the calling thread and as the default for threads created later, so libxml2 never prints.
static inline void CLibXML2_ignoreGenericError(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void CLibXML2_silenceGenericErrors(void) {
    xmlSetGenericErrorFunc(NULL, CLibXML2_ignoreGenericError);
    xmlThrDefSetGenericErrorFunc(NULL, CLibXML2_ignoreGenericError);
}

#endif
