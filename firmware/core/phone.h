/* Phone numbers as a language's residents write them. A pack gives each language a list of
 * formats ("1## #### ####" for a mainland mobile): '#' is any digit, a digit is itself, a
 * space shows where a group ends and a leading '+' is typed as one. The kiosk stores the
 * number without spaces, shows it grouped as it is typed and, when the language has formats,
 * takes only a number that matches one of them. Pure: no state, no allocation. */
#ifndef KIOSK_PHONE_H
#define KIOSK_PHONE_H

#include <stdbool.h>
#include <stddef.h>

#define PHONE_MAX_DIGITS 20 /* a format's digits, '+' included */

/* Whether format is well formed: a leading '+' at most, then '#', digits and single spaces
 * between groups, 1..PHONE_MAX_DIGITS digits in all. When not, *why says what is wrong. */
bool phone_format_valid(const char *format, const char **why);

/* The number of characters (digits and '+') a number of this format has. */
size_t phone_format_length(const char *format);

/* Whether number (digits, maybe a leading '+', no spaces) matches format exactly. */
bool phone_matches(const char *number, const char *format);

/* Whether number could still become format by typing more: every character so far fits. */
bool phone_fits_so_far(const char *number, const char *format);

/* Whether number matches one of the n formats; with n == 0 any number does. */
bool phone_valid(const char *number, const char *const *formats, size_t n);

/* Whether character c may follow number: false only when number fits one of the formats so
 * far and number followed by c fits none (a complete number takes no stray digit); a number
 * that fits no format already takes anything, for Next to explain. */
bool phone_may_append(const char *number, char c, const char *const *formats, size_t n);

/* The longest of the n formats, in characters; 0 when n == 0. */
size_t phone_max_length(const char *const *formats, size_t n);

/* Writes number into out (len bytes with the terminator) grouped as the first format it fits
 * so far ("138 1234 5678", "138 12" while typing); ungrouped when none fits or n == 0.
 * Characters past the format's end follow its last group. */
void phone_group(const char *number, const char *const *formats, size_t n, char *out, size_t len);

/* An example of format for a message ("138 1234 5678" from "1## #### ####"): each '#' becomes
 * the next digit of a fixed sequence. out holds len bytes with the terminator. */
void phone_example(const char *format, char *out, size_t len);

#endif
