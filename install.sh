#!/usr/bin/env bash
# Builds secpip and installs the binary, shell completions and man page.
#   ./install.sh            # into ~/.local
#   PREFIX=/usr/local ./install.sh
set -euo pipefail
cd "$(dirname "$0")"
PREFIX="${PREFIX:-$HOME/.local}"

cargo build --release --locked
install -Dm755 target/release/secpip "$PREFIX/bin/secpip"
install -Dm644 completions/secpip.bash "$PREFIX/share/bash-completion/completions/secpip"
install -Dm644 completions/_secpip "$PREFIX/share/zsh/site-functions/_secpip"
install -Dm644 completions/secpip.fish "$PREFIX/share/fish/vendor_completions.d/secpip.fish"
install -Dm644 man/secpip.1 "$PREFIX/share/man/man1/secpip.1"
echo "installed secpip to $PREFIX/bin/secpip"
case ":$PATH:" in *":$PREFIX/bin:"*) ;; *) echo "note: add $PREFIX/bin to PATH";; esac
