/* Compiled per-token steps of the scorer (optional: the scorer falls back to the pure-Python
 * code in features.py and linear_model.py, which gives identical results; tests compare both).
 *
 * split_tokens(text)           features.tokens' last two steps: digit runs -> "0", a character
 *                              repeated 4+ times -> 3 times, then the words and single symbols
 *                              of r"\w+|[^\w\s]" (Python's own Unicode tables, as `re` uses).
 * gram_weights(tok, grams)     sum of the weights of the padded word's character 3- and 4-grams
 *                              (linear_model._word_row's order) and their number.
 * sum_rows(toks, cache, make_row)
 *                              a text's model sum: every token's cached row (make_row(tok) for
 *                              a word not cached), then each adjacent pair's bigram weight, in
 *                              the order the Python code adds them, so the floats are equal.
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

static PyObject *
gram_weights(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "gram_weights(tok: str, grams: dict)");
        return NULL;
    }
    PyObject *tok = args[0], *grams = args[1];
    Py_ssize_t length = PyUnicode_GET_LENGTH(tok);
    int kind = PyUnicode_KIND(tok);
    const void *data = PyUnicode_DATA(tok);
    Py_ssize_t padded_length = length + 2;
    Py_UCS4 *padded = PyMem_Malloc(padded_length * sizeof(Py_UCS4));
    if (padded == NULL) {
        return PyErr_NoMemory();
    }
    padded[0] = ' ';
    for (Py_ssize_t i = 0; i < length; i++) {
        padded[i + 1] = PyUnicode_READ(kind, data, i);
    }
    padded[padded_length - 1] = ' ';
    Py_complex sum = {0.0, 0.0};
    Py_ssize_t count = 0;
    for (Py_ssize_t size = 3; size <= 4; size++) { /* features.CHAR_NGRAMS */
        for (Py_ssize_t start = 0; start + size <= padded_length; start++) {
            PyObject *gram = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, padded + start, size);
            if (gram == NULL) {
                PyMem_Free(padded);
                return NULL;
            }
            PyObject *weight = PyDict_GetItemWithError(grams, gram);
            Py_DECREF(gram);
            count++;
            if (weight == NULL) {
                if (PyErr_Occurred()) {
                    PyMem_Free(padded);
                    return NULL;
                }
                sum.real += 0.0; /* Python adds 0j for an unknown gram */
                sum.imag += 0.0;
                continue;
            }
            if (add_weight(&sum, weight) < 0) {
                PyMem_Free(padded);
                return NULL;
            }
        }
    }
    PyMem_Free(padded);
    return Py_BuildValue("(Dn)", &sum, count);
}

static PyObject *
sum_rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyList_Check(args[0]) || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "sum_rows(toks: list, cache: dict, make_row)");
        return NULL;
    }
    PyObject *toks = args[0], *cache = args[1], *make_row = args[2];
    Py_ssize_t n = PyList_GET_SIZE(toks);
    PyObject *rows = PyList_New(n);
    if (rows == NULL) {
        return NULL;
    }
    Py_complex sum = {0.0, 0.0};
    Py_ssize_t count = n > 0 ? n - 1 : 0; /* one bigram feature per adjacent pair */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *tok = PyList_GET_ITEM(toks, i);
        PyObject *row = PyDict_GetItemWithError(cache, tok);
        if (row != NULL) {
            Py_INCREF(row);
        }
        else if (PyErr_Occurred()) {
            goto fail;
        }
        else if ((row = PyObject_CallOneArg(make_row, tok)) == NULL) {
            goto fail;
        }
        PyList_SET_ITEM(rows, i, row);
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != 4) {
            PyErr_SetString(PyExc_TypeError, "a model row is a 4-tuple");
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
        PyObject *weight = PyDict_GetItemWithError(pairs, PyList_GET_ITEM(toks, i + 1));
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

static PyMethodDef speedups_methods[] = {
    {"split_tokens", (PyCFunction)split_tokens, METH_O,
     "Shorten digit runs and repeats, then split into words and symbols (features.tokens)."},
    {"gram_weights", (PyCFunction)(void (*)(void))gram_weights, METH_FASTCALL,
     "(sum, count) of a word's character 3- and 4-gram weights."},
    {"sum_rows", (PyCFunction)(void (*)(void))sum_rows, METH_FASTCALL,
     "(sum, feature count, rows) of a token list's cached model rows and bigrams."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT, "_speedups", "Compiled per-token steps of the sentiment scorer.", -1,
    speedups_methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModule_Create(&speedups_module);
}
