/* Compiled per-token steps of the sentiment scorer.  Optional: without them (no C compiler at
 * install) the scorer uses the pure-Python twins, which give identical results, more slowly.
 *
 * split_tokens(text)           features.tokens' last two steps: digit runs -> "0", a character
 *                              repeated 4+ times -> 3 times, then the words and single symbols
 *                              of r"\w+|[^\w\s]" (Python's own Unicode tables, as `re` uses).
 * guess_language(...), leaning_language(...)
 *                              stopwords.guess and stopwords.leaning.
 * without_handles_and_links(text)
 *                              the text VADER sees: @handles and links replaced by a space.
 * gram_weights(tok, grams)     sum of the weights of the padded word's character 3- and 4-grams
 *                              (linear_model._word_row's order) and their number; `grams` is
 *                              a dict or the compact gram_table(dict) made from it.
 * word_row(...)                a first-seen word's model row (linear_model._word_row).
 * sum_rows(toks, cache, make_row, known, limit)
 *                              a text's model sum: every token's cached row (make_row(tok) for
 *                              a word not cached, then cached), then each adjacent pair's bigram
 *                              weight, in the order the Python code adds them: equal floats.
 * word_groups(...)             the care layer's lexicon group of each token, cached.
 * vader_words(text, lexicon)   VADER's words of a text, lower-cased, and the lexicon words'
 *                              positions (vader_fast._vader_words).
 * score_words(...)             VADER's valence of each lexicon word (vader_fast.score_words).
 * candidate_rules(...)         the care rules worth running on a text (care_layer), from the
 *                              rule_table(care_layer.RuleIndex) made of its index.
 * pair_sum(toks, unigrams, bigrams)
 *                              a complaint detector's sum of unigram and bigram weights.
 *
 * Every function has a pure-Python twin named with a leading underscore next to its use;
 * tests/sentiment/test_speedups.py checks that both give the same results.
 *
 * vader_words and score_words are adapted from vaderSentiment 3.3.2 (SentiText, sentiment_valence,
 * _scalar_inc_dec, _negation_check, _least_check), Copyright (c) 2016 C.J. Hutto, MIT License:
 * Permission is hereby granted, free of charge, to any person obtaining a copy of this software
 * and associated documentation files (the "Software"), to deal in the Software without
 * restriction, including without limitation the rights to use, copy, modify, merge, publish,
 * distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
 * Software is furnished to do so, subject to the following conditions: The above copyright notice
 * and this permission notice shall be included in all copies or substantial portions of the
 * Software.  THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define IS_WORD(ch) (Py_UNICODE_ISALNUM(ch) || (ch) == '_')

static PyObject *
split_tokens(PyObject *module, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "split_tokens() needs a str, not %.100s",
                     Py_TYPE(text)->tp_name);
        return NULL;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    /* shortening never lengthens the text */
    Py_UCS4 *buf = PyMem_Malloc((length + 1) * sizeof(Py_UCS4));
    if (buf == NULL) {
        return PyErr_NoMemory();
    }
    Py_ssize_t n = 0, i = 0;
    while (i < length) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        Py_ssize_t j = i + 1;
        if (Py_UNICODE_ISDECIMAL(ch)) { /* \d+ -> "0" */
            while (j < length && Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, j))) {
                j++;
            }
            buf[n++] = '0';
        }
        else if (ch != '\n' && i + 3 < length && PyUnicode_READ(kind, data, i + 1) == ch
                 && PyUnicode_READ(kind, data, i + 2) == ch
                 && PyUnicode_READ(kind, data, i + 3) == ch) { /* (.)\1\1\1+ -> 3 times */
            j = i + 4;
            while (j < length && PyUnicode_READ(kind, data, j) == ch) {
                j++;
            }
            buf[n++] = ch;
            buf[n++] = ch;
            buf[n++] = ch;
        }
        else {
            buf[n++] = ch;
        }
        i = j;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        PyMem_Free(buf);
        return NULL;
    }
    i = 0;
    while (i < n) {
        Py_UCS4 ch = buf[i];
        Py_ssize_t j = i + 1;
        PyObject *token;
        if (IS_WORD(ch)) {
            while (j < n && IS_WORD(buf[j])) {
                j++;
            }
            token = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf + i, j - i);
        }
        else if (!Py_UNICODE_ISSPACE(ch)) {
            token = PyUnicode_FromOrdinal(ch);
        }
        else {
            i = j;
            continue;
        }
        if (token == NULL || PyList_Append(out, token) < 0) {
            Py_XDECREF(token);
            Py_DECREF(out);
            PyMem_Free(buf);
            return NULL;
        }
        Py_DECREF(token);
        i = j;
    }
    PyMem_Free(buf);
    return out;
}

/* without_handles_and_links(text): re.sub(r"(?<!\w)@\w+|https?://\S+|www\.\S+", " ", text)
 * (scorer._without_handles): names and addresses are not sentiment */
static int
starts_with_ascii(int kind, const void *data, Py_ssize_t length, Py_ssize_t at, const char *ascii)
{
    for (Py_ssize_t k = 0; ascii[k] != '\0'; k++) {
        if (at + k >= length || PyUnicode_READ(kind, data, at + k) != (Py_UCS4)(unsigned char)ascii[k]) {
            return 0;
        }
    }
    return 1;
}

static PyObject *
without_handles_and_links(PyObject *module, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "without_handles_and_links(text: str)");
        return NULL;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_UCS4 *out = NULL;
    Py_ssize_t n = 0, copied = 0; /* text[copied:i] not yet written to out */
    Py_ssize_t i = 0;
    while (i < length) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        Py_ssize_t end = -1;
        if (ch == '@') {
            if ((i == 0 || !IS_WORD(PyUnicode_READ(kind, data, i - 1))) && i + 1 < length
                && IS_WORD(PyUnicode_READ(kind, data, i + 1))) {
                end = i + 2;
                while (end < length && IS_WORD(PyUnicode_READ(kind, data, end))) {
                    end++;
                }
            }
        }
        else if (ch == 'h' || ch == 'w') {
            Py_ssize_t rest = -1;
            if (starts_with_ascii(kind, data, length, i, "https://")) {
                rest = i + 8;
            }
            else if (starts_with_ascii(kind, data, length, i, "http://")) {
                rest = i + 7;
            }
            else if (starts_with_ascii(kind, data, length, i, "www.")) {
                rest = i + 4;
            }
            if (rest >= 0 && rest < length && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, rest))) {
                end = rest + 1;
                while (end < length && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end))) {
                    end++;
                }
            }
        }
        if (end < 0) {
            i++;
            continue;
        }
        if (out == NULL && (out = PyMem_Malloc((length + 1) * sizeof(Py_UCS4))) == NULL) {
            return PyErr_NoMemory();
        }
        for (Py_ssize_t k = copied; k < i; k++) {
            out[n++] = PyUnicode_READ(kind, data, k);
        }
        out[n++] = ' ';
        i = copied = end;
    }
    if (out == NULL) {
        Py_INCREF(text); /* nothing to remove: the text itself, as re.sub gives */
        return text;
    }
    for (Py_ssize_t k = copied; k < length; k++) {
        out[n++] = PyUnicode_READ(kind, data, k);
    }
    PyObject *result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, n);
    PyMem_Free(out);
    return result;
}

/* ---- function words (stopwords.guess / stopwords.leaning) ---------------------------------- */

#define MAX_LANGUAGES 32

/* the languages of the tokens' function words, in order of first appearance, with counts;
 * returns the number of languages, or -1 on error */
static int
count_function_words(PyObject *tokens, PyObject *word_language, PyObject **languages,
                     Py_ssize_t *counts, Py_ssize_t *alpha_words)
{
    int found = 0;
    *alpha_words = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(tokens); i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        if (!PyUnicode_Check(token)) {
            PyErr_SetString(PyExc_TypeError, "tokens are str");
            return -1;
        }
        Py_ssize_t length = PyUnicode_GET_LENGTH(token);
        int kind = PyUnicode_KIND(token);
        const void *data = PyUnicode_DATA(token);
        int alpha = length > 0;
        for (Py_ssize_t k = 0; alpha && k < length; k++) {
            alpha = Py_UNICODE_ISALPHA(PyUnicode_READ(kind, data, k));
        }
        *alpha_words += alpha;
        PyObject *language = PyDict_GetItemWithError(word_language, token);
        if (language == NULL) {
            if (PyErr_Occurred()) {
                return -1;
            }
            continue;
        }
        int known = 0;
        for (int l = 0; l < found && !known; l++) {
            int same = PyObject_RichCompareBool(languages[l], language, Py_EQ);
            if (same < 0) {
                return -1;
            }
            if (same) {
                counts[l]++;
                known = 1;
            }
        }
        if (!known) {
            if (found == MAX_LANGUAGES) {
                PyErr_SetString(PyExc_ValueError, "too many languages");
                return -1;
            }
            languages[found] = language;
            counts[found++] = 1;
        }
    }
    return found;
}

/* guess_language(tokens, word_language, min_hits, min_lead, min_share) (stopwords.guess) */
static PyObject *
guess_language(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5 || !PyList_Check(args[0]) || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "guess_language(tokens: list, word_language: dict, "
                        "min_hits, min_lead, min_share)");
        return NULL;
    }
    Py_ssize_t min_hits = PyLong_AsSsize_t(args[2]);
    if (min_hits == -1 && PyErr_Occurred()) {
        return NULL;
    }
    double min_lead = PyFloat_AsDouble(args[3]);
    if (min_lead == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    double min_share = PyFloat_AsDouble(args[4]);
    if (min_share == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *languages[MAX_LANGUAGES];
    Py_ssize_t counts[MAX_LANGUAGES], words, total = 0;
    int found = count_function_words(args[0], args[1], languages, counts, &words);
    if (found < 0) {
        return NULL;
    }
    for (int l = 0; l < found; l++) {
        total += counts[l];
    }
    if (found == 0 || total < min_hits) { /* found == 0: counts[0] is not set */
        Py_RETURN_NONE;
    }
    int best = 0;
    for (int l = 1; l < found; l++) {
        if (counts[l] > counts[best]) {
            best = l; /* the first language with the most, as a stable sort puts first */
        }
    }
    Py_ssize_t runner_up = 0;
    for (int l = 0; l < found; l++) {
        if (l != best && counts[l] > runner_up) {
            runner_up = counts[l];
        }
    }
    Py_ssize_t hits = counts[best];
    if (hits < min_hits || (double)hits < min_lead * (double)runner_up
        || (double)hits < min_share * (double)words) {
        Py_RETURN_NONE;
    }
    Py_INCREF(languages[best]);
    return languages[best];
}

/* leaning_language(tokens, word_language) (stopwords.leaning): strictly the most, else None */
static PyObject *
leaning_language(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_Check(args[0]) || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "leaning_language(tokens: list, word_language: dict)");
        return NULL;
    }
    PyObject *languages[MAX_LANGUAGES];
    Py_ssize_t counts[MAX_LANGUAGES], words;
    int found = count_function_words(args[0], args[1], languages, counts, &words);
    if (found < 0) {
        return NULL;
    }
    if (found == 0) {
        Py_RETURN_NONE;
    }
    int best = 0;
    for (int l = 1; l < found; l++) {
        if (counts[l] > counts[best]) {
            best = l;
        }
    }
    for (int l = 0; l < found; l++) {
        if (l != best && counts[l] == counts[best]) {
            Py_RETURN_NONE; /* a tie at the top: no lead */
        }
    }
    Py_INCREF(languages[best]);
    return languages[best];
}

/* adds one weight (a complex, or a float/int for a real-only weight) to the sum */
static int
add_weight(Py_complex *sum, PyObject *weight)
{
    if (PyComplex_CheckExact(weight)) {
        Py_complex w = ((PyComplexObject *)weight)->cval;
        sum->real += w.real;
        sum->imag += w.imag;
        return 0;
    }
    Py_complex w = PyComplex_AsCComplex(weight);
    if (w.real == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    sum->real += w.real;
    sum->imag += w.imag;
    return 0;
}

/* ---- character n-gram weights in a compact open-addressing table ---------------------------
 * A model's ~10k n-gram weights as a Python dict cost four memory look-ups per n-gram (index,
 * entry, key string, complex value); the table keeps hash, code points and weights together. */

#include <stdint.h>

#define GRAM_MAX 4
#define GRAM_TABLE_NAME "care_monitor.sentiment._speedups.GramTable"

typedef struct {
    uint64_t hash; /* 0: empty slot */
    Py_complex weight;
    Py_UCS4 chars[GRAM_MAX];
    Py_ssize_t length;
} GramEntry;

typedef struct {
    size_t mask;
    GramEntry *entries;
} GramTable;

static uint64_t
gram_hash(const Py_UCS4 *chars, Py_ssize_t length)
{
    uint64_t hash = 1469598103934665603ULL ^ (uint64_t)length; /* FNV-1a */
    for (Py_ssize_t i = 0; i < length; i++) {
        hash = (hash ^ chars[i]) * 1099511628211ULL;
    }
    return hash | 1; /* never 0 */
}

static const GramEntry *
gram_find(const GramTable *table, const Py_UCS4 *chars, Py_ssize_t length)
{
    uint64_t hash = gram_hash(chars, length);
    for (size_t slot = hash & table->mask;; slot = (slot + 1) & table->mask) {
        const GramEntry *entry = &table->entries[slot];
        if (entry->hash == 0) {
            return NULL;
        }
        if (entry->hash == hash && entry->length == length
            && memcmp(entry->chars, chars, length * sizeof(Py_UCS4)) == 0) {
            return entry;
        }
    }
}

static void
gram_table_free(PyObject *capsule)
{
    GramTable *table = PyCapsule_GetPointer(capsule, GRAM_TABLE_NAME);
    if (table != NULL) {
        PyMem_Free(table->entries);
        PyMem_Free(table);
    }
}

/* gram_table(grams: dict[str, complex]) -> an opaque table of the 3- and 4-character keys
 * (the only ones gram_weights looks up), for gram_weights and word_row */
static PyObject *
gram_table(PyObject *module, PyObject *grams)
{
    if (!PyDict_Check(grams)) {
        PyErr_SetString(PyExc_TypeError, "gram_table(grams: dict)");
        return NULL;
    }
    size_t size = 16;
    while (size < 2 * (size_t)PyDict_GET_SIZE(grams) + 1) {
        size <<= 1;
    }
    GramTable *table = PyMem_Malloc(sizeof(GramTable));
    GramEntry *entries = PyMem_Calloc(size, sizeof(GramEntry));
    if (table == NULL || entries == NULL) {
        PyMem_Free(table);
        PyMem_Free(entries);
        return PyErr_NoMemory();
    }
    table->mask = size - 1;
    table->entries = entries;
    PyObject *capsule = PyCapsule_New(table, GRAM_TABLE_NAME, gram_table_free);
    if (capsule == NULL) {
        PyMem_Free(entries);
        PyMem_Free(table);
        return NULL;
    }
    Py_ssize_t position = 0;
    PyObject *key, *value;
    while (PyDict_Next(grams, &position, &key, &value)) {
        if (!PyUnicode_Check(key)) {
            continue;
        }
        Py_ssize_t length = PyUnicode_GET_LENGTH(key);
        if (length < 3 || length > GRAM_MAX) {
            continue;
        }
        Py_UCS4 chars[GRAM_MAX] = {0};
        for (Py_ssize_t i = 0; i < length; i++) {
            chars[i] = PyUnicode_READ_CHAR(key, i);
        }
        Py_complex weight = PyComplex_AsCComplex(value);
        if (weight.real == -1.0 && PyErr_Occurred()) {
            Py_DECREF(capsule);
            return NULL;
        }
        uint64_t hash = gram_hash(chars, length);
        size_t slot = hash & table->mask;
        while (entries[slot].hash != 0) {
            slot = (slot + 1) & table->mask;
        }
        entries[slot].hash = hash;
        entries[slot].weight = weight;
        memcpy(entries[slot].chars, chars, sizeof(chars));
        entries[slot].length = length;
    }
    return capsule;
}

/* gram_weights' sum for a word, in C values */
static int
gram_sum(PyObject *tok, PyObject *grams, Py_complex *sum, Py_ssize_t *count)
{
    Py_ssize_t length = PyUnicode_GET_LENGTH(tok);
    int kind = PyUnicode_KIND(tok);
    const void *data = PyUnicode_DATA(tok);
    Py_ssize_t padded_length = length + 2;
    Py_UCS4 stack[64];
    Py_UCS4 *padded = padded_length <= 64 ? stack : PyMem_Malloc(padded_length * sizeof(Py_UCS4));
    if (padded == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    padded[0] = ' ';
    for (Py_ssize_t i = 0; i < length; i++) {
        padded[i + 1] = PyUnicode_READ(kind, data, i);
    }
    padded[padded_length - 1] = ' ';
    int status = 0;
    const GramTable *table = NULL;
    if (PyCapsule_CheckExact(grams)) {
        if ((table = PyCapsule_GetPointer(grams, GRAM_TABLE_NAME)) == NULL) {
            status = -1;
        }
    }
    for (Py_ssize_t size = 3; size <= 4 && status == 0; size++) { /* features.CHAR_NGRAMS */
        for (Py_ssize_t start = 0; table != NULL && start + size <= padded_length; start++) {
            const GramEntry *entry = gram_find(table, padded + start, size);
            (*count)++;
            if (entry == NULL) {
                sum->real += 0.0; /* Python adds 0j for an unknown gram */
                sum->imag += 0.0;
            }
            else {
                sum->real += entry->weight.real;
                sum->imag += entry->weight.imag;
            }
        }
        for (Py_ssize_t start = 0; table == NULL && start + size <= padded_length; start++) {
            PyObject *gram = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, padded + start, size);
            if (gram == NULL) {
                status = -1;
                break;
            }
            PyObject *weight = PyDict_GetItemWithError(grams, gram);
            Py_DECREF(gram);
            (*count)++;
            if (weight == NULL) {
                if (PyErr_Occurred()) {
                    status = -1;
                    break;
                }
                sum->real += 0.0; /* Python adds 0j for an unknown gram */
                sum->imag += 0.0;
            }
            else if (add_weight(sum, weight) < 0) {
                status = -1;
                break;
            }
        }
    }
    if (padded != stack) {
        PyMem_Free(padded);
    }
    return status;
}

static PyObject *
gram_weights(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0])
        || !(PyDict_Check(args[1]) || PyCapsule_CheckExact(args[1]))) {
        PyErr_SetString(PyExc_TypeError, "gram_weights(tok: str, grams: dict or gram_table)");
        return NULL;
    }
    Py_complex sum = {0.0, 0.0};
    Py_ssize_t count = 0;
    if (gram_sum(args[0], args[1], &sum, &count) < 0) {
        return NULL;
    }
    return Py_BuildValue("(Dn)", &sum, count);
}

/* a row made for a word not cached goes into the cache; a full cache is reset to `known` */
static int
cache_row(PyObject *cache, PyObject *known, Py_ssize_t limit, PyObject *tok, PyObject *row)
{
    if (PyDict_GET_SIZE(cache) >= limit) {
        PyDict_Clear(cache);
        if (PyDict_Update(cache, known) < 0) {
            return -1;
        }
    }
    return PyDict_SetItem(cache, tok, row);
}

/* word_row(unigrams, grams, bigrams, no_bigrams, reason_lean, surely_weak, tok): the model row
 * of one word (linear_model._word_row): (weights, number of features, reason lean, bigrams).
 * reason_lean(tok, weights) is only called when |pos - neg| >= surely_weak. */
static PyObject *
word_row(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 7 || !PyDict_Check(args[0])
        || !(PyDict_Check(args[1]) || PyCapsule_CheckExact(args[1])) || !PyDict_Check(args[2])
        || !PyUnicode_Check(args[6])) {
        PyErr_SetString(PyExc_TypeError, "word_row(unigrams, grams, bigrams, no_bigrams, "
                        "reason_lean, surely_weak, tok: str)");
        return NULL;
    }
    PyObject *unigrams = args[0], *grams = args[1], *bigrams = args[2], *no_bigrams = args[3];
    PyObject *reason_lean = args[4], *tok = args[6];
    double surely_weak = PyFloat_AsDouble(args[5]);
    if (surely_weak == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    Py_complex weights = {0.0, 0.0};
    PyObject *unigram = PyDict_GetItemWithError(unigrams, tok);
    if (unigram == NULL && PyErr_Occurred()) {
        return NULL;
    }
    if (unigram != NULL && add_weight(&weights, unigram) < 0) {
        return NULL;
    }
    Py_ssize_t features = 1;
    if (PyUnicode_GET_LENGTH(tok) >= 3) {
        Py_complex grams_sum = {0.0, 0.0};
        Py_ssize_t count = 0;
        if (gram_sum(tok, grams, &grams_sum, &count) < 0) {
            return NULL;
        }
        weights.real += grams_sum.real;
        weights.imag += grams_sum.imag;
        features += count;
    }
    PyObject *weights_object = PyComplex_FromCComplex(weights);
    if (weights_object == NULL) {
        return NULL;
    }
    double lean = weights.imag - weights.real;
    PyObject *lean_object;
    if (-surely_weak < lean && lean < surely_weak) {
        lean_object = PyFloat_FromDouble(0.0);
    }
    else {
        lean_object = PyObject_CallFunctionObjArgs(reason_lean, tok, weights_object, NULL);
    }
    if (lean_object == NULL) {
        Py_DECREF(weights_object);
        return NULL;
    }
    PyObject *pairs = PyDict_GetItemWithError(bigrams, tok);
    if (pairs == NULL) {
        if (PyErr_Occurred()) {
            Py_DECREF(weights_object);
            Py_DECREF(lean_object);
            return NULL;
        }
        pairs = no_bigrams;
    }
    return Py_BuildValue("(NnNO)", weights_object, features, lean_object, pairs);
}

/* word_groups(tokens, cache, words, stems, stem_lengths, limit, stem_starts): each token's
 * care-layer lexicon group (care_layer._word_groups): the cached one, else the word's own, else
 * the shortest stem it starts with, else None; new answers are cached (a full cache is emptied).
 * stem_starts: the stems' first letters, as many as the shortest stem has; a token starting
 * otherwise is looked up in no stem length. */
static PyObject *
word_groups(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t limit;
    if (nargs != 7 || !PyList_Check(args[0]) || !PyDict_Check(args[1]) || !PyDict_Check(args[2])
        || !PyDict_Check(args[3]) || !PyTuple_Check(args[4]) || !PyFrozenSet_Check(args[6])
        || ((limit = PyLong_AsSsize_t(args[5])) == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, "word_groups(tokens: list, cache: dict, words: dict, "
                        "stems: dict, stem_lengths: tuple, limit: int, stem_starts: frozenset)");
        return NULL;
    }
    PyObject *tokens = args[0], *cache = args[1], *words = args[2], *stems = args[3];
    PyObject *lengths = args[4], *starts = args[6];
    Py_ssize_t n = PyList_GET_SIZE(tokens);
    PyObject *out = PyList_New(n);
    if (out == NULL) {
        return NULL;
    }
    PyObject *token = NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        /* a key's __hash__ / __eq__ may be Python code that changes `tokens` */
        if (PyList_GET_SIZE(tokens) != n) {
            PyErr_SetString(PyExc_RuntimeError, "word_groups: tokens changed size");
            goto fail;
        }
        Py_XSETREF(token, Py_NewRef(PyList_GET_ITEM(tokens, i)));
        PyObject *group = PyDict_GetItemWithError(cache, token);
        if (group != NULL) {
            Py_INCREF(group);
            PyList_SET_ITEM(out, i, group);
            continue;
        }
        if (PyErr_Occurred() || !PyUnicode_Check(token)) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_TypeError, "tokens are str");
            }
            goto fail;
        }
        group = PyDict_GetItemWithError(words, token);
        if (group == NULL && PyErr_Occurred()) {
            goto fail;
        }
        Py_ssize_t length = PyUnicode_GET_LENGTH(token);
        int may_have_stem = group == NULL && PyTuple_GET_SIZE(lengths) > 0;
        if (may_have_stem) {
            Py_ssize_t shortest = PyLong_AsSsize_t(PyTuple_GET_ITEM(lengths, 0));
            if (shortest == -1 && PyErr_Occurred()) {
                goto fail;
            }
            PyObject *start = PyUnicode_Substring(token, 0, shortest < length ? shortest : length);
            if (start == NULL) {
                goto fail;
            }
            may_have_stem = PySet_Contains(starts, start);
            Py_DECREF(start);
            if (may_have_stem < 0) {
                goto fail;
            }
        }
        for (Py_ssize_t k = 0; may_have_stem && group == NULL && k < PyTuple_GET_SIZE(lengths);
             k++) {
            Py_ssize_t size = PyLong_AsSsize_t(PyTuple_GET_ITEM(lengths, k));
            if (size == -1 && PyErr_Occurred()) {
                goto fail;
            }
            if (size > length) {
                break; /* lengths ascend: no longer stem can start this token */
            }
            PyObject *prefix = PyUnicode_Substring(token, 0, size);
            if (prefix == NULL) {
                goto fail;
            }
            group = PyDict_GetItemWithError(stems, prefix);
            Py_DECREF(prefix);
            if (group == NULL && PyErr_Occurred()) {
                goto fail;
            }
        }
        if (group == NULL) {
            group = Py_None;
        }
        /* owned from here: clearing the cache or a key's __eq__ may drop the dict's reference */
        PyList_SET_ITEM(out, i, Py_NewRef(group));
        if (PyDict_GET_SIZE(cache) >= limit) {
            PyDict_Clear(cache); /* keeps memory flat on endless streams */
        }
        if (PyDict_SetItem(cache, token, group) < 0) {
            goto fail;
        }
    }
    Py_XDECREF(token);
    return out;
fail:
    Py_XDECREF(token);
    Py_DECREF(out);
    return NULL;
}

static PyObject *
sum_rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t limit;
    if (nargs != 5 || !PyList_Check(args[0]) || !PyDict_Check(args[1]) || !PyDict_Check(args[3])
        || ((limit = PyLong_AsSsize_t(args[4])) == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError,
                        "sum_rows(toks: list, cache: dict, make_row, known: dict, limit: int)");
        return NULL;
    }
    PyObject *toks = args[0], *cache = args[1], *make_row = args[2], *known = args[3];
    Py_ssize_t n = PyList_GET_SIZE(toks);
    PyObject *rows = PyList_New(n);
    if (rows == NULL) {
        return NULL;
    }
    Py_complex sum = {0.0, 0.0};
    Py_ssize_t count = n > 0 ? n - 1 : 0; /* one bigram feature per adjacent pair */
    for (Py_ssize_t i = 0; i < n; i++) {
        /* make_row, and a key's __hash__ / __eq__, are Python code that may change `toks` */
        if (PyList_GET_SIZE(toks) != n) {
            PyErr_SetString(PyExc_RuntimeError, "sum_rows: toks changed size");
            goto fail;
        }
        PyObject *tok = PyList_GET_ITEM(toks, i);
        Py_INCREF(tok);
        PyObject *row = PyDict_GetItemWithError(cache, tok);
        if (row != NULL) {
            Py_INCREF(row);
        }
        else if (!PyErr_Occurred() && (row = PyObject_CallOneArg(make_row, tok)) != NULL
                 && cache_row(cache, known, limit, tok, row) < 0) {
            Py_CLEAR(row);
        }
        Py_DECREF(tok);
        if (row == NULL) {
            goto fail;
        }
        PyList_SET_ITEM(rows, i, row);
        /* (weights, features, lean, bigrams[, anything the caller keeps per word]) */
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) < 4) {
            PyErr_SetString(PyExc_TypeError, "a model row is a tuple of at least 4 items");
            goto fail;
        }
        if (add_weight(&sum, PyTuple_GET_ITEM(row, 0)) < 0) {
            goto fail;
        }
        Py_ssize_t features = PyLong_AsSsize_t(PyTuple_GET_ITEM(row, 1));
        if (features == -1 && PyErr_Occurred()) {
            goto fail;
        }
        count += features;
    }
    for (Py_ssize_t i = 0; i + 1 < n; i++) {
        PyObject *pairs = PyTuple_GET_ITEM(PyList_GET_ITEM(rows, i), 3);
        if (!PyDict_Check(pairs)) {
            PyErr_SetString(PyExc_TypeError, "a model row's bigrams are a dict");
            goto fail;
        }
        if (PyList_GET_SIZE(toks) != n) {
            PyErr_SetString(PyExc_RuntimeError, "sum_rows: toks changed size");
            goto fail;
        }
        PyObject *next = PyList_GET_ITEM(toks, i + 1);
        Py_INCREF(next);
        PyObject *weight = PyDict_GetItemWithError(pairs, next);
        Py_DECREF(next);
        if (weight == NULL) {
            if (PyErr_Occurred()) {
                goto fail;
            }
            sum.real += 0.0;
            sum.imag += 0.0;
        }
        else if (add_weight(&sum, weight) < 0) {
            goto fail;
        }
    }
    return Py_BuildValue("(DnN)", &sum, count, rows);
fail:
    Py_DECREF(rows);
    return NULL;
}

/* ---- word-vector rows carried in model rows (word_vector_model.vector_sum) --------------- */

/* vector_sum(rows[, toks, negators, clause_ends, scope]): (sum, count) of the rows' 5th items
 * (None skipped).  With the tokens: a negator and the next `scope` tokens are skipped, up to a
 * clause end (word_vector_model._outside_negation_mask). */
static PyObject *
vector_sum(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *rows = nargs >= 1 ? args[0] : NULL, *toks = NULL, *negators = NULL,
             *clause_ends = NULL;
    Py_ssize_t scope = 0;
    if ((nargs != 1 && nargs != 5) || !PyList_Check(rows)
        || (nargs == 5
            && (!PyList_Check(args[1]) || !PyAnySet_Check(args[2]) || !PyAnySet_Check(args[3])
                || (scope = PyLong_AsSsize_t(args[4])) < 0))) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, "vector_sum(rows: list[, toks: list, negators: "
                                         "frozenset, clause_ends: frozenset, scope: int >= 0])");
        return NULL;
    }
    if (nargs == 5) {
        toks = args[1];
        negators = args[2];
        clause_ends = args[3];
    }
    Py_ssize_t n = PyList_GET_SIZE(rows);
    if (toks != NULL && PyList_GET_SIZE(toks) != n) {
        PyErr_SetString(PyExc_ValueError, "vector_sum: one row per token");
        return NULL;
    }
    Py_complex sum = {0.0, 0.0};
    Py_ssize_t count = 0, skip = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        /* a token's __hash__ / __eq__ or a complex subclass's __complex__ is Python code that
         * may change the lists */
        if (PyList_GET_SIZE(rows) != n || (toks != NULL && PyList_GET_SIZE(toks) != n)) {
            PyErr_SetString(PyExc_RuntimeError, "vector_sum: rows or toks changed size");
            return NULL;
        }
        if (toks != NULL) {
            PyObject *tok = PyList_GET_ITEM(toks, i);
            Py_INCREF(tok);
            int negator = PySet_Contains(negators, tok);
            int clause_end = negator == 0 && skip > 0 ? PySet_Contains(clause_ends, tok) : 0;
            Py_DECREF(tok);
            if (negator < 0 || clause_end < 0) {
                return NULL;
            }
            if (negator) {
                skip = scope;
                continue;
            }
            if (clause_end) {
                skip = 0;
            }
            else if (skip > 0) {
                skip--;
                continue;
            }
            if (PyList_GET_SIZE(rows) != n || PyList_GET_SIZE(toks) != n) {
                PyErr_SetString(PyExc_RuntimeError, "vector_sum: rows or toks changed size");
                return NULL;
            }
        }
        PyObject *row = PyList_GET_ITEM(rows, i);
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) < 5) {
            PyErr_SetString(PyExc_TypeError,
                            "a model row with a word-vector row is a tuple of at least 5 items");
            return NULL;
        }
        PyObject *vector = PyTuple_GET_ITEM(row, 4);
        if (vector == Py_None) {
            continue;
        }
        Py_INCREF(row); /* keeps `vector` alive while add_weight may run Python code */
        int failed = add_weight(&sum, vector) < 0;
        Py_DECREF(row);
        if (failed) {
            return NULL;
        }
        count++;
    }
    return Py_BuildValue("(Dn)", &sum, count);
}

/* ---- VADER's per-word rules (vader_fast.score_words) ------------------------------------- */

typedef struct {
    PyObject *lexicon;     /* dict word -> float */
    PyObject *boosters;    /* dict word -> float */
    PyObject *negate;      /* frozenset of negation words */
    double n_scalar;
    double c_incr;
    PyObject *idiom_check; /* callable(valence, lowered, i) -> float, for the rare idioms */
} VaderRules;

static int
is_word(PyObject *word, const char *ascii)
{
    return PyUnicode_CompareWithASCIIString(word, ascii) == 0;
}

/* str.isupper(): at least one cased character and no lower- or title-case one */
static int
is_upper(PyObject *word)
{
    Py_ssize_t length = PyUnicode_GET_LENGTH(word);
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    int cased = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISLOWER(ch) || Py_UNICODE_ISTITLE(ch)) {
            return 0;
        }
        if (!cased && Py_UNICODE_ISUPPER(ch)) {
            cased = 1;
        }
    }
    return cased;
}

/* 1 when `word` is in the dict/set, 0 when not, -1 on error */
static int
contains(PyObject *container, PyObject *word)
{
    if (PyDict_Check(container)) {
        return PyDict_Contains(container, word);
    }
    return PySet_Contains(container, word);
}

static int
negated(VaderRules *rules, PyObject *word)
{
    int found = contains(rules->negate, word);
    if (found != 0) {
        return found;
    }
    static PyObject *nt = NULL;
    if (nt == NULL && (nt = PyUnicode_FromString("n't")) == NULL) {
        return -1;
    }
    return PyUnicode_Contains(word, nt);
}

static int
scalar_inc_dec(VaderRules *rules, PyObject *word, PyObject *word_lower, double valence,
               int is_cap_diff, double *scalar)
{
    *scalar = 0.0;
    PyObject *boost = PyDict_GetItemWithError(rules->boosters, word_lower);
    if (boost == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    double value = PyFloat_AsDouble(boost);
    if (value == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    *scalar = value;
    if (valence < 0) {
        *scalar *= -1;
    }
    if (is_cap_diff && is_upper(word)) {
        *scalar = valence > 0 ? *scalar + rules->c_incr : *scalar - rules->c_incr;
    }
    return 0;
}

static int
negation_check(VaderRules *rules, double *valence, PyObject *lowered, Py_ssize_t start_i,
               Py_ssize_t i)
{
#define AT(k) PyTuple_GET_ITEM(lowered, (k))
    int neg;
    if (start_i == 0) {
        if ((neg = negated(rules, AT(i - 1))) < 0) {
            return -1;
        }
        if (neg) {
            *valence = *valence * rules->n_scalar;
        }
    }
    if (start_i == 1) {
        if (is_word(AT(i - 2), "never") && (is_word(AT(i - 1), "so") || is_word(AT(i - 1), "this"))) {
            *valence = *valence * 1.25;
        }
        else if (is_word(AT(i - 2), "without") && is_word(AT(i - 1), "doubt")) {
        }
        else {
            if ((neg = negated(rules, AT(i - 2))) < 0) {
                return -1;
            }
            if (neg) {
                *valence = *valence * rules->n_scalar;
            }
        }
    }
    if (start_i == 2) {
        if ((is_word(AT(i - 3), "never") && (is_word(AT(i - 2), "so") || is_word(AT(i - 2), "this")))
            || (is_word(AT(i - 1), "so") || is_word(AT(i - 1), "this"))) {
            *valence = *valence * 1.25;
        }
        else if (is_word(AT(i - 3), "without")
                 && (is_word(AT(i - 2), "doubt") || is_word(AT(i - 1), "doubt"))) {
        }
        else {
            if ((neg = negated(rules, AT(i - 3))) < 0) {
                return -1;
            }
            if (neg) {
                *valence = *valence * rules->n_scalar;
            }
        }
    }
    return 0;
#undef AT
}

/* words, lowered: tuples of str (score_words' copies); lowered_list: the caller's list, which
 * idiom_check gets as VADER's code does */
static int
word_valence(VaderRules *rules, PyObject *words, PyObject *lowered, PyObject *lowered_list,
             Py_ssize_t i, int is_cap_diff, int idioms, double *out)
{
#define LOW(k) PyTuple_GET_ITEM(lowered, (k))
    Py_ssize_t n = PyTuple_GET_SIZE(lowered);
    PyObject *word = LOW(i);
    PyObject *value = PyDict_GetItemWithError(rules->lexicon, word);
    if (value == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetObject(PyExc_KeyError, word);
        }
        return -1;
    }
    double lexicon_valence = PyFloat_AsDouble(value);
    if (lexicon_valence == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    double valence = lexicon_valence;
    int found;
    if (is_word(word, "no") && i != n - 1) {
        if ((found = PyDict_Contains(rules->lexicon, LOW(i + 1))) < 0) {
            return -1;
        }
        if (found) {
            valence = 0.0;
        }
    }
    if ((i > 0 && is_word(LOW(i - 1), "no")) || (i > 1 && is_word(LOW(i - 2), "no"))
        || (i > 2 && is_word(LOW(i - 3), "no")
            && (is_word(LOW(i - 1), "or") || is_word(LOW(i - 1), "nor")))) {
        valence = lexicon_valence * rules->n_scalar;
    }
    if (is_upper(PyTuple_GET_ITEM(words, i)) && is_cap_diff) {
        valence = valence > 0 ? valence + rules->c_incr : valence - rules->c_incr;
    }
    for (Py_ssize_t start_i = 0; start_i < 3; start_i++) {
        Py_ssize_t before = i - (start_i + 1);
        if (i <= start_i) {
            continue;
        }
        if ((found = PyDict_Contains(rules->lexicon, LOW(before))) < 0) {
            return -1;
        }
        if (found) {
            continue;
        }
        double scalar;
        if (scalar_inc_dec(rules, PyTuple_GET_ITEM(words, before), LOW(before), valence,
                           is_cap_diff, &scalar) < 0) {
            return -1;
        }
        if (start_i == 1 && scalar != 0) {
            scalar = scalar * 0.95;
        }
        if (start_i == 2 && scalar != 0) {
            scalar = scalar * 0.9;
        }
        valence = valence + scalar;
        if (negation_check(rules, &valence, lowered, start_i, i) < 0) {
            return -1;
        }
        if (start_i == 2 && idioms) {
            PyObject *checked = PyObject_CallFunction(rules->idiom_check, "dOn", valence, lowered_list,
                                                     i);
            if (checked == NULL) {
                return -1;
            }
            valence = PyFloat_AsDouble(checked);
            Py_DECREF(checked);
            if (valence == -1.0 && PyErr_Occurred()) {
                return -1;
            }
        }
    }
    /* _least_check: "least" before the word (not as a lexicon word) negates it, unless it
     * follows "at" or "very" */
    if (i > 0 && is_word(LOW(i - 1), "least")) {
        if ((found = PyDict_Contains(rules->lexicon, LOW(i - 1))) < 0) {
            return -1;
        }
        if (!found && (i == 1 || (!is_word(LOW(i - 2), "at") && !is_word(LOW(i - 2), "very")))) {
            valence = valence * rules->n_scalar;
        }
    }
    *out = valence;
    return 0;
#undef LOW
}

/* vader_words(text, lexicon): VADER's words of a text (whitespace-separated, ASCII punctuation
 * stripped from both ends unless that leaves two characters or fewer: emoticons stay whole),
 * the same lower-cased, and the positions of those in the lexicon (vader_fast._vader_words) */
static int
is_ascii_punctuation(Py_UCS4 ch)
{
    return ch < 128 && ch > 32 && ch != 127 && !Py_UNICODE_ISALNUM(ch);
}

static PyObject *
vader_words(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "vader_words(text: str, lexicon: dict)");
        return NULL;
    }
    PyObject *text = args[0], *lexicon = args[1];
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *words = PyList_New(0), *lowered = PyList_New(0), *scoring = PyList_New(0);
    if (words == NULL || lowered == NULL || scoring == NULL) {
        goto fail;
    }
    Py_ssize_t i = 0;
    while (i < length) {
        while (i < length && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) {
            i++;
        }
        if (i >= length) {
            break;
        }
        Py_ssize_t start = i;
        while (i < length && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) {
            i++;
        }
        Py_ssize_t end = i, left = start, right = end;
        while (left < right && is_ascii_punctuation(PyUnicode_READ(kind, data, left))) {
            left++;
        }
        while (right > left && is_ascii_punctuation(PyUnicode_READ(kind, data, right - 1))) {
            right--;
        }
        if (right - left <= 2) { /* an emoticon such as ":)" or ":-(": the token stays whole */
            left = start;
            right = end;
        }
        PyObject *word = PyUnicode_Substring(text, left, right);
        if (word == NULL) {
            goto fail;
        }
        PyObject *lower = PyObject_CallMethod(word, "lower", NULL);
        if (lower == NULL || PyList_Append(words, word) < 0 || PyList_Append(lowered, lower) < 0) {
            Py_DECREF(word);
            Py_XDECREF(lower);
            goto fail;
        }
        Py_DECREF(word);
        int found = PyDict_Contains(lexicon, lower);
        Py_DECREF(lower);
        if (found < 0) {
            goto fail;
        }
        if (found) {
            PyObject *position = PyLong_FromSsize_t(PyList_GET_SIZE(words) - 1);
            if (position == NULL || PyList_Append(scoring, position) < 0) {
                Py_XDECREF(position);
                goto fail;
            }
            Py_DECREF(position);
        }
    }
    return Py_BuildValue("(NNN)", words, lowered, scoring);
fail:
    Py_XDECREF(words);
    Py_XDECREF(lowered);
    Py_XDECREF(scoring);
    return NULL;
}

/* score_words(words, lowered, scoring, sentiments, is_cap_diff, idioms, rules): VADER's valence
 * of each lexicon word at the positions `scoring` written into `sentiments` (boosters and the
 * "kind" of "kind of" are skipped, as in VADER); rules = (lexicon, boosters, negate, n_scalar,
 * c_incr, idiom_check). */
static PyObject *
score_words(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    VaderRules rules;
    if (nargs != 7 || !PyList_Check(args[0]) || !PyList_Check(args[1]) || !PyList_Check(args[2])
        || !PyList_Check(args[3]) || !PyTuple_Check(args[6]) || PyTuple_GET_SIZE(args[6]) != 6
        || PyList_GET_SIZE(args[0]) != PyList_GET_SIZE(args[1])
        || PyList_GET_SIZE(args[3]) != PyList_GET_SIZE(args[1])) {
        PyErr_SetString(PyExc_TypeError, "score_words(words: list, lowered: list, scoring: list, "
                        "sentiments: list, is_cap_diff, idioms, rules: 6-tuple)");
        return NULL;
    }
    PyObject *scoring = args[2], *sentiments = args[3];
    int is_cap_diff = PyObject_IsTrue(args[4]);
    if (is_cap_diff < 0) {
        return NULL;
    }
    int idioms = PyObject_IsTrue(args[5]);
    if (idioms < 0) {
        return NULL;
    }
    PyObject *packed = args[6];
    rules.lexicon = PyTuple_GET_ITEM(packed, 0);
    rules.boosters = PyTuple_GET_ITEM(packed, 1);
    rules.negate = PyTuple_GET_ITEM(packed, 2);
    rules.idiom_check = PyTuple_GET_ITEM(packed, 5);
    if (!PyDict_Check(rules.lexicon) || !PyDict_Check(rules.boosters)
        || !PyAnySet_Check(rules.negate)) {
        PyErr_SetString(PyExc_TypeError, "rules: (lexicon: dict, boosters: dict, negate: set, ...)");
        return NULL;
    }
    rules.n_scalar = PyFloat_AsDouble(PyTuple_GET_ITEM(packed, 3));
    if (rules.n_scalar == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    rules.c_incr = PyFloat_AsDouble(PyTuple_GET_ITEM(packed, 4));
    if (rules.c_incr == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    /* the words as tuples: the rules read them by position, and Python code (idiom_check, a
     * str subclass's __eq__) may change the caller's lists meanwhile */
    PyObject *words = PyList_AsTuple(args[0]);
    PyObject *lowered = words == NULL ? NULL : PyList_AsTuple(args[1]);
    if (lowered == NULL) {
        Py_XDECREF(words);
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(lowered);
    if (PyTuple_GET_SIZE(words) != n) { /* the lists changed under PyObject_IsTrue */
        PyErr_SetString(PyExc_RuntimeError, "score_words: words and lowered changed size");
        goto fail;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(words, k))
            || !PyUnicode_Check(PyTuple_GET_ITEM(lowered, k))) {
            PyErr_SetString(PyExc_TypeError, "words are str");
            goto fail;
        }
    }
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(scoring); k++) {
        Py_ssize_t i = PyLong_AsSsize_t(PyList_GET_ITEM(scoring, k));
        if (i == -1 && PyErr_Occurred()) {
            goto fail;
        }
        if (i < 0 || i >= n) {
            PyErr_SetString(PyExc_IndexError, "a scoring position is outside the words");
            goto fail;
        }
        PyObject *word = PyTuple_GET_ITEM(lowered, i);
        int booster = PyDict_Contains(rules.boosters, word);
        if (booster < 0) {
            goto fail;
        }
        if (booster || (is_word(word, "kind") && i < n - 1
                        && is_word(PyTuple_GET_ITEM(lowered, i + 1), "of"))) {
            continue;
        }
        double valence;
        if (word_valence(&rules, words, lowered, args[1], i, is_cap_diff, idioms, &valence) < 0) {
            goto fail;
        }
        PyObject *number = PyFloat_FromDouble(valence);
        /* PyList_SetItem checks the position: `sentiments` may have changed size */
        if (number == NULL || PyList_SetItem(sentiments, i, number) < 0) {
            goto fail;
        }
    }
    Py_DECREF(words);
    Py_DECREF(lowered);
    Py_RETURN_NONE;
fail:
    Py_DECREF(words);
    Py_DECREF(lowered);
    return NULL;
}

/* ---- the care layer's rule index as C arrays (rule_table), for candidate_rules ------------- */

#define RULE_TABLE_NAME "care_monitor.sentiment._speedups.RuleTable"
#define KEY_MAX 6 /* index keys are 3, 4 or 6 characters at most (care_layer._index_key) */

typedef struct {
    uint64_t hash; /* 0: empty slot */
    Py_UCS4 chars[KEY_MAX];
    Py_ssize_t length;
    Py_ssize_t id;
} KeyEntry;

typedef struct {
    Py_ssize_t rule_count, key_count;
    size_t key_mask;
    KeyEntry *keys;
    Py_ssize_t *trigger_start, *required_start; /* per key id, key_count + 1 offsets */
    Py_ssize_t *trigger_rules, *required_rules;
    Py_ssize_t always_count, unrequired_count;
    Py_ssize_t *always, *unrequired;
    Py_ssize_t *further_start; /* per rule, rule_count + 1 offsets into set_start */
    Py_ssize_t *set_start;     /* per set, offsets into set_keys */
    Py_ssize_t *set_keys;      /* key ids */
    Py_ssize_t digit_key;      /* id of "0", or -1 */
} RuleTable;

static void
rule_table_clear(RuleTable *t)
{
    PyMem_Free(t->keys);
    PyMem_Free(t->trigger_start);
    PyMem_Free(t->required_start);
    PyMem_Free(t->trigger_rules);
    PyMem_Free(t->required_rules);
    PyMem_Free(t->always);
    PyMem_Free(t->unrequired);
    PyMem_Free(t->further_start);
    PyMem_Free(t->set_start);
    PyMem_Free(t->set_keys);
    PyMem_Free(t);
}

static void
rule_table_free(PyObject *capsule)
{
    RuleTable *t = PyCapsule_GetPointer(capsule, RULE_TABLE_NAME);
    if (t != NULL) {
        rule_table_clear(t);
    }
}

static Py_ssize_t
key_find(const RuleTable *t, const Py_UCS4 *chars, Py_ssize_t length)
{
    uint64_t hash = gram_hash(chars, length);
    for (size_t slot = hash & t->key_mask;; slot = (slot + 1) & t->key_mask) {
        const KeyEntry *entry = &t->keys[slot];
        if (entry->hash == 0) {
            return -1;
        }
        if (entry->hash == hash && entry->length == length
            && memcmp(entry->chars, chars, length * sizeof(Py_UCS4)) == 0) {
            return entry->id;
        }
    }
}

/* the id of a key string, added when new; -2 on error; -1 for a key no text can have */
static Py_ssize_t
key_id(RuleTable *t, PyObject *key, Py_ssize_t capacity)
{
    if (!PyUnicode_Check(key)) {
        PyErr_SetString(PyExc_TypeError, "index keys are str");
        return -2;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(key);
    if (length == 0 || length > KEY_MAX) {
        return -1;
    }
    Py_UCS4 chars[KEY_MAX] = {0};
    for (Py_ssize_t i = 0; i < length; i++) {
        chars[i] = PyUnicode_READ_CHAR(key, i);
    }
    Py_ssize_t found = key_find(t, chars, length);
    if (found >= 0) {
        return found;
    }
    if (t->key_count >= capacity) {
        PyErr_SetString(PyExc_RuntimeError, "rule table: more keys than counted");
        return -2;
    }
    uint64_t hash = gram_hash(chars, length);
    size_t slot = hash & t->key_mask;
    while (t->keys[slot].hash != 0) {
        slot = (slot + 1) & t->key_mask;
    }
    t->keys[slot].hash = hash;
    memcpy(t->keys[slot].chars, chars, sizeof(chars));
    t->keys[slot].length = length;
    t->keys[slot].id = t->key_count;
    return t->key_count++;
}

static Py_ssize_t *
rule_numbers(PyObject *numbers, Py_ssize_t rule_count, Py_ssize_t *count)
{
    if (!PyTuple_Check(numbers)) {
        PyErr_SetString(PyExc_TypeError, "rule numbers are a tuple");
        return NULL;
    }
    *count = PyTuple_GET_SIZE(numbers);
    Py_ssize_t *out = PyMem_Calloc(*count + 1, sizeof(Py_ssize_t));
    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t k = 0; k < *count; k++) {
        out[k] = PyLong_AsSsize_t(PyTuple_GET_ITEM(numbers, k));
        if ((out[k] == -1 && PyErr_Occurred()) || out[k] < 0 || out[k] >= rule_count) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_IndexError, "rule number out of range");
            }
            PyMem_Free(out);
            return NULL;
        }
    }
    return out;
}

/* fills start (key_count + 1 offsets) and rules from a dict key -> tuple of rule numbers */
static int
fill_key_rules(RuleTable *t, PyObject *by_key, Py_ssize_t **start, Py_ssize_t **rules)
{
    Py_ssize_t total = 0, position = 0;
    PyObject *key, *value;
    while (PyDict_Next(by_key, &position, &key, &value)) {
        if (!PyTuple_Check(value)) {
            PyErr_SetString(PyExc_TypeError, "rule numbers are a tuple");
            return -1;
        }
        total += PyTuple_GET_SIZE(value);
    }
    Py_ssize_t *counts = PyMem_Calloc(t->key_count + 1, sizeof(Py_ssize_t));
    *start = PyMem_Calloc(t->key_count + 1, sizeof(Py_ssize_t));
    *rules = PyMem_Calloc(total + 1, sizeof(Py_ssize_t));
    if (counts == NULL || *start == NULL || *rules == NULL) {
        PyMem_Free(counts);
        PyErr_NoMemory();
        return -1;
    }
    position = 0;
    while (PyDict_Next(by_key, &position, &key, &value)) {
        Py_ssize_t id = key_id(t, key, t->key_count);
        if (id == -2) {
            PyMem_Free(counts);
            return -1;
        }
        if (id >= 0) {
            counts[id] += PyTuple_GET_SIZE(value);
        }
    }
    for (Py_ssize_t id = 0; id < t->key_count; id++) {
        (*start)[id + 1] = (*start)[id] + counts[id];
        counts[id] = (*start)[id]; /* from here: where the next rule of this key goes */
    }
    position = 0;
    while (PyDict_Next(by_key, &position, &key, &value)) {
        Py_ssize_t id = key_id(t, key, t->key_count), count;
        if (id < 0) {
            continue;
        }
        Py_ssize_t *numbers = rule_numbers(value, t->rule_count, &count);
        if (numbers == NULL) {
            PyMem_Free(counts);
            return -1;
        }
        memcpy(*rules + counts[id], numbers, count * sizeof(Py_ssize_t));
        counts[id] += count;
        PyMem_Free(numbers);
    }
    PyMem_Free(counts);
    return 0;
}

/* counts the distinct-ish keys of an index (an upper bound: duplicates counted again) */
static Py_ssize_t
count_keys(PyObject *by_trigger, PyObject *by_required, PyObject *further)
{
    Py_ssize_t count = PyDict_GET_SIZE(by_trigger) + PyDict_GET_SIZE(by_required) + 1;
    for (Py_ssize_t r = 0; r < PyTuple_GET_SIZE(further); r++) {
        PyObject *sets = PyTuple_GET_ITEM(further, r);
        if (!PyTuple_Check(sets)) {
            return -1;
        }
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(sets); k++) {
            PyObject *set = PyTuple_GET_ITEM(sets, k);
            if (!PyAnySet_Check(set)) {
                PyErr_SetString(PyExc_TypeError, "index: further required keys are sets");
                return -1;
            }
            count += PySet_GET_SIZE(set);
        }
    }
    return count;
}

/* rule_table(index: care_layer.RuleIndex) -> an opaque table for candidate_rules */
static PyObject *
rule_table(PyObject *module, PyObject *index)
{
    if (!PyTuple_Check(index) || PyTuple_GET_SIZE(index) != 6) {
        PyErr_SetString(PyExc_TypeError, "rule_table(index: 6-tuple)");
        return NULL;
    }
    PyObject *by_trigger = PyTuple_GET_ITEM(index, 2), *by_required = PyTuple_GET_ITEM(index, 4);
    PyObject *further = PyTuple_GET_ITEM(index, 5);
    RuleTable *t = PyMem_Calloc(1, sizeof(RuleTable));
    if (t == NULL) {
        return PyErr_NoMemory();
    }
    t->rule_count = PyLong_AsSsize_t(PyTuple_GET_ITEM(index, 0));
    Py_ssize_t capacity;
    if ((t->rule_count == -1 && PyErr_Occurred()) || !PyDict_Check(by_trigger)
        || !PyDict_Check(by_required) || !PyTuple_Check(further)
        || PyTuple_GET_SIZE(further) != t->rule_count
        || (capacity = count_keys(by_trigger, by_required, further)) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_TypeError, "index: (count, tuple, dict, tuple, dict, tuple of count)");
        }
        rule_table_clear(t);
        return NULL;
    }
    size_t size = 16;
    while (size < 2 * (size_t)capacity + 1) {
        size <<= 1;
    }
    t->key_mask = size - 1;
    if ((t->keys = PyMem_Calloc(size, sizeof(KeyEntry))) == NULL) {
        rule_table_clear(t);
        return PyErr_NoMemory();
    }
    /* ids for every key: triggers, first required sets, further sets, "0" */
    PyObject *zero = PyUnicode_FromString("0");
    if (zero == NULL) {
        rule_table_clear(t);
        return NULL;
    }
    t->digit_key = key_id(t, zero, capacity);
    Py_DECREF(zero);
    Py_ssize_t position = 0, set_count = 0, set_key_count = 0;
    PyObject *key, *value;
    int failed = t->digit_key == -2;
    while (!failed && PyDict_Next(by_trigger, &position, &key, &value)) {
        failed = key_id(t, key, capacity) == -2;
    }
    position = 0;
    while (!failed && PyDict_Next(by_required, &position, &key, &value)) {
        failed = key_id(t, key, capacity) == -2;
    }
    for (Py_ssize_t r = 0; !failed && r < t->rule_count; r++) {
        PyObject *sets = PyTuple_GET_ITEM(further, r);
        for (Py_ssize_t k = 0; !failed && k < PyTuple_GET_SIZE(sets); k++) {
            PyObject *items = PySequence_List(PyTuple_GET_ITEM(sets, k));
            set_count++;
            for (Py_ssize_t j = 0; items != NULL && !failed && j < PyList_GET_SIZE(items); j++) {
                failed = key_id(t, PyList_GET_ITEM(items, j), capacity) == -2;
                set_key_count++;
            }
            failed = failed || items == NULL;
            Py_XDECREF(items);
        }
    }
    if (failed || fill_key_rules(t, by_trigger, &t->trigger_start, &t->trigger_rules) < 0
        || fill_key_rules(t, by_required, &t->required_start, &t->required_rules) < 0
        || (t->always = rule_numbers(PyTuple_GET_ITEM(index, 1), t->rule_count, &t->always_count)) == NULL
        || (t->unrequired = rule_numbers(PyTuple_GET_ITEM(index, 3), t->rule_count,
                                         &t->unrequired_count)) == NULL) {
        rule_table_clear(t);
        return NULL;
    }
    t->further_start = PyMem_Calloc(t->rule_count + 1, sizeof(Py_ssize_t));
    t->set_start = PyMem_Calloc(set_count + 1, sizeof(Py_ssize_t));
    t->set_keys = PyMem_Calloc(set_key_count + 1, sizeof(Py_ssize_t));
    if (t->further_start == NULL || t->set_start == NULL || t->set_keys == NULL) {
        rule_table_clear(t);
        return PyErr_NoMemory();
    }
    Py_ssize_t set_index = 0, key_index = 0;
    for (Py_ssize_t r = 0; r < t->rule_count; r++) {
        PyObject *sets = PyTuple_GET_ITEM(further, r);
        t->further_start[r] = set_index;
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(sets); k++) {
            PyObject *items = PySequence_List(PyTuple_GET_ITEM(sets, k));
            if (items == NULL) {
                rule_table_clear(t);
                return NULL;
            }
            t->set_start[set_index++] = key_index;
            for (Py_ssize_t j = 0; j < PyList_GET_SIZE(items) && key_index < set_key_count; j++) {
                /* keys of the first pass (no new id: the per-key arrays are sized); -1 is a
                 * key no text can have; -2 only if a set's items changed in between */
                Py_ssize_t id = key_id(t, PyList_GET_ITEM(items, j), t->key_count);
                if (id == -2) {
                    Py_DECREF(items);
                    rule_table_clear(t);
                    return NULL;
                }
                t->set_keys[key_index++] = id;
            }
            Py_DECREF(items);
        }
    }
    t->further_start[t->rule_count] = set_index;
    t->set_start[set_index] = key_index;
    PyObject *capsule = PyCapsule_New(t, RULE_TABLE_NAME, rule_table_free);
    if (capsule == NULL) {
        rule_table_clear(t);
    }
    return capsule;
}

static void
mark_key(const RuleTable *t, Py_ssize_t id, unsigned char *present, unsigned char *triggered,
         unsigned char *met)
{
    if (id < 0 || present[id]) {
        return;
    }
    present[id] = 1;
    for (Py_ssize_t k = t->trigger_start[id]; k < t->trigger_start[id + 1]; k++) {
        triggered[t->trigger_rules[k]] = 1;
    }
    for (Py_ssize_t k = t->required_start[id]; k < t->required_start[id + 1]; k++) {
        met[t->required_rules[k]] = 1;
    }
}

/* candidate_rules with a rule_table: no string is made per token */
static PyObject *
candidate_rules_from_table(PyObject *tokens, PyObject *text, const RuleTable *t)
{
    Py_ssize_t rule_count = t->rule_count;
    unsigned char *flags = PyMem_Calloc(2 * rule_count + t->key_count + 1, 1);
    if (flags == NULL) {
        return PyErr_NoMemory();
    }
    unsigned char *triggered = flags, *met = flags + rule_count, *present = met + rule_count;
    for (Py_ssize_t k = 0; k < t->always_count; k++) {
        triggered[t->always[k]] = 1;
    }
    for (Py_ssize_t k = 0; k < t->unrequired_count; k++) {
        met[t->unrequired[k]] = 1;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(tokens); i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        if (!PyUnicode_Check(token)) {
            PyMem_Free(flags);
            PyErr_SetString(PyExc_TypeError, "tokens are str");
            return NULL;
        }
        Py_ssize_t length = PyUnicode_GET_LENGTH(token);
        int kind = PyUnicode_KIND(token);
        const void *data = PyUnicode_DATA(token);
        Py_UCS4 chars[KEY_MAX];
        Py_ssize_t take = length < KEY_MAX ? length : KEY_MAX;
        for (Py_ssize_t k = 0; k < take; k++) {
            chars[k] = PyUnicode_READ(kind, data, k);
        }
        if (take > 0) {
            mark_key(t, key_find(t, chars, take < 3 ? take : 3), present, triggered, met);
        }
        if (take >= 4) {
            mark_key(t, key_find(t, chars, 4), present, triggered, met);
        }
        if (take == KEY_MAX) {
            mark_key(t, key_find(t, chars, KEY_MAX), present, triggered, met);
        }
    }
    if (t->digit_key >= 0) {
        Py_ssize_t length = PyUnicode_GET_LENGTH(text);
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        for (Py_ssize_t i = 0; i < length; i++) {
            if (Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, i))) {
                mark_key(t, t->digit_key, present, triggered, met);
                break;
            }
        }
    }
    PyObject *out = PyList_New(0);
    for (Py_ssize_t number = 0; out != NULL && number < rule_count; number++) {
        if (!triggered[number] || !met[number]) {
            continue;
        }
        int all_met = 1;
        for (Py_ssize_t set = t->further_start[number]; all_met && set < t->further_start[number + 1]; set++) {
            int found = 0;
            for (Py_ssize_t k = t->set_start[set]; !found && k < t->set_start[set + 1]; k++) {
                found = t->set_keys[k] >= 0 && present[t->set_keys[k]];
            }
            all_met = found;
        }
        if (!all_met) {
            continue;
        }
        PyObject *value = PyLong_FromSsize_t(number);
        if (value == NULL || PyList_Append(out, value) < 0) {
            Py_XDECREF(value);
            Py_CLEAR(out);
            break;
        }
        Py_DECREF(value);
    }
    PyMem_Free(flags);
    return out;
}

/* candidate_rules(tokens, text, table): numbers (ascending) of the care rules whose regex may
 * match `text`, whose tokens these are (care_layer._candidate_rules); `table` is
 * rule_table(care_layer.RuleIndex). */
static PyObject *
candidate_rules(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyList_Check(args[0]) || !PyUnicode_Check(args[1])
        || !PyCapsule_CheckExact(args[2])) {
        PyErr_SetString(PyExc_TypeError,
                        "candidate_rules(tokens: list, text: str, table: rule_table(...))");
        return NULL;
    }
    const RuleTable *table = PyCapsule_GetPointer(args[2], RULE_TABLE_NAME);
    return table == NULL ? NULL : candidate_rules_from_table(args[0], args[1], table);
}

/* first_matches(searches, numbers, text): [(number, match)] for each of `numbers` (in order)
 * whose searches[number](text) is not None (care_layer._first_matches).  A search is Python
 * code that may change the lists: both are re-read at each step, and what is used is held. */
static PyObject *
first_matches(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyList_Check(args[0]) || !PyList_Check(args[1])
        || !PyUnicode_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError,
                        "first_matches(searches: list, numbers: list, text: str)");
        return NULL;
    }
    PyObject *searches = args[0], *numbers = args[1], *text = args[2];
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(numbers); i++) {
        PyObject *number = PyList_GET_ITEM(numbers, i);
        Py_INCREF(number);
        Py_ssize_t n = PyLong_AsSsize_t(number);
        if (n == -1 && PyErr_Occurred()) {
            Py_DECREF(number);
            goto error;
        }
        if (n < 0 || n >= PyList_GET_SIZE(searches)) {
            Py_DECREF(number);
            PyErr_SetString(PyExc_IndexError, "first_matches: rule number out of range");
            goto error;
        }
        PyObject *search = PyList_GET_ITEM(searches, n);
        Py_INCREF(search);
        PyObject *match = PyObject_CallOneArg(search, text);
        Py_DECREF(search);
        if (match == NULL) {
            Py_DECREF(number);
            goto error;
        }
        if (match != Py_None) {
            PyObject *pair = PyTuple_Pack(2, number, match);
            if (pair == NULL || PyList_Append(out, pair) < 0) {
                Py_XDECREF(pair);
                Py_DECREF(match);
                Py_DECREF(number);
                goto error;
            }
            Py_DECREF(pair);
        }
        Py_DECREF(match);
        Py_DECREF(number);
    }
    return out;
error:
    Py_DECREF(out);
    return NULL;
}

/* top_leans(rows, toks, positive, limit): up to `limit` distinct tokens whose model row's
 * reason lean (its third item, a float) pushes the score's way (> 0 when `positive`, < 0
 * otherwise), strongest first, equal leans by token descending (linear_model._top_leans).
 * No Python code runs while the sequences are read: leans must be floats, tokens str. */
static PyObject *
top_leans(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t limit;
    int positive;
    if (nargs != 4 || !(PyList_Check(args[0]) || PyTuple_Check(args[0]))
        || !(PyList_Check(args[1]) || PyTuple_Check(args[1]))
        || (positive = PyObject_IsTrue(args[2])) < 0
        || ((limit = PyLong_AsSsize_t(args[3])) == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError,
                        "top_leans(rows: list, toks: list, positive: bool, limit: int)");
        return NULL;
    }
    PyObject *rows = args[0], *toks = args[1];
    Py_ssize_t n = PySequence_Fast_GET_SIZE(rows);
    if (PySequence_Fast_GET_SIZE(toks) < n) {
        n = PySequence_Fast_GET_SIZE(toks); /* zip() */
    }
    double stack_leans[64];
    Py_ssize_t stack_index[64];
    double *leans = n <= 64 ? stack_leans : PyMem_Malloc(n * sizeof(double));
    Py_ssize_t *index = n <= 64 ? stack_index : PyMem_Malloc(n * sizeof(Py_ssize_t));
    PyObject *picked = PyList_New(0);
    if (leans == NULL || index == NULL || picked == NULL) {
        Py_XDECREF(picked);
        picked = NULL;
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t found = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *row = PySequence_Fast_GET_ITEM(rows, i);
        PyObject *tok = PySequence_Fast_GET_ITEM(toks, i);
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) < 3
            || !PyFloat_Check(PyTuple_GET_ITEM(row, 2)) || !PyUnicode_Check(tok)) {
            PyErr_SetString(PyExc_TypeError, "top_leans: rows are tuples with a float lean, "
                            "toks are str");
            Py_CLEAR(picked);
            goto done;
        }
        double lean = PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(row, 2));
        if (positive ? lean > 0.0 : lean < 0.0) {
            leans[found] = lean;
            index[found++] = i;
        }
    }
    while (PyList_GET_SIZE(picked) < limit) {
        Py_ssize_t best = -1;
        for (Py_ssize_t k = 0; k < found; k++) {
            PyObject *tok = PySequence_Fast_GET_ITEM(toks, index[k]);
            int taken = 0;
            for (Py_ssize_t p = 0; !taken && p < PyList_GET_SIZE(picked); p++) {
                taken = PyUnicode_Compare(tok, PyList_GET_ITEM(picked, p)) == 0;
            }
            if (taken) {
                continue;
            }
            if (best >= 0) {
                double a = leans[k], b = leans[best];
                int stronger = positive ? a > b : a < b;
                if (!stronger && !(a == b && PyUnicode_Compare(
                        tok, PySequence_Fast_GET_ITEM(toks, index[best])) > 0)) {
                    continue;
                }
            }
            best = k;
        }
        if (best < 0) {
            break;
        }
        if (PyList_Append(picked, PySequence_Fast_GET_ITEM(toks, index[best])) < 0) {
            Py_CLEAR(picked);
            goto done;
        }
    }
done:
    if (leans != NULL && leans != stack_leans) {
        PyMem_Free(leans);
    }
    if (index != NULL && index != stack_index) {
        PyMem_Free(index);
    }
    if (picked == NULL) {
        return NULL;
    }
    PyObject *out = PyList_AsTuple(picked);
    Py_DECREF(picked);
    return out;
}

/* ---- complaint detectors (complaint_model.ComplaintModel._sum) ---------------------------- */

/* pair_sum(toks, unigrams, bigrams): the sum of each token's unigram weight and each adjacent
 * pair's bigram weight (bigrams: first token -> {second token: weight}), added in the order of
 * complaint_model._pair_sum: all unigrams, then all pairs.  Tokens and keys are looked up as
 * they are held; a key's own __eq__ may run Python code, so every object used is held. */
static int
add_table_weight(PyObject *table, PyObject *key, double *total)
{
    PyObject *weight = PyDict_GetItemWithError(table, key);
    if (weight == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    Py_INCREF(weight);
    double value = PyFloat_AsDouble(weight);
    Py_DECREF(weight);
    if (value == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    *total += value;
    return 0;
}

static PyObject *
pair_sum(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyList_Check(args[0]) || !PyDict_CheckExact(args[1])
        || !PyDict_CheckExact(args[2])) {
        PyErr_SetString(PyExc_TypeError, "pair_sum(toks: list, unigrams: dict, bigrams: dict)");
        return NULL;
    }
    PyObject *toks = args[0], *unigrams = args[1], *bigrams = args[2];
    double unigram_total = 0.0, pair_total = 0.0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(toks); i++) {
        PyObject *tok = PyList_GET_ITEM(toks, i);
        Py_INCREF(tok);
        int failed = add_table_weight(unigrams, tok, &unigram_total);
        Py_DECREF(tok);
        if (failed) {
            return NULL;
        }
    }
    for (Py_ssize_t i = 0; i + 1 < PyList_GET_SIZE(toks); i++) {
        PyObject *tok = PyList_GET_ITEM(toks, i);
        Py_INCREF(tok);
        PyObject *seconds = PyDict_GetItemWithError(bigrams, tok);
        Py_DECREF(tok);
        if (seconds == NULL) {
            if (PyErr_Occurred()) {
                return NULL;
            }
            continue;
        }
        if (!PyDict_Check(seconds)) {
            PyErr_SetString(PyExc_TypeError, "pair_sum: bigrams must map a token to a dict");
            return NULL;
        }
        if (i + 1 >= PyList_GET_SIZE(toks)) {  /* a key's __eq__ shortened the list */
            break;
        }
        Py_INCREF(seconds);
        PyObject *next = PyList_GET_ITEM(toks, i + 1);
        Py_INCREF(next);
        int failed = add_table_weight(seconds, next, &pair_total);
        Py_DECREF(next);
        Py_DECREF(seconds);
        if (failed) {
            return NULL;
        }
    }
    return PyFloat_FromDouble(unigram_total + pair_total);
}

static PyMethodDef speedups_methods[] = {
    {"split_tokens", (PyCFunction)split_tokens, METH_O,
     "Shorten digit runs and repeats, then split into words and symbols (features.tokens)."},
    {"without_handles_and_links", (PyCFunction)without_handles_and_links, METH_O,
     "The text with each @handle and link replaced by a space (scorer._without_handles)."},
    {"guess_language", (PyCFunction)(void (*)(void))guess_language, METH_FASTCALL,
     "The language whose function words clearly dominate the tokens (stopwords.guess)."},
    {"leaning_language", (PyCFunction)(void (*)(void))leaning_language, METH_FASTCALL,
     "The language with strictly the most function words (stopwords.leaning)."},
    {"gram_weights", (PyCFunction)(void (*)(void))gram_weights, METH_FASTCALL,
     "(sum, count) of a word's character 3- and 4-gram weights."},
    {"gram_table", (PyCFunction)gram_table, METH_O,
     "A compact table of a model's character n-gram weights, for gram_weights and word_row."},
    {"word_row", (PyCFunction)(void (*)(void))word_row, METH_FASTCALL,
     "The model row of one word (linear_model._word_row)."},
    {"word_groups", (PyCFunction)(void (*)(void))word_groups, METH_FASTCALL,
     "Each token's care-layer lexicon group, cached (care_layer.CareLayer._word_groups)."},
    {"vader_words", (PyCFunction)(void (*)(void))vader_words, METH_FASTCALL,
     "VADER's words of a text, lower-cased, and the positions of lexicon words."},
    {"score_words", (PyCFunction)(void (*)(void))score_words, METH_FASTCALL,
     "VADER's valence of each lexicon word (vader_fast.score_words)."},
    {"rule_table", (PyCFunction)rule_table, METH_O,
     "The care layer's rule index as C arrays, for candidate_rules."},
    {"candidate_rules", (PyCFunction)(void (*)(void))candidate_rules, METH_FASTCALL,
     "Numbers of the care rules whose regex may match a text with these tokens."},
    {"first_matches", (PyCFunction)(void (*)(void))first_matches, METH_FASTCALL,
     "(number, match) of each candidate care rule whose regex finds a match in the text."},
    {"top_leans", (PyCFunction)(void (*)(void))top_leans, METH_FASTCALL,
     "The tokens whose model rows lean hardest the score's way (linear_model reasons)."},
    {"sum_rows", (PyCFunction)(void (*)(void))sum_rows, METH_FASTCALL,
     "(sum, feature count, rows) of a token list's cached model rows and bigrams."},
    {"vector_sum", (PyCFunction)(void (*)(void))vector_sum, METH_FASTCALL,
     "(sum, count) of the word-vector rows (5th items, None skipped) of model rows."},
    {"pair_sum", (PyCFunction)(void (*)(void))pair_sum, METH_FASTCALL,
     "Unigram and bigram weights of a token list summed (complaint detectors)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_speedups",
    .m_doc = "Compiled per-token steps of the sentiment scorer.",
    .m_size = -1,
    .m_methods = speedups_methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModule_Create(&speedups_module);
}
