/* The export's record source (usb/export.h) built from the kiosk store: the one place where
 * the USB edge and the store edge meet, so neither includes the other. */
#ifndef KIOSK_EXPORT_SOURCE_H
#define KIOSK_EXPORT_SOURCE_H

#include "store/store.h"
#include "usb/export.h"

/* A source reading st. It keeps st (not owned): valid while st stays open. */
export_source_t export_source_from_store(store_t *st);

#endif
