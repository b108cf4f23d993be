/* The loaded content: the interface strings a pack must have, and what the flow and the
 * layout read of it. Loading is in content_loader.c and content_questions.c. */
#include "core/content.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/content_internal.h"

/* Strings residents read: every language of a pack has each. */
const char *const content_required_strings[] = {
    "home.title",
    "home.rate_prompt",
    "home.or_choose",
    "nav.back",
    "nav.next",
    "nav.skip",
    "nav.home",
    "nav.done",
    "nav.more",
    "nav.previous_page",
    "common.yes",
    "common.no",
    "progress",
    "idle.title",
    "idle.body",
    "idle.continue",
    "leave.title",
    "leave.body",
    "leave.stay",
    "leave.go",
    "attract.title",
    "attract.body",
    "attract.body_later",
    "display.button",
    "display.title",
    "display.large",
    "display.contrast",
    "display.done",
    "display.speech",
    "speech.selected",
    "speech.candidate",
    "thanks.title",
    "thanks.body",
    "thanks.ref",
    "thanks.ref_hint",
    "thanks.noted",
    "thanks.activity",
    "thanks.qr_phone",
    "thanks.qr_hint",
    "quick.thanks",
    "oos.title",
    "oos.body",
    "keyboard.space",
    "keyboard.done",
    "keyboard.count",
    "keyboard.placeholder",
    "keyboard.shift",
    "keyboard.symbols",
    "keyboard.letters",
    "keyboard.delete",
    "keyboard.undo",
    "keyboard.clear",
    "keyboard.pad_hint",
    "keyboard.mode_handwriting",
    "keyboard.mode_pinyin",
    "keyboard.mode_latin",
    "keyboard.mode_digits",
    "why.choose",
    "why.write",
    "why.phone",
    "why.phone_any",
    NULL,
};

/* Strings only staff and technicians read (the staff screens, the stick messages, the notices
 * written in the default language): the default language must have each, other languages may
 * leave them out and show the default's. */
const char *const content_staff_strings[] = {
    "staff.pin_title",
    "staff.pin_wrong",
    "staff.pin_wait",
    "staff.no_pin",
    "staff.ok",
    "staff.delete",
    "staff.close",
    "staff.title",
    "staff.today",
    "staff.week",
    "staff.not_exported",
    "staff.requests",
    "staff.misuse",
    "staff.timed_out",
    "staff.last_export",
    "staff.never",
    "staff.db_size",
    "staff.free",
    "staff.checked",
    "staff.moved",
    "staff.retention_waits",
    "staff.erase",
    "staff.erase_title",
    "staff.erase_hint",
    "staff.erase_ask",
    "staff.back",
    "staff.confirm_title",
    "staff.confirm_body",
    "staff.confirm_yes",
    "staff.erased",
    "staff.not_found",
    "staff.erase_failed",
    "staff.clock",
    "staff.clock_unsynced",
    "staff.export_stick",
    "staff.menu.figures",
    "staff.menu.figures_detail",
    "staff.menu.erase_detail",
    "staff.menu.content",
    "staff.menu.clock",
    "staff.menu.hours",
    "staff.menu.tech",
    "staff.menu.tech_detail",
    "staff.clock_synced",
    "staff.clock_not_synced",
    "staff.content_active",
    "staff.content_previous",
    "staff.content_none",
    "staff.from_installed",
    "staff.from_configured",
    "staff.from_builtin",
    "staff.content_rollback",
    "staff.content_stick",
    "staff.content_no_stick",
    "staff.content_no_packs",
    "staff.content_switch_title",
    "staff.content_switch_body",
    "staff.content_back_title",
    "staff.content_switched",
    "staff.content_failed",
    "staff.yes_switch",
    "staff.clock_is_synced",
    "staff.clock_hint",
    "staff.year",
    "staff.month",
    "staff.day",
    "staff.hour",
    "staff.minute",
    "staff.clock_set",
    "staff.clock_done",
    "staff.clock_failed",
    "staff.hours_open",
    "staff.hours_open_always",
    "staff.hours_quiet",
    "staff.hours_quiet_always",
    "staff.hours_none",
    "staff.hours_manual",
    "staff.hours_go_quiet",
    "staff.hours_go_open",
    "staff.hours_schedule",
    "staff.hours_closed",
    "staff.day0",
    "staff.day1",
    "staff.day2",
    "staff.day3",
    "staff.day4",
    "staff.day5",
    "staff.day6",
    "staff.tech_kiosk",
    "staff.tech_display",
    "staff.tech_versions",
    "staff.tech_system",
    "staff.tech_network",
    "staff.tech_buttons",
    "staff.tech_touch",
    "staff.tech_log",
    "staff.tech_restart",
    "staff.tech_reboot",
    "staff.tech_poweroff",
    "staff.volume_level",
    "staff.volume_off",
    "staff.volume_test",
    "staff.volume_none",
    "staff.buttons_hint",
    "staff.buttons_none",
    "staff.buttons_off",
    "staff.col_button",
    "staff.col_line",
    "staff.col_presses",
    "staff.col_bounces",
    "staff.touch_hint",
    "staff.touch_count",
    "staff.touch_clear",
    "staff.power_restart_title",
    "staff.power_restart_body",
    "staff.power_reboot_title",
    "staff.power_reboot_body",
    "staff.power_off_title",
    "staff.power_off_body",
    "staff.power_yes",
    "staff.power_failed",
    "staff.working",
    "staff.log_empty",
    "staff.selftest_title",
    "staff.selftest_hint",
    "staff.selftest_storage",
    "staff.selftest_clock",
    "staff.selftest_display",
    "staff.selftest_touch",
    "staff.selftest_buttons",
    "staff.selftest_todo",
    "staff.selftest_passed",
    "staff.selftest_failed",
    "staff.selftest_check",
    "staff.selftest_finish",
    "staff.selftest_corners",
    "staff.selftest_pressed",
    "staff.selftest_storage_ok",
    "notice.db_recovered",
    "notice.chain_broken",
    "usb.title",
    "usb.exporting",
    "usb.done",
    "usb.nothing",
    "usb.erased",
    "usb.refused",
    "usb.failed",
    "usb.reason.no_token",
    "usb.reason.damaged",
    "usb.reason.forged",
    "usb.reason.expired",
    "usb.reason.not_yet",
    "usb.reason.other_kiosk",
    "usb.reason.not_allowed",
    "usb.reason.full",
    "usb.reason.read_only",
    "usb.reason.corrupt",
    "usb.reason.removed",
    "usb.reason.no_database",
    "notice.fallback",
    "notice.ime_missing",
    NULL,
};

bool content_string_is_staff(const char *key)
{
    for (size_t i = 0; content_staff_strings[i]; i++)
        if (strcmp(content_staff_strings[i], key) == 0)
            return true;
    return false;
}

void content_free(content_t *c)
{
    if (!c)
        return;
    content_arena_free(&c->arena);
    free(c);
}

const char *content_id(const content_t *c)
{
    return c->id;
}

const char *content_version(const content_t *c)
{
    return c->version;
}

const char *content_default_lang(const content_t *c)
{
    return c->default_lang;
}

const content_settings_t *content_settings(const content_t *c)
{
    return &c->settings;
}

void content_set_timing(content_t *c, int idle_timeout_s, int idle_countdown_s,
                        int misuse_interval_s)
{
    if (idle_timeout_s > 0)
        c->settings.idle_timeout_s = idle_timeout_s;
    if (idle_countdown_s > 0)
        c->settings.idle_countdown_s = idle_countdown_s;
    if (misuse_interval_s > 0)
        c->settings.misuse_interval_s = misuse_interval_s;
}

size_t content_language_count(const content_t *c)
{
    return c->nlangs;
}

const language_t *content_language(const content_t *c, size_t i)
{
    return i < c->nlangs ? &c->langs[i] : NULL;
}

bool content_lang_same(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    for (; *a && *b; a++, b++) {
        char ca = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char cb = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (ca != cb)
            return false;
    }
    return *a == *b;
}

int content_language_index(const content_t *c, const char *code)
{
    for (size_t i = 0; code && i < c->nlangs; i++)
        if (content_lang_same(c->langs[i].code, code))
            return (int)i;
    return -1;
}

bool content_lang_rtl(const content_t *c, const char *lang)
{
    int i = content_language_index(c, lang);
    return i >= 0 && c->langs[i].rtl;
}

size_t content_lang_fonts(const content_t *c, const char *lang, const char **out, size_t max)
{
    int i = content_language_index(c, lang);
    if (i < 0)
        return 0;
    const language_t *l = &c->langs[i];
    for (size_t k = 0; k < l->nfonts && k < max; k++)
        out[k] = l->fonts[k];
    return l->nfonts;
}

size_t content_journey_count(const content_t *c)
{
    return c->nshown_journeys;
}

const journey_t *content_journey(const content_t *c, size_t i)
{
    return i < c->nshown_journeys ? &c->journeys[c->shown_journeys[i]] : NULL;
}

size_t content_face_count(const content_t *c)
{
    return c->nfaces;
}

const choice_t *content_face(const content_t *c, size_t i)
{
    return i < c->nfaces ? &c->faces[i] : NULL;
}

const question_t *content_followup(const content_t *c)
{
    return c->followup;
}

const char *content_text(const content_t *c, const lstr_t *s, const char *lang)
{
    if (!s || s->n == 0)
        return "";
    for (size_t i = 0; lang && i < s->n; i++)
        if (s->v[i].lang && content_lang_same(s->v[i].lang, lang))
            return s->v[i].text;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].lang && content_lang_same(s->v[i].lang, c->default_lang))
            return s->v[i].text;
    return s->v[0].text ? s->v[0].text : "";
}

const char *content_string(const content_t *c, const char *key, const char *lang)
{
    for (size_t i = 0; i < c->nstrings; i++)
        if (strcmp(c->strings[i].key, key) == 0)
            return content_text(c, &c->strings[i].text, lang);
    if (c->fallback && c->fallback != c)
        return content_string(c->fallback, key, lang);
    return key;
}

void content_set_fallback(content_t *c, const content_t *fallback)
{
    c->fallback = fallback;
}

void content_fill_vars(char *out, size_t len, const char *src, size_t n, const char *const names[],
                       const char *const values[])
{
    size_t o = 0;
    if (!len)
        return;
    while (*src && o + 1 < len) {
        size_t k = n;
        if (*src == '{')
            for (k = 0; k < n; k++)
                if (strncmp(src + 1, names[k], strlen(names[k])) == 0 &&
                    src[1 + strlen(names[k])] == '}')
                    break;
        if (k == n) {
            out[o++] = *src++;
            continue;
        }
        int w = snprintf(out + o, len - o, "%s", values[k]);
        o = w < 0 ? o : o + (size_t)w < len ? o + (size_t)w : len - 1;
        src += strlen(names[k]) + 2;
    }
    out[o] = '\0';
}
