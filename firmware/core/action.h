/* What a touch target does: the action a widget of the view carries, with an argument. One
 * list for every mode (the residents' flow, the staff screens, the attract screen), since one
 * view and one script interface name them all; each mode acts on its own and ignores the rest.
 * Scripts and tests use these values: add new ones at the end, never renumber. */
#ifndef KIOSK_ACTION_H
#define KIOSK_ACTION_H

typedef enum {
    ACT_NONE,
    /* the residents' flow (flow_activate) */
    ACT_FACE,    /* arg: face index (quick rating on the home screen) */
    ACT_JOURNEY, /* arg: journey index */
    ACT_CHOICE,  /* arg: choice index; boolean: 1 yes, 0 no */
    ACT_KEY,     /* widget text is the character to type */
    ACT_BACKSPACE,
    ACT_SHIFT,
    ACT_SYMBOLS,
    ACT_SPACE,
    ACT_NEXT,
    ACT_BACK,
    ACT_SKIP,
    ACT_HOME, /* leave the journey (asks first when answers would be lost) */
    ACT_LANG, /* the language button: the other language with two, else the picker */
    ACT_PAGE_NEXT,
    ACT_PAGE_PREV,
    ACT_IDLE_CONTINUE,
    ACT_LEAVE_STAY,
    ACT_LEAVE_GO,
    ACT_DONE,          /* thank-you screen: back home now */
    ACT_DISPLAY,       /* open the display choices */
    ACT_LARGE_TEXT,    /* switch large text on or off */
    ACT_HIGH_CONTRAST, /* switch high contrast on or off */
    ACT_DISPLAY_CLOSE, /* close the display choices */
    /* the staff screens (the app's staff mode) */
    ACT_STAFF_DIGIT, /* staff PIN keypad: arg is the digit */
    ACT_STAFF_DELETE,
    ACT_STAFF_OK,
    ACT_STAFF_CLOSE,   /* leave the staff screens */
    ACT_STAFF_PAGE,    /* the staff menu (or technician page): open page arg */
    ACT_STAFF_REF_KEY, /* a character of the reference code: arg indexes the alphabet */
    ACT_STAFF_REF_DELETE,
    ACT_STAFF_ERASE_ASK,     /* the code is complete: ask for confirmation */
    ACT_STAFF_ERASE_CONFIRM, /* yes, erase */
    ACT_STAFF_BACK,          /* one page back (or cancel the confirmation) */
    ACT_STAFF_PACK,          /* content page: pack arg of the stick's list; -1 the previous */
    ACT_STAFF_PACK_CONFIRM,  /* yes, switch */
    ACT_STAFF_CLOCK,         /* clock page: arg = field * 2 + (1: up, 0: down) */
    ACT_STAFF_CLOCK_SET,     /* set the clock to the edited time */
    ACT_STAFF_QUIET,         /* hours page: quiet now / open now / back to the schedule */
    ACT_STAFF_POWER,         /* technician page: arg is the staff_work_t to ask about */
    ACT_STAFF_POWER_CONFIRM, /* yes, restart / reboot / shut down */
    ACT_STAFF_TOUCH_CLEAR,   /* touch test: start again */
    ACT_STAFF_CANVAS,        /* touch test: the drawing surface (not a focus target) */
    ACT_STAFF_SELF_TEST_END, /* the first boot's self-test is finished */
    /* the attract screen */
    ACT_WAKE, /* the attract screen: a touch anywhere wakes the kiosk */
    /* the residents' flow: the input methods of a text question (see core/ime.h) */
    ACT_IME_MODE,      /* arg: the ime_mode_t to switch to, or -1 for the next one */
    ACT_IME_CANDIDATE, /* arg: index of the candidate on the page shown */
    ACT_IME_PAGE_NEXT,
    ACT_IME_PAGE_PREV,
    ACT_IME_PAD_CLEAR, /* handwriting: rub out the character being written */
    ACT_IME_PAD_UNDO,  /* handwriting: take back the last stroke */
    ACT_IME_PAD,       /* the writing pad (not a focus target): activated = the finger lifted */
    /* the residents' flow: choosing among three or more languages (the picker) */
    ACT_LANG_CHOOSE, /* arg: the language's index in the pack (content_language()) */
    ACT_LANG_CLOSE,  /* close the picker, the language unchanged */
    ACT_LANG_NEXT,   /* the next language directly, without the picker (the staff screens) */
    /* the residents' flow: the display choices' speech switch */
    ACT_SPEECH, /* switch speech on or off for the visit */
    /* the technician page's volume: arg -1 down, +1 up (a step each), 0 test sound */
    ACT_STAFF_VOLUME
} action_t;

#endif
