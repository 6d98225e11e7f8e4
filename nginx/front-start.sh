#!/bin/sh
# The web container's entrypoint: nginx on the site that fits the certificate on disk.
#
# Until the certificate and key exist, nginx serves plain HTTP with the ACME challenge path
# open, so the ACME client (the certbot container) can prove the domain. A watcher then checks
# the pair every CERT_CHECK_SECONDS; when it appears or is renewed, the watcher switches to the
# TLS site and reloads nginx, which re-reads the files. The image renders both sites at build
# time (nginx.render --site-conf), so it starts with or without a certificate.
set -eu

: "${FRONT_CONF_DIR:=/etc/nginx/front}"
: "${FRONT_SITE_CONF:=/tmp/front/site.conf}"
: "${TLS_CERT:=/etc/nginx/tls/fullchain.pem}"
: "${TLS_KEY:=/etc/nginx/tls/privkey.pem}"
: "${CERT_CHECK_SECONDS:=60}"
: "${NGINX_BIN:=nginx}"

front_nginx() {
    # -e stderr: messages before the config's error_log is open must not need /var/log.
    "$NGINX_BIN" -e stderr -c "$FRONT_CONF_DIR/nginx.conf" "$@"
}

certificate_state() {
    cat "$TLS_CERT" "$TLS_KEY" 2>/dev/null | cksum
}

choose_site() {
    if [ -s "$TLS_CERT" ] && [ -s "$TLS_KEY" ]; then site=site-tls.conf; else site=site-http.conf; fi
    mkdir -p "$(dirname "$FRONT_SITE_CONF")"
    cp "$FRONT_CONF_DIR/$site" "$FRONT_SITE_CONF.new"
    mv "$FRONT_SITE_CONF.new" "$FRONT_SITE_CONF"
    echo "front: serving $site" >&2
}

watch_certificate() {
    seen=$(certificate_state)
    # $$ is nginx's PID after the exec below: the watcher ends with it.
    while sleep "$CERT_CHECK_SECONDS" && kill -0 "$$" 2>/dev/null; do
        current=$(certificate_state)
        [ "$current" = "$seen" ] && continue
        choose_site
        # A pair caught half-written fails the check: nginx keeps its loaded config and the
        # next pass tries again.
        if front_nginx -t -q && front_nginx -s reload; then seen=$current; fi
    done
}

choose_site
watch_certificate &
exec "$NGINX_BIN" -e stderr -c "$FRONT_CONF_DIR/nginx.conf" -g "daemon off;"
