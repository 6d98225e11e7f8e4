#!/bin/sh
# The web container's entrypoint: nginx on the site that fits the certificate on disk, proxying
# the API to UPSTREAM, believing X-Forwarded-For only from TRUSTED_PROXY_CIDRS.
#
# One image serves both topologies, so what differs between them is read here, at start:
#   UPSTREAM             the API's host:port. host topology: service:8080 (the Docker network
#                        alias, the default); cluster: 127.0.0.1:8081 (the task's shared namespace).
#   TRUSTED_PROXY_CIDRS  space-separated networks whose X-Forwarded-For names the client (the
#                        cluster's VPC, where the ALB lives). Empty, the default: nginx is the edge.
# nginx.render writes the same files for the local stack (upstream_conf, real_ip_conf).
#
# Until the certificate and key exist, nginx serves plain HTTP with the ACME challenge path
# open, so the ACME client (the certbot container) can prove the domain. A watcher then checks
# the pair every CERT_CHECK_SECONDS; when it appears or is renewed, the watcher switches to the
# TLS site and reloads nginx, which re-reads the files. The image renders both sites at build
# time (nginx.render --start-dir), so it starts with or without a certificate.
# -f: TRUSTED_PROXY_CIDRS is split on spaces, never expanded as a file pattern.
set -euf

: "${FRONT_CONF_DIR:=/etc/nginx/front}"
: "${FRONT_START_DIR:=/tmp/front}"
: "${UPSTREAM:=service:8080}"
: "${TRUSTED_PROXY_CIDRS:=}"
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

refuse() {
    echo "front: $1" >&2
    exit 64
}

# Each value lands inside an nginx directive: refuse anything that could end it and start another.
write_start_settings() {
    case "$UPSTREAM" in
        *[!A-Za-z0-9.:_-]* | *:*:*) refuse "UPSTREAM must be host:port, got '$UPSTREAM'" ;;
        ?*:[0-9]*) ;;
        *) refuse "UPSTREAM must be host:port, got '$UPSTREAM'" ;;
    esac
    mkdir -p "$FRONT_START_DIR"
    printf 'server %s;\n' "$UPSTREAM" > "$FRONT_START_DIR/upstream.conf"
    real_ip="$FRONT_START_DIR/real-ip.conf"
    if [ -z "$TRUSTED_PROXY_CIDRS" ]; then
        printf '%s\n' "# No trusted proxy: nginx is the edge, the peer's address is the client's." \
            'map $scheme $front_proxied_https {' '    default "";' '}' > "$real_ip"
        return
    fi
    for cidr in $TRUSTED_PROXY_CIDRS; do
        case "$cidr" in
            *[!0-9A-Fa-f.:/]* | */*/*) refuse "TRUSTED_PROXY_CIDRS: '$cidr' is not a network (address/prefix)" ;;
            ?*/[0-9]*) ;;
            *) refuse "TRUSTED_PROXY_CIDRS: '$cidr' is not a network (address/prefix)" ;;
        esac
    done
    {
        for cidr in $TRUSTED_PROXY_CIDRS; do printf 'set_real_ip_from %s;\n' "$cidr"; done
        printf '%s\n' 'real_ip_header X-Forwarded-For;' 'real_ip_recursive on;'
        # TLS ended at a trusted proxy when it says so; anyone else's X-Forwarded-Proto is ignored.
        printf '%s\n' 'geo $realip_remote_addr $front_from_trusted_proxy {' '    default 0;'
        for cidr in $TRUSTED_PROXY_CIDRS; do printf '    %s 1;\n' "$cidr"; done
        printf '%s\n' '}' 'map "$front_from_trusted_proxy:$http_x_forwarded_proto" $front_proxied_https {' \
            '    "1:https" on;' '    default "";' '}'
    } > "$real_ip"
}

choose_site() {
    if [ -s "$TLS_CERT" ] && [ -s "$TLS_KEY" ]; then site=site-tls.conf; else site=site-http.conf; fi
    cp "$FRONT_CONF_DIR/$site" "$FRONT_START_DIR/site.conf.new"
    mv "$FRONT_START_DIR/site.conf.new" "$FRONT_START_DIR/site.conf"
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

write_start_settings
choose_site
watch_certificate &
exec "$NGINX_BIN" -e stderr -c "$FRONT_CONF_DIR/nginx.conf" -g "daemon off;"
