#!/usr/bin/env bash
# Installs what building and testing need, when missing: the C libraries (Debian packages) and a Python
# virtual environment (.venv) with the independent tools the tests compare against (Pillow, NumPy, OpenCV).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(pkg-config libturbojpeg0-dev libpng-dev libopenblas-dev curl unzip wrk)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

venv=$root/.venv
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$root/scripts/requirements.txt" "$venv/requirements.txt"; then
    echo "setting up $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$root/scripts/requirements.txt"
    cp "$root/scripts/requirements.txt" "$venv/requirements.txt"
fi
