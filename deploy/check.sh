#!/usr/bin/env bash
# Offline validation of deploy/secpip.yaml (or the template given as $1): cfn-lint (schema, property types,
# intrinsic functions) and checkov (security misconfigurations). Exits non-zero
# on any finding. Needs Python 3 with venv; the tools go into a venv under
# target/ that is reused while deploy/requirements.txt is unchanged.
#
# Offline: neither tool needs an AWS account or an API key. cfn-lint ships its
# resource specs and only downloads new ones with --update-specs (not used).
# checkov would fetch policy metadata and check for a newer release; these
# switches turn both off:
#   BC_SKIP_MAPPING=TRUE / --skip-download   no guideline/mapping download
#   CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE       no "newer checkov" look-up
#   no BC_API_KEY (unset below)              nothing is uploaded
# Deliberate checkov skips live next to the resource in the template
# (Metadata: checkov: skip:) with a one-line reason.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPLATE=${1:-deploy/secpip.yaml}
VENV=target/deploy-venv
# cfn-lint, checkov and every dependency, pinned (see the file's header).
REQUIREMENTS=deploy/requirements.txt
PINS="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
TOOLS="$(grep -E '^(cfn-lint|checkov)==' "$REQUIREMENTS" | paste -sd' ')"

if [[ -x "$VENV/bin/cfn-lint" && -x "$VENV/bin/checkov" \
      && "$(cat "$VENV/.pins" 2>/dev/null)" == "$PINS" ]]; then
    echo "deploy/check.sh: reusing $VENV ($TOOLS)"
else
    echo "deploy/check.sh: creating $VENV ($TOOLS + pinned dependencies)"
    start=$SECONDS
    rm -rf "$VENV"
    mkdir -p target
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$REQUIREMENTS"
    echo "$PINS" >"$VENV/.pins"
    echo "deploy/check.sh: installed in $((SECONDS - start)) s"
fi

unset BC_API_KEY PRISMA_API_URL || true
export BC_SKIP_MAPPING=TRUE
export CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE

status=0
echo "== cfn-lint $TEMPLATE"
"$VENV/bin/cfn-lint" --include-checks I --non-zero-exit-code informational \
    -- "$TEMPLATE" || status=1
echo "== checkov $TEMPLATE"
"$VENV/bin/checkov" -f "$TEMPLATE" --framework cloudformation --quiet --compact \
    --skip-download || status=1

if [[ $status -ne 0 ]]; then
    echo "deploy/check.sh: $TEMPLATE has findings (see above)" >&2
    exit 1
fi
echo "deploy/check.sh: $TEMPLATE passes cfn-lint and checkov"
