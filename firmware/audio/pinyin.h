/* Chinese text to the tone-numbered pinyin that espeak-ng's cmn-latn-pinyin voice reads
 * ("银行" -> "yin2 hang2"), from the table built out of Debian's rime-data-terra-pinyin.
 *
 * Ownership: pinyin_open gives the caller a pinyin_t that it frees with pinyin_close; the
 * table file is mapped read-only and stays mapped until then. pinyin_default_table returns a
 * static string (valid for the program's life, never freed). pinyin_convert writes only into
 * the caller's buffer and keeps no pointer to it or to the input; a pinyin_t is never changed
 * after pinyin_open, so several threads may convert with one at the same time. */
#ifndef KIOSK_AUDIO_PINYIN_H
#define KIOSK_AUDIO_PINYIN_H

#include <stddef.h>

typedef struct pinyin pinyin_t;

/* The table the package installs (/usr/share/kiosk/pinyin.tbl), or the build tree's when
 * that one is missing and the build tree's exists (a kiosk or test run from the build). */
const char *pinyin_default_table(void);

/* Maps and checks the table. Returns 0 and sets *out, or -1 with a reason in err (which may
 * be NULL) and *out NULL. */
int pinyin_open(const char *table_path, pinyin_t **out, char *err, size_t errlen);

/* Unmaps the table and frees p (NULL is fine). */
void pinyin_close(pinyin_t *p);

/* Converts UTF-8 text (Simplified or Traditional) to pinyin syllables separated by spaces:
 * - words by longest match, from the end of each run of characters backwards (銀行/银行 yin2
 *   hang2; 后重新 is 后 重新), then single characters (their most common reading); the neutral
 *   tone is 5 (了 le5); the readings are the mainland's (信息 xin4 xi1, not Taiwan's xi2);
 * - 一 and 不 with their tone sandhi: 一 yi2 before a tone 4 (一样 yi2 yang4), yi4 before the
 *   others (一天 yi4 tian1), yi1 as a number or ordinal (第一, 十一, 一月), ending a word (统一)
 *   or followed by no character; 不 bu2 before a tone 4 (不是 bu2 shi4);
 * - digits: a run of up to 8 digits followed (after spaces) by a Chinese character is a
 *   quantity, read as a Chinese number ("3分钟" san1 fen1 zhong1, "180天" yi1 bai3 ba1 shi2
 *   tian1, a lone 2 is liang3), and so is one before a range mark ～ or ~, read dao4 ("1～2天"
 *   yi1 dao4 liang3 tian1); any other run is read digit by digit, 1 as yao1, the way
 *   Chinese read telephone numbers ("110" yao1 yao1 ling2, "138 1234" yao1 san1 ba1 ...),
 *   so the core writes a phone number or code with spaces and it is never read as a number;
 * - Latin letters, words and apostrophes are kept as they are (espeak-ng reads them);
 * - Chinese and ASCII punctuation become pauses: "," for ，、；：（）and the like, "." for
 *   。！？…; other symbols become word breaks;
 * - characters with no reading (not in the table, not one of the above) are left out.
 * Writes at most outlen bytes, NUL included, never cutting a syllable or word (the output
 * ends at the last one that fits); returns the length written (without the NUL). out may be
 * NULL when outlen is 0. */
size_t pinyin_convert(const pinyin_t *p, const char *utf8, char *out, size_t outlen);

/* As pinyin_convert, and sets *unknown (when not NULL) to the number of characters left out
 * for want of a reading. */
size_t pinyin_convert_counted(const pinyin_t *p, const char *utf8, char *out, size_t outlen,
                              size_t *unknown);

#endif
