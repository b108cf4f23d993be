/* The resident's language: the language button switches between two languages directly, and
 * with three or more opens the picker, where every language is listed in its own name. The
 * choice lasts the visit (end_visit() in flow.c brings the kiosk's language back). */
#include <stdio.h>

#include "core/flow_internal.h"

/* Where the ring goes when the picker opens or closes: on the screen's first answer for a
 * button user, nowhere for a touch user (as flow.c's start_focus()). */
static int picker_focus(const flow_t *f)
{
    return f->button_user ? FLOW_FOCUS_START : FLOW_FOCUS_NONE;
}

static void set_language(flow_t *f, size_t i)
{
    snprintf(f->lang, sizeof f->lang, "%s", content_language(f->c, i)->code);
    flow_ime_restart(f); /* candidates follow the language; its start mode too */
}

static void next_language(flow_t *f)
{
    size_t n = content_language_count(f->c);
    int i = content_language_index(f->c, f->lang);
    set_language(f, (size_t)(i + 1) % n);
}

bool flow_lang_button(flow_t *f, action_t action)
{
    size_t n = content_language_count(f->c);
    if (n < 2)
        return false;
    if (action == ACT_LANG_NEXT || n == 2 || f->screen == SCREEN_OUT_OF_SERVICE) {
        next_language(f);
        return true;
    }
    if (action != ACT_LANG)
        return false;
    if (f->overlay == OVERLAY_LANGUAGE) /* the button again (F2): closed, unchanged */
        return flow_lang_picker_action(f, ACT_LANG_CLOSE, 0);
    f->overlay = OVERLAY_LANGUAGE;
    f->lang_page = 0;
    f->focus = picker_focus(f);
    return true;
}

bool flow_lang_picker_action(flow_t *f, action_t action, int arg)
{
    switch (action) {
    case ACT_LANG_CHOOSE:
        if (arg < 0 || (size_t)arg >= content_language_count(f->c))
            return false;
        set_language(f, (size_t)arg);
        f->overlay = OVERLAY_NONE; /* back to the screen it was opened over */
        f->focus = picker_focus(f);
        return true;
    case ACT_LANG_CLOSE:
        f->overlay = OVERLAY_NONE;
        f->focus = picker_focus(f);
        return true;
    case ACT_PAGE_NEXT:
        f->lang_page++;
        f->focus = picker_focus(f);
        return true;
    case ACT_PAGE_PREV:
        if (f->lang_page == 0)
            return false;
        f->lang_page--;
        f->focus = picker_focus(f);
        return true;
    default:
        return false;
    }
}

size_t flow_lang_page(const flow_t *f)
{
    return f->lang_page;
}
