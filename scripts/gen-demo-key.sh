#!/bin/sh
# Generates the EXAMPLE OpenPGP key of the demo site (fictional "Acme Networks PSIRT").
#
#   scripts/gen-demo-key.sh            # writes keys/demo-signing-key.asc and static/keys/psirt-public.asc
#
# The key has NO passphrase so that `psirt-site build` works out of the box on a fresh
# checkout. That is only acceptable because it signs nothing real: a production key must
# have a passphrase, must never be committed, and reaches the build through environment
# variables (see docs/signing.md).
#
# Layout (what `gpg --quick-gen-key … future-default` would give a PSIRT): an Ed25519
# primary key that certifies and signs (security.txt, CSAF documents) plus a Curve25519
# subkey that reporters encrypt to. Both expire after two years.
set -eu

cd "$(dirname "$0")/.."

USER_ID='Acme Networks PSIRT (EXAMPLE KEY - DEMO ONLY, NOT FOR REAL USE) <psirt@acme-networks.example>'
COMMENT='EXAMPLE KEY FOR THE DEMO SITE ONLY'
EXPIRY=2y

# A throwaway keyring, so the developer's own ~/.gnupg is never touched.
GNUPGHOME=$(mktemp -d)
export GNUPGHOME
cleanup() {
    gpgconf --kill all 2>/dev/null || true
    rm -rf "$GNUPGHOME"
}
trap cleanup EXIT INT TERM

gpg --batch --pinentry-mode loopback --passphrase '' \
    --quick-gen-key "$USER_ID" ed25519 cert,sign "$EXPIRY"
FPR=$(gpg --with-colons --list-keys "$USER_ID" | awk -F: '/^fpr:/ { print $10; exit }')
gpg --batch --pinentry-mode loopback --passphrase '' \
    --quick-add-key "$FPR" cv25519 encr "$EXPIRY"

mkdir -p keys static/keys
gpg --armor --comment "$COMMENT" --export-secret-keys "$FPR" > keys/demo-signing-key.asc
gpg --armor --comment "$COMMENT" --export "$FPR" > static/keys/psirt-public.asc

echo "demo key $FPR"
echo "  secret: keys/demo-signing-key.asc (no passphrase: DEMO ONLY)"
echo "  public: static/keys/psirt-public.asc"
