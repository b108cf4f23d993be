/* Fonts for the app: the font families each language prefers (the device configuration's,
 * then the pack's), and the check that every text of a pack can be drawn by the fonts
 * installed, which the pack edge applies before a pack is used. */
#ifndef KIOSK_APP_FONTS_H
#define KIOSK_APP_FONTS_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "core/content.h"
#include "ui/ui.h"

#define APP_FONT_FAMILIES 24

/* The families preferred for lang, in order, into out: the configuration's, then the pack's
 * for the language (c may be NULL). The pointers point into cfg and c. Returns the count. */
size_t app_font_families(const app_config_t *cfg, const content_t *c, const char *lang,
                         const char *out[APP_FONT_FAMILIES]);

/* Whether every text of the pack c (its JSON, len bytes) can be drawn by the fonts installed,
 * each language through its own chain: false with why set ("PATH: U+E000: no installed font
 * has this character (language ug)") for the first text that cannot. It sets the UI's
 * language as it goes: the caller sets the one on screen again (the next frame does). True
 * when there is no UI. */
bool app_pack_fonts_ok(ui_t *ui, const app_config_t *cfg, const content_t *c, const char *json,
                       size_t len, char *why, size_t whylen);

#endif
