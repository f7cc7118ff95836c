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

#endif
