#!/usr/bin/env bash
# Set dlviz up on a Debian/Ubuntu machine, then run the main job or the tests.
#
#   bash bootstrap.sh          set up, then draw the main figure into outputs/
#   bash bootstrap.sh test     set up, then run the checks and the test suite
#
# Idempotent: system packages are installed only when missing, and the virtual
# environment (.venv) is reinstalled only when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

mode=${1:-run}
case "$mode" in
  run | test) ;;
  *) echo "usage: bash bootstrap.sh [run|test]" >&2; exit 2 ;;
esac

say() { printf 'bootstrap: %s\n' "$*" >&2; }

# --------------------------------------------------------------- system packages
# Manim builds against cairo and pango; ffmpeg writes mp4; LaTeX and dvisvgm set
# the formulas in videos; Noto CJK draws Chinese labels (--lang zh).
packages=(libcairo2-dev libpango1.0-dev pkg-config ffmpeg texlive-latex-base
          texlive-latex-extra dvisvgm fonts-noto-cjk fontconfig)
command -v python3 >/dev/null || packages+=(python3)
command -v gcc >/dev/null || packages+=(gcc)
if command -v python3 >/dev/null; then
  python3 -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv)
  python3 - <<'PY' 2>/dev/null || packages+=(python3-dev)
import os, sysconfig
raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))
PY
fi

if command -v dpkg-query >/dev/null; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then
      say "installing system packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      say "system packages are missing; install them with:"
      echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
      say "continuing: figures work without them, videos and Chinese labels may not"
    fi
  fi
else
  say "not a Debian/Ubuntu system: install cairo, pango, pkg-config, ffmpeg, LaTeX," \
      "dvisvgm and a CJK font with your package manager"
fi

# --------------------------------------------------------------- Python environment
python=.venv/bin/python
stamp=.venv/.dlviz-installed
want="$(sha256sum pyproject.toml | cut -d' ' -f1) $(python3 -V 2>&1)"
if [ ! -x "$python" ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing dlviz and its dependencies into .venv"
  "$python" -m pip install -q --disable-pip-version-check --upgrade pip
  "$python" -m pip install -q --disable-pip-version-check -e ".[test]"
  echo "$want" >"$stamp"
fi
export MPLBACKEND=Agg

# --------------------------------------------------------------- the job
if [ "$mode" = run ]; then
  .venv/bin/dlviz optimizers --landscape gabor
  say "done: open the figure above; .venv/bin/dlviz --help lists every topic"
else
  .venv/bin/ruff check --quiet .
  .venv/bin/ruff format --check --quiet .
  exec "$python" -m pytest -q -p no:cacheprovider -n auto
fi
