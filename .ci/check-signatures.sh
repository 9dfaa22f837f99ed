#!/usr/bin/env bash
# Checks the signatures and hashes of a built psirt-site output with the standard tools:
#   - every OpenPGP detached signature (*.asc holding a PGP SIGNATURE) verifies with gpg against
#     the file it sits next to, with only the site's published key(s) in a throwaway keyring:
#     <out>/pgp-key.asc and the public_openpgp_keys of the CSAF provider-metadata.json;
#   - every fingerprint that provider-metadata.json announces is in those published keys;
#   - .well-known/security.txt is cleartext-signed and verifies (when the site signs at all);
#   - every *.sha256 / *.sha512 passes `sha256sum -c` / `sha512sum -c` run in its folder.
#
# usage: .ci/check-signatures.sh <output-dir>
set -euo pipefail

out=$(cd "${1:?usage: check-signatures.sh <output-dir>}" && pwd)
failed=0
fail() {
    echo "FAIL $*"
    failed=$((failed + 1))
}

# --- hashes -------------------------------------------------------------------------------
hashes=0
while IFS= read -r -d '' sum; do
    hashes=$((hashes + 1))
    case "$sum" in
        *.sha256) tool=sha256sum ;;
        *) tool=sha512sum ;;
    esac
    if msg=$(cd "$(dirname "$sum")" && "$tool" --check --strict "$(basename "$sum")" 2>&1); then
        echo "ok   ${sum#"$out"/}"
    else
        fail "${sum#"$out"/}: $msg"
    fi
done < <(find "$out" -type f \( -name '*.sha256' -o -name '*.sha512' \) -print0 | sort -z)
echo "hashes: $hashes checked"

# --- signatures ---------------------------------------------------------------------------
sigs=()
while IFS= read -r -d '' f; do
    if grep -q -- '-----BEGIN PGP SIGNATURE-----' "$f"; then
        sigs+=("$f")
    elif ! grep -q -- '-----BEGIN PGP PUBLIC KEY BLOCK-----' "$f"; then
        fail "${f#"$out"/}: an .asc file that is neither a signature nor a public key"
    fi
done < <(find "$out" -type f -name '*.asc' -print0 | sort -z)

if [ "${#sigs[@]}" -eq 0 ]; then
    echo
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "!!! SIGNATURES NOT CHECKED: the site has no OpenPGP signature (.asc) files at all."
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo
else
    GNUPGHOME=$(mktemp -d)
    export GNUPGHOME
    trap 'gpgconf --kill all >/dev/null 2>&1 || true; rm -rf "$GNUPGHOME"' EXIT

    # The published keys: pgp-key.asc, and the keys provider-metadata.json links to (a URL's
    # path is a file of the output, the site being served at its domain's root).
    meta="$out/.well-known/csaf/provider-metadata.json"
    keys=()
    announced=()
    [ -f "$out/pgp-key.asc" ] && keys+=("$out/pgp-key.asc")
    if [ -f "$meta" ]; then
        while IFS=$'\t' read -r fpr path; do
            announced+=("$fpr")
            if [ -f "$out$path" ]; then
                keys+=("$out$path")
            else
                fail "provider-metadata.json links key $fpr to $path, which is not in the output"
            fi
        done < <(python3 -c '
import json, sys, urllib.parse
for k in json.load(open(sys.argv[1])).get("public_openpgp_keys", []):
    print(k.get("fingerprint", "").upper(), urllib.parse.urlsplit(k.get("url", "")).path, sep="\t")
' "$meta")
    fi
    if [ "${#keys[@]}" -eq 0 ]; then
        fail "the site has signatures but publishes no key (no pgp-key.asc, no public_openpgp_keys file)"
    fi
    for k in "${keys[@]}"; do
        if gpg --batch --quiet --import "$k" 2>/dev/null; then
            echo "key  ${k#"$out"/}"
        else
            fail "${k#"$out"/}: gpg cannot import it"
        fi
    done
    have=$(gpg --batch --with-colons --list-keys 2>/dev/null | awk -F: '$1 == "fpr" { print $10 }')
    for fpr in "${announced[@]}"; do
        grep -qx "$fpr" <<<"$have" || fail "provider-metadata.json announces key $fpr, which the published keys do not contain"
    done

    verify() { # verify <signature or signed file> [<data file>]
        local status
        if status=$(gpg --batch --status-fd 1 --verify "$@" 2>&1) && grep -q '^\[GNUPG:\] GOODSIG' <<<"$status"; then
            echo "ok   ${1#"$out"/} ($(awk '$2 == "VALIDSIG" { print $3; exit }' <<<"$status"))"
        else
            fail "${1#"$out"/}:"
            grep -v '^\[GNUPG:\]' <<<"$status" | sed 's/^/       /'
        fi
    }
    for sig in "${sigs[@]}"; do
        if [ -f "${sig%.asc}" ]; then
            verify "$sig" "${sig%.asc}"
        else
            fail "${sig#"$out"/}: signs ${sig%.asc}, which is not in the output"
        fi
    done
    sectxt="$out/.well-known/security.txt"
    if [ ! -f "$sectxt" ]; then
        fail ".well-known/security.txt: missing"
    elif head -n 1 "$sectxt" | grep -q -- '^-----BEGIN PGP SIGNED MESSAGE-----'; then
        verify "$sectxt"
    else
        fail ".well-known/security.txt: not cleartext-signed although the site signs its other files"
    fi
    echo "signatures: ${#sigs[@]} detached + security.txt checked with ${#keys[@]} published key file(s)"
fi

if [ "$failed" -ne 0 ]; then
    echo "signatures and hashes: $failed problem(s)"
    exit 1
fi
echo "signatures and hashes: ok"
