/* The app's one router (router.c): turns each device's input into an input_t and hands it to
 * the active mode (core/mode.h). Part of the app: it works on the loop's state. Every event
 * it is given is read during the call only. */
#ifndef KIOSK_ROUTER_H
#define KIOSK_ROUTER_H

#include "app/app_internal.h"
#include "usb/sticks.h"

/* An input from the UI edge: touch, mouse, keyboard, or the window closing. */
void router_ui_event(app_t *a, const ui_event_t *ev);
/* A debounced physical button event of pin, with its line's debounce state. */
void router_button(app_t *a, const button_event_t *e, const pin_t *pin,
                   const debounce_line_t *line);
/* An input that needs no waking (scripts' presses and the router's own). */
void router_input(app_t *a, const input_t *in);
/* An event of the USB edge (a stick refused, a token, the export's progress and result, a
 * stick gone): staff messages, or the staff screens. Returns false when it did nothing. */
bool router_stick_event(app_t *a, const usb_event_t *ev);
/* An audio output device was added (SDL_AUDIODEVICEADDED: a USB headset plugged in): speech
 * on for the visit. The UI edge does not report it yet: its event goes here. */
void router_audio_device_added(app_t *a);
/* The staff button held (or F12): the PIN keypad. */
void router_staff_hold(app_t *a);

#endif
