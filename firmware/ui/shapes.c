/* Filled shapes for the SDL edge: rectangles plain, round and framed, and discs. They draw on
 * the renderer's current target. (Faces and icons are SVG files: icons.c.) */
#include <math.h>

#include "ui/ui_internal.h"

/* ---- rectangles ---- */

static SDL_Rect inset(SDL_Rect r, int d)
{
    return (SDL_Rect){r.x + d, r.y + d, r.w - 2 * d, r.h - 2 * d};
}

void ui_fill_rect(ui_t *ui, SDL_Rect r, SDL_Color c)
{
    SDL_SetRenderDrawColor(ui->ren, c.r, c.g, c.b, c.a);
    if (c.a < 255) {
        SDL_RenderFillRect(ui->ren, &r);
        return;
    }
    /* An opaque colour blended is the colour: the software renderer fills it as a plain
     * copy, several times faster than blending pixel by pixel. */
    SDL_BlendMode mode;
    SDL_GetRenderDrawBlendMode(ui->ren, &mode);
    SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_NONE);
    SDL_RenderFillRect(ui->ren, &r);
    SDL_SetRenderDrawBlendMode(ui->ren, mode);
}

/* The four quarter-disc fans at the corners of a round rectangle. */
static void fill_corners(ui_t *ui, SDL_Rect r, int radius, SDL_Color c)
{
    enum { SEG = 6 };
    SDL_Vertex v[4 * (SEG + 2)];
    int idx[4 * SEG * 3];
    const float corners[4][2] = {
        {(float)(r.x + r.w - radius), (float)(r.y + radius)},
        {(float)(r.x + radius), (float)(r.y + radius)},
        {(float)(r.x + radius), (float)(r.y + r.h - radius)},
        {(float)(r.x + r.w - radius), (float)(r.y + r.h - radius)},
    };
    int n = 0, ni = 0;
    for (int k = 0; k < 4; k++) {
        int centre = n;
        v[n++] = (SDL_Vertex){{corners[k][0], corners[k][1]}, c, {0, 0}};
        for (int s = 0; s <= SEG; s++) {
            double a = (k * 90.0 + s * 90.0 / SEG) * M_PI / 180.0;
            v[n++] = (SDL_Vertex){{corners[k][0] + (float)(radius * cos(a)),
                                   corners[k][1] - (float)(radius * sin(a))},
                                  c,
                                  {0, 0}};
            if (s > 0) {
                idx[ni++] = centre;
                idx[ni++] = n - 2;
                idx[ni++] = n - 1;
            }
        }
    }
    SDL_RenderGeometry(ui->ren, NULL, v, n, idx, ni);
}

/* A filled rectangle with round corners: three plain rectangles (fast in every renderer)
 * and four small quarter-disc fans. */
void ui_fill_round_rect(ui_t *ui, SDL_Rect r, int radius, SDL_Color c)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    if (radius * 2 > r.w)
        radius = r.w / 2;
    if (radius * 2 > r.h)
        radius = r.h / 2;
    SDL_SetRenderDrawBlendMode(ui->ren, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(ui->ren, c.r, c.g, c.b, c.a);
    if (radius < 2) {
        SDL_RenderFillRect(ui->ren, &r);
        SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_BLEND);
        return;
    }
    SDL_Rect parts[3] = {
        {r.x + radius, r.y, r.w - 2 * radius, r.h},
        {r.x, r.y + radius, radius, r.h - 2 * radius},
        {r.x + r.w - radius, r.y + radius, radius, r.h - 2 * radius},
    };
    SDL_RenderFillRects(ui->ren, parts, 3);
    SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_BLEND);
    fill_corners(ui, r, radius, c);
}

/* A round rectangle inside a border bw wide (no border when bw is 0). The border is not filled
 * under the fill: its four strips and its corners (the round rectangle's own fans, which the
 * fill's corners cover inside) make the same pixels as the whole rectangle in the border's
 * colour under the fill, at about half the pixels written. */
void ui_fill_framed(ui_t *ui, SDL_Rect r, int bw, int radius, int inner_radius, SDL_Color border,
                    SDL_Color fill)
{
    int rad = radius;
    if (rad * 2 > r.w)
        rad = r.w / 2;
    if (rad * 2 > r.h)
        rad = r.h / 2;
    bool opaque = border.a == 255 && fill.a == 255;
    if (bw > 0 && (!opaque || rad < 2 || inner_radius != rad - bw || bw > rad)) {
        ui_fill_round_rect(ui, r, radius, border); /* the general case: under the fill */
    } else if (bw > 0 && r.w > 0 && r.h > 0) {
        SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_NONE);
        SDL_SetRenderDrawColor(ui->ren, border.r, border.g, border.b, border.a);
        SDL_Rect strips[4] = {
            {r.x + rad, r.y, r.w - 2 * rad, bw},
            {r.x + rad, r.y + r.h - bw, r.w - 2 * rad, bw},
            {r.x, r.y + rad, bw, r.h - 2 * rad},
            {r.x + r.w - bw, r.y + rad, bw, r.h - 2 * rad},
        };
        SDL_RenderFillRects(ui->ren, strips, 4);
        SDL_SetRenderDrawBlendMode(ui->ren, SDL_BLENDMODE_BLEND);
        fill_corners(ui, r, rad, border);
    }
    ui_fill_round_rect(ui, inset(r, bw), inner_radius, fill);
}

/* ---- discs ---- */

void ui_fill_circle(ui_t *ui, float cx, float cy, float rad, SDL_Color c)
{
    enum { SEG = 40 };
    SDL_Vertex v[SEG + 1];
    int idx[SEG * 3];
    v[0] = (SDL_Vertex){{cx, cy}, c, {0, 0}};
    for (int i = 0; i < SEG; i++) {
        double a = i * 2.0 * M_PI / SEG;
        v[i + 1] = (SDL_Vertex){{cx + rad * (float)cos(a), cy + rad * (float)sin(a)}, c, {0, 0}};
        idx[i * 3] = 0;
        idx[i * 3 + 1] = i + 1;
        idx[i * 3 + 2] = i + 1 < SEG ? i + 2 : 1;
    }
    SDL_RenderGeometry(ui->ren, NULL, v, SEG + 1, idx, SEG * 3);
}
