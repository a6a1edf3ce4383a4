# Sourced by example.sh and test.sh: create ./.venv with Python >= 3.11 and install eventdesk.
# PYTHON picks the interpreter (default: python3.11 if present, else python3).
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "eventdesk needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2; exit 2; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch is pinned to the CPU build (2.13.0) before anything can pull a CUDA build.
.venv/bin/python -m pip install -q "torch==2.13.0"
.venv/bin/python -m pip install -q -e ".[${EVENTDESK_EXTRAS:-embed}]"
