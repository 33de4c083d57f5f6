# Shared by scripts/dev and scripts/test: idempotent installation steps.

# Debian packages the server and the tests need.
SYSTEM_PACKAGES=(python3-venv)

install_system_packages() {
    local missing=()
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# A virtual environment in .venv with the project installed (editable).
# $1: an optional extra, e.g. "test".
install_python_env() {
    local extra="${1:-}"
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    if [ -n "$extra" ]; then
        .venv/bin/python -m pip install -q -e ".[$extra]"
    else
        .venv/bin/python -m pip install -q -e .
    fi
}
