/* The USB edge's record sources (usb/export.h, usb/sticks.h) built from the kiosk store: the
 * one place where the USB edge and the store edge meet, so neither includes the other. */
#ifndef KIOSK_EXPORT_SOURCE_H
#define KIOSK_EXPORT_SOURCE_H

#include "store/store.h"
#include "usb/export.h"
#include "usb/sticks.h"

/* A source reading st. It keeps st (not owned): valid while st stays open. */
export_source_t export_source_from_store(store_t *st);

/* The same, with the contact erasures and the note of the last export's stick. Keeps st (not
 * owned): valid while st stays open. */
usb_source_t usb_source_from_store(store_t *st);

#endif
