# Shared by scripts/dev and scripts/test: idempotent installation steps.

# Debian packages the server needs (a CJK font reportlab can embed in the case PDF), and
# those only the tests need (a browser that renders Chinese, a PostgreSQL server, coturn).
SYSTEM_PACKAGES=(python3-venv fonts-wqy-microhei)
TEST_SYSTEM_PACKAGES=(chromium fonts-noto-cjk postgresql coturn)

# $@: extra packages beyond SYSTEM_PACKAGES.
install_system_packages() {
    local missing=()
    # node and npm install the browser client's dependencies (web_client/package.json).
    command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
    for pkg in "${SYSTEM_PACKAGES[@]}" "$@"; do
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

# The browser client's npm dependencies, exactly as web_client/package-lock.json pins them.
install_web_client() {
    if [ ! -d web_client/node_modules ] || [ web_client/package-lock.json -nt web_client/node_modules ]; then
        (cd web_client && npm ci --no-audit --no-fund --loglevel=error)
    fi
}
