/* Filled shapes for the SDL edge: rectangles plain, round and framed, discs, and the
 * feedback faces. They draw on the renderer's current target. */
#include <math.h>
#include <string.h>

#include "ui/ui_internal.h"

/* ---- rectangles ---- */

static SDL_Rect inset(SDL_Rect r, int d)
{
    return (SDL_Rect){r.x + d, r.y + d, r.w - 2 * d, r.h - 2 * d};
}

void ui_fill_rect(ui_t *ui, SDL_Rect r, SDL_Color c)
{
    SDL_SetRenderDrawColor(ui->ren, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(ui->ren, &r);
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

/* A round rectangle inside a border bw wide (no border when bw is 0). */
void ui_fill_framed(ui_t *ui, SDL_Rect r, int bw, int radius, int inner_radius, SDL_Color border,
                    SDL_Color fill)
{
    if (bw)
        ui_fill_round_rect(ui, r, radius, border);
    ui_fill_round_rect(ui, inset(r, bw), inner_radius, fill);
}

/* ---- discs and faces ---- */

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

/* Face colours, worst to best; shapes (the mouth) and words carry the meaning too. */
static SDL_Color face_color(int level, int count)
{
    static const SDL_Color five[5] = {
        {0xd3, 0x2f, 0x2f, 255}, {0xf5, 0x7c, 0x00, 255}, {0xf9, 0xa8, 0x25, 255},
        {0x7c, 0xb3, 0x42, 255}, {0x2e, 0x7d, 0x32, 255},
    };
    static const SDL_Color four[4] = {
        {0xd3, 0x2f, 0x2f, 255},
        {0xf5, 0x7c, 0x00, 255},
        {0x7c, 0xb3, 0x42, 255},
        {0x2e, 0x7d, 0x32, 255},
    };
    if (count == 4)
        return four[level & 3];
    if (count == 3)
        return five[level * 2 > 4 ? 4 : level * 2];
    return five[level < 0 ? 0 : level > 4 ? 4 : level];
}

/* The mouth: a parabola from frown (curve -1) to broad smile (curve 1), one strip of quads
 * th thick along the curve, with round ends. */
static void draw_mouth(ui_t *ui, float cx, float cy, float rad, double curve, SDL_Color dark)
{
    float th = rad * 0.075f;
    float mw = rad * 0.55f;
    float my = cy + rad * 0.38f;
    enum { N = 24 };
    SDL_FPoint pts[N + 1];
    for (int i = 0; i <= N; i++) {
        double s = -1.0 + 2.0 * i / N;
        pts[i].x = cx + (float)s * mw;
        pts[i].y = my - (float)((s * s - 0.5) * curve) * rad * 0.32f; /* y grows downwards */
    }
    SDL_Vertex v[2 * (N + 1)];
    int idx[6 * N];
    for (int i = 0; i <= N; i++) {
        int a = i > 0 ? i - 1 : i, b = i < N ? i + 1 : i;
        float dx = pts[b].x - pts[a].x, dy = pts[b].y - pts[a].y;
        float len = sqrtf(dx * dx + dy * dy);
        float nx = len > 0 ? -dy / len * th : 0, ny = len > 0 ? dx / len * th : th;
        v[2 * i] = (SDL_Vertex){{pts[i].x + nx, pts[i].y + ny}, dark, {0, 0}};
        v[2 * i + 1] = (SDL_Vertex){{pts[i].x - nx, pts[i].y - ny}, dark, {0, 0}};
    }
    for (int i = 0; i < N; i++) {
        int k = 2 * i;
        int q[6] = {k, k + 1, k + 2, k + 1, k + 3, k + 2};
        memcpy(&idx[6 * i], q, sizeof q);
    }
    SDL_RenderGeometry(ui->ren, NULL, v, 2 * (N + 1), idx, 6 * N);
    ui_fill_circle(ui, pts[0].x, pts[0].y, th, dark);
    ui_fill_circle(ui, pts[N].x, pts[N].y, th, dark);
}

void ui_draw_face(ui_t *ui, float cx, float cy, float rad, int level, int count, SDL_Color dark)
{
    ui_fill_circle(ui, cx, cy, rad + 2.0f, dark);
    ui_fill_circle(ui, cx, cy, rad, face_color(level, count));
    float er = rad * 0.11f;
    ui_fill_circle(ui, cx - rad * 0.35f, cy - rad * 0.25f, er, dark);
    ui_fill_circle(ui, cx + rad * 0.35f, cy - rad * 0.25f, er, dark);
    double t = count > 1 ? (double)level / (count - 1) : 0.5; /* 0..1 */
    draw_mouth(ui, cx, cy, rad, (t - 0.5) * 2.0, dark);
}
