#!/usr/bin/env bash
# Builds a CPython whose reference counts are all atomic: the GIL build,
# with every count change on a mortal object made a locked read-modify-write
# (`lock xadd` on x86-64). That is the gilectomy's way of counting, in a real
# interpreter, so its single-thread cost can be set beside the simulator's
# (`gil-sim gilectomy --python-atomic PREFIX/bin/python3.13`).
#
# Usage: build_atomic_cpython.sh CPYTHON_3_13_SOURCE_DIR PREFIX
# The source tree is edited in place: use a fresh copy. Tested with 3.13.5.
set -euo pipefail
src=${1:?usage: $0 CPYTHON_SOURCE_DIR PREFIX}
prefix=${2:?usage: $0 CPYTHON_SOURCE_DIR PREFIX}
cd "$src"

python3 - <<'EOF'
import sys

# (file, what the GIL build does, the atomic replacement): each must occur
# exactly once, or this is not the source this script knows.
EDITS = [
    ("Include/object.h",
     "    op->ob_refcnt_split[PY_BIG_ENDIAN] = new_refcnt;\n#else",
     "    (void)new_refcnt;\n"
     "    __atomic_add_fetch(&op->ob_refcnt_split[PY_BIG_ENDIAN], 1, __ATOMIC_RELAXED);\n#else"),
    ("Include/object.h",
     "    _Py_DECREF_STAT_INC();\n    if (--op->ob_refcnt == 0) {\n        _Py_Dealloc(op);\n    }\n}\n"
     "#define Py_DECREF(op) Py_DECREF(_PyObject_CAST(op))\n#endif",
     "    _Py_DECREF_STAT_INC();\n"
     "    if (__atomic_sub_fetch(&op->ob_refcnt, 1, __ATOMIC_RELAXED) == 0) {\n"
     "        _Py_Dealloc(op);\n    }\n}\n"
     "#define Py_DECREF(op) Py_DECREF(_PyObject_CAST(op))\n#endif"),
    ("Include/internal/pycore_object.h",
     "#if !defined(Py_GIL_DISABLED)\n    op->ob_refcnt += n;",
     "#if !defined(Py_GIL_DISABLED)\n    __atomic_add_fetch(&op->ob_refcnt, n, __ATOMIC_RELAXED);"),
    ("Include/internal/pycore_object.h",
     "    if (--op->ob_refcnt != 0) {",
     "    if (__atomic_sub_fetch(&op->ob_refcnt, 1, __ATOMIC_RELAXED) != 0) {"),
    ("Include/internal/pycore_object.h",
     "    op->ob_refcnt--;\n#ifdef Py_DEBUG",
     "    __atomic_sub_fetch(&op->ob_refcnt, 1, __ATOMIC_RELAXED);\n#ifdef Py_DEBUG"),
    # The interpreter loop's own Py_DECREF and _Py_DECREF_SPECIALIZED macros.
    ("Python/ceval.c",
     "        if (--op->ob_refcnt == 0) { \\\n            _PyReftracerTrack(op, PyRefTracer_DESTROY); \\\n"
     "            destructor dealloc",
     "        if (__atomic_sub_fetch(&op->ob_refcnt, 1, __ATOMIC_RELAXED) == 0) { \\\n"
     "            _PyReftracerTrack(op, PyRefTracer_DESTROY); \\\n            destructor dealloc"),
    ("Python/ceval.c",
     "        if (--op->ob_refcnt == 0) { \\\n            _PyReftracerTrack(op, PyRefTracer_DESTROY); \\\n"
     "            destructor d =",
     "        if (__atomic_sub_fetch(&op->ob_refcnt, 1, __ATOMIC_RELAXED) == 0) { \\\n"
     "            _PyReftracerTrack(op, PyRefTracer_DESTROY); \\\n            destructor d ="),
]
for path, old, new in EDITS:
    text = open(path).read()
    if text.count(old) != 1:
        sys.exit("%s: expected the GIL build's count change exactly once, found %d "
                 "(not a CPython 3.13 source tree, or already edited)" % (path, text.count(old)))
    open(path, "w").write(text.replace(old, new))
print("made every reference count change atomic (%d places)" % len(EDITS))
EOF

./configure --prefix="$prefix" --quiet
make -j"$(nproc)" --silent
make altinstall --silent >/dev/null
# The evaluation loop must now contain locked instructions (x86-64 only).
if command -v objdump >/dev/null && [ "$(uname -m)" = x86_64 ]; then
    locked=$(objdump -d --no-show-raw-insn "$prefix"/bin/python3.* 2>/dev/null |
        awk '/<_PyEval_EvalFrameDefault>:/{p=1;next} p&&/^$/{exit} p' | grep -c 'lock ' || true)
    echo "locked instructions in the evaluation loop: $locked"
fi
