/* The reference code's hand-over on the thank-you screen (layout_resident.c lays the screen
 * out): the code grouped for reading, what to do with it, and the QR code that holds it with
 * the centre's follow-up number. */
#include <stdio.h>
#include <string.h>

#include "core/layout_internal.h"

/* The reference code grouped in two halves for reading and copying ("3TR ET4"); display only,
 * the stored code has no space. In the view's buffer. */
static const char *grouped_code(ctx_t *x, const char *ref)
{
    char buf[2 * RECORD_REF_LEN + 2];
    int half = (int)(strlen(ref) + 1) / 2;
    snprintf(buf, sizeof buf, "%.*s %s", half, ref, ref + half);
    return lay_strdup(x->v, buf);
}

/* What the reference code's QR holds: the code, and the centre's follow-up number when the
 * pack gives one ("followUpPhone"), each after its label, so that a phone's camera shows
 * both. In the view's buffer. */
static const char *qr_text(ctx_t *x, const char *ref)
{
    char buf[512];
    const char *phone = content_settings(x->c)->follow_up_phone;
    int n = snprintf(buf, sizeof buf, "%s %s", str(x, "thanks.ref"), ref);
    if (phone && n > 0 && (size_t)n < sizeof buf)
        snprintf(buf + n, sizeof buf - (size_t)n, "\n%s %s", str(x, "thanks.qr_phone"), phone);
    return lay_strdup(x->v, buf);
}

/* The QR code of the reference code with its caption below, centred in area (side at most
 * max_side); returns the height used. */
int lay_qr(ctx_t *x, rect_t area, const char *ref, int max_side)
{
    int cap = lay_measure_h(x, str(x, "thanks.qr_hint"), area, T(x, PX_SMALL), false);
    int side = area.h - cap - S(x, 4);
    side = side < max_side ? side : max_side;
    side = side < area.w ? side : area.w;
    widget_t *w =
        lay_add(x, W_QR, STYLE_PLAIN, rect(area.x + (area.w - side) / 2, area.y, side, side));
    w->qr = qr_text(x, ref);
    w->ltr = true;
    int used = side + S(x, 4);
    return used + lay_label_top(x, rect(area.x, area.y + used, area.w, area.h - used),
                                str(x, "thanks.qr_hint"), T(x, PX_SMALL), false, STYLE_MUTED,
                                ALIGN_CENTER);
}

/* The code itself under its label, large, and what to do with it; returns the height used. */
int lay_ref_code(ctx_t *x, rect_t r, const char *ref)
{
    int gap = S(x, GAP) / 2, code_h = T(x, 62);
    int y = r.y + lay_label_top(x, rect(r.x, r.y, r.w, r.h / 4), str(x, "thanks.ref"),
                                T(x, PX_BODY), false, STYLE_PLAIN, ALIGN_CENTER);
    int cw = T(x, 280) < r.w ? T(x, 280) : r.w;
    lay_label(x, rect(r.x + (r.w - cw) / 2, y + gap, cw, code_h), grouped_code(x, ref), T(x, 52),
              true, STYLE_CODE, ALIGN_CENTER)
        ->ltr = true;
    y += gap + code_h + gap;
    y += lay_label_top(x, rect(r.x, y, r.w, r.y + r.h - y), str(x, "thanks.ref_hint"),
                       T(x, PX_SMALL), false, STYLE_MUTED, ALIGN_CENTER);
    return y - r.y;
}
