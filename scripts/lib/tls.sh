# shellcheck shell=bash
# The local certificate authority of `./vmpulse up`: a CA made once under DIR (by
# default $VMPULSE_STATE_DIR/tls) and a server certificate it signs for the local
# ingress (127.0.0.1 and localhost), all with the openssl command-line tool.
#
#   tls_ensure DIR   create what is missing in DIR: ca.pem (0644, what clients trust),
#                    ca.key (0600), server.pem (0644) and
#                    server.key (0600); a server certificate that expires within 30 days,
#                    or that another CA signed, is made again. Prints nothing.
#
# The CA key never leaves DIR; clients (the agent, curl, wrk) need only ca.pem.

# Lifetimes: the CA for ten years, so agents configured with ca.pem keep working; the
# server certificate for 397 days, the longest browsers accept.
TLS_CA_DAYS=3650
TLS_SERVER_DAYS=397

tls_ensure() {
  local dir="$1"
  mkdir -p "$dir"
  chmod 755 "$dir"
  if [[ ! -s "$dir/ca.pem" || ! -s "$dir/ca.key" ]]; then
    _tls_make_ca "$dir" || return 1
  fi
  if [[ ! -s "$dir/server.pem" || ! -s "$dir/server.key" ]] ||
    ! openssl x509 -in "$dir/server.pem" -noout -checkend $((30 * 86400)) >/dev/null 2>&1 ||
    ! openssl verify -CAfile "$dir/ca.pem" "$dir/server.pem" >/dev/null 2>&1; then
    _tls_make_server "$dir" || return 1
  fi
  # Modes are set every time: a copy or an unpack may have changed them.
  chmod 600 "$dir/ca.key" "$dir/server.key"
  chmod 644 "$dir/ca.pem" "$dir/server.pem"
}

# EC P-256: as strong as RSA-3072 for a fraction of the handshake's CPU.
_tls_make_ca() {
  local dir="$1"
  (
    umask 077
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key.new" 2>/dev/null &&
      openssl req -x509 -new -key "$dir/ca.key.new" -sha256 -days "$TLS_CA_DAYS" \
        -subj "/CN=vmpulse local CA ($(hostname -s 2>/dev/null || echo local))" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$dir/ca.pem.new" 2>"$dir/openssl.log"
  ) || {
    echo "could not create the local CA in $dir: $(cat "$dir/openssl.log" 2>/dev/null)" >&2
    return 1
  }
  mv "$dir/ca.key.new" "$dir/ca.key"
  mv "$dir/ca.pem.new" "$dir/ca.pem"
  # A new CA invalidates any server certificate signed by the old one.
  rm -f "$dir/server.pem" "$dir/server.key"
}

_tls_make_server() {
  local dir="$1"
  (
    umask 077
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/server.key.new" 2>/dev/null &&
      openssl req -new -key "$dir/server.key.new" -subj "/CN=localhost" -out "$dir/server.csr" 2>"$dir/openssl.log" &&
      printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >"$dir/server.ext" &&
      openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
        -CAserial "$dir/ca.srl" -sha256 -days "$TLS_SERVER_DAYS" -extfile "$dir/server.ext" \
        -out "$dir/server.crt.new" 2>>"$dir/openssl.log"
  ) || {
    echo "could not create the ingress certificate in $dir: $(cat "$dir/openssl.log" 2>/dev/null)" >&2
    return 1
  }
  mv "$dir/server.crt.new" "$dir/server.pem"
  mv "$dir/server.key.new" "$dir/server.key"
  rm -f "$dir/server.csr" "$dir/server.ext"
}
