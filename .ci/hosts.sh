#!/usr/bin/env bash
# The host configuration, proven on real servers: serves a built site with Debian's nginx (the
# server block of docs/deployment.md, taken from the doc so that the doc is what is tested) and
# Debian's Apache httpd (the generated .htaccess, AllowOverride All, mod_headers), both on
# loopback ports, then requests every file of the site from both and compares Content-Type and
# Access-Control-Allow-Origin with psirt-site's own table (the `hosts` test of tests/serve.rs).
#
# Usage: .ci/hosts.sh OUTPUT_DIR   (a folder written by `psirt-site build`)
# Installs nginx and apache2 with apt-get when missing (as root, or through sudo). Without
# apt-get it skips, except in CI (CI=true), where it fails.
set -euo pipefail

OUT=${1:?usage: .ci/hosts.sh OUTPUT_DIR}
[ -f "$OUT/index.html" ] || { echo "hosts: $OUT is not a built site (no index.html)"; exit 1; }
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DOC=docs/deployment.md
NGINX=/usr/sbin/nginx
APACHE=/usr/sbin/apache2
# The user the servers' workers run as (both packages use it; it exists on every Debian).
WORKER_USER=www-data

install_servers() {
    if [ -x "$NGINX" ] && [ -x "$APACHE" ]; then
        return 0
    fi
    if ! command -v apt-get >/dev/null; then
        if [ "${CI:-}" = true ]; then
            echo "hosts: nginx and apache2 are needed and apt-get is not available"
            exit 1
        fi
        echo "hosts: SKIPPED (no apt-get to install nginx and apache2; CI runs this check)"
        exit 0
    fi
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "hosts: installing nginx and apache2"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends nginx apache2 >/dev/null
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The ```nginx block of the deployment guide, listening on loopback instead of 443 with TLS.
nginx_server_block() {
    local port=$1 root=$2 block
    block=$(awk '/^```nginx$/ { inside = 1; next } inside && /^```$/ { exit } inside { print }' "$DOC")
    for line in 'listen 443 ssl;' 'ssl_certificate ' 'ssl_certificate_key ' 'root /srv/psirt-site/public;'; do
        grep -qF "$line" <<<"$block" || { echo "hosts: $DOC's nginx block has no '$line'" >&2; return 1; }
    done
    sed -e "s|listen 443 ssl;|listen 127.0.0.1:$port;|" \
        -e '/^[[:space:]]*ssl_certificate/d' \
        -e "s|root /srv/psirt-site/public;|root $root;|" <<<"$block"
}

write_nginx_conf() { # DIR PORT ROOT
    local dir=$1
    mkdir -p "$dir"
    {
        cat <<EOF
user $WORKER_USER;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
EOF
        nginx_server_block "$2" "$3"
        echo "}"
    } >"$dir/nginx.conf"
}

# Debian's default modules (mods-enabled) plus mod_headers, one virtual host whose folder
# allows every override. Nothing else: the .htaccess must keep itself from being served.
write_apache_conf() { # DIR PORT ROOT
    local dir=$1
    mkdir -p "$dir"
    cat >"$dir/httpd.conf" <<EOF
ServerRoot $dir
DefaultRuntimeDir $dir
PidFile $dir/httpd.pid
ErrorLog $dir/error.log
LogLevel warn
User $WORKER_USER
Group $WORKER_USER
ServerName 127.0.0.1
Listen 127.0.0.1:$2
IncludeOptional /etc/apache2/mods-enabled/*.load
IncludeOptional /etc/apache2/mods-enabled/*.conf
<IfModule !mod_headers.c>
    LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
</IfModule>
<Directory />
    AllowOverride None
    Require all denied
</Directory>
DocumentRoot $3
<Directory $3>
    Options FollowSymLinks
    AllowOverride All
    Require all granted
</Directory>
EOF
}

wait_for_port() { # NAME PORT PID
    local tries=0
    until (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; do
        kill -0 "$3" 2>/dev/null || { echo "hosts: $1 exited at start"; return 1; }
        tries=$((tries + 1))
        [ "$tries" -lt 100 ] || { echo "hosts: $1 does not listen on port $2 after 10 s"; return 1; }
        sleep 0.1
    done
}

install_servers
echo "hosts: $("$NGINX" -v 2>&1), $("$APACHE" -v | head -n 1)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/psirt-site-hosts.XXXXXX")
PIDS=()
stop_servers() {
    local rc=$?
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ "$rc" -ne 0 ]; then
        for log in "$WORK"/nginx/error.log "$WORK"/apache/error.log; do
            [ -s "$log" ] && { echo "--- $log"; tail -n 20 "$log"; }
        done
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap stop_servers EXIT

# A copy the servers' workers may read (CI's artifact folder is private to its owner).
chmod 755 "$WORK"
SITE=$WORK/site
cp -a "$OUT" "$SITE"
chmod -R a+rX "$SITE"

NGINX_PORT=$(free_port)
APACHE_PORT=$(free_port)
write_nginx_conf "$WORK/nginx" "$NGINX_PORT" "$SITE"
write_apache_conf "$WORK/apache" "$APACHE_PORT" "$SITE"
NGINX_ARGS=(-e "$WORK/nginx/error.log" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf")
"$NGINX" "${NGINX_ARGS[@]}" -t -q
"$APACHE" -d "$WORK/apache" -f "$WORK/apache/httpd.conf" -t
"$NGINX" "${NGINX_ARGS[@]}" -g 'daemon off;' &
PIDS+=($!)
wait_for_port nginx "$NGINX_PORT" "${PIDS[-1]}"
"$APACHE" -d "$WORK/apache" -f "$WORK/apache/httpd.conf" -DFOREGROUND &
PIDS+=($!)
wait_for_port apache "$APACHE_PORT" "${PIDS[-1]}"
echo "hosts: nginx on 127.0.0.1:$NGINX_PORT, apache on 127.0.0.1:$APACHE_PORT, serving a copy of $OUT"

export PSIRT_SITE_HOSTS="nginx=http://127.0.0.1:$NGINX_PORT apache=http://127.0.0.1:$APACHE_PORT"
export PSIRT_SITE_HOSTS_OUTPUT=$SITE
LOG=$WORK/test.log
cargo test --quiet --test main serve::hosts:: -- --nocapture 2>&1 | tee "$LOG"
# A filter that matched nothing would pass silently: the test prints what it checked.
grep -q 'hosts: checked ' "$LOG" || { echo "hosts: the hosts test did not run"; exit 1; }
